"""The queries `searcher batch` reads: plain lines, or JSON Lines with "query" and maybe "qid"."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from searcher.errors import SearcherError


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
