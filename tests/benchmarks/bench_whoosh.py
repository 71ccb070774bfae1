"""Stock Whoosh reading our index through the codec (searcher/store/codec.py), against searcher.

    python tests/benchmarks/bench_whoosh.py                 index the whole zh-laws corpus first
    python tests/benchmarks/bench_whoosh.py --max-mb 5      a quick run on the first 5 MB
    python tests/benchmarks/bench_whoosh.py --index I       reuse an index of the corpus

The query mix of bench_query.py (seed 5), less its quoted phrases (Whoosh refuses a phrase: no
positions are kept). For each query: whether QueryParser + Whoosh finds the same passages as
Searcher.search(require_all=True, collapse=False), and the warm latency of both (top 10, with
highlights) in one process. Writes its table into results-speed.md (section bench_whoosh).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench_query import sample_queries, searcher_command
from measure import CORPUS, corpus_subset, machine_line, percentile, run, write_section

_ALL = 10**7  # more passages than any corpus here holds


def measure(index: Path, queries: list[tuple[str, str]]) -> tuple[dict, float, list[str]]:
    """Per kind: (Whoosh ms, searcher ms, same passages?) of each query; open ms; mismatches."""
    from whoosh import index as whoosh_index
    from whoosh.qparser import QueryParser

    from searcher.search import Searcher

    started = time.perf_counter()
    whoosh = whoosh_index.open_dir(str(index)).searcher()
    opened_ms = (time.perf_counter() - started) * 1000
    parser = QueryParser("text", whoosh.schema)
    results: dict[str, list[tuple[float, float, bool]]] = {}
    mismatches = []
    with Searcher.open(index) as searcher:
        for kind, text in queries:
            query = parser.parse(text)
            found = {hit.docnum for hit in whoosh.search(query, limit=None)}
            everything = searcher.search(text, limit=_ALL, require_all=True, collapse=False)
            same = found == {hit.row for hit in everything.hits}
            if not same:
                mismatches.append(text)
            started = time.perf_counter()
            for hit in whoosh.search(parser.parse(text), limit=10):
                hit.highlights("text")
            whoosh_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            searcher.search(text, limit=10)
            ours_ms = (time.perf_counter() - started) * 1000
            results.setdefault(kind, []).append((whoosh_ms, ours_ms, same))
    whoosh.close()
    return results, opened_ms, mismatches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--max-mb", type=float, help="use the first N MB of text")
    parser.add_argument("--index", type=Path, help="our index of the corpus (default: build it)")
    parser.add_argument("--no-write", action="store_true", help="print, don't update the file")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="searcher-bench-whoosh-"))
    corpus, text_mb = corpus_subset(options.corpus, options.max_mb, work)
    machine = machine_line()
    index = options.index
    if index is None:
        index = work / "ours"
        run([*searcher_command(), "index", str(corpus), "--index", str(index), "-q"])
    queries = [(k, q) for k, q in sample_queries(corpus) if k != "quoted phrase"]
    results, opened_ms, mismatches = measure(index, queries)

    every = [row for rows in results.values() for row in rows]
    lines = [
        "| queries | same passages | Whoosh p50 / p95, ms | searcher p50 / p95, ms |",
        "|---|---:|---:|---:|",
    ]
    for kind, rows in [*results.items(), ("all", every)]:
        whoosh_ms, ours_ms = [r[0] for r in rows], [r[1] for r in rows]
        lines.append(
            f"| {kind} ({len(rows)}) | {sum(r[2] for r in rows)} of {len(rows)}"
            f" | {percentile(whoosh_ms, 50):.1f} / {percentile(whoosh_ms, 95):.1f}"
            f" | {percentile(ours_ms, 50):.1f} / {percentile(ours_ms, 95):.1f} |"
        )
    shown = ", ".join(mismatches) if mismatches else "none"
    markdown = "\n".join(
        [
            f"### Stock Whoosh on our index ({text_mb:.1f} MB of text, {corpus.name})",
            "",
            f"`python tests/benchmarks/bench_whoosh.py` — {machine}",
            "",
            '`whoosh.index.open_dir` + `QueryParser("text")` through the codec, against'
            " `Searcher.search` in the same process: the same passages (all of them, as sets,"
            " against `require_all=True, collapse=False`), and warm top-10 latency with"
            " highlights, timed after that first answer (both sides' per-word caches warm)."
            f" open_dir + searcher(): {opened_ms:.0f} ms.",
            "",
            *lines,
            "",
            f"Queries whose passages differ: {shown}.",
        ]
    )
    print(markdown)
    if not options.no_write:
        write_section("bench_whoosh", markdown)


if __name__ == "__main__":
    main()
