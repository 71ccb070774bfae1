"""Query speed over issue 13's mix: names, pasted sentences, traditional and Taiwan words, common
words, symbols and spacing; fresh `searcher query` processes and warm searches alike.

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
import statistics
import subprocess
import sys
import time
from pathlib import Path

from measure import CORPUS, corpus_subset, percentile

SEED = 13
NAMES = ["卡马克", "阮一峰", "诸葛亮", "张三丰", "林徽因"]
REGIONAL = ["資料庫", "軟體", "網路", "程式設計", "部落格", "行政機關", "勞動契約", "著作權"]
COMMON = ["网格", "条例", "管理", "人民政府", "合同"]
SYMBOLS = ["C++", "Wi-Fi", "COVID-19", "2024-05-01", "第300期", "Python教程"]


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
    kinds += [("common word", COMMON), ("symbols/spacing", SYMBOLS)]
    return [(kind, query) for kind, queries in kinds for query in queries]


def fresh_ms(index: Path, query: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "searcher", "query", query, "--index", str(index)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    return (time.perf_counter() - started) * 1000


def warm_ms(index: Path, queries: list[str], rounds: int) -> list[float]:
    from searcher.search import Searcher

    times = []
    with Searcher.open(index) as searcher:
        for query in queries:  # once untimed: the first search of a word loads what it needs
            searcher.search(query, limit=10)
        for _ in range(rounds):
            for query in queries:
                started = time.perf_counter()
                searcher.search(query, limit=10)
                times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--max-mb", type=float, default=10.0)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--build", action="store_true", help="index the subset into --index")
    parser.add_argument("--rounds", type=int, default=5, help="warm rounds over the mix")
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
    fresh = {query: fresh_ms(args.index, query) for _, query in mix}
    warm = warm_ms(args.index, [query for _, query in mix], args.rounds)
    print(f"`{' '.join(sys.argv)}`, load average {os.getloadavg()[0]:.1f}\n")
    print("| queries | fresh `searcher query` p50 / p95, ms | warm p50 / p95, ms |")
    print("|---|---:|---:|")
    for kind in dict.fromkeys(kind for kind, _ in mix):
        times = [fresh[query] for k, query in mix if k == kind]
        print(f"| {kind} | {statistics.median(times):.0f} / {percentile(times, 95):.0f} | |")
    every = list(fresh.values())
    print(
        f"| all {len(mix)} | {statistics.median(every):.0f} / {percentile(every, 95):.0f}"
        f" | {statistics.median(warm):.1f} / {percentile(warm, 95):.1f} |"
    )


if __name__ == "__main__":
    main()
