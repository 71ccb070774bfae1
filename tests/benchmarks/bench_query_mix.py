"""Query speed over issue 13's mix: names, pasted sentences, traditional and Taiwan words, common
words, symbols and spacing, pinyin; fresh `searcher query` processes and warm searches alike.

    python tests/benchmarks/bench_query_mix.py --index /tmp/laws-10mb [--build] [--max-mb 10]

With --build, the first --max-mb MB of zh-laws are indexed into --index first (by the code that
runs the script: set PYTHONPATH to an older checkout to measure it with its own index). Prints a
markdown table; results-speed.md keeps the before/after runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_query import compile_package
from measure import CORPUS, corpus_subset, percentile

SEED = 13
NAMES = ["卡马克", "阮一峰", "诸葛亮", "张三丰", "林徽因"]
REGIONAL = ["資料庫", "軟體", "網路", "程式設計", "部落格", "行政機關", "勞動契約", "著作權"]
COMMON = ["网格", "条例", "管理", "人民政府", "合同"]
SYMBOLS = ["C++", "Wi-Fi", "COVID-19", "2024-05-01", "第300期", "Python教程"]
PINYIN = ["shujuku", "guanli", "renmin zhengfu", "tiaoli", "gl"]


def query_mix(corpus: Path, sentences: int = 5) -> list[tuple[str, str]]:
    """(kind, query): fixed words and names, and sentences pasted from random passages."""
    rng = random.Random(SEED)
    with open(corpus, encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in lines]
    pasted = []
    while len(pasted) < sentences:
        text = rng.choice(texts)
        if len(text) >= 40:
            start = rng.randrange(len(text) - 30)
            pasted.append(text[start : start + rng.randrange(20, 40)].replace("\n", " "))
    kinds = [("name", NAMES), ("pasted sentence", pasted), ("traditional/Taiwan", REGIONAL)]
    kinds += [("common word", COMMON), ("symbols/spacing", SYMBOLS), ("pinyin", PINYIN)]
    return [(kind, query) for kind, queries in kinds for query in queries]


def fresh_ms(index: Path, query: str, runs: int) -> tuple[float, float]:
    """(median wall ms, least CPU ms: user + system) of `runs` fresh `searcher query` processes.
    CPU time is what the shared machine's load moves least."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "searcher", "query", query, "--index", str(index)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "NO_COLOR": "1"},
            check=False,
        )
        walls.append((time.perf_counter() - started) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000)
    return statistics.median(walls), min(cpus)


def warm_ms(index: Path, queries: list[str], rounds: int) -> list[float]:
    """The least CPU ms of `rounds` searches (top 10, highlighted) of each query."""
    from searcher.search import Searcher

    times = []
    with Searcher.open(index) as searcher:
        for query in queries:  # once untimed: the first search of a word loads what it needs
            searcher.search(query, limit=10)
        for query in queries:
            best = float("inf")
            for _ in range(rounds):
                started = time.process_time()
                searcher.search(query, limit=10)
                best = min(best, (time.process_time() - started) * 1000)
            times.append(best)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--max-mb", type=float, default=10.0)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--build", action="store_true", help="index the subset into --index")
    parser.add_argument("--rounds", type=int, default=7, help="warm runs of each query")
    parser.add_argument("--fresh-runs", type=int, default=3, help="fresh processes a query")
    args = parser.parse_args()
    args.index.parent.mkdir(parents=True, exist_ok=True)
    subset, text_mb = corpus_subset(args.corpus, args.max_mb, args.index.parent)
    if args.build:
        from searcher.indexing.writer import build_index

        started = time.perf_counter()
        build_index([subset], args.index, rebuild=True)
        seconds = time.perf_counter() - started
        print(f"build: {text_mb:.1f} MB of text in {seconds:.1f} s, {text_mb / seconds:.2f} MB/s")
    mix = query_mix(subset)
    compile_package()  # each fresh process then reads bytecode, as after `pip install`
    fresh = {query: fresh_ms(args.index, query, args.fresh_runs) for _, query in mix}
    queries = [query for _, query in mix]
    warm = dict(zip(queries, warm_ms(args.index, queries, args.rounds), strict=True))
    print(f"`{' '.join(sys.argv)}`, load average {os.getloadavg()[0]:.1f}\n")
    print(
        "| queries | fresh `searcher query`: CPU p50 / p95, ms | wall p50 / p95, ms"
        " | warm CPU p50 / p95, ms |"
    )
    print("|---|---:|---:|---:|")
    for kind in [*dict.fromkeys(kind for kind, _ in mix), None]:
        queries = [query for k, query in mix if kind in (k, None)]
        cpu = [fresh[query][1] for query in queries]
        wall = [fresh[query][0] for query in queries]
        hot = [warm[query] for query in queries]
        label = kind or f"all {len(mix)}"
        print(
            f"| {label} | {statistics.median(cpu):.0f} / {percentile(cpu, 95):.0f}"
            f" | {statistics.median(wall):.0f} / {percentile(wall, 95):.0f}"
            f" | {statistics.median(hot):.1f} / {percentile(hot, 95):.1f} |"
        )


if __name__ == "__main__":
    main()
