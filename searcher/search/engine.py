"""Searcher: THE search API. Every front end opens one and calls search().

    with Searcher.open(index_dir) as s:
        result = s.search("网格", limit=10)

A word matches a passage holding it in its text or its title path, and each matching passage
has a score (scoring.py). Here they are put in order: passages holding every required element,
in text or title, above those holding some; for a one-element query, text matches above title
matches, and whole words above parts of words. Filters (title:, path:, -word) apply last.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from searcher.analysis.tokenizers import backend_name
from searcher.errors import QuerySyntaxError
from searcher.search.collapse import (
    MAX_LOCATIONS,
    OVERFETCH,
    Group,
    group_rows,
    location,
    next_fetch,
)
from searcher.search.file_filters import FileTable
from searcher.search.highlight import match_spans, title_spans
from searcher.search.hits import Explanation, Hit, IndexStats, SearchResult
from searcher.search.literal import LiteralMatcher
from searcher.search.pinyin import PinyinReader, interpretation
from searcher.search.query import Filter, ParsedQuery, parse_query
from searcher.search.query_cut import QueryCut
from searcher.search.row_sets import top
from searcher.search.scoring import Match, Scorer
from searcher.search.sorting import Arranged, arrange, with_file_facts
from searcher.search.titles import TitleMatcher
from searcher.search.typos import TypoFinder, corrected
from searcher.store import schema
from searcher.store.generation import Generation, open_generation
from searcher.store.layout import GENERATION_PREFIX, index_size, latest_generation
from searcher.store.vocabulary import Vocabulary

# A query longer than this reads the whole vocabulary at once (Vocabulary.load_all), cheaper
# than a binary search for each of its thousands of words.
_LOAD_VOCABULARY_CHARS = 2000
_ALL_WORDS_BONUS = 1e6  # puts passages holding every element above all others
# Of passages holding every element, those holding the regional forms as typed (資料庫 in a
# Taiwanese text) rank above those matching as well by another region's form (数据库): the score
# of a passage holding every such element only in another form counts 0.7. A strict tier cost
# the converted queries of eval_regional.py 0.031 MRR on drcd (a typed 激光 in one passage
# outranked the answer's 雷射); with another form's words sharing the typed form's weight
# (query.py _sharing, scoring.py _query_bigram_keys), 0.7 costs 0.013 and still puts 博客 typed
# before 部落格 in otherwise identical passages.
_OTHER_FORM_DISCOUNT = 0.3
# For a one-element query, passages holding it in their text come before those holding it only in
# their title; and of those, passages holding it as a whole jieba word come before those holding
# it only inside a longer word, whatever their lengths (BM25 alone let 0.4% of such pairs swap).
_TEXT_BONUS = 1e5
_WHOLE_WORD_BONUS = 1e5
# Only the rows a ranking may show are scored when they are fewer than 1/_SPARSE_SHARE of all
# rows (a phrase, or the rows holding every element of several): each posting list is then
# searched for them, where scoring every row takes a pass over every list (the same bits). On 4×
# zh-laws (tests/benchmarks/bench_sparse.py), scoring 1/64, 1/16 and 1/8 of the rows took 23-29%,
# 60-91% and 88-149% of the time of scoring them all.
_SPARSE_SHARE = 16
# Passages holding Latin letters as typed come before those holding only the Chinese words the
# letters spell as pinyin (search/pinyin.py): `wangge` typed in a text outranks 网格.
_TYPED_BONUS = 5e5


class Searcher:
    def __init__(self, directory: Path, generation: Generation) -> None:
        self.directory = directory
        self._load(generation)

    def _load(self, generation: Generation) -> None:
        """Read through `generation` from now on (at open, and each refresh())."""
        self._gen = generation
        self.generation = int(generation.directory.name.removeprefix(GENERATION_PREFIX))
        meta = self._gen.meta
        self._rows = int(meta["rows"])
        self._titles = TitleMatcher(self._gen)
        self._literal = LiteralMatcher(self._gen, self._titles)
        self._scorer = Scorer(self._gen, self._literal, self._titles)
        self._files: FileTable | None = None  # read on the first file filter or date sort
        # Queries are cut with this generation's own words and frequencies: no segmenter loads.
        self.vocabulary = Vocabulary(self._gen)
        self._cut = QueryCut(self.vocabulary)
        self._pinyin = PinyinReader(self._gen)
        self._typos = TypoFinder(self._gen, self._literal, self._cut.cut)

    @classmethod
    def open(cls, index_dir: Path | str) -> Searcher:
        """Open the committed state of an index; raises IndexNotFoundError, IndexVersionError…"""
        directory = Path(index_dir)
        return cls(directory, open_generation(directory))

    def close(self) -> None:
        self._gen.close()

    def explain(self, text: str, hit: Hit) -> Explanation:
        """The parts of `hit`'s score for the query `text` and its rank tier (explain.py)."""
        from searcher.search.explain import Explainer  # only --explain and the TUI's x need it

        explainer = Explainer(
            self._gen,
            self._scorer,
            self._literal,
            self._titles,
            self.vocabulary,
            _OTHER_FORM_DISCOUNT,
        )
        return explainer.explain(self.parse(text), hit.row)

    def has_newer_generation(self) -> bool:
        """Whether a commit newer than the one searched has happened (a directory listing:
        about 20 µs, so a front end may ask twice a second)."""
        try:
            latest = latest_generation(self.directory)
        except OSError:  # the index went away: nothing newer to read
            return False
        return latest is not None and latest > self.generation

    def refresh(self) -> bool:
        """Search the newest commit from now on; False if this is it already. Hits and
        documents taken before refer to the old one: search again. Errors as open()'s."""
        if not self.has_newer_generation():
            return False
        old = self._gen
        self._load(open_generation(self.directory))
        old.close()
        return True

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- searching ---------------------------------------------------------------------------

    def search(
        self,
        text: str,
        limit: int = 10,
        require_all: bool = False,
        collapse: bool = True,
        sort: str = "relevance",
        group: bool = False,
    ) -> SearchResult:
        """Ranked passages for `text` in the query syntax (see search/query.py). With `collapse`,
        passages of the same folded text count once (search/collapse.py); `total` too. `sort`:
        "relevance", "date" (newest file first) or "path"; `group`: one hit per document, its
        best passage, with the document's number of matching passages (search/sorting.py).
        A typed word the index lacks but sounds like one of its words gets a suggestion
        (search/typos.py); when it occurs nowhere, the suggestion's passages come first (in
        relevance order, ungrouped), then the query's own (partial) matches."""
        started = time.perf_counter()
        query = self.parse(text)
        allowed, empty_filter = self._filters(query)
        if empty_filter:
            took_ms = (time.perf_counter() - started) * 1000
            return SearchResult(text, [], 0, took_ms, empty_filter=empty_filter, sort=sort)
        arrange_by = (sort, group)
        suggestion, leads = self._suggestion(text)
        found: list[Hit] = []
        if leads and sort == "relevance" and not group:
            better = self.parse(suggestion)
            better_allowed, better_empty = self._filters(better)
            if not better_empty:
                found, more, found_all, _ = self._hits(
                    better, limit, require_all, collapse, better_allowed, arrange_by
                )
        if len(found) >= limit:
            # The suggestion fills the page: the typed words' partial matches, which would only
            # follow, are not searched (人民正府 on zh-laws: 正 and 府 are in most passages; a
            # fresh query's CPU was 108 ms above 人民政府's, now within the load's noise of it).
            hits, total, any_all, documents = _leading(found, [], limit), more, found_all, 0
        else:
            hits, total, any_all, documents = self._hits(
                query, limit, require_all, collapse, allowed, arrange_by
            )
            if found:
                hits, total, any_all = _leading(found, hits, limit), total + more, found_all
        pinyin, interpreted = interpretation(
            query, [hit.row for hit in hits if not hit.suggested], self._gen.folded_bytes
        )
        took_ms = (time.perf_counter() - started) * 1000
        return SearchResult(
            text,
            hits,
            total,
            took_ms,
            all_words=any_all or not total,
            sort=sort,
            documents=documents,
            pinyin=pinyin,
            interpreted=interpreted,
            suggestion=suggestion,
        )

    def _hits(
        self,
        query: ParsedQuery,
        limit: int,
        require_all: bool,
        collapse: bool,
        allowed: np.ndarray,
        arrange_by: tuple[str, bool],
    ) -> tuple[list[Hit], int, bool, int]:
        """The best `limit` hits of the rows `allowed` in the order `arrange_by` (sort, group),
        how many rows match, whether any holds every element, how many documents (grouped)."""
        sort, group = arrange_by
        arranged = None
        if sort != "relevance" or group:
            groups, scores, total, any_all, arranged = self._arranged(
                query, limit, require_all, allowed, sort, group, collapse
            )
        elif collapse:
            groups, scores, total, any_all = self._groups(query, limit, require_all, allowed)
        else:
            top, scores, total, any_all = self._rank(query, limit, require_all, allowed)
            groups = [Group(int(row)) for row in top]
        literals = _Literals(query)
        titled = self._titles.holding_any(literals.title)
        hits = [
            self._hit(rank, group.row, float(scores[group.row]), literals, titled, group.repeats)
            for rank, group in enumerate(groups[:limit], 1)
        ]
        if arranged is None:
            return hits, total, any_all, 0
        mtimes = self.file_table().row_mtimes() if sort == "date" else None
        return with_file_facts(hits, arranged, mtimes), total, any_all, arranged.documents

    def _suggestion(self, text: str) -> tuple[str, bool]:
        """The query with its misspelt words corrected ("" if none), and whether its passages
        lead: when every misspelt word occurs nowhere, no passage holds the query as typed."""
        fixes = self._typos.fixes(text)
        if not fixes:
            return "", False
        return corrected(text, fixes), all(fix.typed_count == 0 for fix in fixes)

    def _arranged(
        self,
        query: ParsedQuery,
        limit: int,
        require_all: bool,
        allowed: np.ndarray,
        sort: str,
        group: bool,
        collapse: bool,
    ) -> tuple[list[Group], np.ndarray, int, bool, Arranged]:
        """Every matching row ranked, then grouped and sorted (sorting.py): another order needs
        them all. Over bench_tui.py's queries on zh-laws, the median query took 1.04× (group)
        to 1.25× (date) the default's time; 的 (136,559 rows) about twice."""
        ranked, scores, total, any_all = self._rank(query, self._rows, require_all, allowed)
        files = self.file_table() if sort != "relevance" else None
        arranged = arrange(ranked, sort, group, self._gen.array("row_doc"), files)
        if group or not collapse:
            return (
                [Group(int(row)) for row in arranged.rows[:limit]],
                scores,
                total,
                any_all,
                arranged,
            )
        size = limit * OVERFETCH
        while size:
            groups = group_rows(arranged.rows[:size], self._gen.folded_bytes)
            size = next_fetch(size, len(groups), limit, len(arranged.rows[:size]))
        repeats = sum(len(group.repeats) for group in groups)
        return groups, scores, total - repeats, any_all, arranged

    def _groups(
        self, query: ParsedQuery, limit: int, require_all: bool, allowed: np.ndarray
    ) -> tuple[list[Group], np.ndarray, int, bool]:
        """_rank's answer as groups of repeated passages; `total` counts each group once."""
        size = limit * OVERFETCH
        best = self._ranking(query, require_all, allowed)  # scored once, however many asked
        while size:
            top, scores, total, any_all = best(size)
            groups = group_rows(top, self._gen.folded_bytes)
            # Ranked again (0.2-1 ms) only when the rows compared were mostly repeats.
            size = next_fetch(size, len(groups), limit, len(top))
        repeats = sum(len(group.repeats) for group in groups)
        return groups, scores, total - repeats, any_all

    def file_table(self) -> FileTable:
        """Each row's file: its path, extension, modification time (read on first use)."""
        if self._files is None:
            self._files = FileTable.read(self._gen.files(), self._gen.array("row_file"))
        return self._files

    def parse(self, text: str) -> ParsedQuery:
        """`text` in the query syntax, folded and cut as this index was (see search/query.py)."""
        if len(text) > _LOAD_VOCABULARY_CHARS:
            self.vocabulary.load_all()
        query = parse_query(
            text, self.vocabulary.__contains__, self._cut.cut, self._gen.regional().forms
        )
        return self._pinyin.read(query)

    def ranked_document_ids(self, text: str, limit: int) -> list[str]:
        """Ids of the `limit` best documents for `text` (default options), each at the rank of
        its best passage: what search() would show, without building hits (for evaluation).
        Ids are unique in an index written now; one written before may hold an id twice, which
        counts once here too."""
        rows = self._ranked_rows(text)
        suggestion, leads = self._suggestion(text)
        if leads:
            rows = np.concatenate([self._ranked_rows(suggestion), rows])
        docs = np.asarray(self._gen.array("row_doc"))[rows]
        _, first = np.unique(docs, return_index=True)
        ids: dict[str, None] = {}
        for doc in docs[np.sort(first)].tolist():
            if len(ids) >= limit:
                break
            ids.setdefault(self._gen.document_id(doc))
        return list(ids)

    def _ranked_rows(self, text: str) -> np.ndarray:
        query = self.parse(text)
        allowed, empty_filter = self._filters(query)
        if empty_filter:
            return np.zeros(0, np.int64)
        return self._rank(query, self._rows, False, allowed)[0]

    def _rank(
        self, query: ParsedQuery, limit: int, require_all: bool, filters: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, int, bool]:
        """(best `limit` rows, best first; all scores; how many rows match; any holds all),
        of the rows `filters` allows."""
        return self._ranking(query, require_all, filters)(limit)

    def _ranking(
        self, query: ParsedQuery, require_all: bool, filters: np.ndarray
    ) -> Callable[[int], tuple[np.ndarray, np.ndarray, int, bool]]:
        """_rank for any limit: the rows are scored once, and each call only picks the best.
        Collapsing repeats asks again for 4 times as many when the first were mostly repeats:
        scoring again took half the time of a query on a collection with every text 4 times."""
        found = self._scorer.match(query)
        matched, title_only = found.matched, found.title_only
        typed = self._scorer.typed_mask(query)
        keep = matched > 0
        all_mask = matched == len(query.clauses)
        latin = self._scorer.latin_tiers(query, self.vocabulary)
        if require_all:
            keep = all_mask
        keep &= filters
        candidates = np.flatnonzero(keep)
        every = None
        if title_only is None:
            every = candidates if require_all else np.flatnonzero(keep & all_mask)
        scored: dict[bool, tuple[np.ndarray, np.ndarray]] = {}

        def tiers(few: bool) -> tuple[np.ndarray, np.ndarray]:
            """_tiers of the rows holding every element (`few`: they fill the page) or of every
            row a ranking may show (kept for both, once computed)."""
            few = few and False not in scored
            if few not in scored:
                rows = every if few else _shown(keep, title_only, filters)
                scored[few] = self._tiers(query, found, all_mask, latin, rows)
            return scored[few]

        computed: list[np.ndarray] = []

        def ranked(tier: np.ndarray) -> np.ndarray:
            """The order of every candidate (computed once, when a limit needs it)."""
            if not computed:
                order = tier[candidates] + np.where(all_mask[candidates], _ALL_WORDS_BONUS, 0.0)
                order += _typed_bonus(typed, candidates)
                if title_only is not None:
                    # One element: passages holding it as a whole word, then inside longer
                    # words, then only in their title (below). Those are only counted unless
                    # the limit reaches them: merged and ranked with the rest, 条例 (20,716
                    # passages by text, 78,265 more by title on zh-laws) took 8-11 ms, apart 5.
                    whole = self._scorer.whole_word_mask(query.clauses[0])[candidates]
                    order += np.where(whole, _WHOLE_WORD_BONUS, 0.0)
                computed.append(order)
            return computed[0]

        def best(limit: int) -> tuple[np.ndarray, np.ndarray, int, bool]:
            if every is not None and len(every) >= limit:
                # Enough passages hold every element: the others are only counted (and not
                # scored). A word in most titles (条例) puts most passages among those holding
                # some words.
                scores, tier = tiers(True)
                chosen = tier[every] + _typed_bonus(typed, every)
                return top(every, chosen, limit), scores, len(candidates), True
            scores, tier = tiers(False)
            found = top(candidates, ranked(tier), limit)
            any_all = bool(all_mask[candidates].any()) if len(candidates) else False
            if title_only is None:
                return found, scores, len(candidates), any_all
            rows, score = title_only
            kept = filters[rows]
            count = int(np.count_nonzero(kept))
            shown = scores
            if len(found) < limit and count:
                rows, score = rows[kept], score[kept] + scores[rows[kept]]
                more = top(rows, score, limit - len(found))
                shown = scores.copy()  # another limit starts again from the rows' own scores
                shown[more] = score[np.searchsorted(rows, more)]
                found = np.concatenate([found, more])
            return found, shown, len(candidates) + count, any_all or bool(count)

        return best

    def _tiers(
        self,
        query: ParsedQuery,
        found: Match,
        all_mask: np.ndarray,
        latin: np.ndarray | None,
        rows: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(scores, scores with the regional and Latin tiers) of every row, or of `rows` only
        when they are few enough that scoring them alone pays (0 for the others)."""
        sparse = len(rows) * _SPARSE_SHARE < self._rows
        scores = self._scorer.scores(query, found, rows if sparse else None)
        tier = scores
        if found.other_form is not None:
            # Of passages holding every element, one holding them only in another form counts less.
            tier = scores * (1.0 - _OTHER_FORM_DISCOUNT * np.where(all_mask, found.other_form, 0.0))
        if latin is not None:
            # Latin words: whole words, then word starts (golang), then insides (logo).
            tier = tier + np.where(all_mask, _WHOLE_WORD_BONUS * latin, 0.0)
        return scores, tier

    def _filters(self, query: ParsedQuery) -> tuple[np.ndarray, str]:
        """The live rows every filter allows (title:, path:, -word); and when that leaves none,
        the filter that matched nothing as typed ("" while some row is left). A filter is never
        dropped: partial matching relaxes words only."""
        live = np.asarray(self._gen.array("row_live"))
        mask = live.copy()
        for unit in query.excluded:  # in the text or the title; -title:x in the title only
            if not unit.title_only:
                mask[self._literal.rows(unit.literal)[0]] = False
            mask[self._titles.rows(unit.literal)] = False
        for found in query.filters:
            allowed = self._filter_rows(found)
            allowed = (~allowed if found.negated else allowed) & live
            if not allowed.any():
                return allowed, found.typed
            mask &= allowed
        if query.filters and not mask.any():  # each matches, but not together (or not live)
            return mask, " ".join(found.typed for found in query.filters)
        return mask, ""

    def _filter_rows(self, found: Filter) -> np.ndarray:
        """For every row, whether its title (or its file: path, ext, dates) passes `found`,
        negation aside."""
        if found.field != "title":
            return self.file_table().rows(found.field, found.literals)
        mask = np.ones(self._rows, bool)
        for literal in found.literals:
            held = np.zeros(self._rows, bool)
            held[self._titles.rows(literal)] = True
            mask &= held
        return mask

    # -- building hits ----------------------------------------------------------------------

    def _hit(
        self,
        rank: int,
        row: int,
        score: float,
        literals: _Literals,
        titled: np.ndarray | None,
        repeats: list[int] | None = None,
    ) -> Hit:
        """The hit of `row`, `literals` highlighted; `titled` says which titles hold one;
        `repeats` are the rows of the same text it stands for."""
        fields = self._gen.stored_fields(row)
        text, title = fields[schema.TEXT], fields[schema.TITLE]
        # Folding a title to find its spans costs 7-9 µs; most titles hold no query word.
        in_title = titled is not None and bool(titled[self._titles.number(row)])
        return Hit(
            rank=rank,
            score=round(score, 4),
            id=fields[schema.DOC_ID],
            path=fields[schema.PATH],
            title=title,
            paragraph=fields[schema.PARAGRAPH],
            line=fields[schema.LINE],
            text=text,
            spans=match_spans(text, literals.text),
            title_spans=title_spans(title, literals.title) if in_title else (),
            row=row,
            meta=fields.get(schema.META),
            kind=fields.get(schema.KIND, "text"),
            language=fields.get(schema.LANGUAGE, ""),
            page=fields.get(schema.PAGE, 0),
            chapter=fields.get(schema.CHAPTER, ""),
            ocr_confidence=fields.get(schema.OCR_CONFIDENCE, 0.0),
            duplicates=len(repeats or ()),
            duplicate_locations=tuple(
                location(self._gen.stored_fields(other))
                for other in (repeats or ())[:MAX_LOCATIONS]
            ),
        )

    def document(self, hit: Hit, query: str | None = None) -> list[Hit]:
        """Every passage of the hit's document, in order, highlighted for `query`."""
        rows = self._document_rows(hit.row)
        literals = _Literals(None)
        if query:
            try:
                literals = _Literals(self.parse(query))
            except QuerySyntaxError:
                pass  # nothing to highlight
        titled = self._titles.holding_any(literals.title)
        return [self._hit(i, int(row), 0.0, literals, titled) for i, row in enumerate(rows, 1)]

    def context(self, hit: Hit, count: int) -> tuple[list[Hit], list[Hit]]:
        """Up to `count` passages of the hit's document just before it, and just after it, in
        order, unhighlighted (grep's -C)."""
        rows = self._document_rows(hit.row)
        at = int(np.searchsorted(rows, hit.row))
        plain = _Literals(None)
        before = rows[max(at - count, 0) : at] if count else rows[:0]
        after = rows[at + 1 : at + 1 + count]
        return (
            [self._hit(0, int(row), 0.0, plain, None) for row in before],
            [self._hit(0, int(row), 0.0, plain, None) for row in after],
        )

    def _document_rows(self, row: int) -> np.ndarray:
        """The live rows of `row`'s document, in order."""
        row_doc = np.asarray(self._gen.array("row_doc"))
        return np.flatnonzero((row_doc == row_doc[row]) & np.asarray(self._gen.array("row_live")))

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
            segmenter=backend_name(),
            ignore=_ignore_rules(meta.get("ignore")),
        )


def _leading(suggested: list[Hit], typed: list[Hit], limit: int) -> list[Hit]:
    """The suggestion's hits, marked, then the query's own that are not among them, ranked."""
    shown = {hit.row for hit in suggested}
    hits = [dataclasses.replace(hit, suggested=True) for hit in suggested]
    hits += [hit for hit in typed if hit.row not in shown]
    return [dataclasses.replace(hit, rank=rank) for rank, hit in enumerate(hits[:limit], 1)]


def _shown(
    keep: np.ndarray, title_only: tuple[np.ndarray, np.ndarray] | None, filters: np.ndarray
) -> np.ndarray:
    """Every row a ranking may show: those `keep` holds, and a one-element query's rows holding
    it only in their title that the filters allow."""
    if title_only is None or not len(title_only[0]):
        return np.flatnonzero(keep)
    shown = keep.copy()
    shown[title_only[0][filters[title_only[0]]]] = True
    return np.flatnonzero(shown)


def _typed_bonus(typed: np.ndarray | None, rows: np.ndarray) -> np.ndarray | float:
    return 0.0 if typed is None else np.where(typed[rows], _TYPED_BONUS, 0.0)


def _ignore_rules(recorded: object) -> dict:
    """The ignore rules as recorded (search/ never imports ingest, which reads them)."""
    rules = {"hidden": False, "no_ignore": False, "exclude": []}
    if isinstance(recorded, dict):
        rules.update((key, recorded[key]) for key in rules if key in recorded)
    return rules


class _Literals:
    """What to highlight: in the text, the words searched for there; in the title, those and
    the title: filters' words (a filter's words are never marked in the body)."""

    def __init__(self, query: ParsedQuery | None) -> None:
        self.text: list[str] = []
        self.title: list[str] = []
        if query is None:
            return
        for clause in query.clauses:
            for unit in clause.alternatives:
                self.title += unit.literals
                if not unit.title_only:
                    self.text += unit.literals
        self.text += query.chunks
        self.title += query.chunks


# What a hit highlights for a query: the remote engine (remote/engine.py) highlights as this one.
HighlightLiterals = _Literals
