"""The TUI's result modes and its following of the index, headlessly: s and d toggle the order and
one hit per document (the status line says so), a newer commit is searched again with the cursor
kept on its passage ("index updated"), and tui --watch runs a watcher inside the app."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from small_index import index_of
from textual.pilot import Pilot

from searcher.indexing.writer import build_index
from searcher.search import Searcher
from searcher.tui.app import SearchApp, make_app
from searcher.tui.session import DEBOUNCE_SECONDS
from tests.test_tui import settle

WAIT_SECONDS = 30  # for what must come: a commit, a refresh (never reached when green)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    source = tmp_path / "docs"
    source.mkdir()
    for number, days in enumerate([30, 1, 10]):
        path = source / f"note{number}.txt"
        path.write_text(f"第{number}篇：枇杷树下。\n\n又一段枇杷。\n", encoding="utf-8")
        os.utime(path, (time.time() - days * 86400,) * 2)
    build_index([source], tmp_path / "index")
    return source


@pytest.fixture
def searcher(folder: Path) -> Iterator[Searcher]:
    with Searcher.open(folder.parent / "index") as opened:
        yield opened


def _app(searcher: Searcher, tmp_path: Path, **options: object) -> SearchApp:
    return make_app(searcher, history_path=tmp_path / "history.json", environ={}, **options)


async def _until(pilot: Pilot, holds: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not holds():
        assert time.monotonic() < deadline, "what the test waits for never happened"
        await pilot.pause(0.05)


def _status(app: SearchApp) -> str:
    return str(app.status.render())


async def test_s_cycles_the_order_and_the_status_line_says_it(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = _app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"枇杷")
        await settle(app, pilot)
        await pilot.press("down", "s")  # s is a letter in the box: the results have focus
        await settle(app, pilot)
        assert app.result is not None and app.result.sort == "date"
        assert [Path(hit.path).name for hit in app.results.hits][:2] == ["note1.txt"] * 2
        assert "by date" in _status(app)
        await pilot.press("s")
        await settle(app, pilot)
        assert app.result.sort == "path" and "by path" in _status(app)
        await pilot.press("s")
        await settle(app, pilot)
        assert app.result.sort == "relevance" and "by " not in _status(app)


async def test_d_shows_one_result_per_document_with_its_matches(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = _app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"枇杷", "f3")  # F3 works while typing
        await settle(app, pilot)
        assert len(app.results.hits) == 3 and {hit.matches for hit in app.results.hits} == {2}
        assert "3 documents" in _status(app) and "one per document" in _status(app)
        await pilot.press("down", "d")
        await settle(app, pilot)
        # Each passage again; 又一段枇杷 collapsed: one hit for its three places.
        assert len(app.results.hits) == 4 and "one per document" not in _status(app)


async def test_a_newer_commit_is_searched_again_keeping_the_cursor(
    searcher: Searcher, folder: Path, tmp_path: Path
) -> None:
    app = _app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"枇杷")
        await settle(app, pilot)
        await pilot.press("down", "down", "down")
        await settle(app, pilot)
        chosen = app.results.highlighted_hit
        assert chosen is not None and app.results.highlighted == 2
        # Another process commits: a new file ranks first (枇杷 three times).
        (folder / "new.txt").write_text("枇杷，枇杷，还是枇杷。\n", encoding="utf-8")
        build_index([folder], folder.parent / "index")
        await _until(pilot, lambda: "index updated" in _status(app))
        await settle(app, pilot)
        assert len(app.results.hits) == 5
        assert Path(app.results.hits[0].path).name == "new.txt"
        kept = app.results.highlighted_hit
        assert kept is not None and (kept.path, kept.text) == (chosen.path, chosen.text)
        assert app.results.highlighted == 3  # one place lower: the new file came first


async def test_a_newer_commit_with_an_empty_box_updates_the_counts(
    searcher: Searcher, folder: Path, tmp_path: Path
) -> None:
    app = _app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(pilot, lambda: "6 passages" in _status(app))
        (folder / "new.txt").write_text("新的一段。\n", encoding="utf-8")
        build_index([folder], folder.parent / "index")
        await _until(pilot, lambda: "7 passages" in _status(app))
        message = str(app.query_one("#message").render())
        assert message.startswith("Type to search 7 passages in 4 documents.")


async def test_tui_watch_indexes_a_saved_file_and_shows_it(
    searcher: Searcher, folder: Path, tmp_path: Path
) -> None:
    app = _app(searcher, tmp_path, watch=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"山楂")
        await pilot.pause(DEBOUNCE_SECONDS + 0.2)
        await _until(pilot, lambda: app.result is not None)
        assert app.result.total == 0
        # The watcher's first batch means its watch is in place; wait for it to have started.
        await _until(pilot, lambda: any(w.group == "watch" for w in app.workers))
        await pilot.pause(1.0)
        (folder / "saved.txt").write_text("刚保存的山楂。\n", encoding="utf-8")
        await _until(pilot, lambda: app.result is not None and app.result.total == 1)
        assert "index updated" in _status(app)


async def test_x_shows_why_the_passage_ranks_there_in_the_preview(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = _app(searcher, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"枇杷")
        await settle(app, pilot)
        explain = app.preview.query_one("#passage-explain")
        assert not explain.display
        await pilot.press("down", "x")
        await settle(app, pilot)
        text = str(explain.render())
        assert explain.display and "tier: a whole word of the text" in text
        assert "literal 枇杷" in text and "= score" in text
        await pilot.press("down")  # it follows the cursor
        await settle(app, pilot)
        assert explain.display and app.preview.hit == app.results.highlighted_hit
        await pilot.press("x")
        await settle(app, pilot)
        assert not explain.display


async def test_x_names_the_latin_word_tier_that_ranks_each_passage(tmp_path: Path) -> None:
    texts = {
        "whole.txt": "学 go 的教程放在这里。",
        "prefix.txt": "学 golang 的教程放在这里，这份教程很长很长很长。",
        "inside.txt": "换 logo 的教程。",
    }
    with Searcher.open(index_of(tmp_path, texts)) as searcher:
        app = _app(searcher, tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("g", "o")
            await settle(app, pilot)
            await pilot.press("down", "x")
            await settle(app, pilot)
            explain = app.preview.query_one("#passage-explain")
            assert 'tier: "go" as a whole word' in str(explain.render())
            await pilot.press("down")
            await settle(app, pilot)
            assert 'tier: "go" at the start of a word' in str(explain.render())


def test_tui_watch_option_asks_the_app_for_a_watcher(
    sample_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from searcher.cli.main import app as cli

    made: list[dict[str, object]] = []

    class _App:  # stands in for the Textual app: the command only runs and releases it
        return_code = 0

        def run(self) -> None: ...

        def release_searcher(self) -> None: ...

    def make(searcher: object, **options: object) -> _App:
        made.append(options)
        return _App()

    monkeypatch.setattr("searcher.cli.main._interactive", lambda: True)
    monkeypatch.setattr("searcher.tui.app.make_app", make)
    result = CliRunner().invoke(cli, ["tui", "--watch", "--index", str(sample_index)])
    assert result.exit_code == 0, result.output
    assert [options["watch"] for options in made] == [True]


async def test_a_newer_commit_that_cannot_be_opened_is_said_once_and_searching_goes_on(
    searcher: Searcher, folder: Path, tmp_path: Path
) -> None:
    app = _app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"枇杷")
        await settle(app, pilot)
        # A table of contents naming a generation that is not there: the newer "commit" fails.
        (folder.parent / "index" / "_MAIN_999.toc").write_bytes(b"")
        await _until(pilot, lambda: len(app._notifications) == 1)
        (notice,) = list(app._notifications)
        assert notice.message.startswith("cannot read the index's newer commit: ")
        await pilot.pause(1.2)  # two more looks at the index: no second notice
        assert len(app._notifications) == 1
        await pilot.press("ctrl+u", *"枇杷树")
        await settle(app, pilot)
        assert app.result is not None and app.result.query == "枇杷树" and app.result.total == 3
