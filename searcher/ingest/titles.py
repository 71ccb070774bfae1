"""The title of a passage: the document title, then each heading enclosing it.

Markdown and HTML tell a TitlePath every heading as they meet it (level 1-6, its text as a reader
sees it); each passage takes the path as it stands: "文档 › 一、网格 › 1. 划分".
"""

from __future__ import annotations

from dataclasses import dataclass

SEPARATOR = " › "


@dataclass(frozen=True)
class Heading:
    level: int  # 1-6
    text: str  # as a reader sees it


class TitlePath:
    """The title path as the headings met so far leave it: `title`."""

    def __init__(self, document: str) -> None:
        self.document = document
        self._headings: list[tuple[int, str]] = []  # (level, text), levels ascending
        self.title = document

    def heading(self, level: int, text: str) -> None:
        """A heading closes every heading of its level or deeper, then encloses what follows.
        One without text only closes; the document title, met as a top heading, is not repeated."""
        while self._headings and self._headings[-1][0] >= level:
            self._headings.pop()
        text = " ".join(text.split())  # a title is one line
        if text and (self._headings or text != self.document):
            self._headings.append((level, text))
        self.title = SEPARATOR.join([self.document, *(name for _, name in self._headings)])
