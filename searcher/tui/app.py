"""SearchApp: the TUI. Composes the widgets, and is the only caller of Searcher, from workers.

    searcher tui → cli/main.py opens a Searcher → make_app(searcher, history_path=...).run()

The query state lives in session.py (no Textual); this module wires widgets, timers and workers to
it. Typing is debounced, then searched in a thread worker; a newer keystroke cancels the older
search, and results that arrive for a superseded query are dropped. One lock serialises calls into
the Searcher, whose readers are not meant to be shared between threads. It follows the index
(following.py): a newer commit is searched again, the cursor kept.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Resize
from textual.timer import Timer
from textual.widgets import Footer, Input
from textual.worker import Worker, WorkerState, get_current_worker

from searcher.errors import SearcherError
from searcher.search import Hit, IndexStats, Searcher, SearchResult
from searcher.tui import notices
from searcher.tui.document_screen import DocumentScreen
from searcher.tui.following import FOLLOW_SECONDS, IndexFollowing
from searcher.tui.help_screen import HelpScreen
from searcher.tui.history import QueryHistory
from searcher.tui.passage_actions import PassageActions
from searcher.tui.passage_view import PassageView
from searcher.tui.result_list import ResultList
from searcher.tui.results_pane import ResultsPane
from searcher.tui.search_box import SearchBox
from searcher.tui.session import QuerySession, SearchRequest, SearchTiming
from searcher.tui.status_line import StatusLine

RESULT_LIMIT = 200
NARROW_CELLS = 70  # below this width the preview pane is hidden
WARM_UP_QUERY = "预热"  # needs the segmenter and OpenCC, so loading them happens before typing
_TYPING_ACTIONS = {"leave", "focus_search", "open_editor", "copy_passage", "help"}
_TYPING_ACTIONS |= {"sort_key", "group_key", "explain_key"}  # F2, F3 work while typing


class SearchApp(IndexFollowing, PassageActions, App[None]):
    """Search as you type over an open Searcher (which the caller closes)."""

    CSS_PATH = "app.tcss"
    TITLE = "searcher"
    BINDINGS = [
        Binding("ctrl+c", "quit", "Quit", priority=True),
        Binding("q", "leave", "Quit", show=False),  # shown as ^c, which works while typing too
        Binding("slash", "focus_search", "Search", key_display="/"),
        Binding("o", "open_editor", "Edit"),
        Binding("y", "copy_passage", "Copy"),
        Binding("s", "sort_key", "Sort"),
        Binding("d", "group_key", "Per doc"),
        Binding("x", "explain_key", "Why", show=False),
        Binding("f2", "cycle_sort", "Sort", show=False),
        Binding("f3", "toggle_group", "Per doc", show=False),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("f1", "show_help", "Help", show=False),
        Binding("escape", "escape", "Back", show=False),
    ]

    def __init__(
        self,
        searcher: Searcher,
        *,
        initial_query: str = "",
        history: QueryHistory,
        environ: Mapping[str, str] | None = None,
        watch: bool = False,
    ) -> None:
        super().__init__()
        self.searcher = searcher
        self.watch = watch  # run a watcher (indexing/watcher.py) over the index's folders
        self._stop_watching = threading.Event()
        self._keep: Hit | None = None  # the passage to keep the cursor on when results come
        self._note = ""  # said in the status line with the next results ("index updated")
        self.initial_query = initial_query
        self.session = QuerySession(history)
        self.environ = os.environ if environ is None else environ
        self._lock = threading.Lock()
        self._debounce: Timer | None = None  # runs the session's pending search when it fires
        if self.environ.get("COLORFGBG", "").rsplit(";", 1)[-1] in {"7", "15"}:
            self.theme = "textual-light"  # the terminal says its background is light

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield SearchBox(self.session.history, id="search")
        with Horizontal(id="body"):
            yield ResultsPane(id="results-pane")
            yield PassageView(id="preview")
        yield StatusLine(str(self.searcher.directory), id="status")
        yield Footer(show_command_palette=False)  # Ctrl+P is in the F1 help; room for keys

    @property
    def result(self) -> SearchResult | None:
        """The search whose hits are shown."""
        return self.session.result

    @property
    def timing(self) -> SearchTiming | None:
        """How long the last shown search took to reach the screen (bench_tui.py reads it)."""
        return self.session.timing

    @property
    def search_box(self) -> SearchBox:
        return self.query_one(SearchBox)

    @property
    def results(self) -> ResultList:
        return self.query_one(ResultList)

    @property
    def preview(self) -> PassageView:
        return self.query_one(PassageView)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def on_mount(self) -> None:
        self.status.show_loading()
        self._message(notices.LOADING)
        self.search_box.focus()
        self._warm_up()
        self.set_interval(FOLLOW_SECONDS, self._check_index)
        if self.watch:
            self._watch_folders()
        if self.initial_query.strip():
            self.search_box.value = self.initial_query
            self.search_box.cursor_position = len(self.initial_query)

    @on(Resize)
    def _resized(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_CELLS, "-narrow")

    def _message(self, text: str | Content | None) -> None:
        """Say `text` over the (then empty) result list, or stop saying anything when None."""
        self.query_one(ResultsPane).say(text)
        if text is not None:
            self.preview.show(None)  # no hit to preview

    # -- searching ----------------------------------------------------------------------------

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        with self._lock:
            stats = self.searcher.stats()
            if stats.passages:
                self.searcher.search(WARM_UP_QUERY, limit=1)
        self.call_from_thread(self._index_ready, stats)

    def _index_ready(self, stats: IndexStats) -> None:
        self.session.stats = stats
        if not self.search_box.value.strip():
            self.status.ready(stats)
            self._message(notices.idle(stats, str(self.searcher.directory)))

    @on(Input.Changed, "#search")
    def _query_changed(self, event: Input.Changed) -> None:
        self._stop_debounce()
        self._remember(self.session.paused_query())  # read, then changed: still worth recalling
        request = self.session.edit(event.value)
        if request is None:  # the box is blank again
            self.workers.cancel_group(self, "search")
            self._list([])
            if self.session.stats is not None:
                self.status.ready(self.session.stats)
            self._message(notices.idle(self.session.stats, str(self.searcher.directory)))
            return
        self._debounce = self.set_timer(
            self.session.debounce_seconds, lambda: self._debounce_ended(request)
        )

    def _debounce_ended(self, request: SearchRequest) -> None:
        self._debounce = None
        if self.session.start(request):
            self._search(request)

    def _stop_debounce(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None

    @on(Input.Submitted, "#search")
    def _query_submitted(self, event: Input.Submitted) -> None:
        self.search_box.stop_browsing()
        self._remember(event.value)
        if self.session.results_shown():
            if self.results.hits:
                self.results.focus()
            return
        request = self.session.submit()  # the results are on their way: go to them when they come
        if request is not None:  # Enter before the pause: search now
            self._stop_debounce()
            self._search(request)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, request: SearchRequest) -> None:
        worker = get_current_worker()
        with self._lock:
            if worker.is_cancelled or not self.session.is_current(request):
                return
            try:
                result: SearchResult | SearcherError = self.searcher.search(
                    request.text,
                    limit=RESULT_LIMIT,
                    sort=self.session.sort,
                    group=self.session.group,
                )
            except SearcherError as err:
                result = err
        if not worker.is_cancelled:
            self.call_from_thread(self._show, request, result)

    def _show(self, request: SearchRequest, result: SearchResult | SearcherError) -> None:
        if not self.session.accept(request, result):
            return  # the query changed while this search ran
        focus_results = self.session.take_focus_request()
        keep, self._keep = self._keep, None
        note, self._note = self._note, ""
        if isinstance(result, SearcherError):
            self._list([])
            self.status.error(str(result))
            self._message(notices.query_error(str(result)))
            return
        self.status.result(result, self.session.mode(), note)
        if result.hits:
            self._message(None)
            self._list(result.hits, keep)
            if focus_results:
                self.results.focus()
        else:
            self._list([])
            self._message(notices.no_results(result.query))
        self.call_after_refresh(self.session.painted, request, result)

    def _list(self, hits: list[Hit], keep: Hit | None = None) -> None:
        if self.query_one(ResultsPane).show(hits, keep):
            # o and y depend on there being a hit. The footer rebuilds itself for this (~10 ms),
            # so only when that changes, and after the results are on screen.
            self.call_after_refresh(self.refresh_bindings)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed: say why, and keep the app running."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, SearcherError):  # e.g. a damaged index: the user can act on it
            message = str(error)
        else:  # a bug
            message = f"internal error: {type(error).__name__}: {error}"
        if event.worker.group == "warm-up":
            self.status.error(message)
            self._message(Content.styled(message, "$text-error"))
        self.notify(message, severity="error", timeout=10)

    def _search_again(self, note: str = "") -> None:
        """The query in the box searched again now (another order, a newer commit), the cursor
        kept on its passage; `note` said in the status line with the results."""
        request = self.session.again(self.search_box.value)
        if request is None:
            if note and self.session.stats is not None:  # a newer commit: its counts
                self.status.ready(self.session.stats)
                self._message(notices.idle(self.session.stats, str(self.searcher.directory)))
            return
        self._stop_debounce()
        self._keep = self.results.highlighted_hit
        self._note = note
        self._search(request)

    def action_cycle_sort(self) -> None:
        self.session.cycle_sort()
        self._search_again()

    def action_toggle_group(self) -> None:
        self.session.toggle_group()
        self._search_again()

    def action_sort_key(self) -> None:
        self.action_cycle_sort()

    def action_group_key(self) -> None:
        self.action_toggle_group()

    # -- preview and documents ----------------------------------------------------------------

    @on(ResultList.Highlighted)
    def _highlighted(self, event: ResultList.Highlighted) -> None:
        # The list is painted first and the preview a frame later: results show sooner.
        self.call_after_refresh(self._preview_hit, event.hit)

    def _preview_hit(self, hit: Hit) -> None:
        if hit != self.results.highlighted_hit:
            return  # the cursor moved on
        self.preview.show(hit)
        self._load_document(hit, self.session.query, open_it=False)
        self.explain_in_preview(hit)

    @on(ResultList.Opened)
    def _opened(self, event: ResultList.Opened) -> None:
        self._remember(self.session.query)
        self._load_document(event.hit, self.session.query, open_it=True)

    @work(thread=True, exclusive=True, group="document", exit_on_error=False)
    def _load_document(self, hit: Hit, query: str, open_it: bool) -> None:
        with self._lock:  # also guards the cache, which document workers share
            if get_current_worker().is_cancelled:  # the cursor moved on, or the app is closing
                return
            document = self.session.documents.get(hit, query)
            if document is None:
                document = self.searcher.document(hit, query)
                self.session.documents.put(hit, query, document)
        self.call_from_thread(self._document_loaded, hit, document, open_it)

    def _document_loaded(self, hit: Hit, document: list[Hit], open_it: bool) -> None:
        self.preview.show_context(hit, document)
        if open_it and not isinstance(self.screen, DocumentScreen):
            self.push_screen(DocumentScreen(document, hit))

    # -- keys ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _TYPING_ACTIONS and isinstance(self.focused, SearchBox):
            return False  # typing: these keys are letters for the box (Ctrl+C still quits)
        if action in {"open_editor", "copy_passage"} and self._target() is None:
            return None
        return True

    @on(SearchBox.ToResults)
    def action_focus_results(self) -> None:
        if self.results.hits:
            self.search_box.stop_browsing()
            self.results.focus()

    @on(ResultList.LeftTop)
    def action_focus_search(self) -> None:
        while len(self.screen_stack) > 1:  # / in a document or the help: back to the box
            self.pop_screen()
        self.search_box.focus()
        self.search_box.cursor_position = len(self.search_box.value)

    def action_escape(self) -> None:
        if not isinstance(self.focused, SearchBox):
            self.action_focus_search()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_show_help(self) -> None:  # F1: works while typing, where ? is a character
        self.action_help()

    async def action_quit(self) -> None:
        self._stop_watching.set()
        if self.session.result is not None and self.session.result.hits:
            self._remember(self.session.result.query)
        self.exit()

    async def action_leave(self) -> None:  # q, which is a letter while typing
        await self.action_quit()

    def release_searcher(self) -> None:
        """Wait until no worker is inside the Searcher, so the caller may close it. (Workers
        still waiting find themselves cancelled by the app's exit and never enter it.)"""
        with self._lock:
            pass

    def _remember(self, query: str) -> None:
        warning = self.session.remember(query)
        if warning is not None:
            self.notify(warning, severity="warning")


def make_app(
    searcher: Searcher,
    initial_query: str = "",
    *,
    history_path: Path,
    environ: Mapping[str, str] | None = None,
    watch: bool = False,
) -> SearchApp:
    """The one way to build the app: the `tui` command and the tests both call this.

    The caller picks `history_path`, the query history's file: where user data lives is the
    CLI's business (cli/location.py), as is where the index lives."""
    history = QueryHistory(history_path)
    return SearchApp(
        searcher, initial_query=initial_query, history=history, environ=environ, watch=watch
    )
