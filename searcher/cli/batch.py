"""`searcher batch`: the queries it reads (plain lines, or JSON Lines with "query" and maybe "qid")
and the JSON object it writes for each, hits or error, one per line on stdout.
"""

from __future__ import annotations

import codecs
import itertools
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from searcher.cli.render import hit_record, result_record
from searcher.errors import SearcherError, describe_os_error
from searcher.oneline import json_line
from searcher.search import Searcher
from searcher.search.query import MAX_QUERY_CHARS


@dataclass
class Tally:
    """What the answers held, for the exit status: a hit anywhere, an error anywhere."""

    any_hits: bool = False
    any_errors: bool = False


def answer_queries(
    searcher: Searcher,
    queries: Iterable[tuple[str, str]],
    limit: int,
    require_all: bool,
    collapse: bool = True,
) -> Tally:
    """Search each (qid, query) and print one JSON line for it; a bad query's line says why."""
    tally = Tally()
    for qid, text in queries:
        try:
            result = searcher.search(text, limit=limit, require_all=require_all, collapse=collapse)
        except SearcherError as err:
            tally.any_errors = True
            print(json_line({"qid": qid, "query": text, "error": str(err)}))
            continue
        tally.any_hits = tally.any_hits or bool(result.hits)
        record = {
            "qid": qid,
            "query": text,
            "total": result.total,
            "took_ms": round(result.took_ms, 3),
            "hits": [hit_record(hit) for hit in result.hits],
        }
        if result.empty_filter:
            record["empty_filter"] = result.empty_filter
        print(json_line(record | result_record(result)))
    return tally


def read_queries(source: str) -> Iterator[tuple[str, str]]:
    """(qid, query) for each non-blank line of `source` (- is stdin); qid defaults to the line.

    Lines are read with a bound: an over-long query becomes one whose search says so (the batch
    goes on), and input that is not lines of text at all (/dev/zero) stops the batch.
    """
    for number, line in enumerate(_lines(source), 1):
        parsed = _parse(line, number)
        if parsed is not None:
            yield parsed


# A line longer than this is not a query (the longest is MAX_QUERY_CHARS characters of up to
# four bytes each), and what is past it is not held: it is read and dropped to the newline.
_MAX_LINE_BYTES = 4 * MAX_QUERY_CHARS + 4
_MAX_DROPPED_BYTES = 1 << 24  # a "line" past 16 MB: not a file of queries


def _lines(source: str) -> Iterator[str]:
    if source == "-":
        yield from _bounded_lines(sys.stdin.buffer, "standard input")
        return
    try:
        handle = open(source, "rb")  # noqa: SIM115 - closed below
    except OSError as err:
        raise SearcherError(f"cannot read queries from {source}: {describe_os_error(err)}") from err
    with handle:
        yield from _bounded_lines(handle, source)


def _bounded_lines(handle: BinaryIO, name: str) -> Iterator[str]:
    first = True
    for number in itertools.count(1):
        raw = handle.readline(_MAX_LINE_BYTES)
        if not raw:
            return
        if first:
            raw, first = raw.removeprefix(codecs.BOM_UTF8), False
        if len(raw) >= _MAX_LINE_BYTES - 3 and not raw.endswith(b"\n"):
            _drop_rest_of_line(handle, name, number)
            # Over MAX_QUERY_CHARS whatever its script: its search says so, and the batch goes on.
            yield raw.decode("utf-8", "replace")
            continue
        try:
            yield raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as err:
            raise SearcherError(
                f"cannot read queries from {name}: line {number} is not UTF-8"
            ) from err


def _drop_rest_of_line(handle: BinaryIO, name: str, number: int) -> None:
    dropped = 0
    while dropped < _MAX_DROPPED_BYTES:
        chunk = handle.readline(1 << 20)
        if not chunk or chunk.endswith(b"\n"):
            return
        dropped += len(chunk)
    raise SearcherError(
        f"cannot read queries from {name}: line {number} goes on past 16 MB;"
        " give a file of queries, one per line"
    )


def _parse(line: str, number: int) -> tuple[str, str] | None:
    stripped = line.strip()
    if not stripped:
        return None
    if stripped.startswith("{"):
        try:
            record = json.loads(stripped)
        except json.JSONDecodeError:
            return str(number), stripped  # not JSON after all: a query that starts with a brace
        if isinstance(record, dict) and isinstance(record.get("query"), str):
            return str(record.get("qid", number)), record["query"]
    return str(number), stripped
