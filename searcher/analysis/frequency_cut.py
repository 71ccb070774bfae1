"""Cut a run of CJK text into words by the frequencies of a vocabulary: jieba's dictionary cut.

Every word of the vocabulary that the run holds is an edge of a graph over its positions (a
character is always an edge of its own), weighted by the log of its frequency; the cut is the
path of highest total weight, found right to left as jieba's calc() does. Queries are cut this
way with the index's own vocabulary (store/vocabulary.py): a word the index does not hold
cannot match as a word anyway, and no query has to load a segmenter's dictionary.
"""

from __future__ import annotations

import math
from collections.abc import Callable

# (end, frequency) of every word run[start:end] the vocabulary holds: Vocabulary.words_at
WordsAt = Callable[[str, int], list[tuple[int, int]]]


Piece = tuple[str, ...]  # one word, or characters that must occur together as typed


def cut_by_frequency(
    run: str, words_at: WordsAt, total: int, stands_alone: Callable[[str], bool] | None = None
) -> list[Piece]:
    """The words of `run` on the path of highest summed log frequency (unknown: frequency 1).

    Neighbouring characters left alone on that path make one piece, unless `stands_alone(char)`
    says a character is mostly a word by itself (的, 是): that is what jieba's HMM does for a
    name it does not know, so 量子纠缠 in an index without it is matched as typed, not as four
    characters found all over the index (each character is still scored as a word)."""
    size = len(run)
    log_total = math.log(max(total, 1))
    # best[i]: (score of the best cut of run[i:], end of its first word)
    best: list[tuple[float, int]] = [(0.0, size)] * (size + 1)
    for start in range(size - 1, -1, -1):
        choice = (best[start + 1][0] - log_total, start + 1)  # the character alone
        for end, frequency in words_at(run, start):
            score = math.log(max(frequency, 1)) - log_total + best[end][0]
            if (score, end) > choice:
                choice = (score, end)
        best[start] = choice
    pieces: list[list[str]] = []
    start = 0
    while start < size:
        end = best[start][1]
        word = run[start:end]
        if pieces and _loose(word, stands_alone) and _loose(pieces[-1][-1], stands_alone):
            pieces[-1].append(word)
        else:
            pieces.append([word])
        start = end
    return [tuple(piece) for piece in pieces]


def _loose(word: str, stands_alone: Callable[[str], bool] | None) -> bool:
    """Whether `word` is a character that is rarely a word by itself."""
    return len(word) == 1 and stands_alone is not None and not stands_alone(word)
