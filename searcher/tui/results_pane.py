"""The results pane: a message (loading, how to start, no match, a query error) over the hits.

app.py decides what to say (notices.py) and which hits to list; this widget only lays them out.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from searcher.search import Hit
from searcher.tui.result_list import ResultList


class ResultsPane(Vertical):
    """The left pane of the main screen: the message, when there is one, then the hits."""

    DEFAULT_CSS = """
    ResultsPane {
        & > #message {
            height: auto;
            max-height: 100%;
            padding: 1 2;
            color: $text-muted;
        }
        & > ResultList { height: 1fr; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="message", markup=False)
        yield ResultList(id="results")

    def say(self, text: str | Content | None) -> None:
        """Show `text` above the list, or hide the message when None.

        The list itself stays displayed, so its rows are always laid out for its real width."""
        message = self.query_one("#message", Static)
        message.display = text is not None
        if text is not None:
            message.update(text)

    def show(self, hits: list[Hit], keep: Hit | None = None) -> bool:
        """List `hits` (the cursor on `keep` if they hold it); whether that changed between
        some hits and none (the keys o and y depend on there being a hit)."""
        results = self.query_one(ResultList)
        had_hits = bool(results.hits)
        results.show(hits, keep)
        return bool(hits) != had_hits
