"""The search box: an Input whose ↑ recalls earlier queries when it is empty, as a shell does.

↓ (when not walking the history) says the user wants the results: the app moves focus there.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from searcher.tui.history import HistoryCursor, QueryHistory

PLACEHOLDER = 'Search: words, "a phrase", -exclude, a OR b, title:word, path:text'


class SearchBox(Input):
    BINDINGS = [
        Binding("up", "history_older", "History", key_display="↑"),
        Binding("down", "down", "Results", key_display="↓"),
        # The app handles F1; it is here to be listed in the footer while typing.
        Binding("f1", "app.show_help", "Help"),
    ]

    @dataclass
    class ToResults(Message):
        """↓ in the box: move to the results."""

    def __init__(self, history: QueryHistory, *, value: str = "", id: str | None = None) -> None:
        super().__init__(value=value, placeholder=PLACEHOLDER, id=id, select_on_focus=False)
        self.history = history
        self._cursor: HistoryCursor | None = None
        self._recalled: str | None = None

    def action_history_older(self) -> None:
        if self._cursor is None:
            if self.value.strip():
                return
            # A copy: a query paused on while walking joins the history, not this walk.
            self._cursor = HistoryCursor(list(self.history.entries))
        entry = self._cursor.older()
        if entry is None:
            self.app.bell()
            return
        self._recall(entry)

    def action_down(self) -> None:
        if self._cursor is None:
            self.post_message(self.ToResults())
            return
        entry = self._cursor.newer()
        self._recall(entry)
        if not entry:
            self._cursor = None

    def _recall(self, entry: str) -> None:
        self._recalled = entry
        self.value = entry
        self.cursor_position = len(entry)

    def stop_browsing(self) -> None:
        """Typing, Enter or leaving the box ends a walk through the history."""
        self._cursor = None
        self._recalled = None

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        if event.value != self._recalled:
            self.stop_browsing()
