"""Decoding packed postings (store/packing.py) in two checkouts over the same index: the longest
lists of words and of character grams, each decoded whole, the least of 5 runs; the checkouts
alternated round by round. A query pays this the first time it meets a word in a process.

    python tests/benchmarks/bench_decode.py INDEX NEW_CHECKOUT BASE_CHECKOUT [--rounds 3]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from measure import machine_line, probe_checkout

PROBE = """
import json, sys, time
import numpy as np
from pathlib import Path
from searcher.store.generation import open_generation
generation = open_generation(Path(sys.argv[1]))
found = {}
for segment in generation.segments:
    for family, what in (("post", "word"), ("gram", "n-gram")):
        ptr = segment.array(family + "_ptr")
        lengths = np.diff(ptr)
        packed = segment._packed(family)
        for key in np.argsort(lengths)[-int(sys.argv[2]):].tolist():
            start, end = int(ptr[key]), int(ptr[key + 1])
            best = float("inf")
            for _ in range(5):
                began = time.perf_counter()
                packed.key(start, end, what)
                best = min(best, time.perf_counter() - began)
            found.setdefault(family, []).append([end - start, best * 1e3])
generation.close()
print(json.dumps(found))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("base", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keys", type=int, default=20, help="longest lists of each family")
    options = parser.parse_args()
    print(f"`bench_decode.py {options.index}` — {machine_line()}")
    print("| round | family | postings | new: ms (ns a posting) | base: ms (ns a posting) |")
    print("|---|---|---:|---:|---:|")
    for number in range(1, options.rounds + 1):
        runs = {
            label: probe_checkout(
                checkout.resolve(), PROBE, str(options.index.resolve()), str(options.keys)
            )
            for label, checkout in (("new", options.new), ("base", options.base))
        }
        for family in runs["new"]:
            cells = []
            for label in ("new", "base"):
                sizes = [size for size, _ in runs[label][family]]
                ms = sum(took for _, took in runs[label][family])
                cells.append(f"{ms:.1f} ({ms * 1e6 / sum(sizes):.1f})")
            postings = sum(size for size, _ in runs["new"][family])
            print(f"| {number} | {family} | {postings:,} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
