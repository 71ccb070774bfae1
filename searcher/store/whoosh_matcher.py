"""RowsMatcher: a term's postings in one segment as Whoosh walks them, in blocks of BLOCK.

Each block keeps its best weight and its shortest passage, so Whoosh's top-N search skips the
blocks whose best possible score cannot enter the results (its "block quality"), as its own codec
does: a word in most passages is not scored passage by passage in Python.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

import numpy as np
from whoosh.matching import Matcher, NullMatcher, ReadTooFar

# Postings per block. Top 10 of 条例 on zh-laws (98,981 passages, scores all alike): blocks of
# 128 left 88,320 to score (330 ms), 32: 43,882, 8: 10,863 (~100 ms on a loaded machine); a block
# costs one bound (a BM25 call) to check, a passage one score.
BLOCK = 8


class RowsMatcher(Matcher):
    """Documents ascending with their weights; `lengths` are the documents' field lengths."""

    def __init__(
        self,
        docs: np.ndarray,
        weights: np.ndarray,
        lengths: np.ndarray,
        term: tuple[str, bytes],
        scorer: object = None,
    ) -> None:
        self._docs: list[int] = docs.tolist()
        self._weights: list[float] = weights.tolist()
        self._term, self._scorer = term, scorer
        starts = np.arange(0, len(docs), BLOCK)
        self._block_weight: list[float] = (
            np.maximum.reduceat(weights, starts).tolist() if len(docs) else []
        )
        self._block_length: list[float] = (
            np.minimum.reduceat(lengths, starts).tolist() if len(docs) else []
        )
        self._max = (max(self._block_weight, default=0.0), min(self._block_length, default=0.0))
        self._at = 0
        self._whole = False  # block_max_weight() and block_min_length() answer for the whole list
        self._max_quality: float | None = None

    def is_active(self) -> bool:
        return self._at < len(self._docs)

    def reset(self) -> None:
        self._at = 0

    def term(self) -> tuple[str, bytes]:
        return self._term

    def copy(self) -> RowsMatcher:
        twin = object.__new__(RowsMatcher)
        twin.__dict__.update(self.__dict__)
        return twin

    def replace(self, minquality: float = 0) -> Matcher:
        if not self.is_active() or (minquality and self.max_quality() <= minquality):
            return NullMatcher()
        return self

    def supports_block_quality(self) -> bool:
        return self._scorer is not None and self._scorer.supports_block_quality()

    def max_quality(self) -> float:
        """The bound of the whole list, worked out once: a union of many terms (a Prefix) asks
        it of every child at every step (劳动* on zh-laws: 185,549 times)."""
        if self._max_quality is None:
            if self._scorer is None:
                self._max_quality = self._max[0]
            else:
                self._whole = True
                try:
                    self._max_quality = self._scorer.block_quality(self)
                finally:
                    self._whole = False
        return self._max_quality

    def block_quality(self) -> float:
        return self._scorer.block_quality(self) if self._scorer else self.block_max_weight()

    def block_max_weight(self) -> float:
        # Whoosh's union asks a child that its skipping just used up (Prefix("网") on zh-laws):
        # past the end, no block can add to a score.
        if self._whole:
            return self._max[0]
        return self._block_weight[self._at // BLOCK] if self.is_active() else 0.0

    def block_min_length(self) -> float:
        if self._whole or not self.is_active():
            return self._max[1]
        return self._block_length[self._at // BLOCK]

    def skip_to_quality(self, minquality: float) -> int:
        skipped = 0
        while self.is_active() and self.block_quality() <= minquality:
            self._at = (self._at // BLOCK + 1) * BLOCK
            skipped += 1
        return skipped

    def id(self) -> int:
        return self._docs[self._at]

    def all_ids(self) -> Iterator[int]:
        return iter(self._docs[self._at :])

    def next(self) -> bool:
        """Move on; True when that enters a new block (Whoosh then checks its quality)."""
        self._at += 1
        return self._at % BLOCK == 0

    def skip_to(self, target: int) -> None:
        if not self.is_active():
            raise ReadTooFar
        self._at = bisect.bisect_left(self._docs, target, self._at)

    def weight(self) -> float:
        return self._weights[self._at]

    def score(self) -> float:
        return self._scorer.score(self) if self._scorer else self.weight()

    def supports(self, astype: str) -> bool:
        return astype in ("weight", "frequency")

    def value_as(self, astype: str) -> float:
        if not self.supports(astype):
            raise NotImplementedError(f"a searcher index keeps no {astype} in its postings")
        return self.weight()
