"""The status line under the results: what the index holds, or how the last search went."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from searcher.oneline import shown_path
from searcher.search import IndexStats, SearchResult


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, directory: str, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.directory = shown_path(directory)

    def show_loading(self) -> None:
        self._say(("loading the index…", "$text-warning"))

    def ready(self, stats: IndexStats) -> None:
        self._say(f"{_count(stats.passages, 'passage')} in {_count(stats.documents, 'document')}")

    def result(self, result: SearchResult, mode: str = "", note: str = "") -> None:
        """How the search went; `mode` the order and grouping ("by date · one per document"),
        `note` news such as "index updated"."""
        shown, total = len(result.hits), result.total
        noun, count = ("document", result.documents) if result.documents else ("passage", total)
        counts = (
            f"{_count(count, noun)}"
            if shown == count
            else f"top {shown:,} of {_count(count, noun)}"
        )
        partial = "" if result.all_words else " · none holds every word: partial matches"
        self._say(
            (counts, "bold $text-success" if total else "bold $text-warning"),
            f" · {result.took_ms:.1f} ms{partial}",
            (f" · {mode}" if mode else "", "$text-accent"),
            (f" · {note}" if note else "", "bold $text-warning"),
        )

    def error(self, message: str) -> None:
        self._say((message, "$text-error"))

    def _say(self, *parts: str | tuple[str, str]) -> None:
        self.update(Content.assemble(*parts, "  ·  ", ("index ", "dim"), self.directory))
