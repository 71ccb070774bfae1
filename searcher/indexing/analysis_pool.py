"""Analyse passages on every core: folding and jieba cutting are most of the indexing time.

The parent process reads files and writes the index; worker processes turn (title, text) batches
into folded text and word counts. Workers die with their parent (PR_SET_PDEATHSIG), and are started
before the index's write lock is taken, so a killed run can never leave a child holding the lock.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterable, Iterator
from functools import lru_cache

from searcher.analysis.analyzers import AnalyzedPassage, analyze_passage, analyze_title
from searcher.analysis.tokenizers import UserWord, use_userdict

Batch = list[tuple[str, str]]  # (title, text) pairs
Result = list[tuple[str, list[tuple[str, float]], float]]  # (folded, word counts, length)

_POOL_MIN_PASSAGES = 2000  # below this, starting workers costs more than it saves
_IN_FLIGHT = 8  # batches read ahead of the writer: bounds memory whatever the corpus size


@lru_cache(maxsize=4096)
def _title_words(title: str):  # noqa: ANN202 - Counter[str]
    return analyze_title(title)


def analyze_batch(batch: Batch) -> Result:
    results: Result = []
    for title, text in batch:
        analyzed: AnalyzedPassage = analyze_passage(text, _title_words(title))
        results.append((analyzed.folded, list(analyzed.words.items()), analyzed.length))
    return results


def _die_with_parent(userdict: tuple[UserWord, ...]) -> None:
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:  # not Linux: the pool's own shutdown still ends the workers on a clean exit
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    use_userdict(userdict)


class AnalysisPool:
    """Ordered, bounded parallel analysis; falls back to in-process work for small jobs."""

    def __init__(self, userdict: Iterable[UserWord], expected_passages: int | None) -> None:
        self._userdict = tuple(userdict)
        use_userdict(self._userdict)
        workers = os.cpu_count() or 1
        self._pool = None
        self._stopping = False
        # Pool.imap reads its input as fast as it can on a thread of its own; the semaphore keeps
        # it from reading the whole corpus into memory ahead of the writer.
        self._slots = threading.Semaphore(_IN_FLIGHT)
        if workers > 1 and (expected_passages is None or expected_passages >= _POOL_MIN_PASSAGES):
            context = multiprocessing.get_context("fork")
            self._pool = context.Pool(workers, _die_with_parent, (self._userdict,))

    def map(self, batches: Iterable[Batch]) -> Iterator[Result]:
        if self._pool is None:
            yield from map(analyze_batch, batches)
            return

        def bounded() -> Iterator[Batch]:
            for batch in batches:
                self._slots.acquire()
                if self._stopping:
                    return
                yield batch

        for result in self._pool.imap(analyze_batch, bounded()):
            self._slots.release()
            yield result

    def close(self) -> None:
        self._stopping = True
        self._slots.release()  # wake the reading thread so it sees _stopping and ends
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
