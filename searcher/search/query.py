"""parse_query(): the user's query syntax → a ParsedQuery of folded literals and words.

Syntax: plain words (each must match; passages holding them all rank first), "quoted phrases"
(consecutive text, across word boundaries), -word or -"phrase" (exclude), a OR b, title:word,
path:text, and the file filters of file_filters.py (ext:md,txt, after:2024-05-01, before:7d),
each negatable (-ext:html, -path:draft). Query text is folded and cut exactly like indexed text
(analysis.analyzers), with the Segmenter of the index searched, so both sides meet. A malformed
query never raises: an unbalanced quote runs to the end, a lone operator is dropped. Only a query
with nothing left to search, or a file filter's value that is none (after:yesterday), raises
QuerySyntaxError.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from searcher.analysis.analyzers import query_words
from searcher.analysis.normalize import fold_text
from searcher.analysis.tokenizers import Segmenter
from searcher.errors import QuerySyntaxError
from searcher.oneline import without_surrogates
from searcher.search.file_filters import FILE_FIELDS, file_filter_values


@dataclass(frozen=True)
class Unit:
    """One thing a passage can hold: a word, a phrase, or a chunk of words (all must be there)."""

    literal: str  # folded text; for a phrase, it must occur as is
    words: tuple[str, ...]  # words scored with BM25
    phrase: bool = False
    title_only: bool = False

    @property
    def literals(self) -> tuple[str, ...]:
        """What must occur literally for the unit to match."""
        return (self.literal,) if self.phrase or not self.words else self.words


@dataclass(frozen=True)
class Clause:
    """A required element of the query: it matches when any of its alternatives does (OR)."""

    alternatives: tuple[Unit, ...]


@dataclass(frozen=True)
class Filter:
    """A filter item as typed (title:, path:, ext:, after:, before:): every hit must pass it,
    partial matches or not; a negated one (-path:x) lets through exactly what it would stop."""

    typed: str  # as the user wrote it, e.g. "title:不存在的标题", to say which one matched nothing
    field: str  # "title", "path", "ext", "after" or "before"
    # folded; a passage's title (or file path) must hold every one; for ext: the extensions
    # (any one); for after:/before: one bound, a float of Unix seconds (file_filters.py)
    literals: tuple
    negated: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    clauses: tuple[Clause, ...]
    excluded: tuple[Unit, ...] = ()
    paths: tuple[str, ...] = ()  # path:… filters, folded
    chunks: tuple[str, ...] = ()  # folded multi-word chunks, a bonus where they occur as typed
    filters: tuple[Filter, ...] = ()  # title:, path: and file filter items, in the order typed


_TOKEN = re.compile(
    r'(-?)(?:(title|path|ext|type|after|before):)?(?:"([^"]*)(?:"|$)|(\S+))', re.IGNORECASE
)


# A query is something a person types or pastes: a paragraph at most. One 50 MB line took 3.1 GB.
MAX_QUERY_CHARS = 10_000


def parse_query(text: str, is_known: Callable[[str], bool], segmenter: Segmenter) -> ParsedQuery:
    """Parse user syntax. `is_known(word)` says whether the index holds a word (see query_words);
    `segmenter` cuts as the index was cut (built from its user dictionary)."""
    text = _clean(text)
    items = _items(text)
    clauses: list[Clause] = []
    excluded: list[Unit] = []
    paths: list[str] = []
    chunks: list[str] = []
    # title: filters with the clauses they added: an OR that follows makes the last of them an
    # alternative, no longer a filter (title:a OR b matches passages with b outside such titles).
    filters: list[tuple[Filter, tuple[Clause, ...]]] = []
    pending_or = False
    for negated, field, body, quoted in items:
        if not quoted and not field and not negated and body == "OR":
            pending_or = bool(clauses)
            continue
        if field == "path" or field in FILE_FIELDS:
            found = _file_filter(field, body, quoted, negated)
            filters += [(found, ())] if found else []
            paths += [found.literals[0]] if found and field == "path" and not negated else []
            continue
        unit_list = _units(body, quoted, field == "title", is_known, segmenter)
        if not unit_list:
            continue
        if negated:
            excluded.append(_as_one(body, unit_list))
            pending_or = False
            continue
        if pending_or:
            previous = clauses.pop()
            if filters and previous in filters[-1][1]:
                filters.pop()
            clauses.append(Clause(previous.alternatives + (_as_one(body, unit_list),)))
            pending_or = False
            continue
        added = _clauses(body, quoted, unit_list)
        clauses.extend(added)
        if field == "title":
            literals = tuple(unit.literal for unit in unit_list)
            filters.append((_typed_filter("title", body, quoted, literals), added))
        elif len(added) > 1:  # a chunk is a bonus in the text, where a title: word is not
            chunks.append(fold_text(body))
    if not clauses:
        if excluded or filters:
            raise QuerySyntaxError("the query only excludes or filters; add a word to search for")
        raise QuerySyntaxError("the query is empty; type a word or a phrase to search for")
    return ParsedQuery(
        text,
        tuple(clauses),
        tuple(excluded),
        tuple(paths),
        tuple(chunks),
        tuple(found for found, _ in filters),
    )


def _clauses(body: str, quoted: bool, units: list[Unit]) -> tuple[Clause, ...]:
    """The clauses of one typed item: a phrase or one word is one, several words one each."""
    if quoted or len(units) == 1:
        return (Clause((_as_one(body, units),)),)
    return tuple(Clause((unit,)) for unit in units)


def _file_filter(field: str, body: str, quoted: bool, negated: bool) -> Filter | None:
    """A path:, ext:, type:, after: or before: item (None: an empty path:)."""
    if field == "path":
        path = fold_text(body.strip())
        return _typed_filter("path", body, quoted, (path,), negated) if path else None
    values = file_filter_values(field, body, _typed(field, body, quoted, negated))
    return _typed_filter(field, body, quoted, values, negated)


def _typed_filter(
    field: str, body: str, quoted: bool, literals: tuple, negated: bool = False
) -> Filter:
    typed = _typed(field, body, quoted, negated)
    return Filter(typed, "ext" if field == "type" else field, literals, negated)


def _typed(field: str, body: str, quoted: bool, negated: bool) -> str:
    shown = f'"{body}"' if quoted else body
    return f"{'-' if negated else ''}{field}:{shown}"


def _items(text: str) -> list[tuple[bool, str, str, bool]]:
    """(negated, field, body, quoted) of each item typed."""
    items = []
    for match in _TOKEN.finditer(text.replace("“", '"').replace("”", '"')):
        negated, field, quoted, plain = match.groups()
        body = quoted if quoted is not None else plain
        items.append((bool(negated), (field or "").lower(), body, quoted is not None))
    return items


def _clean(text: str) -> str:
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(
            f"the query is {len(text):,} characters long; the limit is {MAX_QUERY_CHARS:,}"
        )
    # Control characters cannot be typed into text we index; they would only make a query miss.
    # A line break or a tab is text, though: a phrase pasted across a line end must keep it.
    text = "".join(
        " " if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0 else c for c in text
    ).strip()
    # A lone surrogate (an undecodable byte of argv) is U+FFFD, as in text decoded with errors.
    return without_surrogates(text)


def _units(
    body: str,
    quoted: bool,
    title_only: bool,
    is_known: Callable[[str], bool],
    segmenter: Segmenter,
) -> list[Unit]:
    folded = fold_text(body).strip()
    if not folded:
        return []
    # A quoted phrase is matched as typed, and needs no segmenter to be scored (see query_words).
    words = tuple(query_words(folded, is_known, segmenter, segment=not quoted))
    if quoted:
        return [Unit(folded, words, phrase=True, title_only=title_only)]
    if not words:  # emoji or punctuation only: match it literally
        return [Unit(folded, (), phrase=True, title_only=title_only)]
    return [Unit(word, (word,), title_only=title_only) for word in words]


def _as_one(body: str, units: list[Unit]) -> Unit:
    """Several units of one typed item, as one: all its words must match."""
    if len(units) == 1:
        return units[0]
    words = tuple(word for unit in units for word in unit.words)
    return Unit(fold_text(body).strip(), words, title_only=units[0].title_only)
