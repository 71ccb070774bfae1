"""What the results pane says when it has no results to show: loading, how to start, an empty
index, no match, a query that cannot run. Content only; app.py decides when."""

from __future__ import annotations

from textual.content import Content

from searcher.search import IndexStats
from searcher.tui.help_screen import SYNTAX

LOADING = "Loading the index…"
INDEX_UPDATED = "index updated"  # the status line's note when a newer commit is searched


def idle(stats: IndexStats | None, directory: str) -> Content | str:
    """Before the first keystroke, or once the box is emptied again."""
    if stats is None:
        return LOADING
    if not stats.passages:
        return empty_index(directory)
    lines: list[str | tuple[str, str]] = [
        f"Type to search {stats.passages:,} passages in {stats.documents:,} documents.\n",
    ]
    for example, what in SYNTAX:
        lines += ["\n", (example, "bold $text-accent"), f"\n    {what}"]
    lines += ["\n\n", ("F1", "bold"), " all keys · ", ("↑", "bold"), " earlier queries"]
    return Content.assemble(*lines)


def empty_index(directory: str) -> Content:
    return Content.assemble(
        ("This index holds no documents yet.", "bold"),
        "\n\nIndex a folder, then search it here:\n\n  ",
        (f"searcher index FOLDER --index {directory}", "$text-accent"),
        "\n  ",
        (f"searcher tui --index {directory}", "$text-accent"),
    )


def no_results(query: str) -> Content:
    return Content.assemble(
        (f"No passage matches {query.strip()}.", "bold"),
        "\n\nTry fewer or shorter words, a OR b for alternatives, or check for a typo.",
    )


def query_error(message: str) -> Content:
    """A query that cannot run as typed (QuerySyntaxError), e.g. only a quote so far."""
    return Content.styled(message, "$text-warning")
