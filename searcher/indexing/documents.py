"""Files → passages: cut a decoded file into numbered passages with exact line numbers.

sources.py finds the files and decoding.py turns their bytes into text; indexing/writer.py turns
the passages into index documents.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from searcher.errors import DocumentReadError
from searcher.indexing.decoding import decode_bytes
from searcher.indexing.sources import describe_os_error

MAX_PASSAGE_CHARS = 2000

_OnError = Callable[[Path, str], None]


@dataclass(frozen=True)
class Passage:
    doc_id: str  # the JSONL record's "id", else the path as given to read_passages
    title: str  # file stem, Markdown "Title › Section", HTML <title>, JSONL "title"
    paragraph: int  # 1-based, among the passages of the document (JSONL: of the record)
    line: int  # 1-based line of the file where the passage starts (JSONL: the record's line)
    text: str  # as written, only surrounding whitespace stripped
    meta: dict[str, str] | None = None  # JSONL fields other than id/title/text


# ---------------------------------------------------------------------------- passages


def read_passages(path: Path, on_error: _OnError | None = None) -> Iterator[Passage]:
    """Yield the passages of one file, dispatching on its suffix (anything unknown is plain text).

    on_error hears about skipped JSONL lines as (path, "line N: reason").
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DocumentReadError(f"{path}: cannot read: {describe_os_error(err)}") from None
    try:
        text, _encoding = decode_bytes(data)
    except DocumentReadError as err:
        raise DocumentReadError(f"{path}: {err}") from None
    del data  # from here on only the decoded copy is needed
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _NONSPACE.search(text) is None:
        raise DocumentReadError(f"{path}: holds no text")
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        passages = _jsonl_passages(text, path, on_error)
    else:
        if suffix in (".md", ".markdown"):
            parts = _markdown_parts(text, path.stem)
        elif suffix in (".html", ".htm"):
            parts = _html_parts(text, path.stem)
        else:
            parts = _text_parts(text, path.stem)
        passages = (
            Passage(doc_id=str(path), title=title, paragraph=number, line=line, text=piece)
            for number, (title, line, piece) in enumerate(parts, 1)
        )
    found = False
    for passage in passages:
        found = True
        yield passage
    if not found:
        raise DocumentReadError(f"{path}: holds no text")


# (title, line, text) of one passage, before numbering.
_Part = tuple[str, int, str]

_NONSPACE = re.compile(r"\S")
# A newline followed by one or more whitespace-only lines: what separates two paragraphs.
_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")
_SENTENCE_ENDS = "。！？!?；;\n"
# Closing quotes and brackets stay with the sentence they end.
_CLOSERS = "”’」』）)】》〕"
_WORD_GAPS = " \t\u3000"


class _LineAt:
    """Offset → 1-based line; offsets come in increasing order, so the total work is linear."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._offset = 0
        self._line = 1

    def __call__(self, offset: int) -> int:
        self._line += self._text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line


def _lines(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of text[start:end], without its newline."""
    while start < end:
        stop = text.find("\n", start, end)
        if stop == -1:
            stop = end
        yield start, stop
        start = stop + 1


def _blocks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each blank-line separated block of text[start:end] that holds text."""
    for match in _BLANK_LINES.finditer(text, start, end):
        if _NONSPACE.search(text, start, match.start()):
            yield start, match.start()
        start = match.end()
    if _NONSPACE.search(text, start, end):
        yield start, end


def _pieces(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    """(offset, text) of text[start:end], stripped and cut into pieces of MAX_PASSAGE_CHARS at most.

    Works on offsets so a 200 MB line is never copied whole, and each cut looks back at most
    MAX_PASSAGE_CHARS characters, so the whole is linear.
    """
    while (match := _NONSPACE.search(text, start, end)) is not None:
        start = match.start()
        cut = end if end - start <= MAX_PASSAGE_CHARS else _cut(text, start)
        stop = cut
        while text[stop - 1].isspace():  # stops at text[start], which is not a space
            stop -= 1
        yield start, text[start:stop]
        start = cut


def _cut(text: str, start: int) -> int:
    """Where to end the piece starting at start: after a sentence, else between words, else hard."""
    limit = start + MAX_PASSAGE_CHARS
    end = max(text.rfind(ch, start + 1, limit) for ch in _SENTENCE_ENDS)
    if end != -1:
        cut = end + 1
        while cut < limit and text[cut] in _CLOSERS:
            cut += 1
        return cut
    gap = max(text.rfind(ch, start + 1, limit) for ch in _WORD_GAPS)
    return gap if gap != -1 else limit


def _text_parts(text: str, title: str) -> Iterator[_Part]:
    line_at = _LineAt(text)
    blocks = _blocks(text, 0, len(text))
    first = next(blocks, None)
    second = next(blocks, None)
    if second is None:
        # No blank line between two text lines: the file writes one paragraph per line.
        ranges: Iterable[tuple[int, int]] = _lines(text, *first) if first else ()
    else:
        ranges = itertools.chain((first, second), blocks)
    for start, end in ranges:
        for offset, piece in _pieces(text, start, end):
            yield title, line_at(offset), piece


# ---------------------------------------------------------------------------- markdown

_TEXT, _BLANK, _HEADING = "text", "blank", "heading"
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def _front_matter_end(text: str) -> int:
    """Offset just past a YAML front matter block at the very top, else 0."""
    first = text.find("\n")
    if first == -1 or text[:first].rstrip() != "---":
        return 0
    match = _FRONT_MATTER_END.search(text, first + 1)
    return match.end() if match else 0


def _markdown_lines(text: str, start: int) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) of each line; inside a fenced code block every line is text."""
    fence = ""
    for a, b in _lines(text, start, len(text)):
        line = text[a:b]
        if fence:
            closing = line.strip()
            if closing.startswith(fence) and not closing.strip(fence[0]):
                fence = ""
            yield _TEXT, a, b
        elif match := _FENCE.match(line):
            fence = match.group(1)
            yield _TEXT, a, b
        elif line.startswith("#"):
            yield _HEADING, a, b
        else:
            yield (_TEXT if line.strip() else _BLANK), a, b


def _heading(line: str) -> tuple[int, str]:
    """'## 背景 ##' → (2, '背景')."""
    level = len(line) - len(line.lstrip("#"))
    name = line[level:].strip()
    closed = name.rstrip("#")
    if closed != name and (not closed or closed[-1].isspace()):
        name = closed.rstrip()
    return level, name


def _markdown_parts(text: str, stem: str) -> Iterator[_Part]:
    body = _front_matter_end(text)
    # First pass: the document title, and whether blank lines separate paragraphs at all.
    first_h1: tuple[int, str] | None = None
    first_any: tuple[int, str] | None = None
    seen_text = blank_after_text = separated = False
    for kind, a, b in _markdown_lines(text, body):
        if kind == _HEADING:
            level, name = _heading(text[a:b])
            if name and first_any is None:
                first_any = (a, name)
            if name and level == 1 and first_h1 is None:
                first_h1 = (a, name)
        elif kind == _TEXT:
            separated = separated or blank_after_text
            seen_text = True
        elif seen_text:
            blank_after_text = True
    title_at, doc_title = first_h1 or first_any or (-1, stem)

    line_at = _LineAt(text)
    section = ""
    block: list[int] = []  # [start, end] of the paragraph being gathered

    def emit() -> Iterator[_Part]:
        title = f"{doc_title} › {section}" if section else doc_title
        for offset, piece in _pieces(text, block[0], block[1]):
            yield title, line_at(offset), piece
        block.clear()

    for kind, a, b in _markdown_lines(text, body):
        if kind == _TEXT:
            if block:
                block[1] = b
            else:
                block[:] = [a, b]
            if not separated:
                yield from emit()
            continue
        if block:
            yield from emit()
        if kind == _HEADING:
            section = "" if a == title_at else _heading(text[a:b])[1]
    if block:
        yield from emit()


# ---------------------------------------------------------------------------- JSONL


def _jsonl_passages(text: str, path: Path, on_error: _OnError | None) -> Iterator[Passage]:
    for number, (a, b) in enumerate(_lines(text, 0, len(text)), 1):
        line = text[a:b]
        if not line.strip():
            continue
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
            continue
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
            for _offset, piece in _pieces(body, start, end):
                paragraph += 1
                yield Passage(doc_id, title, paragraph, number, piece, extra or None)
        if paragraph == 0 and on_error is not None:
            on_error(path, f'line {number}: "text" is empty')


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
        if not self._line and (match := _NONSPACE.search(data)):
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


def _html_parts(text: str, stem: str) -> Iterator[_Part]:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    title = parser.title or parser.first_h1 or stem
    for line, paragraph in parser.paragraphs:
        for offset, piece in _pieces(paragraph, 0, len(paragraph)):
            yield title, line + paragraph.count("\n", 0, offset), piece
