"""build_index(): bring an index up to date with files on disk, in one atomic commit.

The run takes Whoosh's write lock, compares the files with the manifest of the current generation
(size and mtime, then content hash), analyses the passages of new and changed files on every core,
writes the next postings generation, then commits Whoosh's table of contents. That rename is the
commit point: a run that fails or is killed before it leaves the previous state intact.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh.writing import SegmentWriter

from searcher.analysis.analyzers import analysis_settings
from searcher.analysis.tokenizers import UserWord, read_userdict
from searcher.errors import (
    DocumentReadError,
    IndexVersionError,
    IndexWriteError,
    describe_os_error,
)
from searcher.indexing.analysis_pool import AnalysisPool, Batch
from searcher.indexing.rows import FileJob, RowsBuilder, stored_fields
from searcher.ingest.formats import Passage, read_passages
from searcher.ingest.sources import SourceFile, discover_files
from searcher.oneline import LONE_SURROGATE, escaped, without_surrogates
from searcher.store.commit import IndexStore
from searcher.store.generation import Generation
from searcher.store.layout import FORMAT_VERSION, generation_dir
from searcher.store.segments import Rows, write_generation

_BATCH_PASSAGES = 256

Warn = Callable[[str], None]
Progress = Callable[[int, int], None]  # (bytes read, bytes to read)


@dataclass
class IndexReport:
    """What a run did; the CLI prints it as the summary line."""

    files_new: int = 0
    files_changed: int = 0
    files_removed: int = 0
    files_unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # "path: reason", one per file not indexed
    passages: int = 0  # live passages in the index after the run
    passages_added: int = 0
    index_bytes: int = 0
    seconds: float = 0.0
    committed: bool = False
    files_to_read: int = 0  # new or changed by size or mtime: what the run set out to read


def build_index(
    paths: Sequence[Path | str],
    index_dir: Path | str,
    *,
    rebuild: bool = False,
    wait_seconds: float = 0.0,
    userdict: Path | None = None,
    warn: Warn | None = None,
    progress: Progress | None = None,
) -> IndexReport:
    """Index `paths` (files and directories; none: the paths indexed before) into `index_dir`."""
    started = time.perf_counter()
    index_dir = Path(index_dir)
    report = IndexReport()
    warn = warn or (lambda message: None)

    def skip(path: Path, reason: str) -> None:
        report.skipped.append(f"{path}: {reason}")
        warn(f"skipped {escaped(str(path))}: {reason}")

    roots = [Path(os.path.abspath(path)) for path in paths]
    for root in roots:
        if not root.exists():
            raise DocumentReadError(f"{escaped(str(root))}: no such file or directory")
    userdict_text = _read_userdict(userdict)
    store = IndexStore.open_or_create(index_dir)
    # Workers start before the lock is taken, so none of them can ever hold it (analysis_pool).
    pool = AnalysisPool(_userdict_words(userdict_text, store))
    try:
        with store.write_lock(wait_seconds, warn) as writer:
            try:
                store.clean_up(writer)
                _update(store, writer, pool, roots, rebuild, userdict_text, skip, report, progress)
            except BaseException:
                store.discard_uncommitted(writer)  # under the lock: a half-written generation
                raise
    except OSError as err:
        raise IndexWriteError(
            f"could not update the index in {escaped(str(index_dir))}: {describe_os_error(err)};"
            " the previous index is unchanged"
        ) from err
    except KeyboardInterrupt as err:
        err.add_note(_interrupted(report))  # the CLI prints it: what was done before Ctrl+C
        raise
    finally:
        pool.close()
    return _finish(report, store, started)


def _update(
    store: IndexStore,
    writer: SegmentWriter,
    pool: AnalysisPool,
    roots: list[Path],
    rebuild: bool,
    userdict_text: str | None,
    skip: Callable[[Path, str], None],
    report: IndexReport,
    progress: Progress | None,
) -> None:
    """The locked part of a run: read, analyse, write the next generation, commit."""
    index_dir = store.directory
    current = None if rebuild else store.current_generation(writer)
    # A rebuild starts over, but from the roots and user dictionary of the index it replaces.
    known = current.meta if current is not None else store.stored_meta(writer)
    if userdict_text is None:
        userdict_text = known.get("userdict")
    settings = analysis_settings(_sha1(userdict_text.encode()) if userdict_text else None)
    _check_settings(current, settings, index_dir)
    if not roots:
        roots = [Path(root) for root in known.get("roots", [])]
    if not roots:
        raise DocumentReadError("name at least one file or folder to index")
    builder = RowsBuilder.start(current, writer, rebuild)
    to_read = _plan(builder, writer, list(discover_files(roots, skip)), roots, report)
    report.files_to_read = len(to_read)
    failed: list[FileJob] = []  # files whose reading failed midway
    jobs = _read_jobs(builder, to_read, skip, report, progress, failed)
    pending: deque[list[tuple[FileJob, object]]] = deque()
    for results in pool.map(_batches(jobs, pending, builder.next_row, failed)):
        for (job, passage), result in zip(pending.popleft(), results, strict=True):
            builder.add(writer, job, passage, result)
    if not builder.changed and current is not None:
        report.passages = builder.live_rows
        store.discard_uncommitted(writer)  # nothing to commit: drop the unused work directory
        return
    rows, files, docs = builder.finish()
    files = _retract(rows, files, failed)
    meta = {
        "format": FORMAT_VERSION,
        "analysis": settings,
        "roots": sorted({str(root) for root in roots}),
        "userdict": userdict_text,
        "next_file": builder.next_file,
        "updated": time.time(),
    }
    out_dir = generation_dir(index_dir, writer.generation)
    write_generation(out_dir, rows, meta, files, docs, map_tasks=pool.map_tasks)
    try:
        builder.commit_whoosh(writer)
    except OSError:
        if not store.committed(writer):
            raise
        # Whoosh failed after its commit point, while tidying up: the new state stands, and
        # what it left is removed by the next run's clean_up().
    report.committed = True
    report.passages = int(rows.row_live.sum())
    store.remove_stale_generations(keep=writer.generation)


def _retract(rows: Rows, files: list[dict], failed: list[FileJob]) -> list[dict]:
    """The manifest without the files whose reading failed after some of their passages were
    added; those rows die. The next run reads such a file again, as a new one. (Their Whoosh
    documents are in the segment this run writes, which Whoosh cannot delete from before it is
    committed: they stay in the record, dead to every reader, until the next re-pack.)"""
    numbers = [job.number for job in failed if job.number >= 0]
    if not numbers:
        return files
    rows.row_live[np.isin(rows.row_file, numbers)] = False
    return [entry for entry in files if entry["number"] not in numbers]


def _interrupted(report: IndexReport) -> str:
    read = report.files_new + report.files_changed
    if report.committed:
        return f"the update was committed ({read} files read, {report.passages} passages)"
    return (
        f"stopped after reading {read} of {report.files_to_read} files;"
        " nothing was committed, the index is as it was"
    )


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


def _finish(report: IndexReport, store: IndexStore, started: float) -> IndexReport:
    report.index_bytes = store.size_bytes()
    report.seconds = time.perf_counter() - started
    return report


def _check_settings(current: Generation | None, settings: dict, index_dir: Path) -> None:
    if current is None:
        return
    if current.meta.get("format") != FORMAT_VERSION or current.meta.get("analysis") != settings:
        raise IndexVersionError(
            f"the index in {index_dir} was built by another version or with other analysis"
            " settings (user dictionary, segmenter);"
            f" run: searcher index --rebuild --index {index_dir}"
        )


def _plan(
    builder: RowsBuilder,
    writer: object,
    sources: list[SourceFile],
    roots: list[Path],
    report: IndexReport,
) -> list[tuple[SourceFile, dict | None]]:
    """Which files to read; removes the rows of indexed files that are gone from under `roots`."""
    to_read = []
    seen = set()
    for source in sources:
        path = str(source.path)
        seen.add(path)
        if builder.unchanged(path, source):
            report.files_unchanged += 1
        else:
            to_read.append((source, builder.files.get(path)))
    root_names = [str(root) for root in roots]
    for path in list(builder.files):
        under = any(
            path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in root_names
        )
        if under and path not in seen:
            builder.remove_file(writer, path)
            report.files_removed += 1
    return to_read


def _read_jobs(
    builder: RowsBuilder,
    to_read: list[tuple[SourceFile, dict | None]],
    skip: Callable[[Path, str], None],
    report: IndexReport,
    progress: Progress | None,
    failed: list[FileJob],
) -> Iterator[FileJob]:
    """The files to index, each with its passages read as they are batched: no file is ever held
    whole. A file whose reading fails after passages of it were batched goes to `failed`."""
    total = sum(source.size for source, _ in to_read)
    done = 0
    for source, old in to_read:
        try:
            sha1 = _file_sha1(source.path)
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
        job.passages = _file_passages(job, skip, report, failed, on_read)
        yield job  # comes back here once _batches has taken all of its passages
        done += source.size
        if progress is not None:
            progress(done, total)


def _progress_within(progress: Progress, base: int, size: int, total: int, offset: int) -> None:
    progress(base + min(offset, size), total)


def _file_passages(
    job: FileJob,
    skip: Callable[[Path, str], None],
    report: IndexReport,
    failed: list[FileJob],
    on_read: Callable[[int], None] | None,
) -> Iterator[Passage]:
    """The passages of a job's file; the file is counted once all of them were read."""
    path = job.source.path
    count = 0
    try:
        for passage in read_passages(path, on_error=skip, on_read=on_read):
            count += 1
            yield _valid_passage(passage, str(path))
    except DocumentReadError as err:
        # Mostly before the first passage (binary, no text); after some, only if the file
        # changed or failed while it was read: then what it added is retracted (_retract).
        skip(path, str(err).removeprefix(f"{path}: "))
        failed.append(job)
        return
    if job.old is None:
        report.files_new += 1
    else:
        report.files_changed += 1
    report.passages_added += count


def _batches(
    jobs: Iterator[FileJob], pending: deque, first_row: int, failed: list[FileJob]
) -> Iterator[Batch]:
    """(title, text, stored fields) batches for the workers; `pending` keeps, in order, what each
    one came from. Every passage batched is added, in order, so its row is known here; of a file
    that failed midway, the passages not batched yet are dropped, the others retracted later."""
    items: list[tuple[FileJob, object]] = []
    row = first_row

    def batch() -> Batch:
        return [
            (p.title, p.text, stored_fields(row + i, str(job.source.path), p))
            for i, (job, p) in enumerate(items)
        ]

    for job in jobs:
        for passage in job.passages:
            items.append((job, passage))
            if len(items) == _BATCH_PASSAGES:
                pending.append(items)
                yield batch()
                row += len(items)
                items = []
        if failed and failed[-1] is job:
            items = [item for item in items if item[0] is not job]
    if items:
        pending.append(items)
        yield batch()


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def _file_sha1(path: Path) -> str:
    """The file's SHA-1, read in chunks: a large file is never held whole."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, lambda: hashlib.sha1(usedforsecurity=False)).hexdigest()


def _read_userdict(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise DocumentReadError(f"cannot read the user dictionary {path}: {err}") from err


def _userdict_words(text: str | None, store: IndexStore) -> list[UserWord]:
    if text is None:
        text = store.stored_userdict()
    return read_userdict(text) if text else []
