"""The checks a zipped document (DOCX, EPUB) passes before it is read, each failure one reason."""

from __future__ import annotations

import zipfile
from pathlib import Path

from searcher.errors import DocumentReadError

# A document that unzips to more than this is a zip bomb, not a book: a 1,000-page novel's EPUB
# unzips to a few MB.
MAX_UNZIPPED_BYTES = 1 << 30
_OLE = b"\xd0\xcf\x11\xe0"  # a compound file: an encrypted Office file, or an old .doc


def check_zip(path: Path, kind: str, member: str) -> None:
    """Raise DocumentReadError unless `path` is a zip holding `member`, within the size limit."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(512)
        if head.startswith(_OLE):
            raise DocumentReadError(
                f"not {_a(kind)}: an encrypted Office file or an old binary one"
            )
        if not zipfile.is_zipfile(path):
            raise DocumentReadError(f"not {_a(kind)}: {_what(head)}")
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (OSError, zipfile.BadZipFile) as err:
        raise DocumentReadError(f"not {_a(kind)}: damaged zip ({err})") from None
    names = {info.filename for info in infos}
    if member not in names:
        raise DocumentReadError(f"not {_a(kind)}: no {member} in the zip")
    if any(info.flag_bits & 0x1 for info in infos):
        raise DocumentReadError(f"encrypted {kind} (a password-protected zip)")
    if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
        raise DocumentReadError(f"{kind} unzips to over {MAX_UNZIPPED_BYTES >> 30} GB: not read")


def _what(head: bytes) -> str:
    start = head.lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start[:200]:
        return "an HTML file under that name"
    if start.startswith(b"%pdf"):
        return "a PDF under that name"
    return "not a zip file"


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "AEIOU" else f"a {kind}"
