"""Analyse passages on every core: folding and jieba cutting are most of the indexing time.

The parent process reads files and writes the index; worker processes turn (title, text) batches
into folded text and word counts, each with a Segmenter of its own, built once as it starts from
the user dictionary of the index being written. Workers die with their parent (PR_SET_PDEATHSIG),
and are started before the index's write lock is taken, so a killed run can never leave a child
holding the lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import multiprocessing.pool
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from searcher.analysis.analyzers import analyze_passage, analyze_title
from searcher.analysis.tokenizers import Segmenter, UserWord
from searcher.errors import DocumentReadError, DocumentTimeoutError
from searcher.indexing.passage_fields import passage_fields, valid_passage
from searcher.ingest.documents import read_document
from searcher.ingest.passage import Passage
from searcher.store.stored import encode_stored

Batch = list[tuple[str, str, dict]]  # (title, text, Whoosh stored fields)


@dataclass(frozen=True)
class DocumentTask:
    """A document (PDF, DOCX, EPUB, image) a worker reads, then analyses: reading one is slower
    than analysing its text (a 500-page PDF: seconds), so it must not hold up the parent."""

    path: str
    kind: str  # ingest.documents: PDF, DOCX, EPUB or IMAGE
    seconds: float  # the time limit for reading it; 0: none


@dataclass
class AnalyzedBatch:
    """A batch's analysis in a few flat pieces: a list of (word, count) tuples per passage cost
    the parent about 1 s per 10 MB to unpickle, where flat lists and arrays cost a tenth."""

    folded: list[str]  # each passage's folded text
    words: list[str]  # each passage's distinct words, passage after passage
    tfs: np.ndarray  # float32 weighted count of each word, parallel to `words`
    counts: np.ndarray  # int32: how many of `words` belong to each passage
    lengths: np.ndarray  # float32 BM25 length of each passage
    stored: list[bytes]  # each passage's stored fields, encoded (store/stored.py)
    # Of a DocumentTask: the passages read, or why the document could not be read.
    passages: list[Passage] | None = field(default=None)
    error: DocumentReadError | None = None
    notes: list[str] = field(default_factory=list)  # read in part: what was left

    def __len__(self) -> int:
        return len(self.folded)

    def __iter__(self) -> Iterator[tuple[AnalyzedBatch, int]]:
        """(batch, position) per passage, what RowsBuilder.add takes."""
        return ((self, position) for position in range(len(self.folded)))


class PoolStalledError(Exception):
    """No result came from the workers in time (AnalysisPool.map's stall_seconds)."""


_TERMINATE_SECONDS = 5.0  # how long closing waits for the pool to end by itself
_IN_FLIGHT = 8  # batches read ahead of the writer: bounds memory whatever the corpus size


# Keyed on the Segmenter too (by identity): two indexes written in one process may cut a title
# differently.
@lru_cache(maxsize=4096)
def _title_words(title: str, segmenter: Segmenter):  # noqa: ANN202 - Counter[str]
    return analyze_title(title, segmenter)


def analyze_task(task: Batch | DocumentTask, segmenter: Segmenter) -> AnalyzedBatch:
    """A batch's analysis; a document's passages, read under its time limit, and theirs."""
    if not isinstance(task, DocumentTask):
        return analyze_batch(task, segmenter)
    notes: list[str] = []
    try:
        with _time_limit(task.seconds):
            read = read_document(Path(task.path), task.kind, notes.append)
            passages = [valid_passage(passage, task.path) for passage in read]
    except DocumentReadError as err:
        failed = analyze_batch([], segmenter)
        failed.error = err
        return failed
    analyzed = analyze_batch(
        [(p.title, p.text, passage_fields(task.path, p)) for p in passages], segmenter
    )
    analyzed.passages = passages
    analyzed.notes = notes
    return analyzed


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise DocumentTimeoutError in the code inside once `seconds` have passed. A signal: the
    readers are Python between pages and parts, so it lands within a page's time. Only on the
    main thread (always, in a worker); elsewhere, no limit."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise DocumentTimeoutError(f"took over {seconds:g} s to read: not read (a time limit)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def analyze_batch(batch: Batch, segmenter: Segmenter) -> AnalyzedBatch:
    folded: list[str] = []
    words: list[str] = []
    tfs: list[float] = []
    counts: list[int] = []
    lengths: list[float] = []
    stored: list[bytes] = []
    for title, text, fields in batch:
        analyzed = analyze_passage(text, _title_words(title, segmenter), segmenter)
        folded.append(analyzed.folded)
        words.extend(analyzed.words)
        tfs.extend(analyzed.words.values())
        counts.append(len(analyzed.words))
        lengths.append(analyzed.length)
        stored.append(encode_stored(fields))
    return AnalyzedBatch(
        folded,
        words,
        np.array(tfs, np.float32),
        np.array(counts, np.int32),
        np.array(lengths, np.float32),
        stored,
    )


# A worker process's Segmenter. multiprocessing gives a worker no other place for state: it is
# set once, by _start_worker before the first batch, and never changes in that process.
_worker_segmenter: Segmenter | None = None


def _start_worker(userdict: tuple[UserWord, ...], parent: int) -> None:
    """Pool initializer: die with the parent, leave Ctrl+C to it, build this worker's Segmenter."""
    global _worker_segmenter
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:  # not Linux: the pool's own shutdown still ends the workers on a clean exit
        pass
    if os.getppid() != parent:  # killed between our fork and the prctl: no signal will come
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    _worker_segmenter = Segmenter(userdict)


def _analyze_in_worker(task: Batch | DocumentTask) -> AnalyzedBatch:
    assert _worker_segmenter is not None, "a pool worker always starts with _start_worker"
    return analyze_task(task, _worker_segmenter)


def _terminate(pool: multiprocessing.pool.Pool) -> None:
    pool.terminate()
    pool.join()


class AnalysisPool:
    """Ordered, bounded parallel analysis; in process on a one-core machine, or when asked for
    one worker."""

    def __init__(self, userdict: Iterable[UserWord], workers: int | None = None) -> None:
        self._userdict = tuple(userdict)
        self._segmenter = Segmenter(self._userdict)  # for analysis in process, without workers
        workers = workers or os.cpu_count() or 1
        self._pool = None
        self._workers: list[multiprocessing.Process] = []
        self._stopping = False
        # Pool.imap reads its input as fast as it can on a thread of its own; the semaphore keeps
        # it from reading the whole corpus into memory ahead of the writer.
        self._slots = threading.Semaphore(_IN_FLIGHT)
        if workers > 1:
            context = multiprocessing.get_context("fork")
            others = set(multiprocessing.active_children())
            self._pool = context.Pool(workers, _start_worker, (self._userdict, os.getpid()))
            self._workers = [p for p in multiprocessing.active_children() if p not in others]

    def map(
        self, batches: Iterable[Batch | DocumentTask], stall_seconds: float | None = None
    ) -> Iterator[AnalyzedBatch]:
        """The analysis of each batch, in order. With workers, PoolStalledError when the next
        result takes over `stall_seconds`: a reader stuck where the time limit's signal cannot
        reach it (inside one call into PDFium) would otherwise hold the run forever."""
        if self._pool is None:
            yield from (analyze_task(batch, self._segmenter) for batch in batches)
            return

        def bounded() -> Iterator[Batch | DocumentTask]:
            for batch in batches:
                self._slots.acquire()
                if self._stopping:
                    return
                yield batch

        results = self._pool.imap(_analyze_in_worker, bounded())
        while True:
            try:
                result = results.next(stall_seconds)
            except StopIteration:
                return
            except multiprocessing.TimeoutError:
                raise PoolStalledError from None
            self._slots.release()
            yield result

    def map_tasks(self, function: Callable, tasks: Iterable) -> Iterator:
        """function(task) for each task, in order, on the workers (in process if there are none)."""
        if self._pool is None:
            return map(function, tasks)
        return self._pool.imap(function, tasks)

    def close(self) -> None:
        self._stopping = True
        self._slots.release()  # wake the reading thread so it sees _stopping and ends
        if self._pool is None:
            return
        pool, self._pool = self._pool, None
        # Pool.terminate() joins its result thread, which can stay blocked reading from workers
        # terminate() has just ended (py-spy on a `searcher index` hung after Ctrl+C, once in CI).
        # So the pool ends on a thread of its own; if that takes too long, its workers are killed
        # and the thread (a daemon) is left behind.
        ender = threading.Thread(target=_terminate, args=(pool,), daemon=True)
        ender.start()
        ender.join(_TERMINATE_SECONDS)
        if ender.is_alive():
            for worker in self._workers:
                worker.kill()
