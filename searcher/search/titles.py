"""TitleMatcher: every passage whose folded title path contains a string.

A passage's title is its document title plus the enclosing headings ("手册 › 一、原则"). Distinct
titles are few (zh-laws: 3,368 for 160,801 passages), so a string is looked for once in all of them,
held end to end as one array of code points, and the titles holding it become rows through the
runs of consecutive rows that share a title (zh-laws: 3,374 runs).
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from searcher.analysis.grams import literal_keys
from searcher.store.doc_table import TITLE_CHARS_FILE, TITLE_GRAMS_FILE
from searcher.store.generation import Generation

_EMPTY_ROWS = np.zeros(0, np.int64)
_CACHE_SIZE = 256  # strings whose titles are remembered: a query asks again for its highlights


class TitleMatcher:
    def __init__(self, generation: Generation) -> None:
        self._gen = generation
        self._chars = np.zeros(0, np.uint32)  # the folded titles end to end, each ended by a 0
        self._starts: np.ndarray | None = None  # where each title starts in _chars
        # Runs of consecutive rows with one title: [first, end) rows and the title's number.
        self._run_first = self._run_end = self._run_title = _EMPTY_ROWS
        self._cache: OrderedDict[str, np.ndarray | None] = OrderedDict()

    def number(self, row: int) -> int:
        """The number of `row`'s title among the distinct titles."""
        return int(self._gen.array("row_title")[row])

    def holding_any(self, literals: list[str]) -> np.ndarray | None:
        """For each distinct title, whether it contains any of `literals` (None: none does)."""
        found = [counts > 0 for counts in map(self.counts, literals) if counts is not None]
        if len(found) > 1:
            return np.logical_or.reduce(found)
        return found[0] if found else None

    def counts(self, literal: str) -> np.ndarray | None:
        """For each distinct title, how often it contains `literal`, overlaps counted (None: no
        title does)."""
        if literal in self._cache:
            self._cache.move_to_end(literal)
            return self._cache[literal]
        counts = self._find(literal)
        self._cache[literal] = counts
        if len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return counts

    def rows(self, literal: str) -> np.ndarray:
        """Rows (ascending) whose folded title contains the folded `literal`."""
        counts = self.counts(literal)
        if counts is None:
            return _EMPTY_ROWS
        in_runs = counts[self._run_title] > 0
        lengths = self._run_end - self._run_first
        if int(lengths[in_runs].sum()) * 3 > len(self._gen.array("row_title")):
            # A third of the rows or more: a mark for every row, then where they are. 条例 is
            # in the title of 98,445 of zh-laws' 160,805 passages (2,012 titles): 165 µs, where
            # building the runs' rows one after another took 585.
            return np.flatnonzero(np.repeat(in_runs, lengths))
        which = np.flatnonzero(in_runs)
        first, lengths = self._run_first[which], lengths[which]
        # The runs' rows end to end: each run's first row, then +1 for each row after it.
        before = np.cumsum(lengths) - lengths
        return np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(first - before, lengths)

    def _find(self, literal: str) -> np.ndarray | None:
        self._load()
        # Most query words are in no title: a title gram the string needs is missing, found by a
        # binary search in a few µs, where looking through every title takes 20-80.
        keys = np.array(literal_keys(literal), np.uint64)
        grams = self._gen.array(TITLE_GRAMS_FILE.removesuffix(".npy"))
        if not len(keys) or not len(grams):
            return None
        if not (grams.take(grams.searchsorted(keys), mode="clip") == keys).all():
            return None
        # Where the first character is, then narrowed character by character. A query never
        # holds a NUL (query.py turns control characters into spaces), so no match runs across
        # the 0 that ends each title.
        needle = np.frombuffer(literal.encode("utf-32-le", "surrogatepass"), np.uint32)
        at = np.flatnonzero(self._chars[: len(self._chars) - len(needle) + 1] == needle[0])
        for offset in range(1, len(needle)):
            at = at[self._chars[at + offset] == needle[offset]]
        if not len(at):
            return None
        titles = np.searchsorted(self._starts, at, "right") - 1
        return np.bincount(titles, minlength=len(self._starts) - 1).astype(np.int32)

    def _load(self) -> None:
        if self._starts is not None:
            return
        self._chars = np.asarray(self._gen.array(TITLE_CHARS_FILE.removesuffix(".npy")))
        ends = np.flatnonzero(self._chars == 0) + 1
        self._starts = np.concatenate([[0], ends]).astype(np.int64)  # and the end of the last
        row_title = np.asarray(self._gen.array("row_title"))
        if len(row_title):
            change = np.flatnonzero(row_title[1:] != row_title[:-1]) + 1
            self._run_first = np.concatenate([[0], change]).astype(np.int64)
            self._run_end = np.concatenate([change, [len(row_title)]]).astype(np.int64)
            self._run_title = row_title[self._run_first].astype(np.int64)
