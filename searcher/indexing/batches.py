"""The files a run reads → batches of passages for the analysis pool, in order.

A file is read as its passages are batched, never held whole. What each batch came from (the
file and the passage of each item) waits in BatchOrigins until the pool's result for it returns.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

from searcher.errors import DocumentReadError, FileAccessError, describe_os_error
from searcher.indexing.analysis_pool import Batch
from searcher.indexing.report import IndexReport
from searcher.indexing.rows import FileJob, RowsBuilder, passage_fields
from searcher.ingest.formats import Passage, read_passages
from searcher.ingest.sources import SourceFile
from searcher.oneline import LONE_SURROGATE, without_surrogates

_BATCH_PASSAGES = 256

Skip = Callable[[Path, str], None]  # (path, reason): a file not indexed
Progress = Callable[[int, int], None]  # (bytes read, bytes to read)
Origin = tuple[FileJob, Passage]


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
    for source, old in to_read:
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
        job = FileJob(source, sha1, (), old)
        job.passages = _file_passages(job, skip, report, failed, on_read, note)
        yield job  # comes back here once batches() has taken all of its passages
        done += source.size
        if progress is not None:
            progress(done, total)


def batches(
    jobs: Iterator[FileJob], origins: BatchOrigins, failed: list[FileJob]
) -> Iterator[Batch]:
    """(title, text, stored fields) batches for the workers. Every passage batched is added, in
    order; of a file that failed midway, the passages not batched yet are dropped, the others
    retracted by the writer."""
    items: list[Origin] = []
    for job in jobs:
        for passage in job.passages:
            items.append((job, passage))
            if len(items) == _BATCH_PASSAGES:
                yield _batch(items, origins)
                items = []
        if failed and failed[-1] is job:
            items = [item for item in items if item[0] is not job]
    if items:
        yield _batch(items, origins)


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
            yield _valid_passage(passage, str(path))
    except DocumentReadError as err:
        # Mostly before the first passage (binary, no text); after some, only if the file
        # changed or failed while it was read: then what it added is retracted (writer.py).
        reason = str(err).removeprefix(f"{path}: ")
        skip(path, reason)
        if not isinstance(err, FileAccessError):  # not text: not read again until it changes
            job.failed = reason
        failed.append(job)
        return
    if job.old is None:
        report.files_new += 1
    else:
        report.files_changed += 1
    report.passages_added += count


def _valid_passage(passage: Passage, path: str) -> Passage:
    """Lone surrogates (undecodable bytes in a file name, \\udXXX escapes in JSON) as U+FFFD:
    the segmenter, the folded-text blob and every terminal need valid Unicode. A text file's
    id is its path and stays exact; the path is escaped where it is shown."""
    meta = passage.meta or {}
    texts = (passage.title, passage.text, passage.id, *meta.keys(), *meta.values())
    if not any(LONE_SURROGATE.search(text) for text in texts):
        return passage
    return dataclasses.replace(
        passage,
        title=without_surrogates(passage.title),
        text=without_surrogates(passage.text),
        id=passage.id if passage.id == path else without_surrogates(passage.id),
        meta={without_surrogates(k): without_surrogates(v) for k, v in meta.items()}
        or passage.meta,
    )
