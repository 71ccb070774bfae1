"""A passage: what every format's reader yields and the index stores, one per row."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    id: str  # the JSONL record's "id", else the path as given to read_passages
    title: str  # the document title, then each enclosing heading: "文档 › 一、网格 › 1. 划分"
    paragraph: int  # 1-based, among the passages of the document (JSONL: of the record)
    line: int  # 1-based line of the file where the passage starts (JSONL: the record's line);
    # 0 where the format has no lines (PDF, DOCX, an image): `page` or `paragraph` says where
    text: str  # as a reader sees it (no Markdown or HTML markup), surrounding whitespace stripped
    meta: dict[str, str] | None = None  # JSONL fields other than id/title/text
    kind: str = "text"  # "code": a Markdown code block, kept as written
    language: str = ""  # of a code block, as its fence names it ("python"), else ""
    page: int = 0  # PDF: the 1-based page the passage is on; 0 for every other format
    chapter: str = ""  # EPUB: the chapter file inside the book (a zip), whose `line` it starts on
    ocr_confidence: float = 0.0  # text read from an image by OCR: its mean confidence (0-1)
