"""The cutter every text format shares: a decoded text as a stream of lines, paragraphs cut into
passages of MAX_PASSAGE_CHARS at most as their lines come (a file is never held whole), and a
Block of text that knows the source line of each of its parts.

plain.py cuts its lines with these pieces; markdown.py and html.py make Blocks; jsonl.py cuts
paragraphs.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

MAX_PASSAGE_CHARS = 2000
# A longer line is handled in parts, and a paragraph holding more is cut into passages as it is
# read: what a file of one 200 MB line, or of no blank line at all, holds at a time.
_PART_CHARS = 1 << 18

# How a line part ends: the line goes on in the next part, at a newline, at the end of the file.
MORE, NEWLINE, EOF = 0, 1, 2
# (part, how it ends, 1-based line number) of a line of text, without its newline.
Line = tuple[str, int, int]


class Part(NamedTuple):
    """One passage, before numbering."""

    title: str
    line: int
    text: str
    kind: str = "text"  # "code": a code block, kept as written
    language: str = ""  # of a code block, as its fence names it


def split_lines(chunks: Iterable[str]) -> Iterator[Line]:
    """The lines of the text; one longer than _PART_CHARS comes in parts, all but its last ending
    MORE. A final newline starts no line."""
    number = 1
    rest = ""
    partial = False  # parts of line `number` were yielded
    for chunk in chunks:
        text = rest + chunk
        start = 0
        while (stop := text.find("\n", start)) != -1:
            yield text[start:stop], NEWLINE, number
            number += 1
            partial = False
            start = stop + 1
        rest = text[start:]
        if len(rest) > _PART_CHARS:
            yield rest, MORE, number
            partial = True
            rest = ""
    if rest or partial:
        yield rest, EOF, number


NONSPACE = re.compile(r"\S")
_SENTENCE_ENDS = "。！？!?；;\n"
# Closing quotes and brackets stay with the sentence they end.
_CLOSERS = "”’」』）)】》〕"
_WORD_GAPS = " \t\u3000"


class Paragraph:
    """A paragraph as its lines come, cut into passages as soon as each one is certain: once more
    than MAX_PASSAGE_CHARS follow its start. So at most about _PART_CHARS of it are held."""

    def __init__(self, line: int) -> None:
        self._parts: list[str] = []
        self._size = 0
        self._line = line  # the line where the held text starts

    def add(self, text: str) -> list[tuple[int, str]]:
        """Append text; (line, text) of the passages it made certain."""
        self._parts.append(text)
        self._size += len(text)
        return self._take(more=True) if self._size > _PART_CHARS else []

    def close(self, tail: str = "") -> list[tuple[int, str]]:
        """(line, text) of the passages left, once `tail` ends the paragraph."""
        self._parts.append(tail)
        return self._take(more=False)

    def _take(self, more: bool) -> list[tuple[int, str]]:
        text = "".join(self._parts)
        taken = []
        line, at, resume = self._line, 0, 0
        for offset, piece in pieces(text, 0, len(text), more):
            line += text.count("\n", at, offset)
            at = offset
            taken.append((line, piece))
            resume = offset + len(piece)
        # Whitespace before the next piece is never part of one: only its newlines are kept.
        match = NONSPACE.search(text, resume)
        keep = match.start() if match else len(text)
        self._line = line + text.count("\n", at, keep)
        self._parts = [text[keep:]]
        self._size = len(text) - keep
        return taken


@dataclass
class Block:
    """A paragraph, table row or code block as a reader sees it. Its text need not keep the
    source's line breaks (markup is gone), so it says where each source line starts: from
    text[offsets[k]:] on, the text comes from line lines[k]."""

    text: str
    offsets: list[int]  # ascending, offsets[0] == 0
    lines: list[int]  # 1-based
    kind: str = "text"
    language: str = ""

    @classmethod
    def of_lines(cls, line: int, text: str, kind: str = "text", language: str = "") -> Block:
        """A block whose every newline is a line break of the source, from `line` on."""
        offsets, lines = [0], [line]
        at = text.find("\n")
        while at != -1:
            offsets.append(at + 1)
            lines.append(lines[-1] + 1)
            at = text.find("\n", at + 1)
        return cls(text, offsets, lines, kind, language)

    def parts(self, title: str) -> Iterator[Part]:
        """The passages of the block, cut by pieces(), each with the line its text starts on."""
        for offset, piece in pieces(self.text, 0, len(self.text)):
            line = self.lines[bisect_right(self.offsets, offset) - 1]
            yield Part(title, line, piece, self.kind, self.language)


def titled(title: str, taken: list[tuple[int, str]]) -> Iterator[Part]:
    """(title, line, text) of each (line, text) a Paragraph gave."""
    return (Part(title, line, text) for line, text in taken)


def pieces(text: str, start: int, end: int, more: bool = False) -> Iterator[tuple[int, str]]:
    """(offset, text) of text[start:end], stripped and cut into pieces of MAX_PASSAGE_CHARS at most.

    With `more`, the text goes on after end: stops before a piece that might reach it. Works on
    offsets so a long text is never copied whole, and each cut looks back at most
    MAX_PASSAGE_CHARS characters, so the whole is linear.
    """
    while (match := NONSPACE.search(text, start, end)) is not None:
        start = match.start()
        if end - start > MAX_PASSAGE_CHARS:
            cut = _cut(text, start)
        elif more:
            return
        else:
            cut = end
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
