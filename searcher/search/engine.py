"""Searcher: THE search API. Every front end opens one and calls search().

    with Searcher.open(index_dir) as s:
        result = s.search("网格", limit=10)

Matching is literal: a word matches every passage that contains it, inside longer words too, found
through character n-gram postings and confirmed on the folded text. Ranking is BM25F over jieba
words (title words weighted), plus a smaller literal score, plus BM25 over the query's character
bigrams, plus a bonus where a multi-word chunk occurs exactly as typed. Passages holding every
required element rank above those holding some. Weights were tuned with searcher eval on
cmrc2018-dev and drcd (tests/benchmarks/eval_quality.py, results-quality.md).
"""

from __future__ import annotations

import math
import re
import time
from pathlib import Path

import numpy as np

from searcher.analysis.grams import bigram_key
from searcher.analysis.normalize import fold_text
from searcher.analysis.tokenizers import Segmenter, read_userdict
from searcher.errors import QuerySyntaxError
from searcher.search.highlight import match_spans
from searcher.search.hits import Hit, IndexStats, SearchResult
from searcher.search.literal import LiteralMatcher
from searcher.search.query import Clause, ParsedQuery, Unit, parse_query
from searcher.store import schema
from searcher.store.generation import Generation, open_generation
from searcher.store.layout import index_size

K1 = 1.2
B = 0.75
LITERAL_WEIGHT = 0.4  # a literal (substring) match scores this share of a whole-word match
CHUNK_WEIGHT = 0.5  # bonus per word when a typed multi-word chunk occurs as typed
# Character-bigram BM25 over the whole query. Words meet only where jieba cut the query and the
# passage alike; bigrams meet anyway (a question cuts 元定宗 as 元定/宗, the text as 元/定宗).
# MRR@10 without → with it: cmrc2018-dev 0.982 → 0.986, drcd 0.934 → 0.948 (0.2: 0.944, 0.8: 0.949
# but cmrc2018-dev 0.985). Cost: 0.1-0.3 ms of a 0.2-1.1 ms scoring on 21k zh-laws passages.
NGRAM_WEIGHT = 0.5
_MAX_NGRAMS = 64  # a pasted paragraph is scored on its 64 rarest bigrams, not all of them
# Question words ask for the answer, so the passage that answers rarely holds them: their high IDF
# would reward passages that merely ask something too. They count this share of a word unless the
# query holds nothing else (cmrc2018-dev MRR@10 0.9864 → 0.9876 with the bigrams above).
QUESTION_WORD_WEIGHT = 0.5
_QUESTION_WORDS = frozenset(
    "什么 什么样 为什么 哪 哪个 哪一 哪些 哪里 哪儿 哪年 哪一年 哪位 哪种 哪国 谁 何 为何 如何"
    " 何时 何地 何处 多少 多久 几 怎么 怎样 怎么样 是否 吗 呢".split()
)
_ALL_WORDS_BONUS = 1e6  # puts passages holding every element above all others
# For a one-element query, passages holding it as a whole jieba word come before those holding it
# only inside a longer word, whatever their lengths (BM25 alone let 0.4% of such pairs swap).
_WHOLE_WORD_BONUS = 1e5
_ALNUM_RUN = re.compile(r"[^\W_]+")  # bigrams never span punctuation or spaces


class Searcher:
    def __init__(self, directory: Path, generation: Generation) -> None:
        self.directory = directory
        self._gen = generation
        meta = self._gen.meta
        self._rows = int(meta["rows"])
        live = int(meta["live_rows"])
        self._live_rows = max(live, 1)
        self._all_live = live == self._rows
        self._live = np.asarray(self._gen.array("row_live"))
        self._avg_len = max(float(meta["total_len"]) / self._live_rows, 1.0)
        self._literal = LiteralMatcher(self._gen)
        self._titles: list[str] | None = None  # distinct folded titles, read on first title:
        self._avg_chars: float | None = None  # mean folded length of live rows, for bigram BM25
        # Cuts queries with the index's own user dictionary; loads jieba on the first cut only.
        self._segmenter = Segmenter(read_userdict(meta.get("userdict") or ""))

    @classmethod
    def open(cls, index_dir: Path | str) -> Searcher:
        """Open the committed state of an index; raises IndexNotFoundError, IndexVersionError…"""
        directory = Path(index_dir)
        return cls(directory, open_generation(directory))

    def close(self) -> None:
        self._gen.close()

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- searching ---------------------------------------------------------------------------

    def search(self, text: str, limit: int = 10, require_all: bool = False) -> SearchResult:
        """Ranked passages for `text` in the query syntax (see search/query.py)."""
        started = time.perf_counter()
        query = self.parse(text)
        top, scores, total, any_all = self._rank(query, limit, require_all)
        hits = [
            self._hit(rank, int(row), float(scores[row]), query) for rank, row in enumerate(top, 1)
        ]
        took_ms = (time.perf_counter() - started) * 1000
        return SearchResult(text, hits, total, took_ms, all_words=any_all or not total)

    def parse(self, text: str) -> ParsedQuery:
        """`text` in the query syntax, folded and cut as this index was (see search/query.py)."""
        return parse_query(text, lambda word: self._gen.term_id(word) is not None, self._segmenter)

    def ranked_document_ids(self, text: str, limit: int) -> list[str]:
        """Ids of the `limit` best documents for `text` (default options), each at the rank of
        its best passage: what search() would show, without building hits (for evaluation).
        Ids are unique in an index written now; one written before may hold an id twice, which
        counts once here too."""
        query = self.parse(text)
        top, _, _, _ = self._rank(query, self._rows, False)
        docs = np.asarray(self._gen.array("row_doc"))[top]
        _, first = np.unique(docs, return_index=True)
        ids: dict[str, None] = {}
        for doc in docs[np.sort(first)].tolist():
            if len(ids) >= limit:
                break
            ids.setdefault(self._gen.document_id(doc))
        return list(ids)

    def _rank(
        self, query: ParsedQuery, limit: int, require_all: bool
    ) -> tuple[np.ndarray, np.ndarray, int, bool]:
        """(best `limit` rows, best first; all scores; how many rows match; any holds all)."""
        scores, matched = self._score(query)
        total_clauses = len(query.clauses)
        keep = matched > 0
        all_mask = matched == total_clauses
        if require_all:
            keep = all_mask
        keep &= self._filters(query)
        candidates = np.flatnonzero(keep)
        any_all = bool(all_mask[candidates].any()) if len(candidates) else False
        ranked = scores[candidates] + np.where(all_mask[candidates], _ALL_WORDS_BONUS, 0.0)
        if len(query.clauses) == 1:
            whole = self._whole_word_mask(query.clauses[0])[candidates]
            ranked += np.where(whole, _WHOLE_WORD_BONUS, 0.0)
        return _top(candidates, ranked, limit), scores, len(candidates), any_all

    def _score(self, query: ParsedQuery) -> tuple[np.ndarray, np.ndarray]:
        scores = np.zeros(self._rows, np.float32)
        matched = np.zeros(self._rows, np.int32)  # a pasted text can hold 32k+ words
        asking = [_is_question_word(clause) for clause in query.clauses]
        question_weight = 1.0 if all(asking) else QUESTION_WORD_WEIGHT
        # Each distinct unit is matched and scored once, on its own rows (the buffer is zeroed
        # again after each); a word said twice still counts twice (query term frequency). A
        # pasted paragraph repeats its common words: 10,000 characters of zh-laws held 1,843
        # clauses, 593 distinct, and took 1.4 s, now 0.66 s.
        buffer = np.zeros(self._rows, np.float32)
        units: dict[Unit, tuple[np.ndarray, np.ndarray]] = {}
        for clause, asks in zip(query.clauses, asking, strict=True):
            for unit in clause.alternatives:
                if unit not in units:
                    units[unit] = self._unit(unit, buffer)
            rows, score = _best_of([units[unit] for unit in clause.alternatives])
            scores[rows] += score * (question_weight if asks else 1.0)
            matched[rows] += 1
        for chunk in query.chunks:
            rows, _ = self._literal.rows(chunk)
            scores[rows] += CHUNK_WEIGHT * self._idf(rows) * (len(chunk) ** 0.5)
        scores += NGRAM_WEIGHT * self._ngram_scores(query)
        return scores, matched

    def _whole_word_mask(self, clause: Clause) -> np.ndarray:
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

    def _ngram_scores(self, query: ParsedQuery) -> np.ndarray:
        """BM25 of the query's character bigrams for every row, lengths counted in characters."""
        postings = [self._gen.gram_postings(key) for key in _query_bigram_keys(query)]
        postings = sorted((p for p in postings if len(p[0])), key=lambda p: len(p[0]))
        if not postings:
            return np.zeros(self._rows, np.float32)
        if self._avg_chars is None:
            chars = np.asarray(self._gen.array("row_chars"))
            live = np.asarray(self._gen.array("row_live"))
            self._avg_chars = max(float(chars[live].mean()) if live.any() else 1.0, 1.0)
        lengths = np.asarray(self._gen.array("row_chars"))
        parts = [
            (rows, self._bm25(self._idf(rows), tfs, rows, lengths, self._avg_chars))
            for rows, tfs in postings[:_MAX_NGRAMS]
        ]
        rows = np.concatenate([rows for rows, _ in parts])
        weights = np.concatenate([score for _, score in parts])
        return np.bincount(rows, weights=weights, minlength=self._rows).astype(np.float32)

    def _unit(self, unit: Unit, buffer: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows that hold the unit, ascending, and its score on each of them. `buffer` holds a
        zero for every row, and does again on return."""
        posted: list[np.ndarray] = []
        rows: np.ndarray | None = None
        for literal in unit.literals:
            lit_rows, lit_tfs = self._literal.rows(literal)
            rows = lit_rows if rows is None else np.intersect1d(rows, lit_rows, assume_unique=True)
            bm25 = self._bm25(self._idf(lit_rows), lit_tfs, lit_rows)
            buffer[lit_rows] += LITERAL_WEIGHT * bm25
            posted.append(lit_rows)
        for word in unit.words:
            term_id = self._gen.term_id(word)
            if term_id is None:
                continue
            word_rows, tfs = self._gen.word_postings(term_id)
            buffer[word_rows] += self._bm25(self._idf(word_rows), tfs, word_rows)
            posted.append(word_rows)
        if rows is None:
            rows = np.zeros(0, np.int64)
        if unit.title_only:
            # Every passage whose title holds it, whatever the passage's own text.
            rows = np.flatnonzero(self._title_mask(unit.literal))
        score = buffer[rows]
        for touched in posted:
            buffer[touched] = 0.0
        return rows, score

    def _bm25(
        self,
        idf: float,
        tfs: np.ndarray,
        rows: np.ndarray,
        lengths: np.ndarray | None = None,
        avg_length: float | None = None,
    ) -> np.ndarray:
        """BM25 of `rows`; lengths default to the weighted word counts (the word field)."""
        tfs = tfs.astype(np.float32)
        if lengths is None:
            lengths, avg_length = np.asarray(self._gen.array("row_len")), self._avg_len
        norm = K1 * (1 - B + B * lengths[rows] / avg_length)
        return idf * tfs * (K1 + 1) / (tfs + norm)

    def _idf(self, rows: np.ndarray) -> float:
        # Postings of old segments still list rows that died since (postings.py): counted
        # out, scores are the ones a rebuild of the same files gives.
        df = len(rows) if self._all_live else int(np.count_nonzero(self._live[rows]))
        return math.log(1 + (self._live_rows - df + 0.5) / (df + 0.5))

    def _filters(self, query: ParsedQuery) -> np.ndarray:
        mask = np.asarray(self._gen.array("row_live")).copy()
        for unit in query.excluded:
            rows, _ = self._literal.rows(unit.literal)
            mask[rows] = False
        if query.paths:
            files = self._gen.files()
            allowed = [
                f["number"] for f in files if all(p in fold_text(f["path"]) for p in query.paths)
            ]
            mask &= np.isin(np.asarray(self._gen.array("row_file")), allowed)
        return mask

    def _title_mask(self, literal: str) -> np.ndarray:
        """Rows whose folded title (a passage's: "文档 › 一、网格") contains `literal`."""
        # Distinct titles are few (zh-laws: 3,475 for 160,801 JSONL records), so a title:
        # filter tests each once: 180 ms → 15 ms where a loop over documents was used.
        if self._titles is None:
            self._titles = self._gen.folded_titles()
        holds = np.fromiter((literal in t for t in self._titles), bool, len(self._titles))
        return holds[np.asarray(self._gen.array("row_title"))]

    # -- building hits ----------------------------------------------------------------------

    def _hit(self, rank: int, row: int, score: float, query: ParsedQuery | None) -> Hit:
        fields = self._gen.stored_fields(row)
        text = fields[schema.TEXT]
        literals = _highlight_literals(query) if query else ()
        return Hit(
            rank=rank,
            score=round(score, 4),
            id=fields[schema.DOC_ID],
            path=fields[schema.PATH],
            title=fields[schema.TITLE],
            paragraph=fields[schema.PARAGRAPH],
            line=fields[schema.LINE],
            text=text,
            spans=match_spans(text, literals),
            row=row,
            meta=fields.get(schema.META),
            kind=fields.get(schema.KIND, "text"),
            language=fields.get(schema.LANGUAGE, ""),
        )

    def document(self, hit: Hit, query: str | None = None) -> list[Hit]:
        """Every passage of the hit's document, in order, highlighted for `query`."""
        row_doc = np.asarray(self._gen.array("row_doc"))
        live = np.asarray(self._gen.array("row_live"))
        rows = np.flatnonzero((row_doc == row_doc[hit.row]) & live)
        parsed = None
        if query:
            try:
                parsed = self.parse(query)
            except QuerySyntaxError:
                parsed = None
        return [self._hit(i, int(row), 0.0, parsed) for i, row in enumerate(rows, 1)]

    def stats(self) -> IndexStats:
        meta = self._gen.meta
        row_doc = np.asarray(self._gen.array("row_doc"))
        live = np.asarray(self._gen.array("row_live"))
        return IndexStats(
            directory=str(self.directory),
            documents=int(np.count_nonzero(np.bincount(row_doc[live]))),
            passages=int(meta["live_rows"]),
            files=len(self._gen.files()),
            size_bytes=index_size(self.directory),
            updated=float(meta.get("updated", 0.0)),
            roots=list(meta.get("roots", [])),
            analysis=dict(meta.get("analysis", {})),
            segmenter=self._segmenter.backend_name,
            ignore=_ignore_rules(meta.get("ignore")),
        )


def _ignore_rules(recorded: object) -> dict:
    """The ignore rules as recorded (search/ never imports ingest, which reads them)."""
    rules = {"hidden": False, "no_ignore": False, "exclude": []}
    if isinstance(recorded, dict):
        rules.update((key, recorded[key]) for key in rules if key in recorded)
    return rules


def _highlight_literals(query: ParsedQuery) -> list[str]:
    literals = [
        lit for clause in query.clauses for unit in clause.alternatives for lit in unit.literals
    ]
    return literals + list(query.chunks)


def _is_question_word(clause: Clause) -> bool:
    return all(not unit.phrase and unit.literal in _QUESTION_WORDS for unit in clause.alternatives)


def _query_bigram_keys(query: ParsedQuery) -> list[int]:
    """Bigram keys of what the query looks for in the text (chunks across word boundaries)."""
    texts = list(query.chunks)
    texts += [
        unit.literal
        for clause in query.clauses
        for unit in clause.alternatives
        if not unit.title_only
    ]
    keys = [
        bigram_key(first, second)
        for text in texts
        for run in _ALNUM_RUN.findall(text)
        for first, second in zip(run, run[1:], strict=False)
    ]
    return list(dict.fromkeys(keys))


def _best_of(scored: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Every row of any of (rows, score), with its best score: a clause's alternatives (OR)."""
    if len(scored) == 1:
        return scored[0]
    rows = np.concatenate([rows for rows, _ in scored])
    score = np.concatenate([score for _, score in scored])
    if not len(rows):
        return rows, score
    order = np.argsort(rows, kind="stable")
    rows, score = rows[order], score[order]
    starts = np.flatnonzero(np.concatenate([[True], rows[1:] != rows[:-1]]))
    return rows[starts], np.maximum.reduceat(score, starts)


def _top(candidates: np.ndarray, ranked: np.ndarray, limit: int) -> np.ndarray:
    if limit <= 0 or not len(candidates):
        return candidates[:0]
    if len(candidates) > limit:
        part = np.argpartition(-ranked, limit - 1)[:limit]
    else:
        part = np.arange(len(candidates))
    # Ties break on row order, so results are stable from run to run.
    order = np.lexsort((candidates[part], -ranked[part]))
    return candidates[part][order]
