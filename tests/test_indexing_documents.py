"""build_index() over PDF, DOCX and EPUB files: read in the analysis workers, under a time limit,
with the same change detection as text, and a broken file skipped in one line, never a lost index.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from document_writers import (
    DocxDocument,
    DocxParagraph,
    DocxTable,
    EpubChapter,
    PdfPage,
    write_docx,
    write_epub,
    write_pdf,
)

from searcher.cli.indexing import index_summary
from searcher.errors import IndexWriteError
from searcher.indexing import batches
from searcher.indexing.writer import build_index
from searcher.ingest import ocr, pdf
from searcher.ingest.ocr import OCR_HINT
from searcher.search import Searcher

VISIT = "网格员每周走访辖区住户不少于两次，对独居老人和困难家庭每周至少上门一次。"
REPORT = "发现消防通道堵塞、电动车违规充电等安全隐患，应当在两小时内拍照上报街道。"
DUTY = "值班表每月初张贴在社区公告栏，节假日值班另行通知。"


def write_documents(folder: Path) -> Path:
    """A PDF, a DOCX and an EPUB of our own text, and a text file beside them."""
    folder.mkdir(parents=True, exist_ok=True)
    write_pdf(
        folder / "手册.pdf",
        [
            PdfPage([VISIT], bookmark=(0, "第一章 走访")),
            PdfPage([REPORT], bookmark=(0, "第二章 上报")),
        ],
        title="网格员手册",
    )
    write_docx(
        folder / "制度.docx",
        DocxDocument(
            [
                DocxParagraph("值班制度", heading=1),
                DocxParagraph(DUTY),
                DocxTable([["日期", "值班网格员"], ["周一", "李明"]]),
            ]
        ),
    )
    write_epub(
        folder / "故事.epub",
        "街道故事",
        [
            EpubChapter("ch1.xhtml", "第一章 雨夜走访", [VISIT.replace("两次", "三次")]),
            EpubChapter("ch2.xhtml", "第二章 通道", ["楼道里的纸箱终于清走了。"]),
        ],
    )
    (folder / "说明.txt").write_text("网格员的联系电话见公告栏。\n", encoding="utf-8")
    return folder


def _search(index: Path, query: str) -> list[tuple[str, str]]:
    with Searcher.open(index) as searcher:
        return [(hit.location(), hit.title) for hit in searcher.search(query, limit=20).hits]


def test_documents_are_indexed_with_their_locations(tmp_path: Path) -> None:
    folder = write_documents(tmp_path / "docs")
    report = build_index([folder], tmp_path / "index")
    assert (report.files_new, report.skipped) == (4, [])
    assert _search(tmp_path / "index", "走访") == [
        (f"{folder}/手册.pdf:p1", "网格员手册 › 第一章 走访"),
        (f"{folder}/故事.epub#OEBPS/ch1.xhtml:5", "街道故事 › 第一章 雨夜走访"),
    ]
    assert _search(tmp_path / "index", "李明") == [(f"{folder}/制度.docx:¶3", "制度 › 值班制度")]


def test_unchanged_documents_are_not_read_again_and_a_changed_one_is(tmp_path: Path) -> None:
    folder = write_documents(tmp_path / "docs")
    build_index([folder], tmp_path / "index")
    again = build_index([folder], tmp_path / "index")
    assert (again.files_unchanged, again.files_new, again.files_changed) == (4, 0, 0)
    write_pdf(folder / "手册.pdf", [PdfPage(["值班电话改为一二三四五。"])])
    changed = build_index([folder], tmp_path / "index")
    assert (changed.files_unchanged, changed.files_changed) == (3, 1)
    assert _search(tmp_path / "index", '"值班电话"') == [(f"{folder}/手册.pdf:p1", "手册")]
    assert _search(tmp_path / "index", '"消防通道"') == []  # the old text left with the old file


def _broken_documents(folder: Path) -> dict[str, str]:
    """Broken files written into `folder`, name → the reason each is skipped for."""
    write_pdf(folder / "加密.pdf", [PdfPage([VISIT])], password="secret")
    whole = (folder / "制度.docx").read_bytes()
    (folder / "截断.docx").write_bytes(whole[: len(whole) // 2])
    (folder / "网页.docx").write_text("<html><body>网格</body></html>", encoding="utf-8")
    (folder / "坏书.epub").write_bytes(b"PK\x03\x04" + bytes(100))
    return {
        "加密.pdf": "encrypted PDF (needs a password)",
        "截断.docx": "not a DOCX: not a zip file",
        "网页.docx": "not a DOCX: an HTML file under that name",
        "坏书.epub": "not an EPUB: not a zip file",
    }


def test_broken_documents_are_skipped_one_line_each_and_nothing_indexed_is_lost(
    tmp_path: Path,
) -> None:
    folder = write_documents(tmp_path / "docs")
    index = tmp_path / "index"
    build_index([folder], index)
    before = _search(index, "网格员")
    reasons = _broken_documents(folder)
    warnings: list[str] = []
    report = build_index([folder], index, warn=warnings.append)
    assert sorted(warnings) == sorted(
        f"skipped {folder}/{name}: {reason}" for name, reason in reasons.items()
    )
    assert _search(index, "网格员") == before
    assert len(report.skipped) == 4
    # Not read again until they change.
    assert build_index([folder], index).skipped_again == 4


def test_pdf_without_text_layer_is_said_once_and_counted_in_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches, "ocr_available", lambda: False)  # as without the extra
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    folder = tmp_path / "docs"
    folder.mkdir()
    write_pdf(folder / "扫描件.pdf", [PdfPage([], image_only=True)] * 2)
    (folder / "说明.txt").write_text("扫描件待补录。\n", encoding="utf-8")
    warnings: list[str] = []
    report = build_index([folder], tmp_path / "index", warn=warnings.append)
    assert warnings == [
        f"skipped {folder}/扫描件.pdf: no text layer: scanned? install searcher[ocr]"
    ]
    assert report.no_text_layer == 1
    assert ", 1 skipped (1 without a text layer) files;" in index_summary(report, tmp_path)


def test_images_without_the_ocr_extra_are_skipped_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches, "ocr_available", lambda: False)
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("a.png", "b.jpg", "c.tif"):
        (folder / name).write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(50))
    (folder / "说明.txt").write_text("照片待识别。\n", encoding="utf-8")
    warnings: list[str] = []
    report = build_index([folder], tmp_path / "index", warn=warnings.append)
    assert warnings == [f"3 images not read: {OCR_HINT}"]
    assert (report.files_new, report.images_without_ocr, report.skipped) == (1, 3, [])
    assert ", 3 images not read (no OCR)" in index_summary(report, tmp_path)


def _slow_pdf(started: Path) -> object:
    def passages(path: Path, *options: object) -> Iterator[object]:
        started.write_text(str(os.getpid()))  # the fault fired, in a worker process
        time.sleep(60)
        yield from ()

    return passages


def test_a_document_over_the_time_limit_is_skipped_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_documents(tmp_path / "docs")
    started = tmp_path / "started"
    # The pool forks after this: its workers read PDFs with the slow reader.
    monkeypatch.setattr(pdf, "pdf_passages", _slow_pdf(started))
    warnings: list[str] = []
    report = build_index([folder], tmp_path / "index", warn=warnings.append, extract_seconds=0.5)
    assert started.read_text() != str(os.getpid())  # read in a worker, not in this process
    assert warnings == [
        f"skipped {folder}/手册.pdf: took over 0.5 s to read: not read (a time limit)"
    ]
    assert report.files_new == 3
    assert _search(tmp_path / "index", "李明") == [(f"{folder}/制度.docx:¶3", "制度 › 值班制度")]


def _stuck_pdf(started: Path) -> object:
    def passages(path: Path, *options: object) -> Iterator[object]:
        # Stuck where the time limit's signal cannot reach it, as inside one call into PDFium.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        started.write_text(str(os.getpid()))
        time.sleep(600)
        yield from ()

    return passages


def test_a_document_stuck_past_the_time_limit_stops_the_run_and_keeps_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_documents(tmp_path / "docs")
    index = tmp_path / "index"
    build_index([folder], index)
    before = _search(index, "网格员")
    write_pdf(folder / "卡住.pdf", [PdfPage([REPORT])])
    started = tmp_path / "started"
    monkeypatch.setattr(pdf, "pdf_passages", _stuck_pdf(started))
    with pytest.raises(IndexWriteError) as caught:
        build_index([folder], index, extract_seconds=0.5)
    assert started.exists()  # the reader did get stuck
    assert str(caught.value) == (
        f"{folder}/卡住.pdf: reading it took over 11 s and did not stop; leave it out"
        " (searcher index --exclude) and run again. The previous index is unchanged"
    )
    assert _search(index, "网格员") == before


def test_pdf_with_some_scanned_pages_is_indexed_and_says_how_many_have_no_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches, "ocr_available", lambda: False)  # as without the extra
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    folder = tmp_path / "docs"
    folder.mkdir()
    pages = [PdfPage([VISIT]), PdfPage([], image_only=True), PdfPage([REPORT])]
    write_pdf(folder / "混合.pdf", pages)
    warnings: list[str] = []
    report = build_index([folder], tmp_path / "index", warn=warnings.append)
    assert warnings == [
        f"{folder}/混合.pdf: 1 of 3 pages have no text layer: scanned? install searcher[ocr]"
    ]
    assert (report.files_new, report.skipped, report.no_text_layer) == (1, [], 0)
    assert _search(tmp_path / "index", "上报") == [(f"{folder}/混合.pdf:p3", "混合")]
