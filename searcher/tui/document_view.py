"""The whole document as one scrolling view (Textual's Line API): passages wrapped to the width,
file line numbers in a gutter, every match highlighted and the current one (n/N) marked.

Layout only finds where lines break (line_spans); a line's Content is cut from its passage when
it is drawn. A 3,000-paragraph document lays out in ~0.2 s this way, against 0.9 s with
Content.wrap for every passage.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from rich.cells import get_character_cell_size
from textual.binding import Binding
from textual.content import Content
from textual.events import Resize
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

from searcher.search import Hit
from searcher.tui.hit_content import CURRENT_MATCH_STYLE, display_text, highlighted

_STRIP_CACHE_LINES = 2000
_NO_LINE_START = set("。，、；：？！）」』”’》〉】．，,.;:!?)")
_PASSAGE_CACHE = 256


def line_spans(text: str, cells: int) -> list[tuple[int, int]]:
    """[start, end) of each screen line of `text` wrapped to `cells` cells: at newlines, after
    the last space rather than through a word, and anywhere in text without spaces (CJK)."""
    lines: list[tuple[int, int]] = []
    start = width = 0
    space = -1
    sizes: dict[str, int] = {}
    for index, char in enumerate(text):
        if char == "\n":
            lines.append((start, index))
            start, width, space = index + 1, 0, -1
            continue
        size = sizes.get(char)
        if size is None:
            size = sizes[char] = get_character_cell_size(char)
        if width + size > cells and index > start:
            if char == " ":  # the break falls on a space: it ends the line, unseen
                lines.append((start, index))
                start, width, space = index + 1, 0, -1
                continue
            if space > start:
                lines.append((start, space + 1))
                start = space + 1
                width = sum(sizes[c] for c in text[start:index])
            else:
                # A closing mark (。，」…) never starts a line: take the character before it along.
                cut = index - 1 if char in _NO_LINE_START and index - 1 > start else index
                lines.append((start, cut))
                start, width = cut, sum(sizes[c] for c in text[cut:index])
            space = -1
        width += size
        if char == " ":
            space = index
    lines.append((start, len(text)))
    return lines


@dataclass(frozen=True)
class _Line:
    passage: int  # index into the passages; -1 for the blank line between two of them
    start: int  # [start, end) of the passage text on this line
    end: int
    first: bool  # the passage's first line, which carries its line number


@dataclass(frozen=True)
class Match:
    passage: int  # index into the passages
    start_char: int
    end_char: int
    y: int  # the view line it starts on


class DocumentView(ScrollView, can_focus=True):
    """A document's passages in order; `opened` is the row of the passage to start at."""

    DEFAULT_CSS = """
    DocumentView {
        height: 1fr;
        scrollbar-gutter: stable;
        overflow-x: hidden;
    }
    """

    BINDINGS = [
        Binding("up,k", "scroll_up", "Up", show=False),
        Binding("down,j", "scroll_down", "Down", show=False),
        Binding("pageup,b", "page_up", "Page up", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("home,g", "scroll_home", "Top", show=False),
        Binding("end,G", "scroll_end", "Bottom", show=False),
    ]

    @dataclass
    class MatchChanged(Message):
        """n/N moved to another match (`index` is 0-based; None when there are none)."""

        index: int | None
        total: int

    def __init__(self, passages: list[Hit], opened: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.passages = passages
        self.opened = next((i for i, hit in enumerate(passages) if hit.row == opened), 0)
        self.matches: list[Match] = []
        self.current: int | None = None
        self._lines: list[_Line] = []
        self._first_line: list[int] = []  # view line of each passage's first line
        self._text_cells = 0
        self._contents: dict[int, Content] = {}  # passage index → its highlighted Content
        self._strips: dict[tuple[int, tuple[int, int] | None], Strip] = {}
        digits = max((len(_gutter_label(hit)) for hit in passages), default=1)
        self._gutter_cells = digits + 3  # "  12 ▌ "

    # -- layout -------------------------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        cells = max(self.scrollable_content_region.width - self._gutter_cells, 10)
        if cells == self._text_cells:
            return
        first_layout = not self._lines
        anchor = self._anchor()
        self._layout(cells)
        if first_layout:
            self.current = next(
                (i for i, m in enumerate(self.matches) if m.passage == self.opened), None
            )
            self.post_message(self.MatchChanged(self.current, len(self.matches)))
            anchor = self.opened
        if anchor is not None:
            # After the refresh: until then the old virtual size clamps the scroll (to 0 at first).
            top = max(self._first_line[anchor] - (1 if first_layout else 0), 0)
            self.call_after_refresh(self.scroll_to, y=top, animate=False)

    def _anchor(self) -> int | None:
        """The passage at the top of the view, to keep in place across a re-wrap."""
        if not self._lines:
            return None
        top = self._lines[min(int(self.scroll_offset.y), len(self._lines) - 1)]
        return max(top.passage, 0)

    def _layout(self, cells: int) -> None:
        self._text_cells = cells
        self._strips.clear()
        lines: list[_Line] = []
        matches: list[Match] = []
        self._first_line = []
        for index, hit in enumerate(self.passages):
            if index:
                lines.append(_Line(-1, 0, 0, False))
            base = len(lines)
            self._first_line.append(base)
            spans = line_spans(display_text(hit.text), cells)
            lines.extend(_Line(index, start, end, n == 0) for n, (start, end) in enumerate(spans))
            starts = [start for start, _ in spans]
            for span in hit.spans:
                y = base + max(bisect_right(starts, span.start_char) - 1, 0)
                matches.append(Match(index, span.start_char, span.end_char, y))
        self._lines = lines
        self.matches = matches
        self.virtual_size = Size(cells + self._gutter_cells, len(lines))
        self.refresh()

    # -- rendering ----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        style = self.get_visual_style()
        if not 0 <= index < len(self._lines):
            return Strip.blank(width, style.rich_style)
        line = self._lines[index]
        marked = self._current_on(line)
        key = (index, marked)
        strip = self._strips.get(key)
        if strip is None:
            body = self._content(line.passage)[line.start : line.end] if line.passage >= 0 else ""
            if marked is not None:
                body = body.stylize(CURRENT_MATCH_STYLE, *marked)
            content = Content.assemble(self._gutter(line), body)
            strip = Visual.to_strips(
                self, content, width, 1, style, apply_selection=False, pad=True
            )[0]
            if len(self._strips) > _STRIP_CACHE_LINES:
                self._strips.clear()
            self._strips[key] = strip
        return strip

    def _content(self, passage: int) -> Content:
        content = self._contents.get(passage)
        if content is None:
            if len(self._contents) > _PASSAGE_CACHE:
                self._contents.clear()
            hit = self.passages[passage]
            content = self._contents[passage] = highlighted(hit.text, hit.spans)
        return content

    def _gutter(self, line: _Line) -> Content:
        if line.passage < 0:
            return Content(" " * self._gutter_cells)
        digits = self._gutter_cells - 3
        hit = self.passages[line.passage]
        number = f"{_gutter_label(hit):>{digits}}" if line.first else " " * digits
        mark = ("▌", "$accent") if line.passage == self.opened else (" ", "")
        return Content.assemble((number, "$foreground-muted"), " ", mark, " ")

    def _current_on(self, line: _Line) -> tuple[int, int] | None:
        """The part of `line` covered by the current match, relative to the line."""
        if self.current is None or line.passage < 0:
            return None
        match = self.matches[self.current]
        if match.passage != line.passage:
            return None
        if match.end_char <= line.start or match.start_char >= max(line.end, line.start + 1):
            return None
        return max(match.start_char, line.start) - line.start, min(
            match.end_char, line.end
        ) - line.start

    # -- moving between matches ---------------------------------------------------------------

    def action_next_match(self) -> None:
        self._step(1)

    def action_previous_match(self) -> None:
        self._step(-1)

    def _step(self, step: int) -> None:
        if not self.matches:
            return
        previous = self.current
        if self.current is None:
            top = int(self.scroll_offset.y)
            after = [i for i, m in enumerate(self.matches) if m.y >= top]
            self.current = (after[0] if after else 0) if step > 0 else len(self.matches) - 1
        else:
            self.current = (self.current + step) % len(self.matches)
        self._show_current(previous)
        self.post_message(self.MatchChanged(self.current, len(self.matches)))

    def _show_current(self, previous: int | None) -> None:
        match = self.matches[self.current]
        for index in (previous, self.current):  # repaint only the lines that changed
            if index is not None:
                y = self.matches[index].y
                self.refresh_lines(y, 2)
        top, height = int(self.scroll_offset.y), self.scrollable_content_region.height
        if not top + 1 <= match.y < top + height - 2:
            self.scroll_to(y=max(match.y - height // 3, 0), animate=False)

    @property
    def current_hit(self) -> Hit:
        """The passage of the current match, or the opened one."""
        if self.current is None:
            return self.passages[self.opened]
        return self.passages[self.matches[self.current].passage]

    @property
    def current_offset(self) -> int:
        """Offset of the current match in current_hit's text (0 without one)."""
        return 0 if self.current is None else self.matches[self.current].start_char


def _gutter_label(hit: Hit) -> str:
    """Where a passage starts, in the gutter: its line; a PDF's page (p3); ¶N in a DOCX."""
    if hit.page:
        return f"p{hit.page}"
    return str(hit.line) if hit.line > 0 else f"¶{hit.paragraph}"
