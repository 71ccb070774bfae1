"""The app's following of the index: a newer commit searched again at once, and tui --watch.

Twice a second the app asks the Searcher whether a newer commit exists (from `searcher watch`,
another terminal, or the watcher below); if so a worker reads it and the query is searched again,
the cursor kept on its passage, "index updated" in the status line. A mixin of SearchApp (app.py),
apart so that the app stays readable.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from searcher.errors import SearcherError
from searcher.search import IndexStats, Searcher
from searcher.tui import notices

if TYPE_CHECKING:
    from searcher.tui.session import QuerySession

FOLLOW_SECONDS = 0.5  # how often to look for a newer commit of the index (a directory listing)
RETRY_SECONDS = 10.0  # after a newer commit could not be opened (damaged, another version)


class IndexFollowing:
    """SearchApp's part that follows the index; it needs these of the app."""

    searcher: Searcher
    session: QuerySession
    _lock: threading.Lock
    _stop_watching: threading.Event

    def _search_again(self, note: str = "") -> None:
        raise NotImplementedError  # SearchApp's

    _retry_at = 0.0  # after a newer commit failed to open: when to try again (monotonic)

    def _check_index(self) -> None:
        if time.monotonic() >= self._retry_at and self.searcher.has_newer_generation():
            self._follow_index()

    @work(thread=True, exclusive=True, group="follow", exit_on_error=False)
    def _follow_index(self) -> None:
        with self._lock:
            if get_current_worker().is_cancelled:
                return
            try:
                if not self.searcher.refresh():
                    return
            except SearcherError as err:  # said once, then tried again later, not twice a second
                self._retry_at = time.monotonic() + RETRY_SECONDS
                message = f"cannot read the index's newer commit: {err}; still searching the last"
                self.call_from_thread(self.notify, message, severity="error", timeout=10)
                return
            self.session.documents.clear()  # rows of the commit no longer searched
            stats = self.searcher.stats()
        self.call_from_thread(self._index_followed, stats)

    def _index_followed(self, stats: IndexStats) -> None:
        self.session.stats = stats
        self._search_again(notices.INDEX_UPDATED)

    @work(thread=True, group="watch", exit_on_error=False)
    def _watch_folders(self) -> None:
        """tui --watch: searcher watch's watcher, in this thread until the app exits; the
        commits it makes are found by _check_index like anyone else's."""
        from searcher.indexing.watcher import watch_index

        def warn(message: str) -> None:
            self.call_from_thread(self.notify, message, severity="warning")

        watch_index(
            [],
            self.searcher.directory,
            on_commit=lambda report: None,
            stop=self._stop_watching,
            warn=warn,
        )

    def on_unmount(self) -> None:
        self._stop_watching.set()
