"""`searcher batch`: the queries it reads (plain lines, or JSON Lines with "query" and maybe "qid")
and the JSON object it writes for each, hits or error, one per line on stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from searcher.cli.render import hit_record
from searcher.errors import SearcherError
from searcher.oneline import json_line
from searcher.search import Searcher


@dataclass
class Tally:
    """What the answers held, for the exit status: a hit anywhere, an error anywhere."""

    any_hits: bool = False
    any_errors: bool = False


def answer_queries(
    searcher: Searcher, queries: Iterable[tuple[str, str]], limit: int, require_all: bool
) -> Tally:
    """Search each (qid, query) and print one JSON line for it; a bad query's line says why."""
    tally = Tally()
    for qid, text in queries:
        try:
            result = searcher.search(text, limit=limit, require_all=require_all)
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
        print(json_line(record))
    return tally


def read_queries(source: str) -> Iterator[tuple[str, str]]:
    """(qid, query) for each non-blank line of `source` (- is stdin); qid defaults to the line."""
    for number, line in enumerate(_lines(source), 1):
        parsed = _parse(line, number)
        if parsed is not None:
            yield parsed


def _lines(source: str) -> Iterator[str]:
    if source == "-":
        return (line.rstrip("\n") for line in sys.stdin)
    try:
        return iter(Path(source).read_text(encoding="utf-8-sig").splitlines())
    except (OSError, UnicodeDecodeError) as err:
        raise SearcherError(f"cannot read queries from {source}: {err}") from err


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
