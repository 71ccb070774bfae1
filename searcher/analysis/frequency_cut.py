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


def cut_by_frequency(
    run: str, words_at: WordsAt, total: int, stands_alone: Callable[[str], bool] | None = None
) -> list[str]:
    """The words of `run` on the path of highest summed log frequency (unknown: frequency 1).

    Neighbouring characters left alone on that path are one word again, unless
    `stands_alone(char)` says a character is mostly a word by itself (的, 是): that is what
    jieba's HMM does for a name it does not know, so 量子纠缠 in an index without it stays one
    literal instead of four characters found all over the index."""
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
    words: list[str] = []
    start = 0
    glued = False  # whether the last word is characters glued together
    while start < size:
        end = best[start][1]
        word = run[start:end]
        alone = len(word) > 1 or stands_alone is None or stands_alone(word)
        if not alone and words and (glued or not _alone(words[-1], stands_alone)):
            words[-1] += word
            glued = True
        else:
            words.append(word)
            glued = False
        start = end
    return words


def _alone(word: str, stands_alone: Callable[[str], bool]) -> bool:
    return len(word) > 1 or stands_alone(word)
