"""LiteralMatcher: every passage whose folded text contains a string, with its count.

One character is answered by its unigram postings and two by their bigram postings, exactly.
Longer strings intersect the postings of their bigrams, rarest first, and each candidate is
confirmed on its folded text, so recall is exact while the scan touches only candidates.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from searcher.analysis.grams import literal_keys
from searcher.indexing.postings import Generation

_CACHE_SIZE = 256
_EMPTY = (np.zeros(0, np.int64), np.zeros(0, np.float32))


class LiteralMatcher:
    def __init__(self, generation: Generation) -> None:
        self._gen = generation
        self._cache: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()

    def rows(self, literal: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows ascending, occurrence counts) of the passages containing `literal`."""
        if literal in self._cache:
            self._cache.move_to_end(literal)
            return self._cache[literal]
        found = self._find(literal)
        self._cache[literal] = found
        if len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return found

    def _find(self, literal: str) -> tuple[np.ndarray, np.ndarray]:
        keys = literal_keys(literal)
        if not keys:
            return _EMPTY
        postings = [self._gen.gram_postings(key) for key in keys]
        exact = len(keys) == 1 and len(literal) <= 2
        if exact:
            rows, tfs = postings[0]
            return rows.astype(np.int64), tfs.astype(np.float32)
        postings.sort(key=lambda p: len(p[0]))
        candidates = np.asarray(postings[0][0])
        for rows, _ in postings[1:]:
            if not len(candidates):
                return _EMPTY
            candidates = np.intersect1d(candidates, rows, assume_unique=True)
        return self._confirm(literal, candidates)

    def _confirm(self, literal: str, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        needle = literal.encode()
        ptr = self._gen.array("text_ptr")
        blob = self._gen.blob("text.bin")
        starts = ptr[candidates]
        ends = ptr[candidates + 1]
        rows, counts = [], []
        for row, start, end in zip(
            candidates.tolist(), starts.tolist(), ends.tolist(), strict=True
        ):
            # UTF-8 is self-synchronising: a byte match is a code point match.
            count = bytes(blob[start:end]).count(needle)
            if count:
                rows.append(row)
                counts.append(count)
        return np.array(rows, np.int64), np.array(counts, np.float32)
