"""Fresh `searcher query` processes with one OpenBLAS thread (what `searcher` now asks for) and
with one a core (OpenBLAS's own default, as before), alternated query by query: wall time and
the CPU time the process and its threads spent. With --load N, N busy processes run meanwhile.

    python tests/benchmarks/bench_blas_threads.py SEARCHER INDEX [--rounds 3] [--load 0]
        [--allocator]

SEARCHER is an installed `searcher` (bytecode written, as `pip install` does). `searcher` keeps a
value of OPENBLAS_NUM_THREADS the environment already has, so setting it to the core count gives
the old behaviour with the same code. --allocator compares the allocator's policy of searching
commands (cli/allocator.py) with glibc's defaults instead, which GLIBC_TUNABLES in the
environment (even empty) keeps. The settings take turns, in ABBA order.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
from pathlib import Path

from measure import machine_line, percentile

QUERIES = ["人民政府", "条例", "卡马克", "資料庫", "软件", "shujuku", "guanli", "人工只能",
           "第300期", "C++", "县级以上地方人民政府应当加强对环境保护工作的领导"]  # fmt: skip
THREADS = {
    "one OpenBLAS thread": {"OPENBLAS_NUM_THREADS": "1"},
    "an OpenBLAS thread a core": {"OPENBLAS_NUM_THREADS": str(os.cpu_count() or 1)},
}
ALLOCATOR = {"memory kept (searcher's policy)": {}, "glibc defaults": {"GLIBC_TUNABLES": ""}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("searcher", type=Path)
    parser.add_argument("index", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--load", type=int, default=0, help="busy processes meanwhile")
    parser.add_argument("--allocator", action="store_true", help="compare allocator policies")
    options = parser.parse_args()
    settings = ALLOCATOR if options.allocator else THREADS
    busy = [subprocess.Popen(["python3", "-c", "while True: pass"]) for _ in range(options.load)]
    wall: dict[str, list[float]] = {name: [] for name in settings}
    cpu: dict[str, list[float]] = {name: [] for name in settings}
    try:
        for round_number in range(options.rounds):
            for query in QUERIES:
                turns = list(settings.items())
                for name, extra in turns if round_number % 2 == 0 else turns[::-1]:
                    env = {**os.environ, **extra}
                    started = time.perf_counter()
                    child = subprocess.Popen(
                        [str(options.searcher), "query", query, "--index", str(options.index)],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        env=env,
                    )
                    _, _, usage = os.wait4(child.pid, 0)
                    wall[name].append((time.perf_counter() - started) * 1000)
                    cpu[name].append((usage.ru_utime + usage.ru_stime) * 1000)
    finally:
        for process in busy:
            process.kill()
    print(f"`bench_blas_threads.py` — {machine_line()}, {options.load} busy processes")
    print("| setting | wall p50 / p95, ms | CPU p50 / p95, ms |")
    print("|---|---:|---:|")
    for name in settings:
        w, c = wall[name], cpu[name]
        print(
            f"| {name} | {statistics.median(w):.0f} / {percentile(w, 95):.0f}"
            f" | {statistics.median(c):.0f} / {percentile(c, 95):.0f} |"
        )


if __name__ == "__main__":
    main()
