"""A ParsedQuery → an OpenSearch search body that matches the passages searcher matches.

Matching is literal, as in search/: a literal of two or more characters is a phrase of its
character bigrams (consecutive: "contains the string"), one character a unigram term, and a title
holds a literal when its folded form contains it (a wildcard). The order follows engine.py's
tiers with constant bonuses, named so that the engine can take them off the scores it shows:
several elements: passages holding every one first; one element: in the text as a whole word,
then in the text, then only in the title. Within a tier, BM25 over the jieba words (title words
weighted as in BM25F) and the query's character bigrams, as search/scoring.py does; its literal
and chunk scores have no counterpart here, hence a ranking that agrees in most, not all, places.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from searcher.errors import QuerySyntaxError
from searcher.search.export import bigram_tokens
from searcher.search.query import Clause, Filter, ParsedQuery, Unit

# Bonuses stay small enough that float32 scores (OpenSearch's) keep BM25's order under them:
# around 1e4 a score has steps of 0.001. A BM25 sum over a query's words stays well below 1e3.
ALL_BONUS = 1e4
TEXT_BONUS = 1e4
WHOLE_WORD_BONUS = 1e3
BONUSES = {"all": ALL_BONUS, "text": TEXT_BONUS, "whole": WHOLE_WORD_BONUS}
LITERAL_WEIGHT = 0.4  # as search/scoring.py weighs a literal's occurrences
NGRAM_WEIGHT = 0.5  # as search/scoring.py weighs its bigram BM25
MAX_NGRAMS = 64  # as search/scoring.py, which takes the 64 rarest; here the first 64
# Lucene's default limit of terms in one query (indices.query.bool.max_clause_count).
MAX_TERMS = 1024
SOURCE_FIELDS = ["id", "path", "title", "paragraph", "line", "text", "meta", "kind", "language"]
SOURCE_FIELDS += ["page", "chapter", "ocr_confidence"]
SOURCE_FIELDS += ["text_digest"]  # passages of one folded text collapse into one hit


def search_body(query: ParsedQuery, limit: int, require_all: bool) -> dict:
    """The body of a search for the `limit` best passages of `query` (not collapsed).

    A pasted paragraph can hold more words than OpenSearch takes terms in one query
    (MAX_TERMS): then its scoring is BM25 over the words alone, and past that it is refused."""
    # A word said twice is one clause: any-of and all-of mean the same without the repeat.
    clauses = list({json.dumps(c, sort_keys=True): c for c in map(_clause, query.clauses)}.values())
    boolean: dict = {"filter": [{"bool": {"must": clauses}} if require_all else _any(clauses)]}
    allowed = filter_query(query.filters, query.excluded)["bool"]
    boolean["filter"] += allowed["filter"]
    if allowed["must_not"]:
        boolean["must_not"] = allowed["must_not"]
    boolean["should"] = _tiers(query, clauses) + _relevance(query)
    if _terms(boolean) > MAX_TERMS:
        boolean["should"] = _relevance(query, words_only=True)
        if _terms(boolean) > MAX_TERMS:
            raise QuerySyntaxError(
                f"the query is too long for OpenSearch ({_terms(boolean):,} terms, at most "
                f"{MAX_TERMS:,}); shorten it, or search it in the local index"
            )
    return {
        "query": {"bool": boolean},
        "size": limit,
        "track_total_hits": True,
        "_source": SOURCE_FIELDS,
    }


def _terms(query: object) -> int:
    """How many terms Lucene counts against its clause limit: one a term or wildcard, one a
    token of a phrase or a match."""
    if isinstance(query, list):
        return sum(map(_terms, query))
    if not isinstance(query, dict):
        return 0
    count = 0
    for kind, body in query.items():
        if kind in ("term", "wildcard"):
            count += 1
        elif kind in ("match", "match_phrase"):
            ((_, value),) = body.items()
            text = value["query"] if isinstance(value, dict) else value
            count += len(str(text).split())
        else:
            count += _terms(body)
    return count


def filter_query(filters: Sequence[Filter], excluded: Sequence[Unit] = ()) -> dict:
    """The passages that title: and path: `filters` allow and `excluded` leaves: to tell which
    filter left none."""
    must = [_filter(found.field, found.literals) for found in filters if not found.negated]
    must_not = [_filter(found.field, found.literals) for found in filters if found.negated]
    must_not += [match for unit in excluded for match in _exclusions(unit)]
    return {"bool": {"filter": must, "must_not": must_not}}


def text_match(literal: str) -> dict:
    """Passages whose folded text contains the folded `literal`."""
    parts = literal.split()
    singles = [{"term": {"unigrams": part}} for part in parts if len(part) == 1]
    tokens = list(bigram_tokens(literal))
    if not tokens:
        return singles[0] if len(singles) == 1 else {"bool": {"must": singles}}
    phrase = {"match_phrase": {"bigrams": " ".join(tokens)}}
    # A one-character part between spaces has no bigram; it is asked for on its own.
    return {"bool": {"must": [phrase, *singles]}} if singles else phrase


def title_match(literal: str) -> dict:
    """Passages whose folded title path contains the folded `literal`."""
    return {"wildcard": {"title_folded": {"value": f"*{_escaped(literal)}*"}}}


def _escaped(literal: str) -> str:
    return literal.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")


def _all(queries: list[dict]) -> dict:
    return queries[0] if len(queries) == 1 else {"bool": {"must": queries}}


def _any(queries: list[dict]) -> dict:
    return (
        queries[0]
        if len(queries) == 1
        else {"bool": {"should": queries, "minimum_should_match": 1}}
    )


def _unit(unit: Unit, in_title: bool = True) -> dict:
    """The unit in its passage: each of its literals in the text or in the title."""
    if unit.title_only:  # title:word holds in the title only
        return title_match(unit.literal)
    if not in_title:
        return _all([text_match(literal) for literal in unit.literals])
    return _all([_any([text_match(lit), title_match(lit)]) for lit in unit.literals])


def _clause(clause: Clause, in_title: bool = True) -> dict:
    return _any([_unit(unit, in_title) for unit in clause.alternatives])


def _tiers(query: ParsedQuery, clauses: list[dict]) -> list[dict]:
    if len(clauses) > 1:
        return [_bonus("all", {"bool": {"must": clauses}})]
    (clause,) = query.clauses
    tiers = [_bonus("text", _clause(clause, in_title=False))]
    whole = [
        _all([{"term": {"bm25f_words": word}} for word in dict.fromkeys(unit.words)])
        for unit in clause.alternatives
        if not unit.phrase and unit.words and not unit.title_only
    ]
    return tiers + ([_bonus("whole", _any(whole))] if whole else [])


def _bonus(name: str, query: dict) -> dict:
    return {"constant_score": {"filter": query, "boost": BONUSES[name], "_name": name}}


def _relevance(query: ParsedQuery, words_only: bool = False) -> list[dict]:
    """search/scoring.py's score, as far as Lucene's BM25 gives it: BM25F over the jieba words
    (bm25f_words holds the title's words TITLE_WEIGHT times), a share of BM25 over each literal's
    occurrences, and a share of BM25 over the query's character bigrams."""
    units = [u for clause in query.clauses for u in clause.alternatives if not u.title_only]
    words = " ".join(word for unit in units for word in unit.words)
    texts = list(query.chunks) + [unit.literal for unit in units]
    grams = dict.fromkeys(t for text in texts for t in bigram_tokens(text) if t != "|")
    bigrams = " ".join(list(grams)[:MAX_NGRAMS])
    scoring = [{"match": {"bm25f_words": {"query": words}}}] if words else []
    if words_only:
        return scoring
    for literal in dict.fromkeys(lit for unit in units for lit in unit.literals):
        scoring.append(_boosted(text_match(literal), LITERAL_WEIGHT))
    if bigrams:
        scoring.append({"match": {"bigrams": {"query": bigrams, "boost": NGRAM_WEIGHT}}})
    return scoring


def _boosted(query: dict, boost: float) -> dict:
    ((kind, body),) = query.items()
    if kind == "bool":
        return {"bool": {**body, "boost": boost}}
    ((field, value),) = body.items()
    return {kind: {field: {"query" if kind == "match_phrase" else "value": value, "boost": boost}}}


def _filter(field: str, literals: tuple) -> dict:
    if field == "path":
        return _all(
            [{"wildcard": {"path_folded": {"value": f"*{_escaped(lit)}*"}}} for lit in literals]
        )
    if field == "title":
        return _all([title_match(literal) for literal in literals])
    # A filter the local engine learned after this translation was written: refused, never
    # dropped, so a remote answer is never wider than the local one.
    # ext:, after: and before: read the file manifest, which a push does not send.
    raise QuerySyntaxError(f"{field}: filters cannot be searched in OpenSearch yet")


def _exclusions(unit: Unit) -> list[dict]:
    """-word leaves out passages holding it in text or title; -title:word in the title."""
    matches = [title_match(unit.literal)]
    return matches if unit.title_only else [text_match(unit.literal), *matches]
