"""Warm queries of two checkouts over the same index, measured as bench_scale.py measures them
(bench_query's 150 queries, one pass after a warm-up, wall time: a word's first query pays for
its postings and literal checks, as a user's does), the two alternated round by round so both
see the same machine. For query-path changes that keep the index format.

    python tests/benchmarks/bench_warm_pair.py INDEX NEW_CHECKOUT BASE_CHECKOUT [--rounds 3]

Each round runs one child process per checkout with PYTHONPATH set to it, from this folder (so
neither imports the other's searcher). Prints p50 / p95 ms per round and the slowest queries.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from measure import CORPUS, machine_line, percentile, probe_checkout

PROBE = """
import json, sys, time
import bench_query as b
queries = b.sample_queries(b.Path(sys.argv[2]))
warmup = b.sample_queries(b.Path(sys.argv[2]), per_kind=3, seed=b.SEED + 1)
from searcher.search import Searcher
times = []
with Searcher.open(sys.argv[1]) as searcher:
    for _, query in warmup:
        searcher.search(query, limit=10)
    for kind, query in queries:
        started = time.perf_counter()
        searcher.search(query, limit=10)
        times.append([(time.perf_counter() - started) * 1000, kind, query])
print(json.dumps(times, ensure_ascii=False))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("new", type=Path, help="checkout whose searcher/ is measured")
    parser.add_argument("base", type=Path, help="checkout to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    options = parser.parse_args()
    print(f"`bench_warm_pair.py {options.index}` — {machine_line()}")
    runs: dict[str, list[list]] = {"new": [], "base": []}
    for round_number in range(1, options.rounds + 1):
        line = [f"round {round_number}:"]
        for label, checkout in (("new", options.new), ("base", options.base)):
            times = probe_checkout(
                checkout.resolve(), PROBE, str(options.index.resolve()), str(options.corpus)
            )
            runs[label].append(times)
            flat = [t for t, _, _ in times]
            line.append(f"{label} {percentile(flat, 50):.1f} / {percentile(flat, 95):.1f} ms")
        print(" ".join(line), flush=True)
    for label, rounds in runs.items():
        slowest: dict[str, float] = {}
        for times in rounds:
            for t, _, query in times:
                slowest[query] = min(slowest.get(query, t), t)
        worst = sorted(slowest.items(), key=lambda item: -item[1])[:6]
        shown = ", ".join(f"{query} {t:.0f}" for query, t in worst)
        print(f"{label}: slowest (least of the rounds, ms): {shown}")


if __name__ == "__main__":
    sys.exit(main())
