"""CPU time of a warm query, the least of 7 runs of each of bench_query's 150 queries: a figure
the shared machine's load moves far less than wall time. Compare two checkouts by running each
one's Python on its own index of the same corpus.

    python tests/benchmarks/bench_cpu.py INDEX LABEL [no-collapse]
"""

import sys
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
from pathlib import Path

from bench_query import sample_queries

from searcher.search import Searcher

KW = {"collapse": False} if len(sys.argv) > 3 else {}
qs = [q for _, q in sample_queries(Path("/work/shared/corpus/zh-laws/corpus.jsonl"))]
with Searcher.open(sys.argv[1]) as s:
    for q in qs:
        s.search(q, limit=10, **KW)
    best = []
    for q in qs:
        ts = []
        for _ in range(7):
            t = time.process_time()
            s.search(q, limit=10, **KW)
            ts.append(time.process_time() - t)
        best.append(min(ts) * 1000)
best.sort()
n = len(best)
p50, p95, mean = best[n // 2], best[int(n * 0.95)], sum(best) / n
print(f"{sys.argv[2]} p50 {p50:.2f} p95 {p95:.2f} mean {mean:.2f}")
