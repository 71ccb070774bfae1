"""Whether two checkouts answer alike over the same index: every hit's row and score, the total and
the all-words flag, for bench_query's mix (40 of each kind, and 10 more of another seed) plus
queries of the other kinds (OR, title:, exclusion, regional, pinyin, typo, spacing, symbols),
each with the default options, --all, 50 hits and no collapsing. For a change meant to keep the
answers (a faster path), this is the check that it does; it counts apart the answers that differ
only in which of equally scored passages are shown.

    python tests/benchmarks/compare_results.py INDEX NEW_CHECKOUT BASE_CHECKOUT
"""

from __future__ import annotations

import sys
from pathlib import Path

from measure import CORPUS, probe_checkout

PROBE = """
import json, sys
import bench_query as b
from searcher.search import Searcher
corpus = b.Path(sys.argv[2])
queries = [q for _, q in b.sample_queries(corpus, per_kind=40)]
queries += [q for _, q in b.sample_queries(corpus, per_kind=10, seed=99)]
queries += ["人民政府 OR 法院", "title:条例 管理", "资料库", "shujuku", "wangge guanli", "人工只能",
            "文明 -人民", "管理 工作 人员 责任", '"人民政府" 应当', "第300期", "c++", "条例"]
options = [{}, {"require_all": True}, {"limit": 50}, {"collapse": False}]
answers = []
with Searcher.open(sys.argv[1]) as searcher:
    for query in queries:
        for option in options:
            try:
                found = searcher.search(query, **option)
            except Exception as error:  # the same error from both counts as the same answer
                answers.append([query, str(option), repr(error)])
                continue
            hits = [[hit.row, hit.score] for hit in found.hits]
            answers.append([query, str(option), found.total, found.all_words, hits])
print(json.dumps(answers, ensure_ascii=False))
"""


def main() -> int:
    index, new, base = (Path(arg).resolve() for arg in sys.argv[1:4])
    ours, theirs = (probe_checkout(c, PROBE, str(index), str(CORPUS)) for c in (new, base))
    differ = [(a, b) for a, b in zip(ours, theirs, strict=True) if a != b]
    ties = [(a, b) for a, b in differ if _tie_only(a, b)]
    print(
        f"{len(ours)} searches, {len(differ)} answered differently"
        f" ({len(ties)} only in which of equally scored passages are shown)"
    )
    for a, b in sorted(differ, key=lambda pair: _tie_only(*pair))[:10]:
        print(f"  {a[0]} {a[1]}:\n    new  {a[2:]}\n    base {b[2:]}")
    return 1 if differ else 0


def _tie_only(a: list, b: list) -> bool:
    """The same total, flag and scores, hit by hit: only rows of equal score differ."""
    if len(a) < 5 or len(b) < 5 or a[2:4] != b[2:4]:
        return False
    return [score for _, score in a[4]] == [score for _, score in b[4]]


if __name__ == "__main__":
    sys.exit(main())
