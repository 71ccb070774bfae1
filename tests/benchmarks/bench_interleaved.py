"""Two versions of some methods in one warm process, alternated query by query: the comparison
the shared machine's drift cannot bias. Processes run one after the other drift by 10-25% within
minutes (the same build took 99 and 125 CPU s in one bench_scale run), which hides changes of
that size; here both versions answer each query in turn, in the same minute and process.

    python tests/benchmarks/bench_interleaved.py INDEX BASE_CHECKOUT METHOD... [--first-time]

METHOD is module:Class.method of the searcher package, e.g. searcher.search.scoring:Scorer._bm25;
the base version is that method as BASE_CHECKOUT's file of the module defines it (loaded under
another name, so the rest of the process is this checkout's). For each of bench_query's 150
queries it keeps each version's least CPU time of 7 runs (5 with --first-time, which empties the
postings and literal caches before every run, as a query asked for the first time finds them),
then prints both distributions and the per-query ratios.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
import time
from pathlib import Path

from bench_query import sample_queries
from measure import CORPUS, machine_line

from searcher.cli.allocator import keep_freed_memory
from searcher.search import Searcher


def _base_module(checkout: Path, name: str) -> object:
    path = checkout / (name.replace(".", "/") + ".py")
    spec = importlib.util.spec_from_file_location(f"base_{name.replace('.', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def _versions(checkout: Path, methods: list[str]) -> tuple[list, list]:
    """(owner, attribute, function) triples: this checkout's, and the base's."""
    new, base = [], []
    for spec in methods:
        module_name, _, qualified = spec.partition(":")
        class_name, _, method = qualified.partition(".")
        owner = getattr(importlib.import_module(module_name), class_name)
        other = getattr(_base_module(checkout, module_name), class_name)
        new.append((owner, method, owner.__dict__[method]))
        base.append((owner, method, other.__dict__[method]))
    return new, base


def _use(version: list) -> None:
    for owner, method, function in version:
        setattr(owner, method, function)


def _forget(searcher: Searcher) -> None:
    """Empty what a query leaves behind for the next: decoded postings, literal matches."""
    for segment in searcher._gen.segments:
        segment._cache.clear()
        segment._cached = 0
    searcher._literal._cache.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("base", type=Path, help="the other checkout's folder")
    parser.add_argument("methods", nargs="+")
    parser.add_argument("--first-time", action="store_true")
    options = parser.parse_args()
    keep_freed_memory()  # as every searching command does: no page faults to blur the two
    new, base = _versions(options.base, options.methods)
    runs = 5 if options.first_time else 7
    queries = [query for _, query in sample_queries(CORPUS)]
    times: dict[str, list[float]] = {"this checkout": [], "base": []}
    with Searcher.open(options.index) as searcher:
        for query in queries:  # warm: the norms, the vocabulary's pages, the mapped files
            searcher.search(query, limit=10)
        for query in queries:
            least = {"this checkout": float("inf"), "base": float("inf")}
            for run in range(runs):
                pair = [("this checkout", new), ("base", base)]
                for label, version in pair if run % 2 else pair[::-1]:
                    _use(version)
                    if options.first_time:
                        _forget(searcher)
                    started = time.process_time()
                    searcher.search(query, limit=10)
                    least[label] = min(least[label], time.process_time() - started)
            for label, value in least.items():
                times[label].append(value * 1000)
    _use(new)
    mode = "first time" if options.first_time else "cached"
    print(f"{machine_line()}; {mode}, least of {runs}; {' '.join(options.methods)}")
    for label, values in times.items():
        ranked = sorted(values)
        n = len(ranked)
        print(
            f"{label}: CPU p50 {ranked[n // 2]:.2f}, p95 {ranked[int(n * 0.95)]:.2f},"
            f" mean {sum(ranked) / n:.2f} ms"
        )
    ratios = sorted(a / b for a, b in zip(times["this checkout"], times["base"], strict=True))
    n = len(ratios)
    print(
        f"this checkout / base, per query: median {ratios[n // 2]:.3f},"
        f" 10% {ratios[n // 10]:.3f}, 90% {ratios[9 * n // 10]:.3f}"
    )


if __name__ == "__main__":
    sys.exit(main())
