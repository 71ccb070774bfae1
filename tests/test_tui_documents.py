"""The TUI over PDF, DOCX and EPUB passages: their locations in the rows and the preview, and `o`
showing a PDF at the hit's page in $SEARCHER_PDF_VIEWER."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_indexing_documents import write_documents
from test_tui import build_app, screen_text, search, settle

from searcher.indexing.writer import build_index
from searcher.search import Searcher
from searcher.tui.editor import viewer_command


@pytest.fixture(scope="module")
def documents_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("documents")
    build_index([write_documents(root / "docs")], root / "index")
    return root / "index"


@pytest.fixture
def searcher(documents_index: Path) -> Iterator[Searcher]:
    with Searcher.open(documents_index) as opened:
        yield opened


async def test_rows_and_preview_show_page_paragraph_and_chapter_locations(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await search(app, pilot, "走访")
        screen = screen_text(app)
        assert "手册.pdf:p1" in screen
        assert "故事.epub#ch1.xhtml:5" in screen  # the row: the chapter file's name
        await pilot.press("down", "down")
        await pilot.pause()
        assert "故事.epub#OEBPS/ch1.xhtml:5" in screen_text(app)  # the preview: all of it
        await pilot.press("slash", "ctrl+u")  # back to the box, cleared
        await search(app, pilot, "李明")
        [hit] = app.results.hits
        assert hit.location() == f"{hit.path}:¶3"
        assert Path(hit.path).name == "制度.docx"
        await pilot.press("down")
        await pilot.pause()
        assert "制度.docx:¶3" in screen_text(app)
        assert "¶3  ¶3" not in screen_text(app)  # the preview says the paragraph once


async def test_o_shows_the_pdf_at_the_hit_page_in_the_configured_viewer(
    searcher: Searcher, tmp_path: Path
) -> None:
    viewer = tmp_path / "viewer"
    viewer.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$@" > "{tmp_path}/args.tmp"\n'
        f'mv "{tmp_path}/args.tmp" "{tmp_path}/args.txt"\n'
    )
    viewer.chmod(0o755)
    environ = {"SEARCHER_PDF_VIEWER": f"{viewer} --page={{page}}"}
    app = build_app(searcher, tmp_path, environ=environ)
    async with app.run_test(size=(120, 30)) as pilot:
        await search(app, pilot, "隐患")
        hit = app.results.hits[0]
        assert (hit.page, hit.path.endswith("手册.pdf")) == (2, True)
        await pilot.press("down", "o")
        args = tmp_path / "args.txt"
        for _ in range(3000):  # the viewer runs beside the app: wait until it has written
            if args.exists():
                break
            await asyncio.sleep(0.02)
        assert args.read_text().splitlines() == ["--page=2", hit.path]


async def test_the_document_screen_numbers_a_pdf_by_page(
    searcher: Searcher, tmp_path: Path
) -> None:
    app = build_app(searcher, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await search(app, pilot, "隐患")
        await pilot.press("down", "enter")
        await settle(app, pilot)
        screen = screen_text(app)
        assert "p1   网格员每周走访" in screen
        assert "p2 ▌ 发现消防通道堵塞" in screen  # the passage opened


def test_viewer_command_fills_in_page_and_path() -> None:
    environ = {"SEARCHER_PDF_VIEWER": "evince --page-index={page}"}
    assert viewer_command("a.pdf", 3, environ) == ["evince", "--page-index=3", "a.pdf"]
    environ = {"SEARCHER_PDF_VIEWER": "okular {path} -p {page}"}
    assert viewer_command("a.pdf", 3, environ) == ["okular", "a.pdf", "-p", "3"]
