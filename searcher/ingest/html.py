"""HTML → passages: block elements are paragraphs, titled by the document title (<title>, else
the first <h1>) and every heading <h1>-<h6> enclosing them. Headings are titles, not passages.

markdown.py reads the HTML blocks of a Markdown file with html_events().
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

from searcher.ingest.lines import NONSPACE, Block, Part
from searcher.ingest.titles import Heading, TitlePath

_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template"})
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCK_TAGS = _HEADING_TAGS | frozenset(
    "p div li br tr section article blockquote pre ul ol dl dt dd table caption"
    " header footer nav aside main figure figcaption hr form address details summary body".split()
)
_CELL_TAGS = frozenset({"td", "th"})
_HTML_SPACE = re.compile(r"[ \t\n\f]+")


class _HtmlText(HTMLParser):
    """Collects the <title> and, in order, the headings and the paragraphs (Blocks)."""

    def __init__(self, first_line: int = 1) -> None:
        super().__init__(convert_charrefs=True)  # entity references arrive decoded
        self.events: list[Heading | Block] = []
        self.title = self.first_h1 = ""
        self._lines_before = first_line - 1  # the text fed starts on source line first_line
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
            elif self._opened in _HEADING_TAGS:
                self.events.append(Heading(int(self._opened[1]), text))
                if self._opened == "h1":
                    self.first_h1 = self.first_h1 or text
            else:
                self.events.append(Block.of_lines(self._lines_before + self._line, text))
        self._chunks.clear()
        self._line = 0
        self._opened = ""


def html_events(text: str, first_line: int) -> list[Heading | Block]:
    """The headings and paragraphs of a piece of HTML that starts on source line first_line."""
    parser = _HtmlText(first_line)
    parser.feed(text)
    parser.close()
    return parser.events


def html_parts(text: str, stem: str) -> Iterator[Part]:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    path = TitlePath(parser.title or parser.first_h1 or stem)
    for event in parser.events:
        if isinstance(event, Heading):
            path.heading(event.level, event.text)
        else:
            yield from event.parts(path.title)
