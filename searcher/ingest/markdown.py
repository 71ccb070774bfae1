"""Markdown → passages titled "Title › Section"; headings and YAML front matter are left out.

A first reading (markdown_layout) finds the title and whether blank lines separate paragraphs;
the second (markdown_parts) cuts. Both take their lines from paragraphs.split_lines().
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from searcher.ingest.lines import MORE, NEWLINE, NONSPACE, Line, Paragraph, Part, titled

_TEXT, _BLANK, _HEADING = "text", "blank", "heading"
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_FENCE_PROBE = 6  # how many characters of a line tell whether _FENCE matches it


class _MarkdownLines:
    """The kind of each line as it comes; inside a fenced code block every line is text. A long
    line is classified on its first part when that settles it, else held until it ends."""

    def __init__(self) -> None:
        self._fence = ""
        self._held: list[str] = []
        self._long_text = False  # in the later parts of a long text line

    def push(self, part: str, end: int) -> tuple[str, str] | None:
        """(kind, text) of a line or a part of one; None while a line is held."""
        if self._long_text:
            self._long_text = end == MORE
            return _TEXT, part
        if end == MORE and not self._held and self._text_whatever_follows(part):
            self._long_text = True
            return _TEXT, part
        if end == MORE or self._held:
            self._held.append(part)
            if end == MORE:
                return None
            part, self._held = "".join(self._held), []
        return self._kind(part), part

    def _text_whatever_follows(self, head: str) -> bool:
        if self._fence:
            return bool(head.strip().strip(self._fence[0]))  # it cannot close the fence
        return (
            len(head) >= _FENCE_PROBE
            and _FENCE.match(head) is None
            and not head.startswith("#")
            and NONSPACE.search(head) is not None
        )

    def _kind(self, line: str) -> str:
        if self._fence:
            closing = line.strip()
            if closing.startswith(self._fence) and not closing.strip(self._fence[0]):
                self._fence = ""
            return _TEXT
        if match := _FENCE.match(line):
            self._fence = match.group(1)
            return _TEXT
        if line.startswith("#"):
            return _HEADING
        return _TEXT if line.strip() else _BLANK


def _heading(line: str) -> tuple[int, str]:
    """'## 背景 ##' → (2, '背景')."""
    level = len(line) - len(line.lstrip("#"))
    name = line[level:].strip()
    closed = name.rstrip("#")
    if closed != name and (not closed or closed[-1].isspace()):
        name = closed.rstrip()
    return level, name


class MarkdownFacts:
    """What cutting Markdown needs before the first passage: the document title, and whether
    blank lines separate paragraphs at all (else each line is one)."""

    def __init__(self) -> None:
        self._kinds = _MarkdownLines()
        self.first_h1: tuple[int, str] | None = None  # (line, name)
        self.first_any: tuple[int, str] | None = None
        self._seen_text = self._blank_after_text = self.separated = False

    def push(self, part: str, end: int, number: int) -> None:
        item = self._kinds.push(part, end)
        if item is None:
            return
        kind, line = item
        if kind == _HEADING:
            level, name = _heading(line)
            if name and self.first_any is None:
                self.first_any = (number, name)
            if name and level == 1 and self.first_h1 is None:
                self.first_h1 = (number, name)
        elif kind == _TEXT:
            self.separated = self.separated or self._blank_after_text
            self._seen_text = True
        elif self._seen_text:
            self._blank_after_text = True

    @property
    def settled(self) -> bool:
        """Nothing further in the file can change the facts."""
        return self.first_h1 is not None and self.separated


class _LineShape:
    """Whether a line, seen part by part, is one of `marks` then only `tail` characters."""

    def __init__(self, marks: tuple[str, ...], tail: re.Pattern[str]) -> None:
        self._marks, self._tail = marks, tail
        self._head = ""
        self._ok = True

    def push(self, part: str) -> None:
        need = len(self._marks[0]) - len(self._head)
        if need > 0:
            self._head += part[:need]
            part = part[need:]
        self._ok = self._ok and self._tail.fullmatch(part) is not None

    @property
    def matched(self) -> bool:
        return self._ok and self._head in self._marks


_SPACES = re.compile(r"\s*")
_TABS = re.compile(r"[ \t]*")


def markdown_layout(lines: Iterable[Line]) -> tuple[int, MarkdownFacts]:
    """(the last line of a YAML front matter block at the very top, else 0; facts of the rest)."""
    facts = MarkdownFacts()  # of the whole file: it may have no front matter
    body: MarkdownFacts | None = None  # of the lines after the front matter, once it closed
    front_end = 0
    front: bool | None = None  # line 1 opens a front matter block; None: not known yet
    shape = _LineShape(("---",), _SPACES)
    for part, end, number in lines:
        if body is not None:
            body.push(part, end, number)
            if body.settled:
                break
            continue
        facts.push(part, end, number)
        if front is False:
            if facts.settled:
                break
            continue
        shape.push(part)
        if end == MORE:
            continue
        if number == 1:
            front = end == NEWLINE and shape.matched
        elif shape.matched:
            front_end, body = number, MarkdownFacts()
        shape = _LineShape(("---", "..."), _TABS)
    return (front_end, body) if body is not None else (0, facts)


def markdown_parts(
    lines: Iterable[Line], stem: str, layout: tuple[int, MarkdownFacts]
) -> Iterator[Part]:
    front_end, facts = layout
    title_at, doc_title = facts.first_h1 or facts.first_any or (0, stem)
    kinds = _MarkdownLines()
    title = doc_title
    paragraph: Paragraph | None = None
    newline = False  # the text added last ended its line
    for part, end, number in lines:
        if number <= front_end:
            continue
        item = kinds.push(part, end)
        if item is None:
            continue
        kind, text = item
        if kind == _TEXT:
            if paragraph is None:
                paragraph, newline = Paragraph(number), False
            yield from titled(title, paragraph.add("\n" + text if newline else text))
            newline = end != MORE
            if newline and not facts.separated:
                yield from titled(title, paragraph.close())
                paragraph = None
            continue
        if paragraph is not None:
            yield from titled(title, paragraph.close())
            paragraph = None
        if kind == _HEADING:
            section = "" if number == title_at else _heading(text)[1]
            title = f"{doc_title} › {section}" if section else doc_title
    if paragraph is not None:
        yield from titled(title, paragraph.close())
