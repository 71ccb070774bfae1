"""LiteralMatcher: every passage whose folded text contains a string, with its count.

One character is answered by its unigram postings and two by their bigram postings, exactly.
Longer strings intersect the postings of their bigrams, rarest first, and each candidate is
confirmed on its folded text, so recall is exact while the scan touches only candidates. A
candidate whose count the postings already tell (Chinese held by words of the index: _told) is
not read: 人民政府 on 4× zh-laws has 130,544 candidates, whose texts took 124 ms to count; its
own postings tell all but 856 of their counts, and with those of the longer words holding it
(北京市人民政府…) all but 44. 人民法院, mostly inside longer words: 31,336 of 44,412, now 28.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from searcher.analysis.analyzers import TITLE_WEIGHT
from searcher.analysis.grams import literal_keys
from searcher.analysis.normalize import is_han
from searcher.search.row_sets import found_at
from searcher.search.titles import TitleMatcher
from searcher.store.generation import Generation

_CACHE_SIZE = 256
_HOLDING_WORDS = 16  # longer words holding a literal, read for its counts (see _told)
# A word's postings are read for counts while they are fewer than this many times the texts
# they could spare: a posting decodes in ~20 ns, a text is counted in ~300-700.
_POSTINGS_PER_TEXT = 16
_EMPTY = (np.zeros(0, np.int64), np.zeros(0, np.float32))


class LiteralMatcher:
    def __init__(self, generation: Generation, titles: TitleMatcher) -> None:
        self._gen = generation
        self._titles = titles
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
        candidates, most = _intersect(postings)
        if not len(candidates):
            return _EMPTY
        counts = most
        told = self._told(literal, candidates, most)
        unknown = np.flatnonzero(~told) if told is not None else None
        if unknown is None or len(unknown) == len(candidates):
            counts = self._gen.literal_counts(literal.encode(), candidates)
        elif len(unknown):
            counts[unknown] = self._gen.literal_counts(literal.encode(), candidates[unknown])
        found = counts > 0
        return candidates[found].astype(np.int64), counts[found]

    def _told(self, literal: str, rows: np.ndarray, most: np.ndarray) -> np.ndarray | None:
        """For each of `rows`, whether the postings tell how often its text holds `literal`:
        the string occurs at most `most` times (as often as its rarest bigram: each occurrence
        holds the bigram at its own place) and, if Chinese, at least as often as the words of
        the index holding it occur, each counted as often as it holds it (jieba's words
        partition the text: 人民法院 inside 最高人民法院 counts). Where the two meet, that is the
        count. None: no lower bound (no word holds it)."""
        if not all(map(is_han, literal)):
            return None  # a symbol term (c++) is counted beside jieba's pieces, not in them
        words = self._words_holding(literal)
        if not words:
            return None
        # A word's weight counts its title's words too, TITLE_WEIGHT each: less that for each
        # time the title holds the string (at least as often as its words there do).
        in_titles = self._titles.counts(literal)
        least = np.zeros(len(rows), np.float32)
        if in_titles is not None:
            row_title = np.asarray(self._gen.array("row_title"))
            least -= TITLE_WEIGHT * in_titles[row_title[rows]]
        told = np.zeros(len(rows), bool)
        for term_id, times in words:
            unknown = len(rows) - int(np.count_nonzero(told))
            if self._gen.document_frequency(term_id) > _POSTINGS_PER_TEXT * unknown:
                continue  # decoding its postings would cost more than reading the texts left
            word_rows, weights = self._gen.word_postings(term_id)
            if len(word_rows):
                at, held = found_at(rows, word_rows)
                least[at[held]] += times * weights[held]
                told = (least > 0) & (least == most)
        return told

    def _words_holding(self, literal: str) -> list[tuple[int, int]]:
        """(term id, times) of the literal as a word (once), then of the _HOLDING_WORDS most
        frequent longer words holding it: each adds to a lower bound, and a rare one tells
        little for the cost of looking."""
        frequency = self._gen.document_frequency
        held = sorted(self._gen.words_holding(literal), key=lambda word: -frequency(word[0]))
        term_id = self._gen.term_id(literal)
        return held[:_HOLDING_WORDS] if term_id is None else [(term_id, 1), *held[:_HOLDING_WORDS]]


def _intersect(postings: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Rows in every one of `postings` (rarest first), and the least count each has in them.
    A binary search of each row of the rarest list in the others: about 5x faster than
    np.intersect1d's sort of both for skewed sizes."""
    rows, counts = postings[0]
    candidates = np.asarray(rows)
    least = np.array(counts, np.float32)  # a copy: the caller fills in counts
    for rows, counts in postings[1:]:
        if not len(candidates) or not len(rows):
            return _EMPTY
        at, held = found_at(rows, candidates)
        candidates = candidates[held]
        least = np.minimum(least[held], counts[at[held]])
    return candidates, least
