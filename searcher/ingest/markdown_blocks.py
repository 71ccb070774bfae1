"""markdown-it tokens → what a reader sees: Headings, and Blocks of text or code.

Emphasis and strikethrough markers, link targets, image syntax, HTML tags and entity escapes are
gone; link text and image alt text stay. A paragraph, a table row (cells joined by " | ") and a
fenced or indented code block (kind "code") are each a Block; the items of a tight list are one,
an item a line. A Block with no text of its own (only images, an empty row) is dropped.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from searcher.ingest.html import html_events
from searcher.ingest.lines import NONSPACE, Block
from searcher.ingest.titles import Heading

Event = Heading | Block

_TEXT_TOKENS = frozenset({"text", "text_special", "code_inline"})
_BREAK_TOKENS = frozenset({"softbreak", "hardbreak"})
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
CELL_SEPARATOR = " | "


def markdown_parser() -> MarkdownIt:
    """CommonMark, plus GFM tables and strikethrough."""
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    # Link targets are dropped unread: normalising each one cost 18% of the whole parse, and a
    # link markdown-it would refuse (javascript:) still shows its text, not its syntax.
    parser.normalizeLink = lambda url: url  # type: ignore[method-assign]
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


class _Text:
    """Text a reader sees, added a token at a time, and the source line each part comes from."""

    def __init__(self, line: int) -> None:
        self._parts: list[str] = []
        self._size = 0
        self._offsets, self._lines = [0], [line]
        self.own = False  # holds text of its own, besides images' alt text

    @property
    def line(self) -> int:
        return self._lines[-1]

    def add(self, text: str, own: bool = True) -> None:
        self._parts.append(text)
        self._size += len(text)
        self.own = self.own or (own and NONSPACE.search(text) is not None)

    def at_line(self, line: int) -> None:
        """What is added from now on comes from source line `line`."""
        if self._offsets[-1] == self._size:
            self._lines[-1] = line
        elif line != self._lines[-1]:
            self._offsets.append(self._size)
            self._lines.append(line)

    def add_inline(self, children: list[Token], own: bool = True, alt: bool = True) -> None:
        """Add the text of inline tokens; `alt`: images' alt text too."""
        for token in children:
            kind = token.type
            if kind in _TEXT_TOKENS:
                self.add(token.content, own)
            elif kind in _BREAK_TOKENS:
                self.add("\n", own=False)
                self.at_line(self.line + 1)
            elif kind == "image" and alt:  # its alt text: no text of the passage's own
                self.add_inline(token.children or [], own=False)
            elif kind == "html_inline":
                if _BR.fullmatch(token.content):
                    self.add("\n", own=False)
                if breaks := token.content.count("\n"):
                    self.at_line(self.line + breaks)
            # Anything else marks up (emphasis, links): its text comes as tokens of its own.

    def extend(self, other: _Text) -> None:
        """Add the text of `other`, with the lines it comes from."""
        start = self._size
        self.at_line(other._lines[0])
        self.add(other.text, own=False)
        self.own = self.own or other.own
        for offset, line in zip(other._offsets[1:], other._lines[1:], strict=True):
            self._offsets.append(start + offset)
            self._lines.append(line)

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def block(self) -> Block:
        return Block(self.text, self._offsets, self._lines)


def _inline(token: Token, base: int, alt: bool = True, marker: str = "") -> _Text:
    """The text of an inline token; base: the 0-based source line of the window's line 0;
    marker: an ordered list item's number ("2. "), which a reader sees before its text."""
    text = _Text(base + token.map[0] + 1 if token.map else base + 1)
    text.add(marker, own=False)
    text.add_inline(token.children or [], alt=alt)
    return text


class _Walker:
    """Turns the tokens of a window into Events, a top-level block at a time."""

    def __init__(self, base: int) -> None:
        self.base = base  # the 0-based source line of the window's line 0
        self.events: list[Event] = []
        self._list_depth = 0
        self._items: _Text | None = None  # a tight list so far
        self._marker = ""  # the number of the ordered list item whose first paragraph comes next

    def walk(self, tokens: list[Token]) -> list[Event]:
        at = 0
        while at < len(tokens):
            at = self._step(tokens, at)
        self._end_list()
        return self.events

    def _step(self, tokens: list[Token], at: int) -> int:
        """Take the token at `at` (and those it owns); returns the index of the next one."""
        token = tokens[at]
        kind = token.type
        if kind.endswith("_list_open"):
            self._list_depth += 1
        elif kind.endswith("_list_close"):
            self._list_depth -= 1
            if not self._list_depth:
                self._end_list()
        elif kind == "list_item_open":
            self._marker = f"{token.info}{token.markup} " if token.info else ""
        elif kind == "paragraph_open" and token.hidden:  # an item of a tight list
            self._list_item(_inline(tokens[at + 1], self.base, marker=self._take_marker()))
            return at + 3
        elif kind == "list_item_close":
            self._marker = ""  # an item that held no paragraph
        else:
            self._end_list()
            return self._block(tokens, at)
        return at + 1

    def _block(self, tokens: list[Token], at: int) -> int:
        token = tokens[at]
        kind = token.type
        if kind == "heading_open":
            # A title is what the heading says: a badge or logo in it is no part of it.
            heading = _inline(tokens[at + 1], self.base, alt=False)
            self.events.append(Heading(int(token.tag[1:]), heading.text))
            return at + 3
        if kind == "paragraph_open":
            self._add(_inline(tokens[at + 1], self.base, marker=self._take_marker()))
            return at + 3
        if kind == "tr_open":
            return self._row(tokens, at)
        if kind in ("fence", "code_block") and token.map:
            # A fence's text starts on the line after its opening ``` line.
            line = self.base + token.map[0] + (2 if kind == "fence" else 1)
            language = token.info.split(maxsplit=1)[0] if token.info.strip() else ""
            self.events.append(Block.of_lines(line, token.content, "code", language))
        elif kind == "html_block" and token.map:
            self.events += html_events(token.content, self.base + token.map[0] + 1)
        return at + 1

    def _row(self, tokens: list[Token], at: int) -> int:
        row = _Text(self.base + tokens[at].map[0] + 1 if tokens[at].map else self.base + 1)
        cells = 0
        at += 1
        while tokens[at].type != "tr_close":
            if tokens[at].type == "inline":
                cell = _Text(row.line)
                cell.add_inline(tokens[at].children or [])
                row.add(CELL_SEPARATOR if cells else "", own=False)
                row.add(cell.text.strip(), own=cell.own)
                cells += 1
            at += 1
        self._add(row)
        return at + 1

    def _take_marker(self) -> str:
        marker, self._marker = self._marker, ""
        return marker

    def _list_item(self, item: _Text) -> None:
        if not item.own:
            return
        if self._items is None:
            self._items = item
        else:
            self._items.add("\n", own=False)
            self._items.extend(item)

    def _end_list(self) -> None:
        if self._items is not None:
            self._add(self._items)
            self._items = None

    def _add(self, text: _Text) -> None:
        if text.own:
            self.events.append(text.block())


def markdown_events(tokens: list[Token], base: int) -> list[Event]:
    """The Headings and Blocks of a window's tokens; base: the 0-based source line of its line 0."""
    return _Walker(base).walk(tokens)
