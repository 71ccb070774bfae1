"""Homophone typos: a typed Chinese word the index lacks, and a word of the index that sounds the
same and differs in a character or two, suggested instead ("did you mean"): 人工只能 → 人工智能.

The commonest Chinese typo is an input method's wrong pick for the right sound. The characters
typed are read with the index's pinyin table (store/pinyin_table.py: every reading of every
character), so a query never loads a pinyin dictionary; every word of the vocabulary with one of
those readings is a candidate, and the most frequent one that differs from what was typed in at
most MAX_CHANGED characters wins.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from searcher.analysis.normalize import fold_text
from searcher.analysis.pinyin import reading_key
from searcher.search.literal import LiteralMatcher
from searcher.store.generation import Generation

# A longer run of Chinese characters is a phrase or a sentence, taken as written: in sentences,
# stretches across words that sound like a word are everywhere (cmrc2018-dev questions, whose
# runs reach 12 characters, had a suggestion in 37% with runs of up to 16).
_MAX_RUN = 6
# Nobody mistypes these (and a corpus of statements lacks them): 哪里 is not a typo of 那里.
_QUESTION_CHARS = frozenset("哪谁什么几何怎吗呢")
_RUNS_KEPT = 1024  # runs whose answer a searcher keeps (a TUI asks again as you type)
_MAX_COMBINATIONS = 32  # readings tried for one stretch (each polyphone multiplies them)
# A typed word that occurs in the collection is suggested against only when the word of the same
# sound is this many times more frequent: 试验 and 实验 are both right.
RARER = 100


@dataclass(frozen=True)
class Fix:
    """The stretch text[start:end] of the query, typed as `typed`, would be `word`."""

    start: int
    end: int
    typed: str
    word: str
    typed_count: int  # passages holding `typed` (0: it occurs nowhere)


class TypoFinder:
    """Finds misspelt stretches of a query: `cut` cuts a run as queries are cut, and a misspelt
    stretch is made of whole pieces of that cut (人工只能: 人工|只能), never parts of them."""

    def __init__(
        self,
        generation: Generation,
        literal: LiteralMatcher,
        cut: Callable[[str], list[tuple[str, ...]]],
    ) -> None:
        self._gen = generation
        self._literal = literal
        self._cut = cut
        self._runs: dict[str, Fix | None] = {}  # _in_run's answers so far

    def fixes(self, text: str) -> list[Fix]:
        """The misspelt stretches of `text`, each with the word it most likely meant."""
        found: list[Fix] = []
        for start, typed in _han_runs(text):
            folded = fold_text(typed)
            if len(folded) != len(typed) or not 2 <= len(folded) <= _MAX_RUN:
                continue
            if folded not in self._runs:
                if len(self._runs) >= _RUNS_KEPT:
                    self._runs.clear()
                self._runs[folded] = self._in_run(folded)
            fix = self._runs[folded]
            if fix is not None:
                found.append(
                    Fix(start + fix.start, start + fix.end, fix.typed, fix.word, fix.typed_count)
                )
        return found

    def _in_run(self, run: str) -> Fix | None:
        """The run as one word if it sounds like one; else its longest stretch that does."""
        pieces = self._cut(run)  # each a word, or characters kept together: a tuple of words
        bounds = list(itertools.accumulate((sum(map(len, p)) for p in pieces), initial=0))
        for length in range(len(run), 1, -1):
            best: Fix | None = None
            best_frequency = 0
            for start in range(len(run) - length + 1):
                typed = run[start : start + length]
                if start not in bounds or start + length not in bounds:
                    continue
                if _QUESTION_CHARS.intersection(typed) or self._too_common(typed):
                    continue
                word, frequency = self._sounding_like(typed)
                if word is None or frequency <= best_frequency:
                    continue
                count = self._count(typed)
                if count == 0 or count * RARER < frequency:
                    best = Fix(start, start + length, typed, word, count)
                    best_frequency = frequency
            if best is not None:
                return best
        return None

    def _sounding_like(self, typed: str) -> tuple[str | None, int]:
        """The most frequent word of the index read as `typed` can be, differing from it in one
        character (two, in a word of four or more), and its document frequency."""
        table = self._gen.pinyin()
        choices = [table.char_readings(char) for char in typed]
        if not all(choices):
            return None, 0
        allowed = 1 if len(typed) < 4 else 2
        best, best_frequency = None, 0
        seen: set[int] = set()
        for syllables in itertools.islice(itertools.product(*choices), _MAX_COMBINATIONS):
            reading = " ".join(syllables)
            for found, term in table.with_key(reading_key(reading)):
                if found != reading or term in seen:
                    continue
                seen.add(term)
                word = self._gen.term_word(term)
                changed = sum(a != b for a, b in zip(word, typed, strict=False))
                if len(word) != len(typed) or not 0 < changed <= allowed:
                    continue
                frequency = self._gen.document_frequency(term)
                if frequency > best_frequency:
                    best, best_frequency = word, frequency
        return best, best_frequency

    def _too_common(self, typed: str) -> bool:
        """Whether `typed` is a word too frequent for any word to be RARER times more so."""
        term = self._gen.term_id(typed)
        rows = int(self._gen.meta["live_rows"])
        return term is not None and self._gen.document_frequency(term) * RARER > rows

    def _count(self, typed: str) -> int:
        """Passages holding `typed` or another region's form of it (芯片 in Taiwanese text is
        晶片, no typo): document frequencies as words, else literally."""
        return sum(map(self._count_one, [typed, *self._gen.regional().forms(typed)]))

    def _count_one(self, typed: str) -> int:
        term = self._gen.term_id(typed)
        if term is not None:
            return self._gen.document_frequency(term)
        return len(self._literal.rows(typed)[0])


def _han_runs(text: str) -> list[tuple[int, str]]:
    """(offset, run) of each run of CJK characters (U+3400..U+9FFF) in `text`. A loop, not a
    regex: a class of 27,000 characters took 1 ms to compile at every fresh query's start."""
    runs, start = [], None
    for at, char in enumerate(text + " "):
        inside = "\u3400" <= char <= "\u9fff"
        if inside and start is None:
            start = at
        elif not inside and start is not None:
            runs.append((start, text[start:at]))
            start = None
    return runs


def corrected(text: str, fixes: list[Fix]) -> str:
    """`text` with each fix's word in place of what was typed."""
    for fix in sorted(fixes, key=lambda f: f.start, reverse=True):
        text = text[: fix.start] + fix.word + text[fix.end :]
    return text
