"""Parity and speed: the same collection in searcher's index and in OpenSearch, the same queries.

    tests/integration/opensearch/node.sh start        a two-node cluster on 127.0.0.1:9200
    python tests/benchmarks/bench_opensearch.py        5 MB of zh-laws plus the bundled samples
    python tests/benchmarks/bench_opensearch.py --max-mb 20 --per-kind 50

Loads the collection into both (`searcher push`: 2 shards, 1 replica), then runs the benchmark
mix of bench_query.py (per kind: single characters, two-character words, long words, several
words, quoted phrases, ASCII/digits; plus their traditional forms) through both engines and
compares: the set of matching passages (every match, not the top 10), the top-10 overlap, and
the highlight offsets of the hits both show. Also the bulk-load throughput and warm query
latency (one process, top 10 with highlights) of each. Writes results-opensearch.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench_query import sample_queries
from measure import CORPUS, corpus_subset, machine_line, percentile

RESULTS = Path(__file__).with_name("results-opensearch.md")
ALL = 10_000  # the most passages compared as a set (OpenSearch's default result window)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:9200")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--max-mb", type=float, default=5.0)
    parser.add_argument("--per-kind", type=int, default=30)
    parser.add_argument("--no-write", action="store_true", help="print, don't write the results")
    options = parser.parse_args()

    from searcher.cli.location import samples_dir
    from searcher.indexing.writer import build_index
    from searcher.remote import RemoteSearcher, push_index
    from searcher.remote.connection import connect
    from searcher.search import Searcher

    work = Path(tempfile.mkdtemp(prefix="bench-opensearch-"))
    corpus, text_mb = corpus_subset(options.corpus, options.max_mb, work)
    index = work / "index"
    build_index([corpus, samples_dir()], index)
    queries = sample_queries(corpus, options.per_kind)
    queries += [("traditional form", _traditional(q)) for k, q in queries if k == "long word"]
    client = connect(options.url)
    name = "bench-opensearch"
    started = time.perf_counter()
    report = push_index(index, client, name, shards=2, replicas=1, replace=True)
    push_s = time.perf_counter() - started
    started = time.perf_counter()
    again = push_index(index, client, name)
    again_s = time.perf_counter() - started

    rows: dict[str, dict] = {}
    with Searcher.open(index) as local, RemoteSearcher.open(options.url, name) as remote:
        passages = local.stats().passages
        for engine in (local, remote):  # warm both: caches, jieba, the connection
            for _, query in queries[:: max(len(queries) // 20, 1)]:
                engine.search(query)
        for kind, query in queries:
            row = rows.setdefault(kind, _empty_row())
            _compare(row, local, remote, query)
    client.indices.delete(index=name)
    text = _markdown(rows, passages, text_mb, report, push_s, again, again_s, len(queries))
    print(text)
    if not options.no_write:
        _write(text)


def _write(table: str) -> None:
    """Replace the measured part of results-opensearch.md; the notes around it stay."""
    start, end = "<!-- bench_opensearch:start -->", "<!-- bench_opensearch:end -->"
    text = RESULTS.read_text(encoding="utf-8")
    before, rest = text.split(start, 1)
    RESULTS.write_text(f"{before}{start}\n{table}{end}{rest.split(end, 1)[1]}", encoding="utf-8")


def _traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def _empty_row() -> dict:
    return {"queries": 0, "same_set": 0, "capped": 0, "overlap": [], "spans": [0, 0]}
    # spans: [hits shown by both with equal spans, hits shown by both]


def _compare(row: dict, local: object, remote: object, query: str) -> None:
    row["queries"] += 1
    started = time.perf_counter()
    mine = local.search(query, limit=10)  # type: ignore[attr-defined]
    row.setdefault("local_ms", []).append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    theirs = remote.search(query, limit=10)  # type: ignore[attr-defined]
    row.setdefault("remote_ms", []).append((time.perf_counter() - started) * 1000)
    top_mine = {_key(hit): hit for hit in mine.hits}
    top_theirs = {_key(hit): hit for hit in theirs.hits}
    if top_mine:
        row["overlap"].append(len(top_mine.keys() & top_theirs.keys()) / len(top_mine))
    for key in top_mine.keys() & top_theirs.keys():
        row["spans"][1] += 1
        row["spans"][0] += (top_mine[key].spans, top_mine[key].title_spans) == (
            top_theirs[key].spans,
            top_theirs[key].title_spans,
        )
    every_mine = local.search(query, limit=ALL, collapse=False)  # type: ignore[attr-defined]
    if every_mine.total > ALL:
        row["capped"] += 1
        row["same_set"] += every_mine.total == remote.search(query, limit=1, collapse=False).total
        return
    every_theirs = remote.search(query, limit=ALL, collapse=False)  # type: ignore[attr-defined]
    same = {_key(h) for h in every_mine.hits} == {_key(h) for h in every_theirs.hits}
    row["same_set"] += same
    if not same:
        row.setdefault("differ", []).append(query)


def _key(hit: object) -> tuple:
    return hit.path, hit.id, hit.paragraph  # type: ignore[attr-defined]


def _markdown(
    rows: dict,
    passages: int,
    text_mb: float,
    report: object,
    push_s: float,
    again: object,
    again_s: float,
    count: int,
) -> str:
    lines = [
        f"`python tests/benchmarks/bench_opensearch.py` on {text_mb:.1f} MB of zh-laws text and the"
        f" bundled samples ({passages:,} passages), {count} queries; a two-node OpenSearch 2.19.6"
        " cluster on 127.0.0.1 (tests/integration/opensearch/node.sh, 512 MB heap a node), index of"
        f" 2 shards and 1 replica. {machine_line()}.",
        "",
        "| kind | queries | same matching passages | top-10 overlap (mean, min) |"
        " same highlights | local p50 / p95 ms | OpenSearch p50 / p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, row in rows.items():
        overlap = row["overlap"] or [1.0]
        same, shared = row["spans"]
        capped = f" ({row['capped']} by count: over {ALL:,})" if row["capped"] else ""
        lines.append(
            f"| {kind} | {row['queries']} | {row['same_set']}/{row['queries']}{capped} |"
            f" {sum(overlap) / len(overlap):.3f}, {min(overlap):.2f} |"
            f" {same}/{shared} |"
            f" {percentile(row['local_ms'], 50):.1f} / {percentile(row['local_ms'], 95):.1f} |"
            f" {percentile(row['remote_ms'], 50):.1f} / {percentile(row['remote_ms'], 95):.1f} |"
        )
    lines += [
        "",
        f"Bulk load: {report.sent:,} passages in {push_s:.1f} s"  # type: ignore[attr-defined]
        f" ({report.sent / push_s:,.0f} passages/s, index creation and analysis included);"  # type: ignore[attr-defined]
        f" a second push with nothing changed: {again.unchanged:,} unchanged,"  # type: ignore[attr-defined]
        f" {again.sent} sent, {again_s:.1f} s.",  # type: ignore[attr-defined]
    ]
    differ = [q for row in rows.values() for q in row.get("differ", [])]
    if differ:
        lines += ["", "Queries whose matching passages differ: " + ", ".join(differ[:20])]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
