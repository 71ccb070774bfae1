"""The TUI, driven headlessly with Textual's pilot over the bundled sample collection."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.worker import WorkerState
from typer.testing import CliRunner

from searcher.cli.main import app as cli
from searcher.indexing.writer import build_index
from searcher.search import Searcher
from searcher.tui.app import SearchApp, make_app
from searcher.tui.document_screen import DocumentScreen
from searcher.tui.document_view import line_spans
from searcher.tui.editor import editor_command
from searcher.tui.help_screen import HelpScreen
from searcher.tui.history import HISTORY_LIMIT, QueryHistory
from searcher.tui.passage_view import PassageView
from searcher.tui.session import DEBOUNCE_SECONDS

GRID_HANDBOOK = "网格化管理工作手册"
_BUSY = (WorkerState.PENDING, WorkerState.RUNNING)


@pytest.fixture
def searcher(sample_index: Path) -> Iterator[Searcher]:
    with Searcher.open(sample_index) as opened:
        yield opened


def build_app(searcher: Searcher, tmp_path: Path, **options: object) -> SearchApp:
    options.setdefault("environ", {})
    return make_app(searcher, history_path=tmp_path / "history.json", **options)


async def settle(app: SearchApp, pilot: Pilot) -> None:
    """Wait out the debounce, then every worker it started (search, then preview) and repaints."""
    await pilot.pause(DEBOUNCE_SECONDS + 0.05)
    for _ in range(3):
        while any(worker.state in _BUSY for worker in app.workers):
            await pilot.pause(0.01)
        await pilot.pause()


async def search(app: SearchApp, pilot: Pilot, text: str) -> None:
    await pilot.press(*text)
    await settle(app, pilot)


def screen_text(app: SearchApp) -> str:
    """The screen as plain text, one line per row, as a user reads it.

    Each row is read widget by widget: the topmost widget at a cell draws it. A wide character
    never straddles two widgets, so cutting a row where the widget changes keeps it whole."""
    screen = app.screen
    width, height = app.size
    rows = []
    for y in range(height):
        pieces, x = [], 0
        while x < width:
            widget, region = screen.get_widget_at(x, y)
            end = x + 1
            while end < width and screen.get_widget_at(end, y)[0] is widget:
                end += 1
            [line] = widget.render_lines(Region(0, y - region.y, region.width, 1))
            pieces.append(line.crop(x - region.x, end - region.x).text)
            x = end
        rows.append("".join(pieces))
    return "\n".join(rows)


def styled_text(content: object) -> list[str]:
    """The pieces of a Content that carry a style naming $text-warning: the highlights."""
    plain = content.plain
    return [plain[s.start : s.end] for s in content.spans if "$text-warning" in str(s.style)]


async def test_typing_shows_ranked_results_with_highlighted_matches(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await search(app, pilot, "网格")
        hits = app.results.hits
        assert hits[0].title.startswith(GRID_HANDBOOK)
        assert hits[0].path.endswith(f"{GRID_HANDBOOK}.md")
        assert [hits[0].text[s.start_char : s.end_char] for s in hits[0].spans] == ["网格"] * 6
        assert app.result.total == 18 and len(hits) == 18
        row = app.results.get_option_at_index(0).prompt.content(50)
        assert row.plain.startswith("  1 …› 一、网格划分原则")  # the section: the title is long
        highlights = styled_text(row)
        assert highlights[:2] == ["网格", "网格"]  # the title, then the snippet: 每个网格设…
        # the snippet may end with a match cut short by the ellipsis: "网…" or " …"
        assert all("网格".startswith(piece.rstrip(" …")) for piece in highlights)
        assert "18 passages" in str(app.status.render())


async def test_issue_17_title_words_are_highlighted_in_the_row_and_the_preview_header(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await search(app, pilot, "划分原则 边界")
        first = app.results.hits[0]
        assert first.title == "网格化管理工作手册 › 一、网格划分原则"
        head, _ = app.results.get_option_at_index(0).prompt.content(100).split("\n")
        assert styled_text(head) == ["划分原则"]  # 边界 is in the text only
        header = app.query_one(PassageView).query_one("#passage-header").render()
        assert styled_text(header) == ["划分原则"]


async def test_enter_right_after_typing_searches_at_once_and_goes_to_the_results(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"网格", "enter")
        await settle(app, pilot)
        assert app.results.hits[0].title.startswith(GRID_HANDBOOK)
        assert app.focused is app.results


async def test_results_cursor_moves_with_arrows_and_jk_and_preview_follows(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await search(app, pilot, "网格")
        await pilot.press("down")  # from the box into the list
        assert app.focused is app.results and app.results.highlighted == 0
        await pilot.press("j", "down")
        await settle(app, pilot)
        assert app.results.highlighted == 2
        assert app.preview.hit == app.results.hits[2]
        await pilot.press("k")
        await settle(app, pilot)
        assert app.preview.hit == app.results.hits[1]
        await pilot.press("up", "up")  # past the first hit: back to the box
        assert app.focused is app.search_box
        await pilot.press("down", "escape")
        assert app.focused is app.search_box


async def test_preview_shows_passage_highlighted_between_dimmed_neighbours(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await search(app, pilot, "网格")
        first = app.results.hits[0]  # paragraph 3 of the handbook
        preview = app.query_one(PassageView)
        body = preview.query_one("#passage-body").render()
        assert body.plain == first.text
        assert set(styled_text(body)) == {"网格"}
        document = searcher.document(first, "网格")
        position = [part.row for part in document].index(first.row)
        before = preview.query_one("#passage-before").render().plain
        after = preview.query_one("#passage-after").render().plain
        assert document[position - 1].text in before
        assert document[position + 1].text in after


async def test_enter_opens_document_at_passage_n_jumps_and_esc_keeps_selection(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await search(app, pilot, "网格")
        await pilot.press("down", "j")  # the second hit
        chosen = app.results.hits[1]
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DocumentScreen)
        view = app.screen.view
        assert [hit.text for hit in view.passages] == [
            part.text for part in searcher.document(chosen, "网格")
        ]
        assert view.current_hit.row == chosen.row  # the first match of the opened passage
        first = view.current
        await pilot.press("n")
        assert view.current == first + 1
        await pilot.press("N", "N")
        assert view.current == first - 1
        assert chosen.text[:20] in screen_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, DocumentScreen)
        assert app.results.highlighted == 1 and app.focused is app.results
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("slash")  # from a document straight back to the search box
        assert not isinstance(app.screen, DocumentScreen)
        assert app.focused is app.search_box


async def test_malformed_queries_show_a_message_and_the_app_keeps_working(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        for text in ['"', "-网格", "OR", 'title:"']:
            await search(app, pilot, text)
            assert app.results.hits == []
            assert "query" in screen_text(app)  # e.g. "the query is empty; type a word …"
            await pilot.press(*["backspace"] * len(text))
        await search(app, pilot, "网格")
        assert app.results.hits[0].title.startswith(GRID_HANDBOOK)


async def test_no_results_says_so(searcher: Searcher, tmp_path: Path) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await search(app, pilot, "xyzzy")
        assert app.results.hits == []
        assert "No passage matches xyzzy" in screen_text(app)


async def test_only_the_last_query_of_a_burst_is_shown(searcher: Searcher, tmp_path: Path) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"网格", "backspace", "backspace", *"乡村振兴")
        await settle(app, pilot)
        assert app.result.query == "乡村振兴"
        assert "乡村振兴" in app.results.hits[0].text
        assert app.preview.hit == app.results.hits[0]


async def test_a_file_name_with_a_newline_and_a_bad_byte_stays_on_one_line(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    odd = "第一\n行\udcff.txt"  # a newline and an undecodable byte (surrogateescape)
    (docs / odd).write_text("罕见的榅桲果酱配方。", encoding="utf-8")
    build_index([docs], tmp_path / "index")
    with Searcher.open(tmp_path / "index") as opened:
        app = build_app(opened, tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await search(app, pilot, "榅桲")
            assert len(app.results.hits) == 1
            screen = screen_text(app)
            assert "第一\\n行\\xff.txt:1" in screen  # in the result row and the preview
            assert not any(line.strip() in ("行\udcff.txt:1", "行") for line in screen.splitlines())


async def test_empty_index_says_how_to_index(tmp_path: Path) -> None:
    (tmp_path / "nothing").mkdir()
    build_index([tmp_path / "nothing"], tmp_path / "index")
    with Searcher.open(tmp_path / "index") as empty:
        app = build_app(empty, tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            assert "This index holds no documents yet" in screen_text(app)
            assert "searcher index FOLDER --index" in screen_text(app)


async def test_up_in_empty_box_recalls_earlier_queries_across_runs(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        # A clock that stands still: only Enter records here, not a half-typed query that a
        # busy machine left on screen past the history pause.
        app.session._clock = lambda: 0.0
        for text in ["网格", "乡村振兴"]:
            await search(app, pilot, text)
            await pilot.press("enter", "slash", "ctrl+u")  # submit, back to the box, clear
        await pilot.press("up")
        assert app.search_box.value == "乡村振兴"
        await pilot.press("up")
        assert app.search_box.value == "网格"
        await pilot.press("down", "down")
        assert app.search_box.value == ""
    assert QueryHistory(tmp_path / "history.json").entries == ["网格", "乡村振兴"]
    again = build_app(searcher, tmp_path)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.press("up")
        assert again.search_box.value == "乡村振兴"


def test_history_is_bounded_without_repeats_and_ignores_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    path.write_text("{not json", encoding="utf-8")
    history = QueryHistory(path)
    assert history.entries == []
    for number in range(HISTORY_LIMIT + 5):
        history.add(f"query {number}")
    history.add("query 10")
    entries = json.loads(path.read_text(encoding="utf-8"))["queries"]
    assert len(entries) == HISTORY_LIMIT
    assert entries[-1] == "query 10" and entries.count("query 10") == 1
    assert "query 0" not in entries


async def test_o_opens_the_editor_at_the_passage_line(searcher: Searcher, tmp_path: Path) -> None:
    editor = tmp_path / "record-args"
    editor.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{tmp_path}/args.txt"\n')
    editor.chmod(0o755)
    app = build_app(searcher, tmp_path, environ={"EDITOR": str(editor)})
    async with app.run_test(size=(100, 30)) as pilot:
        await search(app, pilot, "网格")
        await pilot.press("down", "o")
        hit = app.results.hits[0]
        assert (tmp_path / "args.txt").read_text().splitlines() == [f"+{hit.line}", hit.path]
        assert hit.line == 9


def test_document_lines_break_at_width_between_words_and_never_before_a_closing_mark() -> None:
    def lines(text: str, cells: int) -> list[str]:
        return [text[start:end] for start, end in line_spans(text, cells)]

    assert lines("一二三四五。六七八", 10) == ["一二三四", "五。六七八"]
    assert lines("hello world this is", 10) == ["hello ", "world this", "is"]
    assert lines("第一行\n\n第二行很长很长", 8) == ["第一行", "", "第二行很", "长很长"]


def test_editor_command_puts_the_line_where_each_editor_expects_it() -> None:
    assert editor_command("a.md", 9, {"EDITOR": "nvim"}) == ["nvim", "+9", "a.md"]
    assert editor_command("a.md", 9, {"VISUAL": "emacs -nw", "EDITOR": "vi"}) == [
        "emacs",
        "-nw",
        "+9",
        "a.md",
    ]
    assert editor_command("a.md", 9, {"EDITOR": "code --wait"}) == [
        "code",
        "--wait",
        "--goto",
        "a.md:9",
    ]


async def test_y_copies_the_highlighted_passage(searcher: Searcher, tmp_path: Path) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await search(app, pilot, "网格")
        await pilot.press("down", "j", "y")
        assert app.clipboard == app.results.hits[1].text


async def test_q_quits_from_the_results_and_ctrl_c_while_typing(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await search(app, pilot, "网格")
        await pilot.press("q")
        assert app.search_box.value == "网格q"  # in the box, q is a letter
        await pilot.press("backspace", "down", "q")
    assert app.return_code == 0
    typing = build_app(searcher, tmp_path)
    async with typing.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"网格", "ctrl+c")
    assert typing.return_code == 0


async def test_help_screen_lists_the_keys(searcher: Searcher, tmp_path: Path) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for key in ["Enter", "n  N", "Esc", "$EDITOR", "clipboard", "q  Ctrl+C", "title:手册"]:
            assert key in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_initial_query_is_searched_at_start(searcher: Searcher, tmp_path: Path) -> None:
    app = build_app(searcher, tmp_path, initial_query="乡村振兴")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.search_box.value == "乡村振兴"
        assert app.result.query == "乡村振兴" and app.results.hits


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_main_screen_shows_query_results_status_and_keys(
    searcher: Searcher, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=size) as pilot:
        await search(app, pilot, "网格")
        await pilot.press("down")
        await settle(app, pilot)
        lines = screen_text(app).splitlines()
        assert len(lines) == size[1]
        assert "网格" in lines[1]  # the search box
        assert lines[3].startswith("   1 …› 一、网格划分原")  # the section, not the title
        assert "工作手册.md:9" in lines[3]  # the location, shortened from the left
        assert "每个网格设专职网格员" in lines[4]  # snippet under the title
        assert "18 passages" in lines[-2]
        assert "Open" in lines[-1] and "Quit" in lines[-1]


async def test_light_terminal_background_gets_the_light_theme(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = build_app(searcher, tmp_path, environ={"COLORFGBG": "0;15"})
    async with app.run_test(size=(100, 30)):
        assert app.theme == "textual-light"


async def test_narrow_terminal_hides_the_preview(searcher: Searcher, tmp_path: Path) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(60, 16)) as pilot:
        await search(app, pilot, "网格")
        assert not app.preview.display or app.preview.size.width == 0
        assert "网格化管理" in screen_text(app)


def test_tui_command_opens_the_index_before_the_app_and_passes_the_query(
    sample_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []
    monkeypatch.setattr("searcher.cli.main._interactive", lambda: True)
    monkeypatch.setattr(SearchApp, "run", lambda self: started.append(self.initial_query))
    result = CliRunner().invoke(cli, ["tui", "网格", "管理", "--index", str(sample_index)])
    assert result.exit_code == 0, result.output
    assert started == ["网格 管理"]


def test_tui_command_without_an_index_exits_2_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["tui", "--index", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("searcher: ")


def test_tui_command_outside_a_terminal_exits_2_instead_of_waiting(sample_index: Path) -> None:
    result = CliRunner().invoke(cli, ["tui", "--index", str(sample_index)])
    assert result.exit_code == 2
    assert result.stderr == (
        "searcher: searcher tui needs a terminal; to search from a script,"
        " use: searcher query WORDS\n"
    )


def test_no_arguments_in_a_pipe_prints_help() -> None:
    result = CliRunner().invoke(cli, [])
    assert result.exit_code == 0
    assert "Usage" in result.stdout and "tui" in result.stdout


async def test_issue_11_a_repeated_passage_shows_its_count_and_places(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a", "b", "c"):
        (docs / f"{name}.txt").write_text(f"{name} 号通知。\n\n本文件仅供内部参考。\n", "utf-8")
    build_index([docs], tmp_path / "index")
    with Searcher.open(tmp_path / "index") as opened:
        app = build_app(opened, tmp_path)
        async with app.run_test(size=(120, 30)) as pilot:
            await search(app, pilot, "内部参考")
            [hit] = app.results.hits
            head, _ = app.results.get_option_at_index(0).prompt.content(100).plain.split("\n")
            assert head.endswith(":3 +2")
            header = app.query_one(PassageView).query_one("#passage-header").render().plain
            others = sorted(Path(place).name for place in hit.duplicate_locations)
            assert header.endswith(f"also in 2 places: {', '.join(hit.duplicate_locations)}")
            assert len(others) == 2


def _long_document(folder: Path) -> Path:
    """A Markdown file of ~400 lines: 榅桲 in paragraphs at lines 41, 301 and 361 (and twice
    in the one at 301), a heading at line 1 and a section heading at line 281."""
    folder.mkdir()
    lines = ["# 长文档", ""]
    for number in range(3, 402, 2):
        if number == 281:
            lines += ["## 第九节", ""]
            continue
        word = "榅桲 与 榅桲" if number == 301 else "榅桲" if number in (41, 361) else "段落"
        lines += [f"第 {number} 行的{word}内容。", ""]
    (folder / "long.md").write_text("\n".join(lines), encoding="utf-8")
    return folder


async def test_issue_15_enter_opens_the_document_at_the_passage_and_counts_from_it(
    tmp_path: Path,
) -> None:
    build_index([_long_document(tmp_path / "docs")], tmp_path / "index")
    with Searcher.open(tmp_path / "index") as opened:
        app = build_app(opened, tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await search(app, pilot, "榅桲")
            row = next(i for i, hit in enumerate(app.results.hits) if hit.line == 301)
            await pilot.press("enter", *["down"] * row, "enter")  # to the results, then open
            await settle(app, pilot)
            assert isinstance(app.screen, DocumentScreen)
            view = app.screen.view
            assert [m.passage for m in view.matches].count(view.opened) == 2
            assert view.current == 1  # the first match of line 301 is the 2nd of 4
            shown = screen_text(app)
            assert "第 301 行的" in shown and "第 3 行的" not in shown
            assert "match 2/4" in shown
            await pilot.press("n")
            assert view.current == 2 and "match 3/4" in screen_text(app)


async def test_a_deep_path_gives_way_to_the_match_counter_of_an_open_document(
    tmp_path: Path,
) -> None:
    # The header's second line is the path, then the paragraphs and the match counter: a path
    # longer than the screen wrapped the counter out of sight (it depended on the length of
    # pytest's own temporary folder). Now the path's start gives way.
    deep = tmp_path.joinpath(*["一个很深的文件夹"] * 8)
    deep.parent.mkdir(parents=True)
    build_index([_long_document(deep)], tmp_path / "index")
    with Searcher.open(tmp_path / "index") as opened:
        app = build_app(opened, tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await search(app, pilot, "榅桲")
            await pilot.press("enter", "enter")
            await settle(app, pilot)
            assert isinstance(app.screen, DocumentScreen)
            shown = screen_text(app)
            assert "match 2/4" in shown and "long.md" in shown  # line 301 holds the 2nd and 3rd
            await pilot.press("n")
            assert "match 3/4" in screen_text(app)
            await pilot.resize_terminal(60, 24)
            await settle(app, pilot)
            assert "match 3/4" in screen_text(app) and "long.md" in screen_text(app)


async def test_issue_15_at_80x24_rows_show_their_section_and_the_preview_its_line(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await search(app, pilot, "网格")
        shown = screen_text(app)
        rows = [app.results.hits[i] for i in range(4)]
        assert all(hit.title.startswith(f"{GRID_HANDBOOK} › ") for hit in rows)
        for hit in rows:
            section = hit.title.rsplit(" › ", 1)[1]
            assert f"…› {section[:5]}" in shown
        header = app.preview.query_one("#passage-header").render().plain.splitlines()
        location = rows[0].location()
        assert header[1].startswith("…") and header[1].endswith(
            f":{rows[0].line}  ¶{rows[0].paragraph}"
        )
        assert location.endswith(header[1].split("  ¶")[0][1:])
        assert f".md:{rows[0].line}  ¶" in shown  # drawn whole, not cut by the ellipsis


async def test_issue_15_history_recalls_queries_paused_on_without_opening_them(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = build_app(searcher, tmp_path)
    # The session's clock, moved by the test: how long results stayed on screen is what the test
    # says, not what a busy machine makes of pauses (a real 0.35 s pause failed at load 10).
    now = [0.0]
    async with app.run_test(size=(100, 30)) as pilot:
        app.session._clock = lambda: now[0]
        for text in ["网格", "乡村振兴", "网格"]:  # read each, open none, never press Enter
            await search(app, pilot, text)
            now[0] += app.session.history_pause_seconds + 0.1
            await pilot.press("ctrl+u")
        await search(app, pilot, "议事")  # typed over at once: not paused on
        await pilot.press("ctrl+u")
        await pilot.press("up")
        assert app.search_box.value == "网格"
        await settle(app, pilot)
        now[0] += app.session.history_pause_seconds + 0.1  # paused on while walking: the walk
        await pilot.press("up")  # goes on as it began
        assert app.search_box.value == "乡村振兴"
        await pilot.press("up")
        assert app.search_box.value == "乡村振兴"  # the oldest: the bell
    assert QueryHistory(tmp_path / "history.json").entries == ["乡村振兴", "网格"]


async def test_issue_13_pinyin_reading_is_shown_above_the_results(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await search(app, pilot, "wangge")
        assert app.result.interpreted == ("网格",)
        assert "wangge → 网格  (pinyin)" in screen_text(app)
        assert app.results.hits[0].path.endswith(f"{GRID_HANDBOOK}.md")
        await pilot.press(*["backspace"] * 6, *"网格")
        await settle(app, pilot)
        assert "→" not in screen_text(app)  # a Chinese query is read as typed


async def test_issue_13_enter_on_the_suggestion_searches_it(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await search(app, pilot, "志原服务")
        assert "did you mean: 志愿服务" in screen_text(app)
        assert app.results.hits[0].suggested
        assert app.results.get_option_at_index(0).prompt.content(60).plain.startswith("  1≈")
        await pilot.press("enter")  # to the results
        await settle(app, pilot)
        assert app.focused is app.results
        await pilot.press("up")  # on the first hit: up to the suggestion
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.search_box.value == "志愿服务"
        assert app.result.query == "志愿服务" and app.result.suggestion == ""
        assert not any(hit.suggested for hit in app.results.hits)
        assert "did you mean" not in screen_text(app)
        assert app.results.get_option_at_index(0).prompt.content(60).plain.startswith("  1 ")
