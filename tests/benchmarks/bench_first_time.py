"""Warm queries asked for the first time, in configurations compared process by process: each
round runs bench_scale's warm sequence (bench_query's 150 queries, each once, after a warm-up)
in a fresh process per configuration, in ABBA order, so neither gains from going second; per
query, each configuration's least over the rounds.

    python tests/benchmarks/bench_first_time.py INDEX 'LABEL=ENV…' 'LABEL=ENV…' [--rounds 4]

A configuration is a label and environment variables, e.g. 'glibc defaults=GLIBC_TUNABLES='
(a variable the allocator policy leaves alone: cli/allocator.py) or 'base=PYTHONPATH=/work/wt'
(another checkout; the child runs outside the repository, so that path wins).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from measure import PYTHON, machine_line, percentile

HERE = Path(__file__).resolve().parent
CHILD = """
import json, sys
sys.path.insert(0, sys.argv[2])
import bench_query as b
corpus = b.Path(sys.argv[3])
queries = b.sample_queries(corpus)
warmup = b.sample_queries(corpus, per_kind=3, seed=b.SEED + 1)
times = b.warm_ours(b.Path(sys.argv[1]), queries, warmup)
print(json.dumps({q: t for (_, q), t in zip(queries, [t for k in times.values() for t in k])}))
"""


def _configuration(text: str) -> tuple[str, dict[str, str]]:
    label, _, assignments = text.partition("=")
    env = {}
    for assignment in assignments.split():
        name, _, value = assignment.partition("=")
        env[name] = value
    return label, env


def main() -> None:
    from measure import CORPUS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("configurations", nargs="+")
    parser.add_argument("--rounds", type=int, default=4)
    options = parser.parse_args()
    configurations = [_configuration(text) for text in options.configurations]
    least: dict[str, dict[str, float]] = {label: {} for label, _ in configurations}
    print(f"{machine_line()}; {options.rounds} rounds", flush=True)
    for round_number in range(options.rounds):
        ordered = configurations if round_number % 2 == 0 else configurations[::-1]
        for label, extra in ordered:
            # Run outside the repository: `python -c` puts its folder first on sys.path.
            done = subprocess.run(
                [PYTHON, "-c", CHILD, str(options.index), str(HERE), str(CORPUS)],
                capture_output=True,
                text=True,
                env={**os.environ, **extra},
                cwd="/",
                check=False,
            )
            if done.returncode:
                raise SystemExit(f"{label}: {done.stderr.strip()[-2000:]}")
            times = json.loads(done.stdout.strip().splitlines()[-1])
            for query, ms in times.items():
                least[label][query] = min(least[label].get(query, float("inf")), ms)
            one = sorted(times.values())
            print(
                f"round {round_number + 1}, {label}: p50 {percentile(one, 50):.1f},"
                f" p95 {percentile(one, 95):.1f} ms",
                flush=True,
            )
    print("\n| configuration | p50 ms | p95 ms | the 20 slowest, ms in all |")
    print("|---|---:|---:|---:|")
    slowest = sorted(least[configurations[0][0]], key=lambda q: -least[configurations[0][0]][q])
    for label, _ in configurations:
        values = list(least[label].values())
        tail = sum(least[label][query] for query in slowest[:20])
        print(
            f"| {label} | {percentile(values, 50):.1f} | {percentile(values, 95):.1f}"
            f" | {tail:.0f} |"
        )


if __name__ == "__main__":
    sys.exit(main())
