"""The ranked results: one OptionList row per hit (rank, title, location, snippet).

Each row is a HitRow, a Visual that builds its Content only when drawn and at the width it is
drawn at: listing 200 hits costs the dozen rows on screen, not 200 (measured on zh-laws: 200
eager rows took 50–110 ms, more than the search itself).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual import on
from textual.binding import Binding
from textual.content import Content
from textual.css.styles import RulesMap
from textual.message import Message
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from searcher.search import Hit
from searcher.tui.hit_content import LOCATION_STYLE, short_location, snippet, tail, title_fitted

_RANK_CELLS = 4  # "200 " and the indent of the snippet line
ROW_LINES = 2


def result_row(hit: Hit, cells: int) -> Content:
    """Two lines for a hit: rank, title and location; then the snippet with its matches."""
    rank = Content.styled(f"{hit.rank:>3} ", "$foreground-muted")
    # A collapsed passage says how many more places hold it (the preview lists them).
    where = short_location(hit) + (f" +{hit.duplicates}" if hit.duplicates else "")
    where += f" ×{hit.matches}" if hit.matches else ""  # one per document: its matches
    # The location keeps its end (line number, record id) and at most 40% of the row.
    where = tail(where, min(cell_len(where), max(int(cells * 0.4), 8)))
    title_cells = max(cells - _RANK_CELLS - cell_len(where) - 2, 8)
    if hit.title:
        title = title_fitted(hit, title_cells)
    else:
        title = Content.styled(where, "bold").truncate(title_cells, ellipsis=True)
    gap = max(cells - _RANK_CELLS - title.cell_length - cell_len(where), 2)
    head = Content.assemble(rank, title, " " * gap, (where, LOCATION_STYLE))
    body = Content(" " * _RANK_CELLS) + snippet(hit, max(cells - _RANK_CELLS, 8))
    return Content("\n").join([head, body])


def same_passage(hit: Hit, other: Hit) -> bool:
    """Whether two hits (of two searches, maybe of two commits) are the same passage."""
    return (hit.path, hit.id, hit.text) == (other.path, other.id, other.text)


class HitRow(Visual):
    """A result row, built on first draw at the drawn width (and again if the width changes)."""

    def __init__(self, hit: Hit) -> None:
        self.hit = hit
        self._built: tuple[int, Content] | None = None

    def content(self, cells: int) -> Content:
        if self._built is None or self._built[0] != cells:
            self._built = (cells, result_row(self.hit, cells))
        return self._built[1]

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.content(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return ROW_LINES


class ResultList(OptionList):
    """Hits of the current search. Posts Highlighted as the cursor moves and Opened on Enter."""

    DEFAULT_CSS = """
    ResultList {
        border: none;
        padding: 0;
        scrollbar-gutter: stable;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        &:focus { border: none; }
        & > .option-list--option { padding: 0 1; }
    }
    """

    BINDINGS = [
        Binding("enter", "select", "Open"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]

    @dataclass
    class Highlighted(Message):
        """The cursor moved to a hit."""

        hit: Hit

    @dataclass
    class Opened(Message):
        """The user asked to open a hit (Enter or a click)."""

        hit: Hit

    @dataclass
    class LeftTop(Message):
        """↑ was pressed on the first hit: the search box is above."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.hits: list[Hit] = []

    @property
    def highlighted_hit(self) -> Hit | None:
        if self.highlighted is None or not self.hits:
            return None
        return self.hits[self.highlighted]

    def show(self, hits: list[Hit], keep: Hit | None = None) -> None:
        """Replace the rows with `hits`, cursor on the first, or on the passage `keep` if they
        hold it (the same query searched again)."""
        self.hits = hits
        self.set_options(Option(HitRow(hit)) for hit in hits)
        at = next((i for i, hit in enumerate(hits) if keep and same_passage(hit, keep)), None)
        self.highlighted = (at or 0) if hits else None
        if at is None:
            self.scroll_home(animate=False)

    def action_cursor_up(self) -> None:
        if self.highlighted == 0:
            self.post_message(self.LeftTop())
            return
        super().action_cursor_up()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_index < len(self.hits):
            self.post_message(self.Highlighted(self.hits[event.option_index]))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.hits):
            self.post_message(self.Opened(self.hits[event.option_index]))
