"""Whoosh's terms reader over a generation: which rows a word of the text or title field matches.

A word matches as it does in searcher (search/scoring.py): every live passage that contains it
literally, in its folded text (n-gram postings, confirmed on the text) or in its folded title
path, inside longer words too. Its weight there comes from the word postings, the BM25F
frequency (title words count TITLE_WEIGHT times); a row holding the word only inside longer
words weighs LITERAL_WEIGHT an occurrence, and one holding it only in its title TITLE_ONLY_WEIGHT.
A word of the title field matches the passages whose title path holds it (searcher's title:),
each weighing 1. The vocabulary (the words jieba cut) is the lexicon of both, for Prefix.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

import numpy as np
from whoosh.codec.base import TermsReader
from whoosh.reading import TermInfo

from searcher.analysis.analyzers import segmented_query_words
from searcher.analysis.grams import literal_keys
from searcher.analysis.normalize import fold_text
from searcher.analysis.tokenizers import Segmenter, read_userdict
from searcher.store.doc_table import TITLE_CHARS_FILE
from searcher.store.generation import Generation
from searcher.store.whoosh_matcher import RowsMatcher

TEXT_FIELD = "text"
TITLE_FIELD = "title"  # a word of it matches the passages whose title path holds it, weight 1
LITERAL_WEIGHT = 0.4  # an occurrence inside a longer word, as searcher's literal score weighs it
TITLE_ONLY_WEIGHT = 0.5  # a word in the title path only, as searcher's TITLE_MATCH_WEIGHT
_FIELDS = (TEXT_FIELD, TITLE_FIELD)
_CACHE_SIZE = 256
_EMPTY = (np.zeros(0, np.int64), np.zeros(0, np.float32))


class TextMatches:
    """The live rows of a generation matching a word, with their weights; remembered per word."""

    def __init__(self, generation: Generation) -> None:
        self._gen = generation
        self._live = np.asarray(generation.array("row_live"))
        self._titles: list[str] | None = None
        # Cuts with the index's user dictionary; loads the segmenter only for a run to cut.
        self._segmenter = Segmenter(read_userdict(generation.meta.get("userdict") or ""))
        self._cache: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()

    def rows(self, word: str, field: str = TEXT_FIELD) -> tuple[np.ndarray, np.ndarray]:
        """(rows ascending, weights) of the live passages holding `word` in `field`."""
        key = (field, word)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        # A run the index does not hold as a word is cut as searcher cuts it in a query, and
        # each of its words must be there (whoosh_schema.JiebaText parses runs whole).
        words = segmented_query_words(fold_text(word), self._known, self._segmenter)
        parts = [self._literal(piece, field) for piece in dict.fromkeys(words)]
        found = parts[0] if len(parts) == 1 else _all_of(parts)
        self._cache[key] = found
        if len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return found

    def _known(self, word: str) -> bool:
        return self._gen.term_id(word) is not None

    def _literal(self, word: str, field: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows, weights) of the live passages holding `word` itself in `field`."""
        if field == TITLE_FIELD:
            rows = self._in_title(word)
            rows = rows[self._live[rows]]
            return rows, np.ones(len(rows), np.float32)
        return self._find(word)

    def _find(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        if not word:
            return _EMPTY
        text_rows, counts = self._in_text(word)
        title_rows = self._in_title(word)
        rows = np.union1d(text_rows, title_rows)
        weights = np.full(len(rows), TITLE_ONLY_WEIGHT, np.float32)
        weights[np.searchsorted(rows, text_rows)] = LITERAL_WEIGHT * counts
        term_id = self._gen.term_id(word)
        if term_id is not None:
            word_rows, tfs = self._gen.word_postings(term_id)
            at = np.searchsorted(rows, word_rows).clip(0, max(len(rows) - 1, 0))
            held = rows[at] == word_rows if len(rows) else np.zeros(len(at), bool)
            weights[at[held]] = tfs[held]
        live = self._live[rows]
        return rows[live], weights[live]

    def _in_text(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows whose folded text holds `word`, and how often (as search/literal.py finds them)."""
        keys = literal_keys(word)
        if not keys:
            return _EMPTY
        postings = [self._gen.gram_postings(key) for key in keys]
        if len(keys) == 1 and len(word) <= 2:  # one character or one bigram: exact
            rows, counts = postings[0]
            return np.asarray(rows, np.int64), np.asarray(counts, np.float32)
        postings.sort(key=lambda posting: len(posting[0]))
        candidates = np.asarray(postings[0][0], np.int64)
        for rows, _ in postings[1:]:
            candidates = np.intersect1d(candidates, rows, assume_unique=True)
        counts = self._gen.literal_counts(word.encode(), candidates)
        found = counts > 0
        return candidates[found], counts[found]

    def _in_title(self, word: str) -> np.ndarray:
        """Rows whose folded title path holds `word` (titles are few: each one is looked in)."""
        if self._titles is None:
            chars = np.asarray(self._gen.array(TITLE_CHARS_FILE.removesuffix(".npy")), np.uint32)
            text = chars.tobytes().decode("utf-32-le", "surrogatepass")
            self._titles = text.split("\0")[:-1] if text else []
        holds = np.array([word in title for title in self._titles] + [False], bool)
        row_title = np.asarray(self._gen.array("row_title"), np.int64)
        return np.flatnonzero(holds[row_title])


def _all_of(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The rows in every part, each weighing the sum of its weights in them."""
    rows = parts[0][0]
    for other, _ in parts[1:]:
        rows = np.intersect1d(rows, other, assume_unique=True)
    weights = sum(w[np.searchsorted(r, rows)] for r, w in parts)
    return rows, np.asarray(weights, np.float32)


class GenerationTerms(TermsReader):
    """The text field's terms for rows [first, end) of a generation, as Whoosh documents."""

    def __init__(
        self, generation: Generation, matches: TextMatches, first: int, end: int, handle: object
    ) -> None:
        self._gen = generation
        self._matches = matches
        self._first, self._end = first, end
        self._lengths = np.asarray(generation.array("row_len"))
        self._handle = handle

    def close(self) -> None:
        if self._handle is not None:
            self._handle.release()
            self._handle = None

    def _postings(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(documents, weights) of a term in this segment."""
        if fieldname not in _FIELDS:
            return _EMPTY
        rows, weights = self._matches.rows(btext.decode("utf-8", "surrogatepass"), fieldname)
        lo, hi = np.searchsorted(rows, [self._first, self._end]).tolist()
        return rows[lo:hi] - self._first, weights[lo:hi]

    def _field_lengths(self, fieldname: str, docs: np.ndarray) -> np.ndarray:
        """Lengths of `docs` in the field: BM25F lengths for text, 1 for every title."""
        if fieldname == TITLE_FIELD:
            return np.ones(len(docs), np.float32)
        return self._lengths[docs + self._first]

    def __contains__(self, term: tuple[str, bytes]) -> bool:
        return len(self._postings(*term)[0]) > 0

    def term_info(self, fieldname: str, btext: bytes) -> TermInfo:
        docs, weights = self._postings(fieldname, btext)
        if not len(docs):
            raise KeyError((fieldname, btext))
        lengths = self._field_lengths(fieldname, docs)
        return TermInfo(
            weight=float(weights.sum()),
            df=len(docs),
            minlength=float(lengths.min()),
            maxlength=float(lengths.max()),
            maxweight=float(weights.max()),
            minid=int(docs[0]),
            maxid=int(docs[-1]),
        )

    def frequency(self, fieldname: str, btext: bytes) -> float:
        return self.term_info(fieldname, btext).weight()

    def doc_frequency(self, fieldname: str, btext: bytes) -> int:
        return self.term_info(fieldname, btext).doc_frequency()

    def matcher(
        self, fieldname: str, btext: bytes, format_: object, scorer: object = None
    ) -> RowsMatcher:
        docs, weights = self._postings(fieldname, btext)
        lengths = self._field_lengths(fieldname, docs)
        return RowsMatcher(docs, weights, lengths, (fieldname, btext), scorer)

    def terms(self) -> Iterator[tuple[str, bytes]]:
        for field in _FIELDS:
            yield from self.terms_from(field, b"")

    def terms_from(self, fieldname: str, prefix: bytes) -> Iterator[tuple[str, bytes]]:
        if fieldname not in _FIELDS:
            return
        for word in self._gen.words_from(prefix.decode("utf-8", "surrogatepass")):
            yield fieldname, word.encode("utf-8", "surrogatepass")

    def items(self) -> Iterator[tuple[tuple[str, bytes], TermInfo]]:
        for field in _FIELDS:
            yield from self.items_from(field, b"")

    def items_from(
        self, fieldname: str, prefix: bytes
    ) -> Iterator[tuple[tuple[str, bytes], TermInfo]]:
        for term in self.terms_from(fieldname, prefix):
            if term in self:
                yield term, self.term_info(*term)

    def indexed_field_names(self) -> list[str]:
        return list(_FIELDS)

    def cursor(self, fieldname: str, fieldobj: object) -> None:
        raise NotImplementedError("fuzzy terms and spelling are not supported on a searcher index")
