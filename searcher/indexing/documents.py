"""Files → passages: cut a file into numbered passages with exact line numbers.

sources.py finds the files and decoding.py turns their bytes into text; paragraphs.py and
markdown.py cut it; indexing/writer.py turns the passages into index documents. A file is cut as
it is read, a chunk at a time, so memory does not grow with its size; only a JSONL line and an
HTML file are held whole.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO

from searcher.errors import DocumentReadError
from searcher.indexing.decoding import Encoding, decoded_chunks, detect_encoding
from searcher.indexing.markdown import markdown_layout, markdown_parts
from searcher.indexing.paragraphs import (
    MAX_PASSAGE_CHARS,
    MORE,
    NONSPACE,
    Line,
    Part,
    has_blocks,
    pieces,
    split_lines,
    text_parts,
)
from searcher.indexing.sources import describe_os_error

__all__ = ["MAX_PASSAGE_CHARS", "Passage", "read_passages"]

_OnError = Callable[[Path, str], None]
_OnRead = Callable[[int], None]
_CHANGED = "changed while it was read"


@dataclass(frozen=True)
class Passage:
    doc_id: str  # the JSONL record's "id", else the path as given to read_passages
    title: str  # file stem, Markdown "Title › Section", HTML <title>, JSONL "title"
    paragraph: int  # 1-based, among the passages of the document (JSONL: of the record)
    line: int  # 1-based line of the file where the passage starts (JSONL: the record's line)
    text: str  # as written, only surrounding whitespace stripped
    meta: dict[str, str] | None = None  # JSONL fields other than id/title/text


# ---------------------------------------------------------------------------- passages


def read_passages(
    path: Path, on_error: _OnError | None = None, on_read: _OnRead | None = None
) -> Iterator[Passage]:
    """Yield the passages of one file, dispatching on its suffix (anything unknown is plain text).

    on_error hears about skipped JSONL lines as (path, "line N: reason"); on_read hears, as the
    passages come, how many bytes of the file they were cut from. The encoding (and the layout of
    text and Markdown) is checked over the whole file before the first passage, but a file can
    still change or fail while it is read: a DocumentReadError after some passages means the
    caller must drop those it took.
    """
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, also when the caller stops early
    except OSError as err:
        raise DocumentReadError(f"{path}: cannot read: {describe_os_error(err)}") from None
    with handle:
        try:
            before = os.fstat(handle.fileno())
            found = False
            for passage in _passages(handle, path, on_error, on_read):
                found = True
                yield passage
            if not found:
                raise DocumentReadError("holds no text")
            after = os.fstat(handle.fileno())
            if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
                raise DocumentReadError(_CHANGED)
        except OSError as err:
            raise DocumentReadError(f"{path}: cannot read: {describe_os_error(err)}") from None
        except UnicodeDecodeError:  # it decoded on the first reading: the bytes changed since
            raise DocumentReadError(f"{path}: {_CHANGED}") from None
        except DocumentReadError as err:
            raise DocumentReadError(f"{path}: {err}") from None


def _passages(
    handle: BinaryIO, path: Path, on_error: _OnError | None, on_read: _OnRead | None
) -> Iterator[Passage]:
    encoding = detect_encoding(handle)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _jsonl_passages(split_lines(_text(handle, encoding, on_read)), path, on_error)
        return
    if suffix in (".html", ".htm"):
        # Parsed whole: the title (<title>, else the first <h1>) may come after the text, and
        # HTMLParser fed in chunks is not known to give exactly what it gives fed whole.
        parts = _html_parts("".join(_text(handle, encoding, on_read)), path.stem)
    elif suffix in (".md", ".markdown"):
        # A first reading finds the title and the paragraph style; the second cuts.
        layout = markdown_layout(split_lines(_text(handle, encoding)))
        parts = markdown_parts(split_lines(_text(handle, encoding, on_read)), path.stem, layout)
    else:
        by_line = not has_blocks(split_lines(_text(handle, encoding)))
        parts = text_parts(split_lines(_text(handle, encoding, on_read)), path.stem, by_line)
    for number, (title, line, piece) in enumerate(parts, 1):
        yield Passage(doc_id=str(path), title=title, paragraph=number, line=line, text=piece)


def _text(handle: BinaryIO, encoding: Encoding, on_read: _OnRead | None = None) -> Iterator[str]:
    """The decoded text a chunk at a time, every "\\r\\n" and lone "\\r" made "\\n"."""
    carry = ""  # a final "\\r" waits for the next chunk: it may begin with the "\\n" of the pair
    for chunk in decoded_chunks(handle, encoding):
        chunk = carry + chunk
        carry = "\r" if chunk.endswith("\r") else ""
        if carry:
            chunk = chunk[:-1]
        if "\r" in chunk:
            chunk = chunk.replace("\r\n", "\n").replace("\r", "\n")
        if chunk:
            yield chunk
        if on_read is not None:
            on_read(handle.tell())
    if carry:
        yield "\n"


# ---------------------------------------------------------------------------- JSONL


def _jsonl_passages(
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
    problem = ""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        problem = f"not valid JSON ({err.msg})"
    except (ValueError, RecursionError):
        problem = "not valid JSON"
    else:
        if not isinstance(record, dict):
            problem = "not a JSON object"
        elif not isinstance(record.get("text"), str):
            problem = 'no "text" string'
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


# ---------------------------------------------------------------------------- HTML

_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template"})
_BLOCK_TAGS = frozenset(
    "p div li h1 h2 h3 h4 h5 h6 br tr section article blockquote pre ul ol dl dt dd table caption"
    " header footer nav aside main figure figcaption hr form address details summary body".split()
)
_CELL_TAGS = frozenset({"td", "th"})
_HTML_SPACE = re.compile(r"[ \t\n\f]+")


class _HtmlText(HTMLParser):
    """Collects (line, text) paragraphs, the <title> and the first <h1>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entity references arrive decoded
        self.paragraphs: list[tuple[int, str]] = []
        self.title = self.first_h1 = ""
        self._chunks: list[str] = []
        self._line = self._skip = self._pre = 0
        self._opened = ""  # the block tag the gathered text sits in

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS or tag == "title":
            self._flush()
            self._opened = tag
            self._pre += tag == "pre"
        elif tag in _CELL_TAGS:
            self._chunks.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS or tag == "title":
            self._flush()
            self._pre = max(0, self._pre - (tag == "pre"))

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if not self._line and (match := NONSPACE.search(data)):
            # getpos() is where this text run starts; the paragraph starts at its first letter.
            self._line = self.getpos()[0] + data.count("\n", 0, match.start())
        self._chunks.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = "".join(self._chunks)
        if not self._pre:  # outside <pre>, HTML whitespace runs render as one space
            text = _HTML_SPACE.sub(" ", text)
        if text := text.strip():
            if self._opened == "title":
                self.title = self.title or text
            else:
                self.paragraphs.append((self._line, text))
                if self._opened == "h1":
                    self.first_h1 = self.first_h1 or text
        self._chunks.clear()
        self._line = 0
        self._opened = ""


def _html_parts(text: str, stem: str) -> Iterator[Part]:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    title = parser.title or parser.first_h1 or stem
    for line, paragraph in parser.paragraphs:
        for offset, piece in pieces(paragraph, 0, len(paragraph)):
            yield title, line + paragraph.count("\n", 0, offset), piece
