"""The keys that act on one passage, o (open in the editor; a PDF, DOCX or EPUB in a viewer),
y (copy) and x (why it ranks there: the parts of its score in the preview), and which passage
that is. A mixin of SearchApp (app.py), apart so that the app stays readable.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import SuspendNotSupported

from searcher.errors import SearcherError
from searcher.search import Explanation, Hit, Searcher
from searcher.tui.document_screen import DocumentScreen
from searcher.tui.editor import editor_command, run_editor, run_viewer, viewer_command
from searcher.tui.hit_content import line_of

if TYPE_CHECKING:
    from searcher.tui.passage_view import PassageView
    from searcher.tui.result_list import ResultList
    from searcher.tui.session import QuerySession


class PassageActions:
    """SearchApp's o and y; it needs these of the app."""

    environ: Mapping[str, str]
    session: QuerySession
    results: ResultList
    preview: PassageView
    searcher: Searcher
    _lock: threading.Lock
    explaining = False  # x: the preview shows why each passage ranks where it does

    def action_explain_key(self) -> None:
        self.explaining = not self.explaining
        hit = self.results.highlighted_hit
        if hit is not None:
            self.explain_in_preview(hit)

    def explain_in_preview(self, hit: Hit) -> None:
        """The parts of the score of the previewed `hit`, if x asked for them."""
        if not self.explaining:
            self.preview.show_explanation(hit, None)
            return
        self._explain(hit, self.session.query)

    @work(thread=True, exclusive=True, group="explain", exit_on_error=False)
    def _explain(self, hit: Hit, query: str) -> None:
        with self._lock:
            explanation: Explanation = self.searcher.explain(query, hit)
        self.call_from_thread(self.preview.show_explanation, hit, explanation)

    def _remember(self, query: str) -> None:
        raise NotImplementedError  # SearchApp's

    def _target(self) -> tuple[Hit, int] | None:
        """The passage that o and y act on, and the offset of its match of interest."""
        if isinstance(self.screen, DocumentScreen):
            view = self.screen.view
            return view.current_hit, view.current_offset
        hit = self.results.highlighted_hit
        if hit is None:
            return None
        return hit, hit.spans[0].start_char if hit.spans else 0

    def action_copy_passage(self) -> None:
        target = self._target()
        if target is None:
            return
        hit = target[0]
        self._remember(self.session.query)
        self.copy_to_clipboard(hit.text)
        self.notify(f"Copied the passage ({len(hit.text):,} characters).", timeout=2)

    def action_open_editor(self) -> None:
        target = self._target()
        if target is None:
            return
        hit, offset = target
        if not Path(hit.path).is_file():
            self.notify(f"{hit.path} is no longer there; reindex to update.", severity="error")
            return
        if hit.in_document:
            self._open_viewer(hit)
            return
        try:
            argv = editor_command(hit.path, line_of(hit, offset), self.environ)
        except SearcherError as err:
            self.notify(str(err), severity="error")
            return
        self._remember(self.session.query)
        try:
            with self.suspend():
                outcome = run_editor(argv, interactive=True)
        except SuspendNotSupported:  # headless (tests) or a web terminal: run it detached
            outcome = run_editor(argv, interactive=False)
        if outcome:
            self.notify(outcome, severity="error")

    def _open_viewer(self, hit: Hit) -> None:
        """A PDF at the hit's page, or a DOCX, EPUB or image, in a viewer beside the app."""
        try:
            argv = viewer_command(hit.path, hit.page, self.environ)
        except SearcherError as err:
            self.notify(str(err), severity="error")
            return
        self._remember(self.session.query)
        outcome = run_viewer(argv)
        if outcome:
            self.notify(outcome, severity="error")
        else:
            self.notify(f"Opened {hit.location()}", timeout=3)
