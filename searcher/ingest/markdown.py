"""Markdown → passages of the text a reader sees, each titled by the headings enclosing it.

CommonMark plus GFM tables and strikethrough, parsed by markdown-it-py; markdown_blocks.py turns
its tokens into Headings and Blocks. A YAML front matter block at the top is skipped: its
`title:` names the document, else its first level-1 heading does (when fewer than
TITLE_LOOKAHEAD_CHARS of text come before it), else the file name.

The text is parsed a window of about WINDOW_CHARS at a time, so memory does not grow with the
file: markdown-it holds ~30 bytes of tokens per character it parses (a 50 MB file parsed whole
peaked at 1.4 GB; a window at a time, at 38 MB). A window ends at a line end; all its top-level
blocks but the last are taken, and the next window starts where that last one does, so every
block is parsed whole, as a parse of the whole file would. Only a link whose reference
definition comes windows later stays as typed. A block longer than MAX_BLOCK_CHARS (a pasted
log, a file of one line) is cut there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from itertools import chain

from markdown_it.token import Token

from searcher.ingest.lines import Block, Part
from searcher.ingest.markdown_blocks import Event, markdown_events, markdown_parser
from searcher.ingest.titles import Heading, TitlePath

WINDOW_CHARS = 1 << 18
MAX_BLOCK_CHARS = 1 << 22
TITLE_LOOKAHEAD_CHARS = 1 << 18

_FRONT_OPEN = re.compile(r"---[ \t]*\n")
_FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\n", re.MULTILINE)
_FRONT_TITLE = re.compile(r"^title:[ \t]*(.*?)[ \t]*$", re.MULTILINE)

Note = Callable[[str], None]


def markdown_parts(chunks: Iterable[str], stem: str, note: Note | None = None) -> Iterator[Part]:
    """The passages of a Markdown text that comes in chunks; `note` hears of a block cut."""
    chunks = iter(chunks)
    head, front_lines, front_title = _front_matter(chunks)
    windows = _Windows(front_lines, note)
    events = chain.from_iterable(map(windows.feed, chain([head], chunks)))
    yield from _titled(chain(events, windows.close()), front_title, stem)


def _front_matter(chunks: Iterator[str]) -> tuple[str, int, str]:
    """(the text read so far, after a front matter block if one opens the file; that block's
    lines; its title). A block not closed within WINDOW_CHARS is not one."""
    held = ""
    for chunk in chunks:
        held += chunk
        if not _could_open(held):
            return held, 0, ""
        if "\n" in held and (close := _FRONT_CLOSE.search(held, held.index("\n") + 1)):
            return _after_front_matter(held, close.end())
        if len(held) > WINDOW_CHARS:
            return held, 0, ""
    if _could_open(held) and "\n" in held:
        close = _FRONT_CLOSE.search(held + "\n", held.index("\n") + 1)
        if close and close.end() >= len(held):  # the closing line ends the file
            return _after_front_matter(held, len(held))
    return held, 0, ""


def _could_open(held: str) -> bool:
    """Whether the text read so far may begin with a front matter block's opening line."""
    first = held.split("\n", 1)[0]
    if "\n" in held:
        return _FRONT_OPEN.match(first + "\n") is not None
    return first.startswith("---"[: len(first)]) and not first[3:].strip(" \t")


def _after_front_matter(held: str, end: int) -> tuple[str, int, str]:
    block = held[:end]
    match = _FRONT_TITLE.search(block)
    title = match.group(1) if match else ""
    if len(title) >= 2 and title[0] == title[-1] and title[0] in "'\"":
        title = title[1:-1]
    if title in (">", "|", ">-", "|-"):  # a YAML block scalar: not read
        title = ""
    return held[end:], block.count("\n"), " ".join(title.split())


class _Windows:
    """Text in, Events out, parsed a window at a time (see the module's docstring)."""

    def __init__(self, lines_before: int, note: Note | None) -> None:
        self._parser = markdown_parser()
        self._env: dict = {}  # link reference definitions, from every window so far
        self._held: list[str] = []
        self._size = 0
        self._base = lines_before  # the 0-based source line the held text starts on
        self._want = WINDOW_CHARS  # parse once this much is held
        self._note = note
        self._noted = False

    def feed(self, chunk: str) -> Iterator[Event]:
        self._held.append(chunk)
        self._size += len(chunk)
        while self._size >= self._want:
            text = "".join(self._held)
            self._held = [text]
            cut = text.find("\n", self._want - 1) + 1  # a window is whole lines
            if not cut and self._size < MAX_BLOCK_CHARS:
                return  # the line goes on: wait for its end
            window = text[:cut] if cut else text
            events, taken = self._take(window)
            if taken:
                rest = text[taken:]
            elif len(window) < MAX_BLOCK_CHARS:  # one block fills the window: a larger one
                self._want = min(2 * len(window), MAX_BLOCK_CHARS)
                continue
            else:
                events, reopened = self._cut(window)
                rest = reopened + text[len(window) :]
            yield from events
            self._held, self._size, self._want = [rest], len(rest), WINDOW_CHARS

    def close(self) -> Iterator[Event]:
        text = "".join(self._held)
        self._held = []
        yield from markdown_events(self._parser.parse(text, self._env), self._base)

    def _take(self, window: str) -> tuple[list[Event], int]:
        """The Events of the window's top-level blocks but its last, and how many characters
        of it they took (0: it is one block)."""
        tokens = self._parser.parse(window, self._env)
        last = _last_block(tokens)
        if last is None or not tokens[last].map or tokens[last].map[0] == 0:
            return [], 0
        lines = tokens[last].map[0]
        taken = 0
        for _ in range(lines):
            taken = window.index("\n", taken) + 1
        events = markdown_events(tokens[:last], self._base)
        self._base += lines
        return events, taken

    def _cut(self, window: str) -> tuple[list[Event], str]:
        """Every Event of a window that is one block too long to hold, cut at the window's end;
        and a line to start the rest with: a code block goes on as code, its fence opened again."""
        tokens = self._parser.parse(window, self._env)
        events = markdown_events(tokens, self._base)
        if self._note is not None and not self._noted:  # once a file
            self._noted = True
            self._note(
                f"line {self._base + 1}: a Markdown block of over {MAX_BLOCK_CHARS:,} characters"
                " is read in parts"
            )
        self._base += window.count("\n")
        last = _last_block(tokens)
        if last is None or tokens[last].type != "fence" or not _open_fence(tokens[last], window):
            return events, ""
        self._base -= 1  # the line put back is no line of the source: the rest starts after it
        return events, tokens[last].markup + tokens[last].info + "\n"


def _last_block(tokens: list[Token]) -> int | None:
    """The index of the token that opens the last top-level block."""
    for at in range(len(tokens) - 1, -1, -1):
        if tokens[at].level == 0 and tokens[at].nesting >= 0:
            return at
    return None


def _open_fence(fence: Token, window: str) -> bool:
    """Whether a fence that reaches the end of the window is still open there."""
    last_line = window.rstrip("\n").rsplit("\n", 1)[-1].strip()
    char = fence.markup[0]
    return not (len(last_line) >= len(fence.markup) and not last_line.strip(char))


def _titled(events: Iterator[Event], front_title: str, stem: str) -> Iterator[Part]:
    """Events → passages titled by their path; the document title needs a look ahead."""
    held: list[Event] = []
    document = front_title
    if not document:
        seen = 0
        for event in events:
            held.append(event)
            if isinstance(event, Heading) and event.level == 1 and event.text.strip():
                document = " ".join(event.text.split())
                break
            if isinstance(event, Block):
                seen += len(event.text)
                if seen > TITLE_LOOKAHEAD_CHARS:
                    break
    path = TitlePath(document or stem)
    for event in chain(held, events):
        if isinstance(event, Heading):
            path.heading(event.level, event.text)
        else:
            yield from event.parts(path.title)
