"""Literal recall on a zh-laws subset, against a plain scan of each passage's title and text.

Not a test module; eval_quality.py runs it. Two query sets: random 1-6 character strings of the
texts (by kind), and bench_query.py's query mix (two-character words, long words, several words,
single characters, quoted phrases, ASCII/digits). A record is expected when every element of the
query (a word as typed, or a quoted phrase) occurs in its folded title or in its folded text, each
element in one of the two: a phrase never across them.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from pathlib import Path

from searcher.analysis.normalize import fold_text
from searcher.analysis.tokenizers import Segmenter
from searcher.search import Searcher

_ELEMENT = re.compile(r'"([^"]*)"|(\S+)')


class Records:
    """A subset's records, folded, and which of them hold a string in their title or text."""

    def __init__(self, records: list[dict]) -> None:
        self.ids = [r["id"] for r in records]
        self.texts = [fold_text(r["text"]) for r in records]
        self.titles = [fold_text(r.get("title") or "") for r in records]

    def in_text(self, needle: str) -> set[str]:
        return {rid for rid, text in zip(self.ids, self.texts, strict=True) if needle in text}

    def holding(self, needle: str) -> set[str]:
        """Ids whose title or text holds `needle`."""
        in_title = {t for t in set(self.titles) if needle in t}
        return self.in_text(needle) | {
            rid for rid, title in zip(self.ids, self.titles, strict=True) if title in in_title
        }


# -------------------------------------------------------------------------------- strings


def sample_strings(records: list[dict], count: int, seed: int) -> list[str]:
    """`count` random 1-6 character strings of the texts, one in six starting at a digit or
    Latin letter; never holding whitespace or query syntax (quotes, a leading -, field:)."""
    rng = random.Random(seed)
    found: list[str] = []
    while len(found) < count:
        text = rng.choice(records)["text"]
        if len(found) % 6 == 5:
            starts = [i for i, c in enumerate(text) if c.isascii() and c.isalnum()]
            if not starts:
                continue
            start = rng.choice(starts)
        else:
            start = rng.randrange(len(text))
        piece = text[start : start + rng.randint(1, 6)]
        if any(c.isspace() or c in '"“”:' for c in piece) or piece.startswith("-"):
            continue
        if piece not in found and piece != "OR":
            found.append(piece)
    return found


def kind(piece: str, words: set[str], inside: bool) -> str:
    if any(c.isascii() and c.isalnum() for c in piece):
        return "digits/ASCII/mixed"
    if len(piece) == 1:
        return "one character"
    if piece in words:
        return "whole word"
    return "part of a word" if inside else "across word boundaries"


def literal_recall(
    records: list[dict],
    index_dir: Path,
    naive_search: Callable[[str], set[str]] | None,
    count: int,
    seed: int,
) -> dict[str, list]:
    """Per kind of string: (recall, naive recall or None, word-first share or None, text-first
    share or None) of each string."""
    scan = Records(records)
    segmenter = Segmenter()  # the evaluation indexes are built without a user dictionary
    pairs = zip(scan.ids, scan.texts, strict=True)
    tokens = {rid: set(segmenter.words(text)) for rid, text in pairs}
    title_words = {t: set(segmenter.words(t)) for t in set(scan.titles)}
    titles = dict(zip(scan.ids, scan.titles, strict=True))
    every_word = {w for words in tokens.values() for w in words}
    rows: dict[str, list] = {}
    with Searcher.open(index_dir) as searcher:
        for piece in sample_strings(records, count, seed):
            needle = fold_text(piece)
            truth = scan.holding(needle)
            if not truth:  # folding changed the string's neighbourhood (rare): no ground truth
                continue
            in_text = scan.in_text(needle)
            # Uncollapsed: collapsing shows a repeated passage once, and each copy is a passage
            # holding the string (with collapsing on, recall read 0.949 for that reason alone).
            ours = [hit.id for hit in searcher.search(piece, limit=10**7, collapse=False).hits]
            naive = naive_search(piece) if naive_search else None
            inside = any(needle in w and needle != w for w in every_word)
            whole = {r for r in in_text if needle in tokens[r] or needle in title_words[titles[r]]}
            rows.setdefault(kind(needle, every_word, inside), []).append(
                (
                    len(truth & set(ours)) / len(truth),
                    None if naive is None else len(truth & naive) / len(truth),
                    _ranked_first(ours, whole, in_text - whole),
                    _ranked_first(ours, in_text, truth - in_text),
                )
            )
    return rows


def _ranked_first(ranked: list[str], first: set[str], then: set[str]) -> float | None:
    """Share of (`first`, `then`) pairs where the `first` one ranks higher; None: no pairs."""
    if not first or not then:
        return None
    position = {rid: at for at, rid in reversed(list(enumerate(ranked)))}
    first_ranks = sorted(position.get(rid, math.inf) for rid in first)
    good = 0
    for rid in then:
        at = position.get(rid, math.inf)
        good += sum(1 for r in first_ranks if r < at)
    return good / (len(first) * len(then))


def literal_table(rows: dict[str, list]) -> list[str]:
    lines = [
        "| kind | strings | searcher recall (mean / min) | naive recall (mean / min)"
        " | word-first pairs (strings) | text-first pairs (strings) |",
        "|---|---|---|---|---|---|",
    ]
    everything = [row for kind_rows in rows.values() for row in kind_rows]
    for name, kind_rows in sorted(rows.items()) + [("all", everything)]:
        ours = [r[0] for r in kind_rows]
        naive = [r[1] for r in kind_rows if r[1] is not None]
        naive_recall = f"{sum(naive) / len(naive):.3f} / {min(naive):.3f}" if naive else "–"
        lines.append(
            f"| {name} | {len(kind_rows)} | {sum(ours) / len(ours):.3f} / {min(ours):.3f}"
            f" | {naive_recall} | {_share([r[2] for r in kind_rows])}"
            f" | {_share([r[3] for r in kind_rows])} |"
        )
    return lines


def _share(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{sum(known) / len(known):.3f} ({len(known)})" if known else "–"


# -------------------------------------------------------------------------------- query mix


def mix_recall(records: list[dict], queries: list[tuple[str, str]], index_dir: Path) -> dict:
    """Per kind of query: (recall, recall with require_all, found nothing, text-first share or
    None) of each query."""
    scan = Records(records)
    rows: dict[str, list] = {}
    with Searcher.open(index_dir) as searcher:
        for query_kind, query in queries:
            elements = [fold_text(q or p) for q, p in _ELEMENT.findall(query)]
            elements = [element for element in elements if element]
            truth = set.intersection(*(scan.holding(e) for e in elements))
            if not truth:
                continue
            ranked = [hit.id for hit in searcher.search(query, limit=10**7, collapse=False).hits]
            every = {
                hit.id
                for hit in searcher.search(query, 10**7, require_all=True, collapse=False).hits
            }
            in_text = truth & set.intersection(*(scan.in_text(e) for e in elements))
            rows.setdefault(query_kind, []).append(
                (
                    len(truth & set(ranked)) / len(truth),
                    len(truth & every) / len(truth),
                    not ranked,
                    _ranked_first(ranked, in_text, truth - in_text),
                )
            )
    return rows


def mix_table(rows: dict[str, list]) -> list[str]:
    lines = [
        "| kind | queries | recall (mean / min) | recall with --all (mean / min)"
        " | queries finding nothing | text-first pairs (queries) |",
        "|---|---|---|---|---|---|",
    ]
    everything = [row for kind_rows in rows.values() for row in kind_rows]
    for name, kind_rows in [*rows.items(), ("all", everything)]:
        found = [r[0] for r in kind_rows]
        every = [r[1] for r in kind_rows]
        lines.append(
            f"| {name} | {len(kind_rows)} | {sum(found) / len(found):.3f} / {min(found):.3f}"
            f" | {sum(every) / len(every):.3f} / {min(every):.3f}"
            f" | {sum(r[2] for r in kind_rows)} | {_share([r[3] for r in kind_rows])} |"
        )
    return lines
