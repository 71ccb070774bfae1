"""Fresh `searcher query` processes of two checkouts, alternated query by query, so both see the
same machine: each is its own installed `searcher` over its own index of the same corpus.

    python tests/benchmarks/bench_fresh_pair.py NEW_SEARCHER NEW_INDEX BASE_SEARCHER BASE_INDEX
"""

import statistics
import subprocess
import sys
import time
from pathlib import Path

runs = {"new": (sys.argv[1], sys.argv[2]), "base": (sys.argv[3], sys.argv[4])}
for exe, _ in runs.values():
    # Each package's bytecode written first, as `pip install` does: where PYTHONDONTWRITEBYTECODE
    # is set (this machine sets it), an editable install compiles every module on every start,
    # 70 ms of a fresh query on format 8, more for the checkout with more modules.
    python = str(Path(exe).with_name("python"))
    where = "import os, searcher; print(os.path.dirname(searcher.__file__))"
    package = subprocess.run([python, "-c", where], capture_output=True, text=True).stdout.strip()
    subprocess.run([python, "-m", "compileall", "-q", package], check=True)
qs = [
    "人民政府",
    "条例",
    "卡马克",
    "資料庫",
    "软件",
    "shujuku",
    "guanli",
    "人工只能",
    "第300期",
    "C++",
    "县级以上地方人民政府应当加强对环境保护工作的领导",
]
ts = {k: {q: [] for q in qs} for k in runs}
for _ in range(5):
    for q in qs:
        for k, (exe, idx) in runs.items():
            t = time.perf_counter()
            subprocess.run([exe, "query", q, "--index", idx, "-n", "10"], capture_output=True)
            ts[k][q].append((time.perf_counter() - t) * 1000)
for q in qs:
    print(q[:12], " ".join(f"{k} {statistics.median(ts[k][q]):.0f}" for k in runs))
for k in runs:
    allv = sorted(v for q in qs for v in ts[k][q])
    print(k, "p50", round(statistics.median(allv)), "p95", round(allv[int(len(allv) * 0.95)]))
