"""The one place where analysis is composed, for passages at index time and for queries.

A passage is folded (normalize.fold) and cut into jieba words; its title's words count too,
weighted, which is how BM25F sees the title field. A query chunk is folded the same way and cut
into words with the index's own vocabulary (frequency_cut.py), never with the segmenter.
Passages are cut with the Segmenter they are given: the one built from the index's dictionary.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from searcher.analysis.frequency_cut import Piece
from searcher.analysis.normalize import fold_text, is_han
from searcher.analysis.tokenizers import Segmenter

# Bump when anything below changes what is indexed: old indexes then ask for --rebuild.
ANALYSIS_VERSION = 3  # 2: rjieba words re-cut as jieba's (tokenizers._as_jieba); 3: no spaces
# between Chinese and Latin letters or digits (normalize.fold), and symbol terms (c++, wi-fi)
TITLE_WEIGHT = 2.0  # a title word counts as this many body words (BM25F field weight)


def analysis_settings(userdict_sha1: str | None = None) -> dict[str, object]:
    """What the index records about its analysis; a reader refuses an index that differs."""
    return {
        "version": ANALYSIS_VERSION,
        "folding": "nfkc+lower+opencc-t2s+no-space-between-han-and-latin",
        "segmenter": "jieba-default-hmm",
        "title_weight": TITLE_WEIGHT,
        "userdict_sha1": userdict_sha1,
    }


@dataclass(frozen=True)
class AnalyzedPassage:
    folded: str  # the folded passage text, same length as the original unless folding expanded it
    words: dict[str, float]  # word → weighted frequency (body count + TITLE_WEIGHT × title count)
    length: float  # weighted number of words, the BM25 document length


def analyze_passage(text: str, title_words: Counter[str], segmenter: Segmenter) -> AnalyzedPassage:
    folded = fold_text(text)
    words: dict[str, float] = dict(Counter(segmenter.words(folded)))
    for term in symbol_terms(folded):  # beside jieba's pieces of them (c, +, +)
        words[term] = words.get(term, 0) + 1
    length = float(sum(words.values()))
    for word, count in title_words.items():
        words[word] = words.get(word, 0.0) + TITLE_WEIGHT * count
        length += TITLE_WEIGHT * count
    return AnalyzedPassage(folded, words, length)


def analyze_title(title: str, segmenter: Segmenter) -> Counter[str]:
    folded = fold_text(title)
    words = Counter(word for word, _, _ in segmenter.cut(folded))
    words.update(symbol_terms(folded))
    return words


# Terms whose symbols are part of them (folded: lower case): c++, c#, f#, .net, node.js, 3.14,
# wi-fi, covid-19, 2024-05-01. jieba cuts them at the symbols (c / + / +, wi / fi), so each is
# also a word of its own, and a query keeps it whole. Letters and digits alone (5g, iphone15)
# are one word already.
_SYMBOL_TERM = re.compile(
    r"(?<![a-z0-9.])\.[a-z][a-z0-9]*(?![a-z0-9])"  # .net
    r"|(?<![a-z0-9])[a-z0-9]+(?:[.\-][a-z0-9]+)+(?:\+\+|#)?(?![a-z0-9])"  # node.js, wi-fi, 3.14
    r"|(?<![a-z0-9])[a-z][a-z0-9]*(?:\+\+|#)(?![a-z0-9+#])"  # c++, c#, f#
)


def symbol_terms(folded: str) -> list[str]:
    """The terms of folded text that hold symbols (see _SYMBOL_TERM), but those jieba keeps
    whole itself (3.14)."""
    if not _SYMBOLS.search(folded):
        return []
    return [term for term in _SYMBOL_TERM.findall(folded) if not _ASCII_WORD.fullmatch(term)]


# jieba's own rule for runs it has no dictionary entry for (finalseg's re_skip): 4.55, 50%, iphone15
_ASCII_WORD = re.compile(r"[a-z0-9]+(?:\.\d+)?%?")
_SYMBOLS = re.compile(r"[a-z0-9][.+#\-]|\.[a-z]")
_QUERY_TERM = re.compile(f"{_SYMBOL_TERM.pattern}|{_ASCII_WORD.pattern}")


def query_words(
    folded: str, is_known: Callable[[str], bool], cut: Callable[[str], list[Piece]]
) -> list[Piece]:
    """Words of a folded query chunk: ASCII runs as jieba's rule splits them, CJK runs by `cut`.

    `cut` is the index's own vocabulary cut (frequency_cut.cut_by_frequency): no segmenter is
    loaded for a query (rjieba's dictionary cost a fresh `searcher query` 115 ms). A run the
    index holds as a word is that word. Each piece is one word, or characters to be matched
    together as typed. Matching is literal for every piece, so a different cut changes scores
    and never which passages hold the whole query.
    """
    pieces: list[Piece] = []
    for kind, chars in itertools.groupby(folded, _kind):
        if kind == _SPACE:
            continue
        run = "".join(chars)
        if kind == _OTHER:
            words = _QUERY_TERM.findall(run) or ([run] if any(c.isalnum() for c in run) else [])
            pieces.extend((word,) for word in words)
        elif len(run) == 1 or is_known(run):
            pieces.append((run,))
        else:
            pieces.extend(cut(run))
    return pieces


_HAN_RUN, _OTHER, _SPACE = 0, 1, 2


def _kind(char: str) -> int:
    """Which run a query's character belongs to: Chinese, other, or none (a space). A loop,
    not the regex of two classes of 28,000 characters, which took 4 ms to compile at every
    start of a fresh `searcher query`; a query is short."""
    if is_han(char):
        return _HAN_RUN
    return _SPACE if char.isspace() else _OTHER


def segmented_query_words(
    folded: str, is_known: Callable[[str], bool], segmenter: Segmenter
) -> list[str]:
    """query_words() with runs cut by a Segmenter, one word a piece: for readers that have no
    vocabulary at hand (the Whoosh view of an index, store/whoosh_*.py)."""

    pieces = query_words(folded, is_known, segmenter_cut(segmenter))
    return [word for piece in pieces for word in piece]


def segmenter_cut(segmenter: Segmenter) -> Callable[[str], list[Piece]]:
    """A `cut` for query_words() by a Segmenter, one word a piece, where no index vocabulary
    with frequencies is at hand (the Whoosh view, a pushed OpenSearch index)."""
    return lambda run: [(word,) for word, _, _ in segmenter.cut(run)]
