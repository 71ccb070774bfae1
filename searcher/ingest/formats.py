"""A file → its numbered passages with exact line numbers, by the module for its format.

sources.py finds the files and decoding.py turns their bytes into text; plain.py, markdown.py,
html.py and jsonl.py cut it; indexing/ turns the passages into index rows. A file is cut as it is
read, a chunk at a time, so memory does not grow with its size; only a JSONL line, an HTML file
and a window of Markdown (markdown.py) are held whole. documents.py reads the other formats
(PDF, DOCX, EPUB, images).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from searcher.errors import DocumentReadError, FileAccessError, describe_os_error
from searcher.ingest.decoding import Encoding, decoded_chunks, detect_encoding
from searcher.ingest.documents import document_kind, read_document
from searcher.ingest.html import html_parts
from searcher.ingest.jsonl import jsonl_passages
from searcher.ingest.lines import MAX_PASSAGE_CHARS, split_lines
from searcher.ingest.markdown import markdown_parts
from searcher.ingest.passage import Passage
from searcher.ingest.plain import has_blocks, text_parts

__all__ = ["MAX_PASSAGE_CHARS", "Passage", "read_passages"]

_OnError = Callable[[Path, str], None]
_OnRead = Callable[[int], None]
_CHANGED = "changed while it was read"


def read_passages(
    path: Path,
    on_error: _OnError | None = None,
    on_read: _OnRead | None = None,
    on_note: _OnError | None = None,
) -> Iterator[Passage]:
    """Yield the passages of one file, dispatching on its suffix (anything unknown is plain text).

    on_error hears about skipped JSONL lines as (path, "line N: reason"); on_note, as (path,
    "line N: what"), about text read otherwise than usual but kept (a Markdown block too long to
    parse whole); on_read hears, as the passages come, how many bytes of the file they were cut
    from. The encoding (and the layout of plain text) is checked over the whole file before the
    first passage, but a file can still change or fail while it is read: a DocumentReadError
    after some passages means the caller must drop those it took.

    PDF, DOCX, EPUB and images (by suffix, checked by their first bytes) go to documents.py.
    """
    kind = document_kind(path)
    if kind is not None:
        try:
            note = None if on_note is None else functools.partial(on_note, path)
            yield from read_document(path, kind, note)
        except DocumentReadError as err:
            raise type(err)(f"{path}: {err}") from None
        return
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, also when the caller stops early
    except OSError as err:
        raise FileAccessError(f"{path}: cannot read: {describe_os_error(err)}") from None
    with handle:
        try:
            before = os.fstat(handle.fileno())
            found = False
            for passage in _passages(handle, path, on_error, on_read, on_note):
                found = True
                yield passage
            if not found:
                raise DocumentReadError("holds no text")
            after = os.fstat(handle.fileno())
            # A file that grew while it was read (a log being written) is indexed as read; the
            # next run sees its new size and reads it again. Rewritten or cut short: refused.
            same = (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
            if not same and after.st_size <= before.st_size:
                raise FileAccessError(_CHANGED)
        except OSError as err:
            raise FileAccessError(f"{path}: cannot read: {describe_os_error(err)}") from None
        except UnicodeDecodeError:  # it decoded on the first reading: the bytes changed since
            raise FileAccessError(f"{path}: {_CHANGED}") from None
        except DocumentReadError as err:
            raise type(err)(f"{path}: {err}") from None


def _passages(
    handle: BinaryIO,
    path: Path,
    on_error: _OnError | None,
    on_read: _OnRead | None,
    on_note: _OnError | None,
) -> Iterator[Passage]:
    encoding = detect_encoding(handle)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from jsonl_passages(split_lines(_text(handle, encoding, on_read)), path, on_error)
        return
    if suffix in (".html", ".htm"):
        # Parsed whole: the title (<title>, else the first <h1>) may come after the text, and
        # HTMLParser fed in chunks is not known to give exactly what it gives fed whole.
        parts = html_parts("".join(_text(handle, encoding, on_read)), path.stem)
    elif suffix in (".md", ".markdown"):
        note = None if on_note is None else functools.partial(on_note, path)
        parts = markdown_parts(_text(handle, encoding, on_read), path.stem, note)
    else:
        by_line = not has_blocks(split_lines(_text(handle, encoding)))
        parts = text_parts(split_lines(_text(handle, encoding, on_read)), path.stem, by_line)
    for number, part in enumerate(parts, 1):
        yield Passage(
            id=str(path),
            title=part.title,
            paragraph=number,
            line=part.line,
            text=part.text,
            kind=part.kind,
            language=part.language,
        )


def _text(handle: BinaryIO, encoding: Encoding, on_read: _OnRead | None = None) -> Iterator[str]:
    """The decoded text a chunk at a time, every "\\r\\n" and lone "\\r" made "\\n"."""
    carry = ""  # a final "\\r" waits for the next chunk: it may begin with the "\\n" of the pair
    for chunk in decoded_chunks(handle, encoding):
        chunk = carry + chunk
        carry = "\r" if chunk.endswith("\r") else ""
        if carry:
            chunk = chunk[:-1]
        if "\r" in chunk:
            chunk = chunk.replace("\r\n", "\n").replace("\r", "\n")
        if chunk:
            yield chunk
        if on_read is not None:
            on_read(handle.tell())
    if carry:
        yield "\n"
