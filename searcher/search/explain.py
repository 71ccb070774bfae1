"""Why a passage scored what it did: the parts of its score and the tier it was ranked in.

The parts are scoring.py's, taken one row at a time with the same weights: BM25F of each query
word (its IDF and its title-weighted term frequency in the passage), the literal (substring)
score, a word found only in the title, the bonus of a chunk found as typed, and the character
bigram score. They add up to the hit's score. The tier is engine.py's order above the score:
passages holding every element first; for a one-element query, whole words, then parts of
longer words, then titles only.
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
)
from searcher.search.titles import TitleMatcher
from searcher.store.generation import Generation


class Explainer:
    def __init__(
        self, gen: Generation, scorer: Scorer, literal: LiteralMatcher, titles: TitleMatcher
    ) -> None:
        self._gen, self._scorer, self._literal, self._titles = gen, scorer, literal, titles

    def explain(self, query: ParsedQuery, row: int) -> Explanation:
        """The parts of `row`'s score for `query`, and its tier."""
        scores, matched, title_only, _ = self._scorer.score(query)
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
        return Explanation(tuple(parts), self._tier(query, row, matched, title_only))

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
    ) -> str:
        count = len(query.clauses)
        if count > 1:
            held = int(matched[row])
            if held == count:
                return f"holds all {count} elements"
            return f"holds {held} of {count} elements: below every passage holding all"
        if title_only is not None and _holds(title_only[0], row) and not matched[row]:
            return "in its title only: after every passage holding it in the text"
        if self._scorer.whole_word_mask(query.clauses[0])[row]:
            return "a whole word of the text"
        return "inside longer words of the text: after passages holding it as a word"


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
