"""A passage: what every format's reader yields and the index stores, one per row."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    id: str  # the JSONL record's "id", else the path as given to read_passages
    title: str  # file stem, Markdown "Title › Section", HTML <title>, JSONL "title"
    paragraph: int  # 1-based, among the passages of the document (JSONL: of the record)
    line: int  # 1-based line of the file where the passage starts (JSONL: the record's line)
    text: str  # as written, only surrounding whitespace stripped
    meta: dict[str, str] | None = None  # JSONL fields other than id/title/text
