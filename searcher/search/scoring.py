"""Scorer: which rows hold each element of a parsed query, and how well each row matches.

Matching is literal: a word matches every passage that contains it, inside longer words too, in
its text (character n-gram postings, confirmed on the folded text: literal.py) or in its title path
(titles.py). Scoring is BM25F over jieba words (title words weighted), plus a smaller literal
score, plus BM25 over the query's character bigrams, plus a bonus where a multi-word chunk occurs
exactly as typed; a word found only in the title scores a fixed share of its IDF. Weights were
tuned with searcher eval on cmrc2018-dev and drcd (tests/benchmarks/eval_quality.py,
results-quality.md). The order of the results (tiers, filters) is engine.py's.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from searcher.analysis.grams import bigram_key
from searcher.search.literal import LiteralMatcher
from searcher.search.query import Clause, ParsedQuery, Unit
from searcher.search.row_sets import Matched, best_of, common, found_at, holds, text_first, union
from searcher.search.titles import TitleMatcher
from searcher.store.generation import Generation
from searcher.store.vocabulary import Vocabulary

# The weights below are what `searcher query --explain` shows acting on each hit (explain.py).
K1 = 1.2  # BM25 term-frequency saturation: a word's 2nd occurrence adds less than its 1st
B = 0.75  # BM25 length normalisation: a long passage needs more occurrences for the same score
LITERAL_WEIGHT = 0.4  # a literal (substring) match scores this share of a whole-word match
CHUNK_WEIGHT = 0.5  # bonus per word when a typed multi-word chunk occurs as typed
# Character-bigram BM25 over the whole query. Words meet only where jieba cut the query and the
# passage alike; bigrams meet anyway (a question cuts 元定宗 as 元定/宗, the text as 元/定宗).
# MRR@10 without → with it: cmrc2018-dev 0.982 → 0.986, drcd 0.934 → 0.948 (0.2: 0.944, 0.8: 0.949
# but cmrc2018-dev 0.985). Cost: 0.1-0.3 ms of a 0.2-1.1 ms scoring on 21k zh-laws passages.
NGRAM_WEIGHT = 0.5
# A posting list longer than 1/_NORMS_ONCE of the rows has every row's BM25 norm computed once
# and kept (a warm searcher's long lists); a shorter one, only its rows' (a fresh process's first
# query would pay 3 ms on zh-laws, 12 at 4×, for norms it never reads).
_NORMS_ONCE = 16
_MAX_NGRAMS = 64  # a pasted paragraph is scored on its 64 rarest bigrams, not all of them
# Question words ask for the answer, so the passage that answers rarely holds them: their high IDF
# would reward passages that merely ask something too. They count this share of a word unless the
# query holds nothing else (cmrc2018-dev MRR@10 0.9864 → 0.9876 with the bigrams above).
QUESTION_WORD_WEIGHT = 0.5
QUESTION_WORDS = frozenset(
    "什么 什么样 为什么 哪 哪个 哪一 哪些 哪里 哪儿 哪年 哪一年 哪位 哪种 哪国 谁 何 为何 如何"
    " 何时 何地 何处 多少 多久 几 怎么 怎样 怎么样 是否 吗 呢"
    " 哪一部 哪一种 哪一个 哪一位 哪一所 哪一条 何人 有何 多远 多高 多长 多大 哪种".split()
)
# A query word found in a passage's title path but not in its text scores this share of its IDF
# (what one occurrence scores in a passage of average length): being in the right document counts,
# less than discussing the word. MRR@10 cmrc2018-dev / drcd at 0: 0.9876 / 0.9485 (as when titles
# did not match), 0.5: 0.9878 / 0.9489, 1.0: 0.9882 / 0.9495, 2.0: 0.9884 / 0.9504; but of
# zh-laws' several-word queries (recall.py), pairs ranked with every word in the text before a
# word only in the title fell from 0.952 at 0.5 to 0.908 at 1.0.
TITLE_MATCH_WEIGHT = 0.5
_ALNUM_RUN = re.compile(r"[^\W_]+")  # bigrams never span punctuation or spaces
_LATIN_WORD = re.compile(r"[a-z][a-z0-9]*")
# A Latin word that starts more words than this (a, s) gets no prefix tier: a union of so many
# postings would cost more than the ranking it refines.
_MAX_PREFIXED = 200


class Scorer:
    def __init__(
        self, generation: Generation, literal: LiteralMatcher, titles: TitleMatcher
    ) -> None:
        self._gen = generation
        self._literal = literal
        self._titles = titles
        meta = generation.meta
        self._rows = int(meta["rows"])
        live = int(meta["live_rows"])
        self._live_rows = max(live, 1)
        self._all_live = live == self._rows
        self._live = np.asarray(generation.array("row_live"))
        self._avg_len = max(float(meta["total_len"]) / self._live_rows, 1.0)
        self._norm_cache: dict[bool, np.ndarray] = {}  # _norms(), by words and by characters
        self._avg_chars: float | None = None  # mean folded length of live rows, for bigram BM25

    def score(
        self, query: ParsedQuery
    ) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray] | None, np.ndarray | None]:
        """(score of every row, how many elements it holds; for a one-element query the rows
        holding it in their title only, with its score there, counted in neither; and the share
        of the elements with regional forms that each row holds only in another region's form,
        None without any)."""
        found = self.match(query)
        return self.scores(query, found), found.matched, found.title_only, found.other_form

    def match(self, query: ParsedQuery) -> Match:
        """Which rows hold each element of `query` (see Match); no score yet but the fixed one
        of a word found only in a title."""
        matched = np.zeros(self._rows, np.int32)  # a pasted text can hold 32k+ words
        units: dict[Unit, Matched] = {}
        title_only = None
        # One word or phrase: the rows holding it only in their title are found apart, after
        # the rest, never merged with them (see engine.Searcher._rank).
        apart = _one_literal(query)
        mark = None if apart else np.zeros(self._rows, bool)
        regional = [clause for clause in query.clauses if clause.typed_first]
        other_form = np.zeros(self._rows, np.float32) if regional else None
        for clause in query.clauses:
            for unit in clause.alternatives:
                if unit not in units:
                    units[unit] = self._unit_rows(unit, mark)
            rows, score, in_text = best_of([units[unit] for unit in clause.alternatives])
            if other_form is not None and clause.typed_first:
                typed_rows, _, typed_in_text = units[clause.alternatives[0]]
                other_form[rows[:in_text]] += 1.0 / len(regional)
                other_form[typed_rows[:typed_in_text]] -= 1.0 / len(regional)
            if len(query.clauses) == 1 and not apart:  # the rows after `in_text`: see Matched
                title_only = rows[in_text:], score[in_text:]
                rows = rows[:in_text]
            matched[rows] += 1
        if apart:
            title_only = self._title_only(query.clauses[0].alternatives[0], matched)
        return Match(units, matched, title_only, other_form)

    def scores(
        self, query: ParsedQuery, found: Match, rows: np.ndarray | None = None
    ) -> np.ndarray:
        """The score of every row that `found` matched; given `rows` (ascending), of those only
        (0 elsewhere), with the same bits: the engine ranks rows holding every element above all
        others, so when they are enough, only they need scoring (on 4× zh-laws, 文明 人民政府
        应当 holds all three in 2,348 of 370,588 passages matching any)."""
        scores = np.zeros(self._rows, np.float32)
        asking = [_is_question_word(clause) for clause in query.clauses]
        question_weight = 1.0 if all(asking) else QUESTION_WORD_WEIGHT
        # Each distinct unit is scored once, on its own rows; a word said twice still counts
        # twice (query term frequency). A pasted paragraph repeats its common words: 10,000
        # characters of zh-laws held 1,843 clauses, 593 distinct, and took 1.4 s, now 0.66 s.
        units: dict[Unit, Matched] = {}
        buffer = np.zeros(self._rows, np.float32) if rows is None else None
        for clause, asks in zip(query.clauses, asking, strict=True):
            for unit in clause.alternatives:
                if unit not in units:
                    units[unit] = self._unit(unit, found.units[unit], rows, buffer)
            held, score, in_text = best_of([units[unit] for unit in clause.alternatives])
            if len(query.clauses) == 1 and found.title_only is not None:
                held, score = held[:in_text], score[:in_text]  # title only: found.title_only
            np.add.at(scores, held, score * (question_weight if asks else 1.0))  # held: unique
        for chunk in query.chunks:
            held, _ = self._literal.rows(chunk)
            bonus = CHUNK_WEIGHT * self._idf(held) * (len(chunk) ** 0.5)
            scores[held if rows is None else common(held, rows)] += bonus
        if rows is None:
            scores += NGRAM_WEIGHT * self._ngram_scores(query)
        else:
            scores[rows] += NGRAM_WEIGHT * self._ngram_scores(query, rows)
        return scores

    def latin_tiers(self, query: ParsedQuery, vocabulary: Vocabulary) -> np.ndarray | None:
        """For every row, how its Latin query words occur, averaged over them (latin_tier);
        None without any."""
        latin = latin_words(query)
        if not latin:
            return None
        tiers = np.zeros(self._rows, np.float32)
        for word in latin:
            tiers += self.latin_tier(word, vocabulary) / len(latin)
        return tiers

    def latin_tier(self, word: str, vocabulary: Vocabulary) -> np.ndarray:
        """For every row, how the Latin `word` occurs: 1 as a whole word, 0.5 at the start of a
        word (go → golang), 0 inside one (logo) or not at all."""
        tier = np.zeros(self._rows, np.float32)
        prefixed = vocabulary.prefixed(word, _MAX_PREFIXED)
        for term_id in prefixed or ():
            tier[self._gen.word_postings(term_id)[0]] = 0.5
        term_id = self._gen.term_id(word)
        if term_id is not None:
            tier[self._gen.word_postings(term_id)[0]] = 1.0
        return tier

    def typed_mask(self, query: ParsedQuery) -> np.ndarray | None:
        """Rows holding every clause read as pinyin as typed (its Latin letters), not only by
        the words the letters spell; None when no clause was read as pinyin."""
        read = [clause for clause in query.clauses if any(u.reading for u in clause.alternatives)]
        if not read:
            return None
        mask = np.ones(self._rows, bool)
        for clause in read:
            held = np.zeros(self._rows, bool)
            for unit in clause.alternatives:
                if not unit.reading:
                    rows, _ = self._held(unit, None)
                    held[rows] = True
            mask &= held
        return mask

    def whole_word_mask(self, clause: Clause) -> np.ndarray:
        """Rows holding every word of some alternative of `clause` as a word (not a phrase)."""
        # Masks, not np.unique/np.isin: numpy 2 imports numpy.ma on a first np.unique, 15 ms of
        # a fresh `searcher query`.
        mask = np.zeros(self._rows, bool)
        for unit in clause.alternatives:
            if unit.phrase or not unit.words:
                continue
            words = set(unit.words)
            held = np.zeros(self._rows, np.int32)
            for word in words:
                term_id = self._gen.term_id(word)
                if term_id is not None:
                    held[self._gen.word_postings(term_id)[0]] += 1
            mask |= held == len(words)
        return mask

    def _ngram_scores(self, query: ParsedQuery, rows: np.ndarray | None = None) -> np.ndarray:
        """BM25 of the query's character bigrams for every row (or each of `rows`), lengths
        counted in characters."""
        keys = _query_bigram_keys(query)
        postings = [(*self._gen.gram_postings(key), weight) for key, weight in keys.items()]
        postings = sorted((p for p in postings if len(p[0])), key=lambda p: len(p[0]))
        size = self._rows if rows is None else len(rows)
        if not postings:
            return np.zeros(size, np.float32)
        parts = []
        for held, tfs, weight in postings[:_MAX_NGRAMS]:
            idf = self._idf(held)
            at = None
            if rows is not None:
                at, tfs = _gathered(held, tfs, rows)
                held = rows[at]
            parts.append((held if at is None else at, weight * self._bm25(idf, tfs, held, True)))
        # Summed in float64 in the order of the lists, as np.bincount sums: the same bits for
        # a row whether every row or a few are scored.
        # Given as intp and float64, which it sums in: given int32 rows, bincount converted them
        # at 5-10x the cost of its sum (人民政府 on 4× zh-laws: 10-20 ms, now 1).
        places = np.concatenate([place for place, _ in parts], dtype=np.intp, casting="safe")
        weights = np.concatenate([score for _, score in parts], dtype=np.float64)
        return np.bincount(places, weights=weights, minlength=size).astype(np.float32)

    def _unit(
        self, unit: Unit, found: Matched, rows: np.ndarray | None, buffer: np.ndarray | None
    ) -> Matched:
        """The rows holding the unit (`found`: its rows, each of its literals in the text or the
        title), of `rows` only if given, and its score on each (see Matched). Every row's
        score is added up in `buffer` (zeros, and zeros again on return), a few rows' on them."""
        held, _, in_text = found
        if rows is not None:
            text, title = common(held[:in_text], rows), common(held[in_text:], rows)
            held, in_text = np.concatenate([text, title]), len(text)
        text = held[:in_text]
        posted = [(*self._literal.rows(literal), LITERAL_WEIGHT) for literal in unit.literals]
        for word in unit.words:
            term_id = self._gen.term_id(word)
            if term_id is not None:
                posted.append((*self._gen.word_postings(term_id), 1.0))
        if buffer is not None:  # a pass over each list
            for found_rows, tfs, weight in posted:
                gained = weight * self._bm25(self._idf(found_rows), tfs, found_rows)
                np.add.at(buffer, found_rows, gained)  # rows unique: as += by index, 2x as fast
            score = buffer[text]
            for found_rows, _, _ in posted:
                buffer[found_rows] = 0.0
        else:  # a binary search of each row in each list
            score = np.zeros(len(text), np.float32)
            for found_rows, tfs, weight in posted:
                at, tfs = _gathered(found_rows, tfs, text)
                score[at] += weight * self._bm25(self._idf(found_rows), tfs, text[at])
        if unit.weight != 1.0:
            score = score * np.float32(unit.weight)
        if in_text < len(held):
            only = np.full(len(held) - in_text, self._title_score(unit, found[0]), np.float32)
            score = np.concatenate([score, only])
        return held, score, in_text

    def _unit_rows(self, unit: Unit, mark: np.ndarray | None) -> Matched:
        """Rows holding each literal of the unit in their text or (given `mark`) their title,
        each once, those holding every literal in the text first, and how many those are; the
        score of those found only in their title (see Matched), 0 for the others."""
        rows, in_text = self._held(unit, mark)
        score = np.zeros(len(rows), np.float32)
        if in_text < len(rows):
            score[in_text:] = self._title_score(unit, rows)
        return rows, score, in_text

    def _title_score(self, unit: Unit, rows: np.ndarray) -> np.float32:
        """What the unit scores in a passage holding it only in its title (`rows`: every
        passage holding it), its weight included: a share of its IDF, its words' BM25F weights
        there ignored, or a short title's word would outscore the word in a long passage."""
        score = np.float32(TITLE_MATCH_WEIGHT * self._idf(rows))
        return score * np.float32(unit.weight) if unit.weight != 1.0 else score

    def _held(self, unit: Unit, mark: np.ndarray | None) -> tuple[np.ndarray, int]:
        if unit.title_only:
            # title: is a filter: every passage whose title holds it, whatever its own text, all
            # of them ranked as text matches are.
            rows = self._titles.rows(unit.literal)
            return rows, len(rows)
        if mark is not None and len(unit.literals) == 1:
            return self._text_or_title(unit.literals[0], mark)
        rows = text = in_text = None
        for literal in unit.literals:
            lit_rows, _ = self._literal.rows(literal)
            by_title = self._titles.rows(literal) if mark is not None else lit_rows[:0]
            either, in_text = union(lit_rows, by_title)
            if rows is None or text is None:
                rows, text = either, lit_rows
                continue
            rows = np.intersect1d(rows, either, assume_unique=True)
            text = np.intersect1d(text, lit_rows, assume_unique=True)
            in_text = None if len(rows) == len(text) else holds(text, rows)
        if rows is None:
            return np.zeros(0, np.int64), 0
        (rows,) = text_first(in_text, rows)
        return rows, len(rows) if in_text is None else int(np.count_nonzero(in_text))

    def _text_or_title(self, literal: str, mark: np.ndarray) -> tuple[np.ndarray, int]:
        """Rows holding `literal` in their text (ascending), then those holding it only in
        their title (ascending); and how many the first are. A phrase is one literal: it
        matches within the text or within the title, never across the two."""
        text, _ = self._literal.rows(literal)
        by_title = self._titles.rows(literal)
        if not len(by_title):
            return text, len(text)
        if len(by_title) * 16 < len(text):  # a few: each looked up in `text`
            only = by_title[~holds(text, by_title)]
        else:
            # Marks, not a merge of the two sorted lists: 管理 on 26,687 zh-laws passages,
            # 7,905 by text and 4,526 by title, took 135 µs to merge.
            mark[text] = True
            only = by_title[~mark[by_title]]
            mark[text] = False
        return (np.concatenate([text, only]) if len(only) else text), len(text)

    def _title_only(self, unit: Unit, matched: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows holding the unit's one literal in their title and not in their text (`matched`
        counts text matches), ascending, and its score on each, as _unit gives it."""
        rows = self._titles.rows(unit.literal)
        if not len(rows):
            return rows, np.zeros(0, np.float32)
        rows = rows[matched[rows] == 0]
        in_text, _ = self._literal.rows(unit.literal)
        idf = self._idf_of(self._live_count(in_text) + self._live_count(rows))
        return rows, np.full(len(rows), TITLE_MATCH_WEIGHT * idf, np.float32)

    def _bm25(
        self, idf: float, tfs: np.ndarray, rows: np.ndarray, by_chars: bool = False
    ) -> np.ndarray:
        """BM25 of `rows`, lengths in weighted words (the word field) or in characters."""
        tfs = tfs.astype(np.float32)  # a copy, worked on in place below
        if by_chars in self._norm_cache or len(rows) * _NORMS_ONCE > self._rows:
            norm = self._norms(by_chars).take(rows)  # take: ~2x faster than [rows]
        else:  # a short list: its rows' norms alone (the same operations, so the same bits)
            lengths, mean = self._lengths(by_chars)
            norm = K1 * (1 - B + B * lengths[rows] / mean)
        # idf · tf · (K1 + 1) / (tf + norm), in the order and types of that expression, in place:
        # each temporary of a list of 600 K rows was a fresh allocation, its pages faulted in
        # (的 on 4× zh-laws: 5.3 ms of such a line a list).
        norm += tfs
        tfs *= idf
        tfs *= K1 + 1
        return np.divide(tfs, norm, out=norm)

    def _norms(self, by_chars: bool) -> np.ndarray:
        """K1 · (1 − B + B · length / mean length) of every row, computed once a searcher, when
        a long posting list first needs it: each then costs one gather, not four passes (on 4×
        zh-laws, BM25 was a fifth of a warm query). The same operations per row as for a short
        list, so the same bits."""
        if by_chars not in self._norm_cache:
            lengths, mean = self._lengths(by_chars)
            self._norm_cache[by_chars] = K1 * (1 - B + B * lengths / mean)
        return self._norm_cache[by_chars]

    def _lengths(self, by_chars: bool) -> tuple[np.ndarray, float]:
        """Every row's length and the mean over live rows: in characters, or weighted words."""
        if not by_chars:
            return np.asarray(self._gen.array("row_len")), self._avg_len
        lengths = np.asarray(self._gen.array("row_chars"))
        if self._avg_chars is None:
            live = np.asarray(self._gen.array("row_live"))
            self._avg_chars = max(float(lengths[live].mean()) if live.any() else 1.0, 1.0)
        return lengths, self._avg_chars

    # -- the same weights for one row at a time, for explain.py -------------------------------

    def idf(self, rows: np.ndarray) -> float:
        """IDF of a word or literal found in `rows` (live rows counted)."""
        return self._idf(rows)

    def bm25_at(self, idf: float, tf: float, row: int) -> float:
        """BM25 of one row holding a word `tf` times (its length in weighted words)."""
        return float(self._bm25(idf, np.array([tf], np.float32), np.array([row]))[0])

    def ngram_scores(self, query: ParsedQuery) -> np.ndarray:
        """NGRAM_WEIGHT × bigram BM25 of every row, as score() adds it."""
        return NGRAM_WEIGHT * self._ngram_scores(query)

    def _idf(self, rows: np.ndarray) -> float:
        return self._idf_of(self._live_count(rows))

    def _idf_of(self, df: int) -> float:
        return math.log(1 + (self._live_rows - df + 0.5) / (df + 0.5))

    def _live_count(self, rows: np.ndarray) -> int:
        # Postings of old segments still list rows that died since (postings.py): counted
        # out, scores are the ones a rebuild of the same files gives.
        return len(rows) if self._all_live else int(np.count_nonzero(self._live[rows]))


@dataclass(frozen=True)
class Match:
    """Which rows hold each element of a query, before any score (Scorer.match)."""

    units: dict[Unit, Matched]  # each unit's rows, scored only where found in the title alone
    matched: np.ndarray  # for every row, how many elements it holds (in the text or title)
    # A one-element query's rows holding it in their title only, with its score there; None
    # for the others, whose title matches count in `matched` as text ones do.
    title_only: tuple[np.ndarray, np.ndarray] | None
    other_form: np.ndarray | None  # see Scorer.score


def _gathered(
    rows: np.ndarray, values: np.ndarray, among: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Where in `among` the rows of a posting list are, ascending, and their values there (both
    lists ascending): a binary search of each row of the shorter list in the longer, so scoring
    a few rows costs no pass over a long list."""
    if len(rows) == len(among) and np.array_equal(rows, among):  # a literal's own rows
        return np.arange(len(rows)), values
    if not len(rows) or not len(among):
        return np.zeros(0, np.int64), values[:0]
    if len(among) <= len(rows):
        at, held = found_at(rows, among)
        return np.flatnonzero(held), values[at[held]]
    at, held = found_at(among, rows)
    return at[held], values[held]


def latin_words(query: ParsedQuery) -> list[str]:
    """The Latin words typed as elements of the query (go, wangge), whose word boundaries
    rank passages (engine.py)."""
    return [
        unit.literal
        for clause in query.clauses
        for unit in clause.alternatives[:1]
        if not unit.title_only and _LATIN_WORD.fullmatch(unit.literal)
    ]


def _one_literal(query: ParsedQuery) -> bool:
    """Whether the query is one word or phrase, no OR, no title: filter."""
    if len(query.clauses) != 1 or len(query.clauses[0].alternatives) != 1:
        return False
    unit = query.clauses[0].alternatives[0]
    return len(unit.literals) == 1 and not unit.title_only


def _is_question_word(clause: Clause) -> bool:
    return all(not unit.phrase and unit.literal in QUESTION_WORDS for unit in clause.alternatives)


def _query_bigram_keys(query: ParsedQuery) -> dict[int, float]:
    """Bigram keys of what the query looks for in the text (chunks across word boundaries), each
    with its weight: 1, but for the bigrams only another region's form of a word has, which
    share the weight of the form typed (部落格's two count as 博客's one), so a longer form does
    not outscore the one typed by its length."""
    weights: dict[int, float] = {}
    typed = list(query.chunks)
    others: list[tuple[str, float]] = []
    for clause in query.clauses:
        units = [unit for unit in clause.alternatives if not unit.title_only]
        if not units:
            continue
        if not clause.typed_first:  # no regional forms: every alternative counts in full
            typed += [unit.literal for unit in units]
            continue
        typed.append(units[0].literal)
        base = len(_bigrams(units[0].literal))
        for unit in units[1:]:
            count = len(_bigrams(unit.literal))
            others.append((unit.literal, min(1.0, base / count) if count and base else 1.0))
    for text in typed:
        for key in _bigrams(text):
            weights[key] = 1.0
    for text, weight in others:
        for key in _bigrams(text):
            weights[key] = max(weights.get(key, 0.0), weight)
    return weights


def _bigrams(text: str) -> list[int]:
    return [
        bigram_key(first, second)
        for run in _ALNUM_RUN.findall(text)
        for first, second in zip(run, run[1:], strict=False)
    ]
