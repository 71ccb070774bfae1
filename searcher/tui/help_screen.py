"""The ? screen: every key, and the query syntax shared with `searcher query`."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("type", "search as you type"),
    ("/", "back to the search box"),
    ("↑ ↓  j k", "move through the results"),
    ("↑ in an empty box", "earlier queries (↓ goes forward again)"),
    ("Enter", "box: go to the results; result: open it"),
    ("n  N", "document: next / previous match"),
    ("Esc", "back"),
    ("o", "open in $VISUAL or $EDITOR at that line; a PDF at its page"),
    ("y", "copy the passage to the clipboard"),
    ("s  F2", "order: relevance → date (newest first) → path"),
    ("d  F3", "one result per document, with its matches (×N)"),
    ("x", "why the passage ranks there: the parts of its score"),
    ("Tab", "search box → results → preview"),
    ("F1  ?", "this screen"),
    ("Ctrl+P", "commands: dark and light themes, …"),
    ("q  Ctrl+C", "quit"),
]

SYNTAX = [
    ("网格 管理", "both words (passages with all first)"),
    ('"网格管理"', "the exact phrase"),
    ("网格 -党建", "leave out passages with 党建"),
    ("网格 OR 社区", "either word"),
    ("title:手册", "documents whose title holds 手册"),
    ("path:notes", "files whose path holds notes"),
    ("ext:md,txt", "only these file types (also type:)"),
    ("after:2024-05", "files modified since (before: until); after:7d"),
    ("-ext:html", "any filter, negated"),
]


def help_text() -> Content:
    width = max(len(key) for key, _ in KEYS + SYNTAX) + 2
    parts: list[Content | str | tuple[str, str]] = [("Keys", "bold $text-accent"), "\n"]
    for key, what in KEYS:
        parts += [(key.ljust(width), "bold"), what, "\n"]
    parts += ["\n", ("Query syntax (as in searcher query)", "bold $text-accent"), "\n"]
    for example, what in SYNTAX:
        # ljust counts characters; CJK characters take two cells, so pad by cells instead.
        pad = " " * max(width - Content(example).cell_length, 1)
        parts += [(example, "bold"), pad, what, "\n"]
    parts += ["\n", ("Esc, q or ? closes this screen.", "$foreground-muted")]
    return Content.assemble(*parts)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > VerticalScroll {
            width: auto;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            border: round $accent;
            border-title-color: $text-accent;
            padding: 0 1;
            background: $surface;
        }
        & Static { width: auto; }
    }
    """

    BINDINGS = [
        Binding("escape,q,question_mark", "app.pop_screen", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "searcher · help"
            yield Static(help_text(), markup=False)
