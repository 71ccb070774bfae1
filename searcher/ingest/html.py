"""HTML → passages: block elements are paragraphs; the title is <title>, else the first <h1>."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

from searcher.ingest.lines import NONSPACE, Part, pieces

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


def html_parts(text: str, stem: str) -> Iterator[Part]:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    title = parser.title or parser.first_h1 or stem
    for line, paragraph in parser.paragraphs:
        for offset, piece in pieces(paragraph, 0, len(paragraph)):
            yield title, line + paragraph.count("\n", 0, offset), piece
