"""The TUI's query session (searcher/tui/session.py), driven directly: no app, no Textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from searcher.errors import QuerySyntaxError
from searcher.search import Hit, SearchResult
from searcher.tui.history import QueryHistory
from searcher.tui.session import DEBOUNCE_SECONDS, DocumentCache, QuerySession


class FakeClock:
    """A clock the test moves by hand, in seconds."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_session(tmp_path: Path, **options: object) -> QuerySession:
    return QuerySession(QueryHistory(tmp_path / "history.json"), **options)


def result_for(query: str, *texts: str) -> SearchResult:
    hits = [hit(f"{query}-{number}.md", text) for number, text in enumerate(texts)]
    return SearchResult(query, hits, total=len(hits), took_ms=2.5)


def hit(path: str, text: str = "网格员") -> Hit:
    return Hit(1, 1.0, path, path, path, 1, 1, text)


def test_a_newer_edit_supersedes_the_search_of_an_older_one(tmp_path: Path) -> None:
    session = make_session(tmp_path)
    older = session.edit("网")
    newer = session.edit("网格")
    assert older is not None and newer is not None
    assert newer.generation == older.generation + 1
    assert not session.start(older)  # its debounce ending late starts nothing
    assert not session.is_current(older)  # a search already running for it is wasted work
    assert not session.accept(older, result_for("网", "网"))  # its results are dropped
    assert session.result is None and not session.results_shown()
    assert session.start(newer) and session.accept(newer, result_for("网格", "网格"))
    assert session.result is not None and session.result.query == "网格"
    assert session.query == "网格" and session.results_shown()


def test_results_arriving_after_the_box_changed_again_are_not_shown(tmp_path: Path) -> None:
    session = make_session(tmp_path)
    first = session.edit("网格")
    assert first is not None and session.start(first)
    session.accept(first, result_for("网格", "网格"))
    second = session.edit("网格化")
    assert second is not None and session.start(second)
    session.edit("网格化管")  # typed while the search for 网格化 ran
    assert not session.accept(second, result_for("网格化", "网格化"))
    assert session.query == "网格"  # still what is on screen
    assert not session.results_shown()  # but it no longer answers the box


def test_clearing_the_box_drops_the_shown_results_and_any_search_under_way(
    tmp_path: Path,
) -> None:
    session = make_session(tmp_path)
    request = session.edit("乡村振兴")
    assert request is not None and session.start(request)
    session.accept(request, result_for("乡村振兴", "乡村振兴"))
    running = session.edit("乡村")
    assert running is not None and session.start(running)
    assert session.edit("  ") is None  # blank: nothing to search
    assert session.result is None and session.query == ""
    assert session.pending is None
    assert not session.accept(running, result_for("乡村", "乡村"))


def test_edit_waits_for_the_debounce_then_starts_once(tmp_path: Path) -> None:
    clock = FakeClock(100.0)
    session = make_session(tmp_path, clock=clock)
    assert session.debounce_seconds == DEBOUNCE_SECONDS
    request = session.edit("网格")
    assert request is not None
    assert (request.text, request.typed_at) == ("网格", 100.0)
    assert session.pending == request  # waiting: nothing searched yet
    assert session.start(request)  # the debounce ended
    assert not session.start(request)  # a second timer for the same edit starts nothing
    assert session.submit() is None  # Enter now: already searching, not again


def test_enter_before_the_debounce_ends_searches_at_once_and_only_once(tmp_path: Path) -> None:
    session = make_session(tmp_path)
    request = session.edit("网格")
    assert session.submit() == request  # search now, not after the pause
    assert not session.start(request)  # the timer ending afterwards starts nothing
    assert session.focus_results  # and the results get the focus when they come
    assert session.accept(request, result_for("网格", "网格"))
    assert session.take_focus_request()
    assert not session.take_focus_request()  # asked once, answered once


def test_a_failed_query_is_shown_as_no_result(tmp_path: Path) -> None:
    session = make_session(tmp_path)
    good = session.edit("网格")
    assert good is not None
    session.accept(good, result_for("网格", "网格"))
    bad = session.edit('"')
    assert bad is not None
    assert session.accept(bad, QuerySyntaxError("unbalanced quote"))
    assert session.result is None and session.results_shown()


def test_painted_records_keystroke_to_screen_time_of_the_shown_search(tmp_path: Path) -> None:
    clock, cpu = FakeClock(10.0), FakeClock(1.0)
    session = make_session(tmp_path, clock=clock, cpu_clock=cpu)
    request = session.edit("网格")
    assert request is not None and session.start(request)
    result = result_for("网格", "网格")
    session.accept(request, result)
    clock.now, cpu.now = 10.2, 1.05
    session.painted(request, result)
    timing = session.timing
    assert timing is not None
    assert (timing.query, timing.typed_at, timing.painted_at) == ("网格", 10.0, 10.2)
    assert timing.took_ms == 2.5
    assert round(timing.cpu_ms, 6) == 50.0


def test_document_cache_returns_the_cached_document_per_hit_and_query() -> None:
    cache = DocumentCache(limit=4)
    handbook = hit("手册.md")
    document = [handbook, hit("手册.md", "第二段")]
    cache.put(handbook, "网格", document)
    assert cache.get(handbook, "网格") is document
    assert cache.get(handbook, "网格员") is None  # highlighted for another query
    assert cache.get(hit("其他.md"), "网格") is None


def test_document_cache_evicts_the_least_recently_used_beyond_its_limit() -> None:
    cache = DocumentCache(limit=2)
    first, second, third = hit("一.md"), hit("二.md"), hit("三.md")
    cache.put(first, "q", [first])
    cache.put(second, "q", [second])
    assert cache.get(first, "q") == [first]  # read again: now the most recent
    cache.put(third, "q", [third])
    assert len(cache) == 2
    assert cache.get(second, "q") is None  # the least recently used went
    assert cache.get(first, "q") == [first] and cache.get(third, "q") == [third]


def test_session_keeps_documents_up_to_its_limit(tmp_path: Path) -> None:
    session = make_session(tmp_path, document_limit=3)
    for number in range(5):
        session.documents.put(hit(f"{number}.md"), "q", [])
    assert len(session.documents) == 3
    assert session.documents.get(hit("0.md"), "q") is None
    assert session.documents.get(hit("4.md"), "q") == []


def test_remember_saves_the_query_and_warns_once_when_the_history_cannot_be_saved(
    tmp_path: Path,
) -> None:
    session = make_session(tmp_path)
    assert session.remember("网格") is None
    assert QueryHistory(tmp_path / "history.json").entries == ["网格"]
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    broken = QuerySession(QueryHistory(blocker / "history.json"))  # its folder is a file
    warning = broken.remember("网格")
    assert warning is not None and warning.startswith("cannot save the query history: ")
    assert broken.remember("乡村振兴") is None  # said once, not on every query


def test_the_session_module_loads_without_textual() -> None:
    code = "import sys, searcher.tui.session; print('textual' in sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "False"


def test_issue_15_history_keeps_every_query_paused_on_once(tmp_path: Path) -> None:
    clock = FakeClock(100.0)
    session = make_session(tmp_path, clock=clock, cpu_clock=clock)

    def type_and_wait(text: str, seconds: float, hits: int = 1) -> None:
        session.remember(session.paused_query())  # what the app does before every edit
        request = session.edit(text)
        if request is None:
            return
        clock.now += session.debounce_seconds
        assert session.start(request)
        session.accept(request, result_for(text, *["网格员"] * hits))
        clock.now += seconds

    type_and_wait("网", 0.2)  # typing on: not kept
    type_and_wait("网格", 1.5)  # read: kept, though nothing was opened
    type_and_wait("网格 党建", 3.0, hits=0)  # no results, but typed and paused on
    type_and_wait("网格", 2.0)  # again: moves to the end, once
    type_and_wait("网格员", 0.1)
    type_and_wait("", 0)  # cleared the box
    assert session.history.entries == ["网格 党建", "网格"]
    assert session.paused_query() == ""  # nothing shown any more
    again = QueryHistory(tmp_path / "history.json")
    assert again.entries == ["网格 党建", "网格"]


def test_issue_15_a_query_whose_results_are_not_shown_yet_is_not_paused_on(
    tmp_path: Path,
) -> None:
    clock = FakeClock(0.0)
    session = make_session(tmp_path, clock=clock, cpu_clock=clock)
    request = session.edit("网格")
    clock.now += 5  # a slow search: nothing on screen to have read
    assert session.paused_query() == ""
    session.start(request)
    session.accept(request, result_for("网格", "网格员"))
    clock.now += session.history_pause_seconds
    assert session.paused_query() == "网格"
    session.edit("网格员")
    clock.now += 5
    assert session.paused_query() == ""  # the shown results answer an older box


def test_sort_cycles_relevance_date_path_and_the_mode_says_it(tmp_path: Path) -> None:
    session = make_session(tmp_path)
    assert session.mode() == ""
    assert [session.cycle_sort() for _ in range(3)] == ["date", "path", "relevance"]
    session.cycle_sort()
    session.toggle_group()
    assert session.mode() == "by date · one per document"
    session.toggle_group()
    assert session.mode() == "by date"


def test_searching_again_supersedes_a_search_still_running(tmp_path: Path) -> None:
    session = make_session(tmp_path)
    first = session.edit("网格")
    assert first is not None and session.start(first)
    again = session.again("网格")
    assert again is not None and again.text == "网格"
    assert not session.is_current(first) and session.is_current(again)
    assert not session.accept(first, result_for("网格", "旧的"))
    assert session.accept(again, result_for("网格", "新的"))
    assert session.again("   ") is None


def test_document_cache_clear_forgets_every_document(tmp_path: Path) -> None:
    cache = DocumentCache()
    cache.put(hit("a.md"), "网格", [hit("a.md")])
    cache.clear()
    assert len(cache) == 0 and cache.get(hit("a.md"), "网格") is None
