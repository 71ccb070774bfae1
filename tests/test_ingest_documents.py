"""Tests for the document readers (ingest/pdf.py, docx.py, epub.py, documents.py, page_text.py):
each file is written at test time from our own text by tests/document_writers.py."""

from __future__ import annotations

import zipfile
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

from searcher.errors import DocumentReadError, NoTextLayerError
from searcher.ingest import ocr, pdf
from searcher.ingest.documents import DOCX, IMAGE, PDF, document_kind
from searcher.ingest.formats import Passage, read_passages
from searcher.ingest.page_text import LaidLine, join_lines, paragraphs

GRID = (
    "网格化管理是把社区划分成若干网格，每个网格配备一名网格员，负责信息采集、矛盾调解和安全巡查。"
)
VISIT = "网格员每周走访辖区住户不少于两次，对独居老人和困难家庭每周至少上门一次。"
REPORT = "发现消防通道堵塞、电动车违规充电等安全隐患，应当在两小时内拍照上报街道。"
ENGLISH = "Every grid worker keeps a notebook of neighbourhood conversations and follow-ups."
HEADER = "棠梨街道网格化管理工作手册"


def _read(path: Path) -> list[Passage]:
    return list(read_passages(path))


def _handbook_pdf(path: Path, **options: object) -> Path:
    write_pdf(
        path,
        [
            PdfPage([GRID, ENGLISH], bookmark=(0, "第一章 总则"), header=HEADER),
            PdfPage([VISIT], bookmark=(1, "一、日常走访"), header=HEADER),
            PdfPage([REPORT], bookmark=(0, "第二章 隐患上报"), header=HEADER),
        ],
        title="网格员手册",
        **options,
    )
    return path


# ---------------------------------------------------------------------------- PDF


def test_pdf_paragraphs_are_passages_located_by_page_with_outline_titles(tmp_path: Path) -> None:
    passages = _read(_handbook_pdf(tmp_path / "手册.pdf"))
    assert [(p.page, p.title, p.text) for p in passages] == [
        (1, "网格员手册 › 第一章 总则", GRID),
        (1, "网格员手册 › 第一章 总则", ENGLISH),
        (2, "网格员手册 › 第一章 总则 › 一、日常走访", VISIT),
        (3, "网格员手册 › 第二章 隐患上报", REPORT),
    ]
    assert [p.paragraph for p in passages] == [1, 2, 3, 4]
    assert {p.line for p in passages} == {0}  # a PDF has pages, not lines
    assert {p.id for p in passages} == {str(tmp_path / "手册.pdf")}


def test_pdf_chinese_broken_across_lines_is_joined_without_a_space(tmp_path: Path) -> None:
    # 30 characters a line: every long sentence above is broken mid-word by the layout.
    passages = _read(_handbook_pdf(tmp_path / "a.pdf", chars_per_line=11))
    assert GRID in [p.text for p in passages]
    assert "网格员" in passages[0].text and "\n" not in passages[0].text


def test_pdf_english_hyphenated_at_a_line_end_is_whole_again(tmp_path: Path) -> None:
    passages = _read(_handbook_pdf(tmp_path / "a.pdf", chars_per_line=16))
    assert ENGLISH in [p.text for p in passages]  # "neighbour-" + "hood" drawn on two lines


def test_pdf_running_header_and_page_numbers_are_not_passages(tmp_path: Path) -> None:
    texts = " ".join(p.text for p in _read(_handbook_pdf(tmp_path / "a.pdf")))
    assert HEADER not in texts
    assert "- 2 -" not in texts


def test_pdf_without_outline_or_title_is_titled_by_its_file_name(tmp_path: Path) -> None:
    path = tmp_path / "通知.pdf"
    write_pdf(path, [PdfPage([VISIT])])
    assert [(p.title, p.page, p.text) for p in _read(path)] == [("通知", 1, VISIT)]


def test_pdf_without_a_text_layer_says_scanned_and_how_to_read_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)  # as without the extra
    path = tmp_path / "扫描件.pdf"
    write_pdf(path, [PdfPage([], image_only=True), PdfPage([], image_only=True)])
    with pytest.raises(NoTextLayerError) as caught:
        _read(path)
    assert str(caught.value) == f"{path}: no text layer: scanned? install searcher[ocr]"


def test_encrypted_pdf_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = _handbook_pdf(tmp_path / "加密.pdf", password="secret")
    with pytest.raises(DocumentReadError) as caught:
        _read(path)
    assert str(caught.value) == f"{path}: encrypted PDF (needs a password)"


def test_truncated_pdf_is_refused_with_the_reason(tmp_path: Path) -> None:
    whole = _handbook_pdf(tmp_path / "whole.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole[:300])
    with pytest.raises(DocumentReadError) as caught:
        _read(path)
    assert str(caught.value) == f"{path}: damaged PDF, or not a PDF"


def test_a_pdf_under_another_name_is_read_as_a_pdf(tmp_path: Path) -> None:
    pdf = _handbook_pdf(tmp_path / "a.pdf")
    renamed = tmp_path / "download.bin"
    renamed.write_bytes(pdf.read_bytes())
    assert document_kind(renamed) == PDF
    assert [p.text for p in _read(renamed)] == [p.text for p in _read(pdf)]


def test_text_suffixes_are_never_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("%PDF- is how a PDF starts", encoding="utf-8")
    assert document_kind(path) is None
    assert [p.text for p in _read(path)] == ["%PDF- is how a PDF starts"]


def test_page_lines_make_paragraphs_at_wider_gaps_and_indents() -> None:
    lines = [
        # 12-point characters: a line of 8 is 96 points wide.
        LaidLine("第一段的第一行，", 72, 168, 700),
        LaidLine("第一段的第二行。", 72, 168, 682),
        LaidLine("第二段缩进两格，", 96, 192, 664),  # indented after a sentence's end
        LaidLine("第二段结束。", 72, 144, 646),
        LaidLine("第三段在空行后。", 72, 168, 610),  # twice the usual gap
    ]
    assert paragraphs(lines) == [
        "第一段的第一行，第一段的第二行。",
        "第二段缩进两格，第二段结束。",
        "第三段在空行后。",
    ]


def test_a_quotation_mark_high_on_a_line_stays_on_that_line() -> None:
    # An embedded font's boxes are its glyphs': “ sits above the line's other characters.
    line = LaidLine("依法做好", 72, 120, 697, 709)
    assert pdf._continues(line, 120, 704, 710)  # “ right after, higher up
    assert not pdf._continues(line, 72, 679, 691)  # the next line down
    assert not pdf._continues(line, 90, 697, 709)  # back to the left: another column's line


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["网格员每周走", "访住户"], "网格员每周走访住户"),
        (["grid", "worker"], "grid worker"),
        (["neigh-", "bourhood"], "neighbourhood"),
        (["neigh\x02", "bourhood"], "neighbourhood"),  # PDFium's mark for a hyphen it dropped
        (["网格员 Li", "Ming 负责"], "网格员 Li Ming 负责"),
        (["⼈⼝", "普查"], "人口普查"),  # Kangxi radicals a font maps its glyphs to
        (["全角，标点", "保留"], "全角，标点保留"),  # full-width punctuation stays as written
    ],
)
def test_lines_are_joined_as_a_reader_reads_them(lines: list[str], joined: str) -> None:
    assert join_lines(lines) == joined


# ---------------------------------------------------------------------------- DOCX


def _handbook_docx(path: Path, **options: object) -> Path:
    document = DocxDocument(
        [
            DocxParagraph("网格化管理", heading=1),
            DocxParagraph(GRID, footnote="网格划分以三百户左右为宜。"),
            DocxParagraph("一、日常走访", heading=2),
            DocxParagraph(VISIT),
            DocxTable([["网格", "网格员", "电话"], ["第一网格", "李明", "5550101"]]),
            DocxParagraph("二、隐患上报", heading=2),
            DocxParagraph(REPORT),
        ],
        header=HEADER,
        footer="内部资料",
        **options,
    )
    write_docx(path, document)
    return path


def test_docx_headings_tables_notes_headers_and_footers(tmp_path: Path) -> None:
    passages = _read(_handbook_docx(tmp_path / "手册.docx", title="网格员手册"))
    assert [(p.paragraph, p.title, p.text) for p in passages] == [
        (1, "网格员手册 › 网格化管理", GRID),
        (2, "网格员手册 › 网格化管理 › 一、日常走访", VISIT),
        (3, "网格员手册 › 网格化管理 › 一、日常走访", "网格 | 网格员 | 电话"),
        (4, "网格员手册 › 网格化管理 › 一、日常走访", "第一网格 | 李明 | 5550101"),
        (5, "网格员手册 › 网格化管理 › 二、隐患上报", REPORT),
        (6, "网格员手册", "网格划分以三百户左右为宜。"),
        (7, "网格员手册", HEADER),
        (8, "网格员手册", "内部资料"),
    ]
    assert {(p.line, p.page) for p in passages} == {(0, 0)}  # located by ¶N alone


def test_docx_without_a_title_is_titled_by_its_file_name(tmp_path: Path) -> None:
    assert _read(_handbook_docx(tmp_path / "手册.docx"))[0].title == "手册 › 网格化管理"


def test_docx_title_paragraph_names_a_document_without_a_title_property(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    blocks = [DocxParagraph("网格员守则", heading=-1), DocxParagraph("总则", heading=1)]
    write_docx(path, DocxDocument([*blocks, DocxParagraph(VISIT)], footer="内部资料"))
    assert [(p.title, p.text) for p in _read(path)] == [
        ("网格员守则 › 总则", VISIT),
        ("网格员守则", "内部资料"),
    ]


def test_docx_heading_styles_are_found_by_name_whatever_their_id(tmp_path: Path) -> None:
    # Word in Chinese names its heading styles' ids "1", "2": only the style name says heading.
    path = tmp_path / "a.docx"
    write_docx(path, DocxDocument([DocxParagraph("第一章", heading=1), DocxParagraph(VISIT)]))
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name).decode() for name in archive.namelist()}
    members["word/styles.xml"] = members["word/styles.xml"].replace(
        'w:styleId="Heading1"', 'w:styleId="1"'
    )
    members["word/document.xml"] = members["word/document.xml"].replace(
        'w:val="Heading1"', 'w:val="1"'
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    assert [(p.title, p.text) for p in _read(path)] == [("a › 第一章", VISIT)]


def test_docx_that_is_really_html_is_refused_as_such(tmp_path: Path) -> None:
    path = tmp_path / "导出.docx"
    path.write_text("<!DOCTYPE html><html><body><p>网格</p></body></html>", encoding="utf-8")
    with pytest.raises(DocumentReadError) as caught:
        _read(path)
    assert str(caught.value) == f"{path}: not a DOCX: an HTML file under that name"


def test_corrupt_docx_zip_is_refused_with_the_reason(tmp_path: Path) -> None:
    whole = _handbook_docx(tmp_path / "whole.docx").read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(DocumentReadError) as caught:
        _read(path)
    assert str(caught.value) == f"{path}: not a DOCX: not a zip file"


def test_docx_with_malformed_xml_is_refused_with_the_parser_reason(tmp_path: Path) -> None:
    path = tmp_path / "坏.docx"
    write_docx(path, DocxDocument([DocxParagraph(VISIT)]))
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["word/document.xml"] = members["word/document.xml"][:-40]  # cut mid-element
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(DocumentReadError) as caught:
        _read(path)
    assert str(caught.value).startswith(f"{path}: damaged DOCX (XMLSyntaxError: ")
    assert "\n" not in str(caught.value)


def test_zip_without_a_word_document_is_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "网格")
    with pytest.raises(DocumentReadError) as caught:
        _read(path)
    assert str(caught.value) == f"{path}: not a DOCX: no word/document.xml in the zip"


# ---------------------------------------------------------------------------- EPUB


def _book(path: Path) -> Path:
    write_epub(
        path,
        "棠梨街道故事集",
        [
            EpubChapter("text/ch1.xhtml", "第一章 走访", [VISIT, GRID], heading="第一章 走访"),
            EpubChapter("text/ch2.xhtml", "第二章 隐患", [REPORT], heading="消防通道"),
        ],
    )
    return path


def test_epub_chapters_in_spine_order_titled_by_the_navigation(tmp_path: Path) -> None:
    passages = _read(_book(tmp_path / "故事集.epub"))
    assert [(p.title, p.chapter, p.line, p.text) for p in passages] == [
        ("棠梨街道故事集 › 第一章 走访", "OEBPS/text/ch1.xhtml", 6, VISIT),
        ("棠梨街道故事集 › 第一章 走访", "OEBPS/text/ch1.xhtml", 7, GRID),
        ("棠梨街道故事集 › 第二章 隐患 › 消防通道", "OEBPS/text/ch2.xhtml", 6, REPORT),
    ]
    assert [p.paragraph for p in passages] == [1, 2, 3]


def test_epub2_chapters_are_titled_by_the_ncx_table_of_contents(tmp_path: Path) -> None:
    path = tmp_path / "旧书.epub"
    chapters = [EpubChapter("a.xhtml", "上篇", [VISIT]), EpubChapter("b.xhtml", "下篇", [REPORT])]
    write_epub(path, "旧书", chapters, ncx=True)
    assert [(p.title, p.chapter, p.text) for p in _read(path)] == [
        ("旧书 › 上篇", "OEBPS/a.xhtml", VISIT),
        ("旧书 › 下篇", "OEBPS/b.xhtml", REPORT),
    ]


def test_epub_with_a_broken_table_of_contents_is_read_without_chapter_titles(
    tmp_path: Path,
) -> None:
    path = _book(tmp_path / "book.epub")
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["OEBPS/nav.xhtml"] = members["OEBPS/nav.xhtml"].replace(b"<ol>", b"<ol>&nbsp;")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    assert [p.title for p in _read(path)] == [
        "棠梨街道故事集 › 第一章 走访",  # the chapter's own <h1>
        "棠梨街道故事集 › 第一章 走访",
        "棠梨街道故事集 › 消防通道",
    ]


def test_epub_line_is_the_line_of_the_chapter_file(tmp_path: Path) -> None:
    path = _book(tmp_path / "book.epub")
    passage = _read(path)[2]
    with zipfile.ZipFile(path) as archive:
        chapter = archive.read(passage.chapter).decode().splitlines()
    assert passage.text in chapter[passage.line - 1]


def test_epub_without_container_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "book.epub"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
    with pytest.raises(DocumentReadError) as caught:
        _read(path)
    assert str(caught.value) == f"{path}: not an EPUB: no META-INF/container.xml in the zip"


# ---------------------------------------------------------------------------- kinds


def test_document_kind_by_suffix_checked_by_magic(tmp_path: Path) -> None:
    png = tmp_path / "scan.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(20))
    disguised = tmp_path / "photo.docx"  # a PNG saved under a DOCX name: an image
    disguised.write_bytes(png.read_bytes())
    docx = _handbook_docx(tmp_path / "a.docx")
    assert (document_kind(png), document_kind(disguised), document_kind(docx)) == (
        IMAGE,
        IMAGE,
        DOCX,
    )


# ---------------------------------------------------------------------------- samples


def test_bundled_samples_are_what_make_samples_writes(tmp_path: Path) -> None:
    from make_samples import SAMPLES, write_samples

    for written in write_samples(tmp_path):
        committed = SAMPLES / written.name
        assert [(p.title, p.page, p.chapter, p.line, p.text) for p in _read(written)] == [
            (p.title, p.page, p.chapter, p.line, p.text) for p in _read(committed)
        ]
