"""parse_query(): the user's query syntax → a ParsedQuery of folded literals and words.

Syntax: plain words (each must match; passages holding them all rank first), "quoted phrases"
(consecutive text, across word boundaries), -word or -"phrase" (exclude), a OR b, title:word,
path:text, and the file filters of file_filters.py (ext:md,txt, after:2024-05-01, before:7d),
each negatable (-ext:html, -path:draft). Query text is folded like indexed text
(analysis.analyzers) and cut with the index's own vocabulary, so both sides meet; words other
regions write differently get their forms as alternatives. A malformed query never raises: an
unbalanced quote runs to the end, a lone operator is dropped. Only a query with nothing left to
search, or a file filter's value that is none (after:yesterday), raises QuerySyntaxError.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

from searcher.analysis.analyzers import query_words
from searcher.analysis.frequency_cut import Piece
from searcher.analysis.normalize import fold_text, spaced_apart
from searcher.analysis.regional import regional_forms
from searcher.errors import QuerySyntaxError
from searcher.oneline import without_surrogates
from searcher.search.alternatives import regional_groups
from searcher.search.file_filters import FILE_FIELDS, file_filter_values


@dataclass(frozen=True)
class Unit:
    """One thing a passage can hold: a word, a phrase, or a chunk of words (all must be there)."""

    literal: str  # folded text; for a phrase, it must occur as is
    words: tuple[str, ...]  # words scored with BM25
    phrase: bool = False
    title_only: bool = False
    parts: tuple[str, ...] = ()  # what must occur, when not `words` (they hold a phrase's)
    reading: str = ""  # the pinyin typed that these words were read from (search/pinyin.py)
    weight: float = 1.0  # its scores' share: a rarer reading of the same letters counts less

    @property
    def literals(self) -> tuple[str, ...]:
        """What must occur literally for the unit to match."""
        if self.phrase or not self.words:
            return (self.literal,)
        return self.parts or self.words


@dataclass(frozen=True)
class Clause:
    """A required element of the query: it matches when any of its alternatives does (OR)."""

    alternatives: tuple[Unit, ...]
    # The first alternative is the form typed, the others its regional forms (资料库 → 数据库):
    # passages holding the form typed rank first.
    typed_first: bool = False


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


# The field names alone case-insensitive: IGNORECASE over the whole pattern made compiling it
# fold [^"] and \S over all of Unicode, 4 ms at every start of a fresh `searcher query`.
_TOKEN = re.compile(r'(-?)(?:((?i:title|path|ext|type|after|before)):)?(?:"([^"]*)(?:"|$)|(\S+))')


# A query is something a person types or pastes: a paragraph at most. One 50 MB line took 3.1 GB.
MAX_QUERY_CHARS = 10_000


def parse_query(
    text: str,
    is_known: Callable[[str], bool],
    cut: Callable[[str], list[Piece]],
    forms: Callable[[str], list[str]] = regional_forms,
) -> ParsedQuery:
    """Parse user syntax. `is_known(word)` says whether the index holds a word, `cut(run)` cuts
    a CJK run into the index's words (see analyzers.query_words), `forms(item)` gives a typed
    item's other regional forms (analysis/regional.py), searched as alternatives."""
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
        unit_list = _units(body, quoted, field == "title", is_known, cut)
        if not unit_list:
            continue
        if negated:
            excluded.append(_as_one(body, unit_list))
            pending_or = False
            continue
        regional = [] if quoted or field else forms(body)
        if pending_or:
            previous = clauses.pop()
            if filters and previous in filters[-1][1]:
                filters.pop()
            others = (_as_one(form, _units(form, False, False, is_known, cut)) for form in regional)
            added_units = (_as_one(body, unit_list), *others)
            clauses.append(Clause(previous.alternatives + added_units))
            pending_or = False
            continue
        added = _clauses(body, quoted, unit_list, regional, is_known, cut)
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


def _clauses(
    body: str,
    quoted: bool,
    units: list[Unit],
    forms: list[str],
    is_known: Callable[[str], bool],
    cut: Callable[[str], list[Piece]],
) -> tuple[Clause, ...]:
    """The clauses of one typed item: a phrase or one word is one, several words one each; the
    words other regions write differently (`forms`) have those as alternatives."""
    if forms:
        return _regional_clauses(body, units, forms, is_known, cut)
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
    """(negated, field, body, quoted) of each item typed. Plain words typed apart only by spaces
    between Chinese and Latin letters or digits are one item, as they are one in folded text
    (normalize.fold): "Python 教程" is "Python教程"."""
    items: list[tuple[bool, str, str, bool]] = []
    end = -1
    for match in _TOKEN.finditer(text.replace("“", '"').replace("”", '"')):
        negated, field, quoted, plain = match.groups()
        body = quoted if quoted is not None else plain
        item = (bool(negated), (field or "").lower(), body, quoted is not None)
        gap = text[end : match.start()]
        after_or = len(items) > 1 and items[-2] == (False, "", "OR", False)
        if items and _plain(items[-1]) and _plain(item) and not after_or and not gap.strip():
            if spaced_apart(items[-1][2][-1], body[0]):
                items[-1] = (False, "", items[-1][2] + body, False)
                end = match.end()
                continue
        items.append(item)
        end = match.end()
    return items


def _plain(item: tuple[bool, str, str, bool]) -> bool:
    negated, field, body, quoted = item
    return not (negated or field or quoted) and body != "OR"


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
    cut: Callable[[str], list[Piece]],
) -> list[Unit]:
    folded = fold_text(body).strip()
    if not folded:
        return []
    pieces = query_words(folded, is_known, cut)
    if quoted:
        words = tuple(word for piece in pieces for word in piece)
        return [Unit(folded, words, phrase=True, title_only=title_only)]
    if not pieces:  # emoji or punctuation only: match it literally
        return [Unit(folded, (), phrase=True, title_only=title_only)]
    # Characters the index rarely holds as words alone (a name it does not know) are matched
    # together as typed, each scored as a word.
    return [
        Unit("".join(piece), piece, phrase=len(piece) > 1, title_only=title_only)
        for piece in pieces
    ]


def _as_one(body: str, units: list[Unit]) -> Unit:
    """Several units of one typed item, as one: all its words must match."""
    if len(units) == 1:
        return units[0]
    words = tuple(word for unit in units for word in unit.words)
    parts = tuple(part for unit in units for part in unit.literals)
    literal = fold_text(body).strip()
    parts = () if parts == words else parts
    return Unit(literal, words, title_only=units[0].title_only, parts=parts)


def _sharing(other: Unit, typed: Unit) -> Unit:
    """Another region's form of `typed`, weighed so that being cut into more words than the form
    typed (部落格: 部落 格, against 博客) does not add to its score: its words share the weight
    of the form typed."""
    more = len(other.literals) / max(len(typed.literals), 1)
    return dataclasses.replace(other, weight=other.weight / more) if more > 1 else other


def _regional_clauses(
    body: str,
    units: list[Unit],
    forms: list[str],
    is_known: Callable[[str], bool],
    cut: Callable[[str], list[Piece]],
) -> tuple[Clause, ...]:
    """The clauses of a typed item with regional forms: a clause a word, as _clauses gives,
    but the words another region writes differently are one clause, with each region's text
    for them as alternatives after the words as typed."""
    folded = fold_text(body).strip()
    if len(units) > 1 and any(is_known(form) for form in forms):
        # Another region's form is one word of the index (通信社 → 通讯社): the item is one
        # element, that word against the words typed, not against some of them.
        others = [(_units(form, False, False, is_known, cut), form) for form in forms]
        typed = _as_one(body, units)
        shared = (_sharing(_as_one(form, found), typed) for found, form in others if found)
        alternatives = (typed, *shared)
        return (Clause(alternatives, typed_first=True),)
    spans, at = [], 0
    for unit in units:
        start = folded.find(unit.literal, at)
        start = at if start < 0 else start
        at = start + len(unit.literal)
        spans.append((start, at))
    clauses: list[Clause] = []
    number = 0
    for first, end, texts in regional_groups(folded, spans, forms):
        clauses += [Clause((unit,)) for unit in units[number:first]]
        typed = _as_one(folded[spans[first][0] : spans[end - 1][1]], units[first:end])
        others = [(_units(text, False, False, is_known, cut), text) for text in texts]
        shared = (_sharing(_as_one(text, found), typed) for found, text in others if found)
        alternatives = (typed, *shared)
        clauses.append(Clause(alternatives, typed_first=len(alternatives) > 1))
        number = end
    clauses += [Clause((unit,)) for unit in units[number:]]
    return tuple(clauses)
