"""The document screen: a whole document scrolled to the opened passage; n/N between matches.

Esc pops it, and the results screen underneath still has its query and selection.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from searcher.oneline import shown_path
from searcher.search import Hit
from searcher.tui.document_view import DocumentView
from searcher.tui.hit_content import LOCATION_STYLE, tail, title_content


class DocumentScreen(Screen[None]):
    """Shows `passages` (one document, in order), starting at the passage of `opened`."""

    DEFAULT_CSS = """
    DocumentScreen {
        & > #document-header {
            height: auto;
            max-height: 3;
            padding: 0 1;
            background: $panel;
        }
    }
    """

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("n", "next_match", "Next"),
        Binding("N", "previous_match", "Prev", key_display="N"),
    ]

    def __init__(self, passages: list[Hit], opened: Hit) -> None:
        super().__init__()
        self.passages = passages
        self.opened = opened
        self.view = DocumentView(passages, opened.row, id="document")
        self._match: tuple[int | None, int] = (None, 0)  # the header's: see _header

    def compose(self) -> ComposeResult:
        yield Static(id="document-header", markup=False)
        yield self.view
        yield Footer(show_command_palette=False)  # Ctrl+P is in the F1 help; room for keys

    def on_mount(self) -> None:
        self._header(None, 0)
        self.view.focus()

    def on_resize(self) -> None:
        self._header(*self._match)

    def action_next_match(self) -> None:
        self.view.action_next_match()

    def action_previous_match(self) -> None:
        self.view.action_previous_match()

    @on(DocumentView.MatchChanged)
    def _match_changed(self, event: DocumentView.MatchChanged) -> None:
        self._header(event.index, event.total)

    def _header(self, index: int | None, total: int) -> None:
        hit = self.opened
        if total == 0:
            matches = "no matches"
        elif index is None:
            matches = f"{total} matches"
        else:
            matches = f"match {index + 1}/{total}"
        self._match = (index, total)
        paragraphs = f"{len(self.passages)} paragraph" + ("s" if len(self.passages) != 1 else "")
        counts = f"  {paragraphs} · {matches}"
        # The path gives way (its start first) so the match counter always shows: a deep path
        # wrapped it out of the header's lines.
        room = max(self.size.width - 2 - cell_len(counts), 12)
        self.query_one("#document-header", Static).update(
            Content.assemble(
                title_content(hit) if hit.title else (shown_path(hit.path), "bold"),
                "\n",
                (tail(shown_path(hit.path), room), LOCATION_STYLE),
                (counts, "$foreground-muted"),
            )
        )
