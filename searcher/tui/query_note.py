"""The line above the results that says how the query was read: Latin letters read as pinyin
(`wangge → 网格`), or a word of the same sound the index holds ("did you mean"), which Enter or a
click searches."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from searcher.search import SearchResult


class QueryNote(Static, can_focus=True):
    DEFAULT_CSS = """
    QueryNote {
        height: auto;
        padding: 0 1;
        color: $text-muted;
        display: none;
        &:focus { background: $block-cursor-background; color: $block-cursor-foreground; }
    }
    """

    BINDINGS = [Binding("enter", "choose", "Search it")]

    @dataclass
    class Chosen(Message):
        """The user asked to search the suggestion."""

        query: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.suggestion = ""

    def show(self, result: SearchResult | None) -> None:
        """Say what `result`'s query was read as, or hide the line when there is nothing to say."""
        self.suggestion = result.suggestion if result is not None else ""
        parts: list[Content] = []
        if self.suggestion:
            parts.append(
                Content.assemble(
                    "did you mean: ",
                    (self.suggestion, "bold $text-warning"),
                    ("  (Enter searches it)", "dim"),
                )
            )
        if result is not None and result.interpreted:
            typed, words = " ".join(result.pinyin), " ".join(result.interpreted)
            parts.append(Content.assemble(typed, " → ", (words, "bold"), ("  (pinyin)", "dim")))
        self.display = bool(parts)
        self.can_focus = bool(self.suggestion)
        if parts:
            self.update(Content("   ").join(parts))

    def action_choose(self) -> None:
        if self.suggestion:
            self.post_message(self.Chosen(self.suggestion))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_choose()
