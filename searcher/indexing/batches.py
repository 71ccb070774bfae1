"""The files a run reads → batches of passages for the analysis pool, in order.

A text file is read as its passages are batched, never held whole. A document (PDF, DOCX, EPUB,
image) goes to the pool as a DocumentTask instead: a worker reads it, under a time limit. What
each batch came from (the file and the passage of each item) waits in BatchOrigins until the
pool's result for it returns; a document's passages come back with its result.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

from searcher.errors import (
    DocumentReadError,
    FileAccessError,
    NoTextLayerError,
    describe_os_error,
)
from searcher.indexing.analysis_pool import AnalyzedBatch, Batch, DocumentTask
from searcher.indexing.passage_fields import passage_fields, valid_passage
from searcher.indexing.report import IndexReport
from searcher.indexing.rows import FileJob, RowsBuilder
from searcher.ingest.documents import IMAGE, document_kind
from searcher.ingest.formats import Passage, read_passages
from searcher.ingest.ocr import ocr_available
from searcher.ingest.sources import SourceFile

_BATCH_PASSAGES = 256

Skip = Callable[[Path, str], None]  # (path, reason): a file not indexed
Progress = Callable[[int, int], None]  # (bytes read, bytes to read)
Origin = tuple[FileJob, Passage | None]  # None: the passages come back from the worker
# How long a worker may take to read one document: a 500-page PDF takes about 2 s, OCR of a
# scanned one at ~1 s a page about 10 minutes.
EXTRACT_SECONDS = 900.0


class BatchOrigins:
    """What each batch sent to the pool came from, in order: batches() pushes one entry as it
    yields a batch, and the writer pops one for each result (pool.map keeps the order)."""

    def __init__(self) -> None:
        self._queue: deque[list[Origin]] = deque()

    def push(self, items: list[Origin]) -> None:
        self._queue.append(items)

    def pop(self) -> list[Origin]:
        return self._queue.popleft()


def files_to_read(
    builder: RowsBuilder,
    sources: list[SourceFile],
    roots: list[Path],
    report: IndexReport,
) -> list[tuple[SourceFile, dict | None]]:
    """Which files to read; removes the rows of indexed files that are gone from under `roots`,
    and forgets skipped files that are gone or changed."""
    to_read = []
    seen = set()
    for source in sources:
        path = str(source.path)
        seen.add(path)
        skipped = builder.skipped.get(path)
        if skipped is not None and skipped[:2] == [source.size, source.mtime_ns]:
            report.skipped_again += 1
        elif builder.unchanged(path, source):
            report.files_unchanged += 1
        else:
            builder.skipped.pop(path, None)
            to_read.append((source, builder.files.get(path)))
    root_names = [str(root) for root in roots]
    for path in list(builder.files) + list(builder.skipped):
        under = any(
            path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in root_names
        )
        if under and path not in seen:
            if builder.skipped.pop(path, None) is None:
                builder.remove_file(path)
                report.files_removed += 1
    return to_read


def read_jobs(
    builder: RowsBuilder,
    to_read: list[tuple[SourceFile, dict | None]],
    skip: Skip,
    report: IndexReport,
    progress: Progress | None,
    failed: list[FileJob],
    note: Skip | None = None,
) -> Iterator[FileJob]:
    """The files to index, each with its passages read as they are batched: no file is ever held
    whole. A file whose reading fails after passages of it were batched goes to `failed`; `note`
    hears what was read otherwise than usual (a Markdown block too long to parse whole)."""
    total = sum(source.size for source, _ in to_read)
    done = 0
    can_ocr = ocr_available()
    for source, old in to_read:
        kind = document_kind(source.path)
        if kind == IMAGE and not can_ocr:  # said once, at the end of the run (writer.py)
            report.images_without_ocr += 1
            done += source.size
            continue
        try:
            sha1 = file_sha1(source.path)
        except OSError as err:
            skip(source.path, describe_os_error(err))
            done += source.size
            continue
        if old is not None and old["sha1"] == sha1:
            builder.touch(str(source.path), source)
            report.files_unchanged += 1
            done += source.size
            continue
        on_read = None
        if progress is not None:  # bytes read so far, the file's share capped at its listed size
            on_read = functools.partial(_progress_within, progress, done, source.size, total)
        job = FileJob(source, sha1, (), old, kind=kind)
        if kind is None:
            job.passages = _file_passages(job, skip, report, failed, on_read, note)
        yield job  # comes back here once batches() has taken all of its passages
        done += source.size
        if progress is not None:
            progress(done, total)


def batches(
    jobs: Iterator[FileJob],
    origins: BatchOrigins,
    failed: list[FileJob],
    extract_seconds: float = EXTRACT_SECONDS,
) -> Iterator[Batch | DocumentTask]:
    """(title, text, stored fields) batches for the workers, and a DocumentTask per document.
    Every passage batched is added, in order; of a file that failed midway, the passages not
    batched yet are dropped, the others retracted by the writer."""
    items: list[Origin] = []
    for job in jobs:
        if job.kind is not None:
            if items:
                yield _batch(items, origins)
                items = []
            origins.push([(job, None)])
            yield DocumentTask(str(job.source.path), job.kind, extract_seconds)
            continue
        for passage in job.passages:
            items.append((job, passage))
            if len(items) == _BATCH_PASSAGES:
                yield _batch(items, origins)
                items = []
        if failed and failed[-1] is job:
            items = [item for item in items if item[0] is not job]
    if items:
        yield _batch(items, origins)


def placed(
    items: list[Origin],
    result: AnalyzedBatch,
    skip: Skip,
    report: IndexReport,
    failed: list[FileJob],
    note: Skip | None = None,
) -> Iterator[tuple[FileJob, Passage, tuple[AnalyzedBatch, int]]]:
    """(file, passage, its analysis) of each passage of a pool result, for RowsBuilder.add. A
    document's passages come with its result, or the reason it could not be read; `note`
    hears what of it was left (pages without text)."""
    if result.passages is None and result.error is None:
        for (job, passage), analysis in zip(items, result, strict=True):
            assert passage is not None, "a text batch names each of its passages"
            yield job, passage, analysis
        return
    [(job, _)] = items
    if result.error is not None:
        _failed(job, result.error, skip, report, failed)
        return
    _read(job, report, len(result))
    for message in result.notes if note is not None else ():
        note(job.source.path, message)
    for passage, analysis in zip(result.passages or (), result, strict=True):
        yield job, passage, analysis


def file_sha1(path: Path) -> str:
    """The file's SHA-1, read in chunks: a large file is never held whole."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, lambda: hashlib.sha1(usedforsecurity=False)).hexdigest()


def _batch(items: list[Origin], origins: BatchOrigins) -> Batch:
    origins.push(items)
    return [(p.title, p.text, passage_fields(str(job.source.path), p)) for job, p in items]


def _progress_within(progress: Progress, base: int, size: int, total: int, offset: int) -> None:
    progress(base + min(offset, size), total)


def _file_passages(
    job: FileJob,
    skip: Skip,
    report: IndexReport,
    failed: list[FileJob],
    on_read: Callable[[int], None] | None,
    note: Skip | None = None,
) -> Iterator[Passage]:
    """The passages of a job's file; the file is counted once all of them were read."""
    path = job.source.path
    count = 0
    try:
        for passage in read_passages(path, on_error=skip, on_read=on_read, on_note=note):
            count += 1
            yield valid_passage(passage, str(path))
    except DocumentReadError as err:
        # Mostly before the first passage (binary, no text); after some, only if the file
        # changed or failed while it was read: then what it added is retracted (writer.py).
        _failed(job, err, skip, report, failed)
        return
    _read(job, report, count)


def _read(job: FileJob, report: IndexReport, count: int) -> None:
    """Count a file read whole, with its `count` passages."""
    if job.old is None:
        report.files_new += 1
    else:
        report.files_changed += 1
    report.passages_added += count


def _failed(
    job: FileJob, err: DocumentReadError, skip: Skip, report: IndexReport, failed: list[FileJob]
) -> None:
    """A file that could not be read: said, and remembered (unless the reason may pass) so it
    is not read again until it changes."""
    path = job.source.path
    reason = str(err).removeprefix(f"{path}: ")
    skip(path, reason)
    if isinstance(err, NoTextLayerError):
        report.no_text_layer += 1
    if not isinstance(err, FileAccessError):  # not text: not read again until it changes
        job.failed = reason
    failed.append(job)
