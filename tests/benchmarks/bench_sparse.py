"""Scoring a share of the rows against scoring them all: where engine.py's _SPARSE_SHARE should
sit. Several-word queries over an index (4× zh-laws in results-speed.md), each scored for every
row, then for a random 1/64 … 1/4 of the rows matching any word; least of 3 warm runs each.

    python tests/benchmarks/bench_sparse.py INDEX
"""

from __future__ import annotations

import sys
import time

import numpy as np

from searcher.search import Searcher

QUERIES = ["人类 国际 应当", "需要 或者", "人民政府 应当 管理", "文明 人民政府 应当"]
SHARES = (64, 32, 16, 8, 4)


def least_ms(run, times: int = 3) -> float:  # noqa: ANN001 - a callable
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def main() -> None:
    with Searcher.open(sys.argv[1]) as searcher:
        scorer, rows = searcher._scorer, searcher._rows  # noqa: SLF001 - a benchmark of them
        print("| query | all rows, ms | " + " | ".join(f"1/{share}" for share in SHARES) + " |")
        print("|---|---:|" + "---:|" * len(SHARES))
        for text in QUERIES:
            query = searcher.parse(text)
            found = scorer.match(query)
            matched = np.flatnonzero(found.matched > 0)
            scorer.scores(query, found)  # postings decoded and cached: only scoring is timed
            dense = least_ms(lambda: scorer.scores(query, found))  # noqa: B023
            cells = []
            rng = np.random.default_rng(0)
            for share in SHARES:
                few = np.sort(rng.choice(matched, min(len(matched), rows // share), replace=False))
                sparse = least_ms(lambda: scorer.scores(query, found, few))  # noqa: B023
                cells.append(f"{sparse:.1f} ({sparse / dense:.0%})")
            print(f"| {text} | {dense:.1f} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
