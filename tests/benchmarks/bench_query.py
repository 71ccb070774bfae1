"""Query benchmark: ours against the naive recipe (naive.py), in the same run.

    python tests/benchmarks/bench_query.py                  index the whole zh-laws corpus first
    python tests/benchmarks/bench_query.py --max-mb 5       a quick run on the first 5 MB
    python tests/benchmarks/bench_query.py --index I --naive-index N --corpus C   reuse indexes

A fixed mix of queries is sampled (seed 5) from the indexed corpus: two-character words, long
words, several words, single characters, quoted phrases, ASCII and digits. Measures warm latency
(one process, index open, top 10 with highlighting), `searcher query` as a fresh process (whole
wall time, and where it goes), `searcher batch` throughput, and peak RSS while querying.
Writes its tables into results-speed.md (section bench_query) and prints them.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from measure import (
    CORPUS,
    PYTHON,
    corpus_subset,
    machine_line,
    percentile,
    ratio,
    run,
    write_section,
)

NAIVE = str(Path(__file__).with_name("naive.py"))
SEED = 5
PER_KIND = 25
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_ASCII = re.compile(r"[A-Za-z0-9]{2,}")


def sample_queries(corpus: Path, per_kind: int = PER_KIND, seed: int = SEED) -> list[tuple]:
    """(kind, query) pairs drawn from random passages of the corpus."""
    import rjieba

    with open(corpus, encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in lines]
    rng = random.Random(seed)
    wanted = {
        "two-char word": lambda words, text: [w for w in words if _is_han(w) and len(w) == 2],
        "long word": lambda words, text: [w for w in words if _is_han(w) and len(w) >= 4],
        "several words": lambda words, text: _several(words, rng),
        "single char": lambda words, text: [c for c in text if _is_han(c)],
        "quoted phrase": lambda words, text: _phrases(text, rng),
        "ASCII/digits": lambda words, text: _ASCII.findall(text),
    }
    queries: list[tuple[str, str]] = []
    for kind, pick in wanted.items():
        found: list[str] = []
        for _ in range(100_000):
            if len(found) == per_kind:
                break
            text = rng.choice(texts)
            options = pick(rjieba.cut(text), text)
            if options:
                choice = rng.choice(options)
                if choice not in found:
                    found.append(choice)
        queries.extend((kind, query) for query in found)
    return queries


def _is_han(word: str) -> bool:
    return bool(_HAN.fullmatch(word))


def _several(words: list[str], rng: random.Random) -> list[str]:
    content = [w for w in words if _is_han(w) and len(w) >= 2]
    if len(content) < 3:
        return []
    return [" ".join(rng.sample(content, rng.choice((2, 3))))]


def _phrases(text: str, rng: random.Random) -> list[str]:
    runs = [run for run in _HAN.findall(text) if len(run) >= 5]
    if not runs:
        return []
    chosen = rng.choice(runs)
    size = rng.randint(4, min(8, len(chosen)))
    start = rng.randint(0, len(chosen) - size)
    return [f'"{chosen[start : start + size]}"']


# ---------------------------------------------------------------------------- warm


def warm_ours(index: Path, queries: list[tuple], warmup: list[tuple]) -> dict[str, list[float]]:
    from searcher.search import Searcher

    try:  # the allocator's policy of every searching command (TUI, batch); not in old checkouts
        from searcher.cli.allocator import keep_freed_memory
    except ImportError:
        pass
    else:
        keep_freed_memory()
    times: dict[str, list[float]] = {}
    with Searcher.open(index) as searcher:
        for _, query in warmup:
            searcher.search(query, limit=10)
        for kind, query in queries:
            started = time.perf_counter()
            searcher.search(query, limit=10)  # hits carry their highlight spans
            times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    return times


def warm_naive(index: Path, queries: list[tuple], warmup: list[tuple]) -> dict[str, list[float]]:
    from naive import NaiveSearcher

    searcher = NaiveSearcher(index)
    times: dict[str, list[float]] = {}
    for _, query in warmup:
        searcher.search(query)
    for kind, query in queries:
        started = time.perf_counter()
        searcher.search(query)
        times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    searcher.close()
    return times


# ---------------------------------------------------------------------------- cold


def searcher_command() -> list[str]:
    script = Path(PYTHON).with_name("searcher")
    return [str(script)] if script.exists() else [PYTHON, "-m", "searcher"]


def compile_package() -> None:
    """Write the package's bytecode, as `pip install` does. Where PYTHONDONTWRITEBYTECODE is set
    (this machine sets it), an editable install would otherwise compile every module on every
    start: ~15 ms of a fresh `searcher query` that an installed copy never pays."""
    import importlib.util

    [package] = importlib.util.find_spec("searcher").submodule_search_locations
    run([PYTHON, "-m", "compileall", "-q", package])


def cold(index: Path, naive_index: Path, queries: list[tuple]) -> dict[str, list]:
    results: dict[str, list] = {"ours": [], "naive": [], "ours_rss": [], "naive_rss": []}
    for _, query in queries:
        mine = run([*searcher_command(), "query", query, "--index", str(index), "--color", "never"])
        theirs = run([PYTHON, NAIVE, "query", str(naive_index), query])
        results["ours"].append(mine.wall_s * 1000)
        results["naive"].append(theirs.wall_s * 1000)
        results["ours_rss"].append(mine.max_rss_mb)
        results["naive_rss"].append(theirs.max_rss_mb)
    return results


def probe(index: str, query: str) -> None:
    """In a fresh process: `searcher query` through the real CLI, each step timed (ms), as JSON.

    The modules the command imports lazily are imported first, each timed; then the command
    runs through Typer with timers around opening the index, searching and printing. What is
    left of the command's time is Typer's dispatch (parsing, validating parameters)."""
    clock = time.perf_counter
    phases: dict[str, float] = {}
    mark = clock()
    import searcher.cli.main as cli

    phases["imports: CLI (Typer)"] = clock() - mark
    mark = clock()
    import searcher.search
    from searcher.search.engine import Searcher

    phases["imports: search (numpy, our modules; never Whoosh)"] = clock() - mark
    mark = clock()
    import searcher.cli.render as render

    phases["imports: output (ANSI styling; never Rich)"] = clock() - mark

    spent = {"open": 0.0, "search": 0.0, "tokenizer": 0.0, "print": 0.0}

    def timed(name: str, function):  # noqa: ANN001, ANN202 - any callable
        def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            begin = clock()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += clock() - begin

        return wrapper

    from searcher.analysis import tokenizers

    open_index = Searcher.open.__func__
    Searcher.open = classmethod(timed("open", open_index))
    Searcher.search = timed("search", Searcher.search)
    tokenizers.Segmenter.cut = timed("tokenizer", tokenizers.Segmenter.cut)
    render.print_hits = timed("print", render.print_hits)
    del searcher
    args = ["query", query, "--index", index, "--color", "never"]
    stdout, sys.stdout = sys.stdout, open("/dev/null", "w")  # noqa: SIM115
    mark = clock()
    try:
        cli.app(args, prog_name="searcher", standalone_mode=False)
    finally:
        sys.stdout = stdout
    command = clock() - mark
    phases["Typer dispatch (parse and validate arguments)"] = command - sum(spent.values())
    phases["opening the index"] = spent["open"]
    phases["tokenizer (rjieba load, only if the query needs segmenting)"] = spent["tokenizer"]
    phases["searching (parse, match, rank, highlight)"] = spent["search"] - spent["tokenizer"]
    phases["printing"] = spent["print"]
    print(json.dumps({name: seconds * 1000 for name, seconds in phases.items()}))


def breakdown(index: Path, queries: list[tuple], repeats: int) -> dict[str, float]:
    """Median of each phase over fresh probe processes, plus the bare interpreter."""
    samples: dict[str, list[float]] = {}
    for number in range(repeats):
        interpreter = run([PYTHON, "-c", "pass"])
        samples.setdefault("interpreter start-up (python -c pass)", []).append(
            interpreter.wall_s * 1000
        )
        query = queries[number % len(queries)][1]
        out = run([PYTHON, __file__, "--probe", str(index), query]).stdout
        for name, value in json.loads(out.strip().splitlines()[-1]).items():
            samples.setdefault(name, []).append(value)
    return {name: percentile(values, 50) for name, values in samples.items()}


# ---------------------------------------------------------------------------- batch


def batch(index: Path, queries: list[tuple], rounds: int) -> tuple[float, float, float, float]:
    """(queries per second over the whole process, per second of search time, peak RSS MB,
    peak anonymous RSS MB: what is not the memory-mapped index)."""
    lines = "\n".join(query for _ in range(rounds) for _, query in queries) + "\n"
    done = run([*searcher_command(), "batch", "--index", str(index)], stdin=lines)
    records = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    took = sum(record.get("took_ms", 0.0) for record in records) / 1000
    return len(records) / done.wall_s, len(records) / took, done.max_rss_mb, done.tree_anon_mb


# ---------------------------------------------------------------------------- report


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--probe":
        probe(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--max-mb", type=float, help="use the first N MB of text")
    parser.add_argument("--index", type=Path, help="our index of the corpus (default: build it)")
    parser.add_argument("--naive-index", type=Path, help="the naive index (default: build it)")
    parser.add_argument("--cold-runs", type=int, default=20)
    parser.add_argument("--no-write", action="store_true", help="print, don't update the file")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="searcher-bench-query-"))
    corpus, text_mb = corpus_subset(options.corpus, options.max_mb, work)
    machine = machine_line()
    index, naive_index = options.index, options.naive_index
    if index is None:
        index = work / "ours"
        run([*searcher_command(), "index", str(corpus), "--index", str(index), "-q"])
    if naive_index is None:
        naive_index = work / "naive"
        run([PYTHON, NAIVE, "build", str(naive_index), str(corpus)])
    compile_package()
    queries = sample_queries(corpus)
    warmup = sample_queries(corpus, per_kind=3, seed=SEED + 1)
    print(f"{len(queries)} queries over {text_mb:.1f} MB; e.g. {queries[::PER_KIND]}", flush=True)

    ours_warm = warm_ours(index, queries, warmup)
    naive_warm = warm_naive(naive_index, queries, warmup)
    spread = queries[:: max(1, len(queries) // options.cold_runs)][: options.cold_runs]
    cold_runs = cold(index, naive_index, spread)
    phases = breakdown(index, spread, repeats=min(10, options.cold_runs))
    per_second, per_search_second, batch_rss, batch_anon = batch(index, queries, rounds=2)

    def all_of(times: dict[str, list[float]]) -> list[float]:
        return [value for values in times.values() for value in values]

    lines = [
        "| | ours | naive | ours vs naive |",
        "|---|---:|---:|---:|",
    ]
    for label, q in (("p50", 50), ("p95", 95)):
        mine, theirs = percentile(all_of(ours_warm), q), percentile(all_of(naive_warm), q)
        lines.append(
            f"| warm query {label}, ms (top 10, highlighted; {len(queries)} queries)"
            f" | {mine:.1f} | {theirs:.1f} | {ratio(mine, theirs, False)} |"
        )
    for kind in ours_warm:
        mine, theirs = percentile(ours_warm[kind], 50), percentile(naive_warm[kind], 50)
        lines.append(
            f"| &nbsp;&nbsp;{kind}: p50 / p95, ms | {mine:.1f} / "
            f"{percentile(ours_warm[kind], 95):.1f} | {theirs:.1f} / "
            f"{percentile(naive_warm[kind], 95):.1f} | {ratio(mine, theirs, False)} |"
        )
    for label, q in (("p50", 50), ("p95", 95)):
        mine, theirs = percentile(cold_runs["ours"], q), percentile(cold_runs["naive"], q)
        lines.append(
            f"| `searcher query` fresh process {label}, ms ({len(spread)} queries)"
            f" | {mine:.0f} | {theirs:.0f} | {ratio(mine, theirs, False)} |"
        )
    lines.append(
        f"| `searcher batch`, queries/s (whole process; search time only)"
        f" | {per_second:.0f}; {per_search_second:.0f} | | |"
    )
    lines.append(
        f"| peak RSS querying, MB (fresh `query`; `batch` of {2 * len(queries)}, of which"
        f" not the mapped index) | {max(cold_runs['ours_rss']):.0f}; {batch_rss:.0f}"
        f" ({batch_anon:.0f}) | {max(cold_runs['naive_rss']):.0f} | |"
    )
    phase_lines = ["| phase of a fresh `searcher query` (median) | ms |", "|---|---:|"]
    phase_lines += [f"| {name} | {value:.1f} |" for name, value in phases.items()]
    phase_lines.append(f"| sum | {sum(phases.values()):.0f} |")
    markdown = (
        f"### Querying ({text_mb:.1f} MB of text, {corpus.name})\n\n"
        f"`python tests/benchmarks/bench_query.py"
        f"{f' --max-mb {options.max_mb:g}' if options.max_mb else ''}` — {machine}\n\n"
        + "\n".join(lines)
        + "\n\n"
        + "\n".join(phase_lines)
        + "\n"
    )
    print(markdown)
    if not options.no_write:
        write_section("bench_query", markdown)


if __name__ == "__main__":
    main()
