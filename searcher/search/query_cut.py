"""QueryCut: a query's CJK runs cut into words with the vocabulary of the index searched.

No segmenter loads for a query (rjieba's dictionary cost a fresh `searcher query` 115 ms, jieba's
1.3 s): the index's own words and their passage counts make the graph of frequency_cut.py. A
word the index does not hold could not match as a word anyway; matching stays literal.
"""

from __future__ import annotations

from searcher.analysis.frequency_cut import Piece, cut_by_frequency
from searcher.search.scoring import QUESTION_WORDS
from searcher.store.vocabulary import Vocabulary

# What a question word the index lacks counts in the cut: enough to be one word (哪一年, not
# 哪 + 一年), as in jieba's dictionary.
_QUESTION_WORD_FREQUENCY = 100
_LONGEST_QUESTION_WORD = max(map(len, QUESTION_WORDS))


class QueryCut:
    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary

    def cut(self, run: str) -> list[Piece]:
        """The pieces of a folded CJK run (see frequency_cut.cut_by_frequency)."""
        vocabulary = self.vocabulary
        return cut_by_frequency(run, self._words_at, vocabulary.total, vocabulary.stands_alone)

    def _words_at(self, run: str, start: int) -> list[tuple[int, int]]:
        """The index's words starting at run[start], and the question words (哪一年, 何人):
        an index of statements rarely holds them, and cut apart, 一年 or 人 would count as full
        words where scoring weighs a question word at half (cmrc2018-dev / drcd MRR@10 without
        them 0.9887 / 0.9483, with 0.9887 / 0.9491)."""
        found = self.vocabulary.words_at(run, start)
        ends = {end for end, _ in found}
        for end in range(start + 2, min(len(run), start + _LONGEST_QUESTION_WORD) + 1):
            if end not in ends and run[start:end] in QUESTION_WORDS:
                found.append((end, _QUESTION_WORD_FREQUENCY))
        return found
