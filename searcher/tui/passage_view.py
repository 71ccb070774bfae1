"""The preview pane: the highlighted passage, with its neighbouring paragraphs dimmed around it.

The passage shows at once; the neighbours come later, when the app's worker has fetched the
document (show_context), so moving through the results never waits for the index.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.widgets import Static

from searcher.search import Explanation, Hit
from searcher.tui.hit_content import (
    CONTEXT_STYLE,
    LOCATION_STYLE,
    highlighted,
    repeats_line,
    tail,
    title_content,
)

NEIGHBOURS = 2  # paragraphs shown before and after the passage


class PassageView(Vertical):
    """Read-only preview of one hit: a fixed header, then the text, which scrolls."""

    DEFAULT_CSS = """
    PassageView {
        & > #passage-header {
            height: auto;
            max-height: 3;
            padding: 0 1;
            text-wrap: nowrap;
            text-overflow: ellipsis;
        }
        & > VerticalScroll {
            height: 1fr;
            padding: 0 1;
            & > Static { width: 1fr; }
            & > #passage-before { margin-bottom: 1; }
            & > #passage-body { border-left: outer $accent; padding-left: 1; }
            & > #passage-after { margin-top: 1; }
            & > #passage-explain { margin-top: 1; color: $text-muted; display: none; }
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hit: Hit | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="passage-header", markup=False)
        with VerticalScroll():
            yield Static(id="passage-before", markup=False)
            yield Static(id="passage-body", markup=False)
            yield Static(id="passage-after", markup=False)
            yield Static(id="passage-explain", markup=False)

    def show(self, hit: Hit | None) -> None:
        """Show `hit` alone (or nothing); show_context adds its neighbours."""
        self.hit = hit
        self._show_header()
        body = self.query_one("#passage-body", Static)
        body.display = hit is not None
        body.update(highlighted(hit.text, hit.spans) if hit else Content())
        self._set_neighbours([], [])
        self.show_explanation(hit, None)
        self.query_one(VerticalScroll).scroll_home(animate=False)

    def show_explanation(self, hit: Hit | None, explanation: Explanation | None) -> None:
        """Under the passage, the parts of its score (x), or nothing when None."""
        if hit != self.hit:
            return  # the cursor moved on while it was computed
        widget = self.query_one("#passage-explain", Static)
        widget.display = explanation is not None
        if explanation is not None:
            lines = explanation.lines()
            widget.update(Content.assemble(("Why it ranks here", "bold"), "\n", "\n".join(lines)))

    def on_resize(self, event: Resize) -> None:
        self._show_header()

    def _show_header(self) -> None:
        """Title, then location: cut from its start when narrow, so its line number stays."""
        hit = self.hit
        widget = self.query_one("#passage-header", Static)
        if hit is None:
            widget.update(Content())
            return
        location = hit.location()
        paragraph = "" if location.endswith(f"¶{hit.paragraph}") else f"  ¶{hit.paragraph}"
        cells = widget.content_region.width or 1000  # before the first layout: uncut
        location = tail(location, max(cells - len(paragraph), 8))
        content = Content.assemble(
            title_content(hit),
            "\n",
            (location, LOCATION_STYLE),
            (paragraph, "$foreground-muted"),
        )
        if hit.duplicates:  # the third line the header has room for
            content += Content.styled("\n" + repeats_line(hit), "$foreground-muted")
        widget.update(content)

    def show_context(self, hit: Hit, document: list[Hit]) -> None:
        """Add the paragraphs around `hit` from its whole `document` (in order)."""
        if hit != self.hit:
            return  # the cursor moved on while the document loaded
        position = next((i for i, part in enumerate(document) if part.row == hit.row), None)
        if position is None:
            return
        before = document[max(position - NEIGHBOURS, 0) : position]
        after = document[position + 1 : position + 1 + NEIGHBOURS]
        self._set_neighbours(before, after)
        if before:
            # Start at the passage, with the neighbours before it a scroll away; the last
            # lines of the one before stay visible, so it is clear there is more above.
            self.call_after_refresh(self._scroll_to_passage)

    def _scroll_to_passage(self) -> None:
        body = self.query_one("#passage-body", Static)
        self.query_one(VerticalScroll).scroll_to(y=max(body.virtual_region.y - 3, 0), animate=False)

    def _set_neighbours(self, before: list[Hit], after: list[Hit]) -> None:
        for widget_id, parts in (("#passage-before", before), ("#passage-after", after)):
            widget = self.query_one(widget_id, Static)
            widget.display = bool(parts)
            widget.update(
                Content("\n\n").join(
                    highlighted(part.text, part.spans).stylize_before(CONTEXT_STYLE)
                    for part in parts
                )
            )
