"""The TUI's query session: which query is current, what is shown, cached documents, timings.

No Textual here (as toolong's log_file.py): app.py feeds it edits and results and does what it
answers, so the rules for debounce and for dropping superseded searches are tested without an app.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from searcher.errors import SearcherError
from searcher.search import Hit, IndexStats, SearchResult
from searcher.tui.history import QueryHistory

DEBOUNCE_SECONDS = 0.15  # a pause this long ends a burst of typing (IME commits come in bursts)
DOCUMENT_LIMIT = 16  # documents kept for the preview and the document screen
# Results on screen this long before the next edit: the user paused to read them, so the query
# goes into the history even if no result was opened. Shorter pauses are typing (IME bursts and
# the debounce are well under it).
HISTORY_PAUSE_SECONDS = 1.0
SORTS = ("relevance", "date", "path")  # the order `s` cycles through (Searcher.search's sort)


@dataclass(frozen=True)
class SearchRequest:
    """One edit of the search box that is worth searching (its text is not blank)."""

    text: str
    generation: int  # the session's count of edits when this one was typed
    typed_at: float  # perf_counter seconds when the keystroke reached the app
    typed_cpu: float  # process_time seconds at that moment


@dataclass
class SearchTiming:
    """When the last shown search happened (time.perf_counter seconds), for the benchmark."""

    query: str
    typed_at: float  # the keystroke that produced the query reached the app
    painted_at: float  # the results list was on screen
    took_ms: float  # inside Searcher.search
    cpu_ms: float  # CPU time of the whole process (all threads) from keystroke to painted


class DocumentCache:
    """Whole documents as Searcher.document returns them, by (path, id, query); least recent out."""

    def __init__(self, limit: int = DOCUMENT_LIMIT) -> None:
        self.limit = limit
        self._documents: OrderedDict[tuple[str, str, str], list[Hit]] = OrderedDict()

    def get(self, hit: Hit, query: str) -> list[Hit] | None:
        key = (hit.path, hit.id, query)
        document = self._documents.get(key)
        if document is not None:
            self._documents.move_to_end(key)  # moving back and forth keeps both in
        return document

    def put(self, hit: Hit, query: str, document: list[Hit]) -> None:
        self._documents[(hit.path, hit.id, query)] = document
        self._documents.move_to_end((hit.path, hit.id, query))
        while len(self._documents) > self.limit:
            self._documents.popitem(last=False)

    def __len__(self) -> int:
        return len(self._documents)

    def clear(self) -> None:
        """Forget every document (they belong to a commit of the index no longer searched)."""
        self._documents.clear()


class QuerySession:
    """The state of one run of the TUI, apart from its widgets.

    Every edit of the box starts a new generation; a search answers for the generation it was
    started in, and only an answer for the current one is shown. After an edit, the search waits
    `debounce_seconds` (the app's timer) unless Enter asks for it at once.
    """

    def __init__(
        self,
        history: QueryHistory,
        *,
        debounce_seconds: float = DEBOUNCE_SECONDS,
        history_pause_seconds: float = HISTORY_PAUSE_SECONDS,
        document_limit: int = DOCUMENT_LIMIT,
        clock: Callable[[], float] = time.perf_counter,
        cpu_clock: Callable[[], float] = time.process_time,
    ) -> None:
        self.history = history
        self.debounce_seconds = debounce_seconds
        self.history_pause_seconds = history_pause_seconds
        self.documents = DocumentCache(document_limit)
        self.stats: IndexStats | None = None  # None until the index has been loaded
        self.result: SearchResult | None = None  # the search whose hits are shown
        self.timing: SearchTiming | None = None
        self.generation = 0  # bumped by every edit of the query; older results are stale
        self.shown_generation = 0  # the generation whose results (or error) are on screen
        self.pending: SearchRequest | None = None  # waiting for the debounce to end
        self.focus_results = False  # Enter was pressed before the results came
        self._clock = clock
        self._cpu_clock = cpu_clock
        self._history_warned = False
        self._shown_at: float | None = None  # when the shown result (if any) came on screen
        self.sort = SORTS[0]
        self.group = False  # one hit per document

    @property
    def query(self) -> str:
        """The query whose hits are shown, or "" when none are."""
        return self.result.query if self.result else ""

    # -- typing and searching -------------------------------------------------------------------

    def edit(self, text: str) -> SearchRequest | None:
        """The box now holds `text`: the search to run after the debounce, or None if it is blank
        (then nothing is shown any more, and no earlier search may show its results)."""
        self.generation += 1
        if not text.strip():
            self.pending = None
            self.result = None
            return None
        self.pending = SearchRequest(text, self.generation, self._clock(), self._cpu_clock())
        return self.pending

    def again(self, text: str) -> SearchRequest | None:
        """`text` searched again at once (another order, a newer commit of the index): a new
        generation, so a search still running for the old one is dropped. None if blank."""
        if not text.strip():
            return None
        self.generation += 1
        self.pending = None
        return SearchRequest(text, self.generation, self._clock(), self._cpu_clock())

    def cycle_sort(self) -> str:
        """The next order: relevance → date → path → relevance."""
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        return self.sort

    def toggle_group(self) -> bool:
        self.group = not self.group
        return self.group

    def mode(self) -> str:
        """The order and grouping, as the status line says them ("" for the default)."""
        parts = [] if self.sort == "relevance" else [f"by {self.sort}"]
        return " · ".join(parts + (["one per document"] if self.group else []))

    def start(self, request: SearchRequest) -> bool:
        """The debounce for `request` ended: whether to search it now. False when a newer edit
        superseded it, or Enter already started it."""
        if request != self.pending:
            return False
        self.pending = None
        return True

    def results_shown(self) -> bool:
        """Whether what is on screen answers the box as it is now."""
        return self.shown_generation == self.generation

    def submit(self) -> SearchRequest | None:
        """Enter while the results are not yet shown: go to them when they come, and search now
        if the debounce is still waiting (the request returned), rather than after the pause."""
        self.focus_results = True
        request, self.pending = self.pending, None
        return request

    def is_current(self, request: SearchRequest) -> bool:
        """False once the box has been edited again: a search for `request` is wasted work."""
        return request.generation == self.generation

    def accept(self, request: SearchRequest, result: SearchResult | SearcherError) -> bool:
        """A search for `request` ended. False means drop it (the query changed while it ran);
        True means it is now what is shown (`result` is None if the query failed)."""
        if not self.is_current(request):
            return False
        self.shown_generation = request.generation
        self.result = result if isinstance(result, SearchResult) else None
        self._shown_at = self._clock()
        return True

    def take_focus_request(self) -> bool:
        """Whether Enter asked for the results before they came; asking answers it."""
        focus, self.focus_results = self.focus_results, False
        return focus

    def painted(self, request: SearchRequest, result: SearchResult) -> None:
        """The results of `request` are on screen: record how long that took, for the benchmark."""
        cpu_ms = (self._cpu_clock() - request.typed_cpu) * 1000
        self.timing = SearchTiming(
            result.query, request.typed_at, self._clock(), result.took_ms, cpu_ms
        )

    # -- history --------------------------------------------------------------------------------

    def paused_query(self) -> str:
        """Before an edit: the query on screen if its results stayed there long enough to be
        read (history_pause_seconds), to go into the history; else ""."""
        if self.result is None or self._shown_at is None or not self.results_shown():
            return ""
        if self._clock() - self._shown_at < self.history_pause_seconds:
            return ""
        return self.result.query

    def remember(self, query: str) -> str | None:
        """Add `query` to the history. A warning for the user if it cannot be saved, the first
        time only: saying it on every query would bury the results."""
        try:
            self.history.add(query)
        except OSError as err:
            if not self._history_warned:
                self._history_warned = True
                return f"cannot save the query history: {err}"
        return None
