"""JSONL → passages: one record a line, {"id", "title", "text", ...}; other fields kept as meta.

A record is parsed whole; only blank lines inside its text split it into passages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from searcher.ingest.lines import MORE, NONSPACE, Line, pieces
from searcher.ingest.passage import Passage

_OnError = Callable[[Path, str], None]


def jsonl_passages(
    lines: Iterable[Line], path: Path, on_error: _OnError | None
) -> Iterator[Passage]:
    held: list[str] = []  # the first parts of a long line: a record is parsed whole
    for part, end, number in lines:
        if end == MORE:
            held.append(part)
            continue
        if held:
            held.append(part)
            part, held = "".join(held), []
        yield from _record_passages(part, number, path, on_error)


def _record_passages(
    line: str, number: int, path: Path, on_error: _OnError | None
) -> Iterator[Passage]:
    if not line.strip():
        return
    record, problem = _record(line)
    if problem:
        if on_error is not None:
            on_error(path, f"line {number}: {problem}")
        return
    raw_id = record.get("id")
    doc_id = f"{path}#{number}" if raw_id is None or raw_id == "" else _field(raw_id)
    title = "" if record.get("title") is None else _field(record["title"])
    extra = {k: _field(v) for k, v in record.items() if k not in ("id", "title", "text")}
    body = record["text"]
    if "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    paragraph = 0
    # Only blank lines split a record: its single newlines are its own line breaks.
    for start, end in _blocks(body, 0, len(body)):
        for _offset, piece in pieces(body, start, end):
            paragraph += 1
            yield Passage(doc_id, title, paragraph, number, piece, extra or None)
    if paragraph == 0 and on_error is not None:
        on_error(path, f'line {number}: "text" is empty')


def _record(line: str) -> tuple[dict, str]:
    """The record of a line, or why it is none."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        return {}, f"not valid JSON ({err.msg})"
    except (ValueError, RecursionError):
        return {}, "not valid JSON"
    if not isinstance(record, dict):
        return {}, "not a JSON object"
    if not isinstance(record.get("text"), str):
        return {}, 'no "text" string'
    return record, ""


# A newline followed by one or more whitespace-only lines: what separates two paragraphs.
_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")


def _blocks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each blank-line separated block of text[start:end] that holds text."""
    for match in _BLANK_LINES.finditer(text, start, end):
        if NONSPACE.search(text, start, match.start()):
            yield start, match.start()
        start = match.end()
    if NONSPACE.search(text, start, end):
        yield start, end


def _field(value: object) -> str:
    # JSON, not str(), for non-strings: true/null/{"k": "v"} parse back, True/None/{'k': 'v'} don't.
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
