"""Whether a smaller limit shows the first hits of a larger one: for bench_query's mix (8 of each
kind) and queries of the other kinds, with the default options, sorted by date, grouped by
document and without collapsing, the rows of `-n 1`, `-n 3` and `-n 10` against the first of
`-n 40`. Ties decide it: on a collection holding each text 4 times, most scores are shared.

    python tests/benchmarks/check_limits.py INDEX [--corpus corpus.jsonl]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import bench_query
from measure import CORPUS

from searcher.search import Searcher

OTHERS = ["人民政府 OR 法院", "title:条例 管理", "资料库", "shujuku", "wangge guanli", "人工只能",
          "文明 -人民", "第300期", "c++"]  # fmt: skip
OPTIONS = [{}, {"sort": "date"}, {"group": True}, {"collapse": False}]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    options = parser.parse_args()
    queries = [q for _, q in bench_query.sample_queries(options.corpus, per_kind=8)] + OTHERS
    differ = []
    with Searcher.open(options.index) as searcher:
        for query in queries:
            for option in OPTIONS:
                longest = [hit.row for hit in searcher.search(query, limit=40, **option).hits]
                for limit in (1, 3, 10):
                    rows = [hit.row for hit in searcher.search(query, limit=limit, **option).hits]
                    if rows != longest[:limit]:
                        differ.append((query, option, limit))
    print(f"{len(queries) * len(OPTIONS) * 3} searches, {len(differ)} not the first of -n 40")
    for query, option, limit in differ[:10]:
        print(f"  {query} {option} -n {limit}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
