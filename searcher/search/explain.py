"""Why a passage scored what it did: the parts of its score and the tier it was ranked in.

The parts are scoring.py's, taken one row at a time with the same weights: BM25F of each query
word (its IDF and its title-weighted term frequency in the passage), the literal (substring)
score, a word found only in the title, the bonus of a chunk found as typed, and the character
bigram score. They add up to the hit's score. The tier is engine.py's order above the score,
each of its steps named where the query has it: passages holding every element first; then
those holding the Latin letters as typed, not only the words they spell as pinyin (a passage
holding a word only in another region's form is ranked at a share of its score); then each
Latin word as a whole word, at the start of a word, inside one; for a one-element query, whole
words, then parts of longer words, then titles only.
"""

from __future__ import annotations

import math

import numpy as np

from searcher.search.hits import Explanation, ScorePart
from searcher.search.literal import LiteralMatcher
from searcher.search.query import ParsedQuery, Unit
from searcher.search.scoring import (
    CHUNK_WEIGHT,
    LITERAL_WEIGHT,
    NGRAM_WEIGHT,
    QUESTION_WORD_WEIGHT,
    TITLE_MATCH_WEIGHT,
    Scorer,
    _is_question_word,
    latin_words,
)
from searcher.search.titles import TitleMatcher
from searcher.store.generation import Generation
from searcher.store.vocabulary import Vocabulary

# How a Latin word occurs in a passage (Scorer.latin_tier), as the tier line says it.
_LATIN_TIERS = {
    1.0: "as a whole word",
    0.5: "at the start of a word: after it as a whole word",
    0.0: "inside a word: after it at the start of one",
}
_INSIDE = "inside longer words of the text: after passages holding it as a word"


class Explainer:
    def __init__(
        self,
        gen: Generation,
        scorer: Scorer,
        literal: LiteralMatcher,
        titles: TitleMatcher,
        vocabulary: Vocabulary,
        other_form_discount: float,
    ) -> None:
        self._gen, self._scorer, self._literal, self._titles = gen, scorer, literal, titles
        self._vocabulary = vocabulary
        self._discount = other_form_discount  # engine.py's, for a passage in another form

    def explain(self, query: ParsedQuery, row: int) -> Explanation:
        """The parts of `row`'s score for `query`, and its tier."""
        scores, matched, title_only, other_form = self._scorer.score(query)
        asking = [_is_question_word(clause) for clause in query.clauses]
        question_weight = 1.0 if all(asking) else QUESTION_WORD_WEIGHT
        parts: list[ScorePart] = []
        for clause, asks in zip(query.clauses, asking, strict=True):
            found = [self._unit_parts(unit, row) for unit in clause.alternatives]
            best = max(found, key=lambda unit_parts: sum(p.score for p in unit_parts))
            weight = question_weight if asks else 1.0
            parts += [_weighted(part, weight) for part in best]
        for chunk in query.chunks:
            rows, _ = self._literal.rows(chunk)
            if _holds(rows, row):
                bonus = CHUNK_WEIGHT * self._scorer.idf(rows) * math.sqrt(len(chunk))
                idf = self._scorer.idf(rows)
                parts.append(ScorePart("as typed", chunk, bonus, idf, factor=CHUNK_WEIGHT))
        bigrams = float(self._scorer.ngram_scores(query)[row])
        if bigrams:
            parts.append(ScorePart("bigrams", "", bigrams, factor=NGRAM_WEIGHT))
        tier = self._tier(query, row, matched, title_only, other_form)
        return Explanation(tuple(parts), tier)

    def _unit_parts(self, unit: Unit, row: int) -> list[ScorePart]:
        """What the unit adds to `row`: in its text, the literal and word scores; in its title
        path only, a share of its IDF (its words' BM25F weights there are ignored)."""
        parts = []
        in_text = 0
        for literal in unit.literals:
            rows, tfs = self._literal.rows(literal)
            at = _position(rows, row)
            if at is not None:
                idf, tf = self._scorer.idf(rows), float(tfs[at])
                score = LITERAL_WEIGHT * self._scorer.bm25_at(idf, tf, row)
                parts.append(ScorePart("literal", literal, score, idf, tf, factor=LITERAL_WEIGHT))
                in_text += 1
        for word in unit.words:
            term_id = self._gen.term_id(word)
            if term_id is None:
                continue
            rows, tfs = self._gen.word_postings(term_id)
            at = _position(rows, row)
            if at is not None:
                idf, tf = self._scorer.idf(rows), float(tfs[at])
                parts.append(ScorePart("word", word, self._scorer.bm25_at(idf, tf, row), idf, tf))
        if in_text == len(unit.literals) or unit.title_only:
            return parts
        # Not in the text: in the title path only (or not at all, an OR's other side).
        in_title = all(_holds(self._titles.rows(lit), row) for lit in unit.literals)
        if not in_title:
            return []
        text = [self._literal.rows(lit)[0] for lit in unit.literals]
        every = np.union1d(np.concatenate(text), self._titles.rows(unit.literals[0]))
        idf = self._scorer.idf(every)
        score = TITLE_MATCH_WEIGHT * idf
        return [ScorePart("title", unit.literal, score, idf, factor=TITLE_MATCH_WEIGHT)]

    def _tier(
        self,
        query: ParsedQuery,
        row: int,
        matched: np.ndarray,
        title_only: tuple[np.ndarray, np.ndarray] | None,
        other_form: np.ndarray | None,
    ) -> str:
        """engine.Searcher._rank's tiers for `row`, highest first, joined by "; "."""
        count = len(query.clauses)
        held = int(matched[row])
        if count == 1 and title_only is not None and _holds(title_only[0], row) and not held:
            return "in its title only: after every passage holding it in the text"
        all_held = held == count
        latin = self._latin(query, row) if all_held else []
        steps = []  # in engine.py's order: every element, as typed, whole words
        if count > 1 and all_held:
            steps.append(f"holds all {count} elements")
        elif count > 1:
            steps.append(f"holds {held} of {count} elements: below every passage holding all")
        steps += self._as_typed(query, row, other_form if all_held else None)
        if count == 1:
            whole = bool(self._scorer.whole_word_mask(query.clauses[0])[row])
            # Said once: a Latin word's own tier says it better (whole, start, inside).
            if not latin or whole != (latin[0][1] == 1.0):
                steps.append("a whole word of the text" if whole else _INSIDE)
        steps += [f'"{word}" {_LATIN_TIERS[tier]}' for word, tier in latin]
        return "; ".join(steps)

    def _as_typed(self, query: ParsedQuery, row: int, other_form: np.ndarray | None) -> list[str]:
        """Whether `row` holds the query as typed, where it has other forms: the Latin letters,
        not only the words they spell as pinyin; each regional word as typed (`other_form`,
        None where not ranked by it), not only in another region's form."""
        typed = self._scorer.typed_mask(query)
        if typed is None and other_form is None:
            return []
        below = []
        if typed is not None and not typed[row]:
            read = [unit for c in query.clauses for unit in c.alternatives if unit.reading]
            if any(self._holds_unit(unit, row) for unit in read):
                below.append("read as pinyin: after passages holding the letters as typed")
            else:
                below.append("without the letters as typed: after passages holding them")
        if other_form is not None and other_form[row] > 0:
            factor = 1.0 - self._discount * float(other_form[row])
            below.append(f"in another region's form: ranked at {factor:g} × its score")
        return below or ["as typed"]

    def _latin(self, query: ParsedQuery, row: int) -> list[tuple[str, float]]:
        """Each Latin word the passage holds as typed, and how (Scorer.latin_tier)."""
        found = []
        for word in latin_words(query):
            if _holds(self._literal.rows(word)[0], row):  # else held only as pinyin read
                found.append((word, float(self._scorer.latin_tier(word, self._vocabulary)[row])))
        return found

    def _holds_unit(self, unit: Unit, row: int) -> bool:
        """Whether `row` holds each literal of `unit` in its text or its title."""
        return all(
            _holds(self._literal.rows(literal)[0], row) or _holds(self._titles.rows(literal), row)
            for literal in unit.literals
        )


def _weighted(part: ScorePart, weight: float) -> ScorePart:
    if weight == 1.0:
        return part
    return ScorePart(
        part.kind, part.text, part.score * weight, part.idf, part.tf, weight, part.factor
    )


def _position(rows: np.ndarray, row: int) -> int | None:
    at = int(np.searchsorted(rows, row))
    return at if at < len(rows) and int(rows[at]) == row else None


def _holds(rows: np.ndarray, row: int) -> bool:
    return _position(rows, row) is not None
