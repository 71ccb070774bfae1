"""A passage: what every format's reader yields and the index stores, one per row."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    id: str  # the JSONL record's "id", else the path as given to read_passages
    title: str  # the document title, then each enclosing heading: "文档 › 一、网格 › 1. 划分"
    paragraph: int  # 1-based, among the passages of the document (JSONL: of the record)
    line: int  # 1-based line of the file where the passage starts (JSONL: the record's line)
    text: str  # as a reader sees it (no Markdown or HTML markup), surrounding whitespace stripped
    meta: dict[str, str] | None = None  # JSONL fields other than id/title/text
    kind: str = "text"  # "code": a Markdown code block, kept as written
    language: str = ""  # of a code block, as its fence names it ("python"), else ""
