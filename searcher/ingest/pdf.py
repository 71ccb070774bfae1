"""PDF → passages with pypdfium2: each paragraph of a page is a passage, located by its page.

pypdfium2 (PDFium's text layer) reads Chinese from embedded TrueType and from standard CID fonts
that are not embedded alike, with every character found (tests/benchmarks/results-documents.md);
pypdf took 0.3-3 s for a 30-page Chinese PDF and pdfminer.six 2-4 s, 10-30 times as long. Lines
come from PDFium's text rectangles; page_text.py makes paragraphs of them. Running headers and
footers are left out, and the outline (bookmarks) gives title paths.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from searcher.errors import DocumentReadError, NoTextLayerError
from searcher.ingest.lines import pieces
from searcher.ingest.page_text import (
    LaidLine,
    paragraphs,
    repeated_lines,
    without_repeated,
)
from searcher.ingest.passage import Passage
from searcher.ingest.titles import TitlePath

NO_TEXT_LAYER = "no text layer: scanned? install searcher[ocr]"
_SAME_LINE = 2.0  # points: how far apart two text rectangles of one line may be

# OCR for a page without text: (document, page index) → [(paragraph, confidence)].
PageReader = Callable[[object, int], list[tuple[str, float]]]


def pdf_passages(
    path: Path,
    read_image_page: PageReader | None = None,
    on_note: Callable[[str], None] | None = None,
) -> Iterator[Passage]:
    """The passages of a PDF, page by page. Pages without text go to `read_image_page` (OCR)
    if given, else `on_note` hears how many there are; a PDF with no text at all raises
    NoTextLayerError."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as err:
        raise DocumentReadError(_why_unreadable(str(err))) from None
    try:
        yield from _document_passages(path, document, read_image_page, on_note)
    except pypdfium2.PdfiumError as err:
        raise DocumentReadError(f"damaged PDF ({err})") from None
    finally:
        document.close()


def _document_passages(
    path: Path,
    document: object,
    read_image_page: PageReader | None,
    on_note: Callable[[str], None] | None,
) -> Iterator[Passage]:
    pages = [_page_lines(document, index) for index in range(len(document))]
    if not any(pages) and read_image_page is None:
        raise NoTextLayerError(NO_TEXT_LAYER)
    blank = sum(not lines for lines in pages)
    if blank and read_image_page is None and on_note is not None:  # some pages scanned
        on_note(f"{blank} of {len(pages)} pages have no text layer: scanned? install searcher[ocr]")
    repeated = repeated_lines([lines for lines in pages if lines])
    titles = _page_titles(document, _document_title(document, path), len(pages))
    found = False
    for index, lines in enumerate(pages):
        if not lines and read_image_page is not None:
            for text, confidence in read_image_page(document, index):
                found = True
                yield _passage(titles[index], index, text, confidence)
            continue
        for paragraph in paragraphs(without_repeated(lines, repeated)):
            for _, text in pieces(paragraph, 0, len(paragraph)):
                found = True
                yield _passage(titles[index], index, text)
    if not found and not any(pages):
        raise NoTextLayerError("no text layer, and OCR found no text on its pages")


def _passage(title: str, index: int, text: str, confidence: float = 0.0) -> Passage:
    return Passage(
        id="",
        title=title,
        paragraph=0,
        line=0,
        text=text,
        page=index + 1,
        ocr_confidence=confidence,
    )


def _page_lines(document: object, index: int) -> list[LaidLine]:
    """The lines of a page in PDFium's reading order, from its text rectangles."""
    page = document[index]
    textpage = page.get_textpage()
    try:
        lines: list[LaidLine] = []
        for number in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(number)
            text = textpage.get_text_bounded(left, bottom, right, top)
            if not text.strip():
                continue
            last = lines[-1] if lines else None
            if last is not None and _continues(last, left, bottom, top):
                lines[-1] = LaidLine(
                    last.text + text,
                    last.left,
                    right,
                    min(last.baseline, bottom),
                    max(last.top, top),
                )
            else:
                lines.append(LaidLine(text, left, right, bottom, top))
        return lines
    finally:
        textpage.close()
        page.close()


def _continues(line: LaidLine, left: float, bottom: float, top: float) -> bool:
    """Whether a text rectangle goes on with `line`: to its right, and overlapping it in height.
    (PDFium cuts a line where the font changes; a quotation mark's box sits high, a comma's low.)
    """
    if left < line.right - _SAME_LINE:
        return False  # back to the left: the next line, or the next column
    return bottom <= line.top + _SAME_LINE and top >= line.baseline - _SAME_LINE


def _document_title(document: object, path: Path) -> str:
    title = " ".join(str(document.get_metadata_dict().get("Title", "")).split())
    return title or path.stem


def _page_titles(document: object, title: str, count: int) -> list[str]:
    """The title path at each page: the document title, then the outline entries (bookmarks)
    that start on or before the page, each under its parents."""
    marks = []
    for mark in document.get_toc(max_depth=16):
        destination = mark.get_dest()
        index = destination.get_index() if destination is not None else None
        if index is not None and 0 <= index < count:
            marks.append((index, mark.level, mark.get_title() or ""))
    marks.sort(key=lambda mark: mark[0])  # stable: entries of one page keep the outline's order
    path = TitlePath(title)
    titles = []
    at = 0
    for index in range(count):
        while at < len(marks) and marks[at][0] <= index:
            path.heading(marks[at][1] + 1, marks[at][2])
            at += 1
        titles.append(path.title)
    return titles


def _why_unreadable(message: str) -> str:
    """PDFium's error ("Failed to load document (PDFium: Incorrect password error)") in words."""
    lowered = message.lower()
    if "password" in lowered or "security" in lowered:
        return "encrypted PDF (needs a password)"
    if "format" in lowered:
        return "damaged PDF, or not a PDF"
    return f"cannot read the PDF ({message})"
