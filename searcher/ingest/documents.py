"""Documents that are not text files (PDF, DOCX, EPUB, images) → numbered passages.

Which reader a file goes to is decided by its suffix and checked by its first bytes ("magic"),
so a PDF saved as `.txt` is still read as a PDF and an HTML page saved as `.docx` is reported as
such. indexing/ runs these readers in the analysis workers, under a time limit: they are
slower than reading text, and a pathological file must not stall a run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

from searcher.errors import DocumentReadError, FileAccessError, describe_os_error
from searcher.ingest.passage import Passage

PDF, DOCX, EPUB, IMAGE = "pdf", "docx", "epub", "image"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".epub", *IMAGE_SUFFIXES)
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".jsonl", ".html", ".htm")
_BY_SUFFIX = {".pdf": PDF, ".docx": DOCX, ".epub": EPUB} | dict.fromkeys(IMAGE_SUFFIXES, IMAGE)
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_HEAD_BYTES = 1024  # a PDF's "%PDF-" may follow some junk; 1,024 bytes is where readers look


def document_kind(path: Path) -> str | None:
    """PDF, DOCX, EPUB or IMAGE for a document; None for a text file (read by formats.py).

    A text suffix is trusted without reading the file; any other suffix is checked by the first
    bytes, so a PDF under another name is read as one."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return None
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return _BY_SUFFIX.get(suffix)  # the reader reports the error
    if head.startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in head):
        return PDF  # readers allow junk before the header; only a .pdf is searched for it
    if head.startswith(_IMAGE_MAGIC):
        return IMAGE
    return _BY_SUFFIX.get(suffix)


def read_document(
    path: Path, kind: str, on_note: Callable[[str], None] | None = None
) -> Iterator[Passage]:
    """The passages of a document of `kind`, numbered from 1, their id the path. Raises
    DocumentReadError (no path in its message) for a file that cannot be read; `on_note` hears
    what is read only in part (the pages of a PDF without text, when there is no OCR)."""
    number = 0
    try:
        for passage in _passages(path, kind, on_note):
            number += 1
            yield dataclasses.replace(passage, id=str(path), paragraph=number)
    except DocumentReadError:
        raise
    except OSError as err:  # a read that failed this time: the next run tries again
        raise FileAccessError(f"cannot read: {describe_os_error(err)}") from None
    except ImportError as err:  # a reader's library missing from a broken install
        raise DocumentReadError(
            f"cannot read a {kind.upper()}: {err.name} is not installed"
        ) from None
    except Exception as err:  # noqa: BLE001 - the parsers (lxml, PDFium, zipfile) raise their own
        # types on a malformed file; one line naming the file and the reason, not a traceback.
        reason = " ".join(f"{type(err).__name__}: {err}".split())[:200]
        raise DocumentReadError(f"damaged {kind.upper()} ({reason})") from None
    if not number:
        raise DocumentReadError("holds no text")


def _passages(path: Path, kind: str, on_note: Callable[[str], None] | None) -> Iterator[Passage]:
    if kind == PDF:
        from searcher.ingest.ocr import ocr_available, pdf_page_reader
        from searcher.ingest.pdf import pdf_passages

        _check_magic(path, b"%PDF-", "PDF")
        return pdf_passages(path, pdf_page_reader() if ocr_available() else None, on_note)
    if kind == DOCX:
        from searcher.ingest.docx import docx_passages

        return docx_passages(path)
    if kind == EPUB:
        from searcher.ingest.epub import epub_passages

        return epub_passages(path)
    from searcher.ingest.ocr import image_passages

    return image_passages(path)


def _check_magic(path: Path, magic: bytes, kind: str) -> None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError as err:
        raise FileAccessError(f"cannot read: {describe_os_error(err)}") from None
    if magic not in head:
        raise DocumentReadError(f"not a {kind}: it does not start as one")
