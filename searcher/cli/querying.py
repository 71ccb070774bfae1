"""`searcher query`: one search with the options asked for, then the output they pick (hits,
-l locations, a -c count, hits with -C context or --explain), and whether anything matched."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from searcher.cli.grep_output import context_record, print_count, print_files
from searcher.cli.messages import say
from searcher.cli.render import Styler, hit_record, print_hits, print_result, summary
from searcher.oneline import json_line
from searcher.search import Searcher, SearchResult

DEFAULT_LIMIT = 10
_EVERY = 1_000_000_000  # -l without -n: every matching document, as grep -l lists every file


@dataclass(frozen=True)
class QueryOptions:
    limit: int | None = None  # None: DEFAULT_LIMIT, or every document with -l
    require_all: bool = False
    collapse: bool = True
    sort: str = "relevance"
    group: bool = False
    files: bool = False  # -l
    count: bool = False  # -c
    context: int = 0  # -C N
    explain: bool = False
    full: bool = False
    color: str = "auto"
    as_json: bool = False


def run_query(searcher: Searcher, text: str, options: QueryOptions) -> bool:
    """Search `text` and print what `options` ask for; True if anything matched."""
    group = options.group or options.files
    limit = options.limit or (_EVERY if options.files or options.count else DEFAULT_LIMIT)
    if options.count and not options.files:
        limit = 1  # only the total is printed
    result = searcher.search(
        text,
        limit=limit,
        require_all=options.require_all,
        # Counted as grep counts lines: every copy of a repeated passage. Collapsing compares
        # only the best few rows, so its total would depend on -n.
        collapse=options.collapse and not options.count,
        sort=options.sort,
        group=group,
    )
    if options.files:
        print_files(result, options.count, options.as_json)
        _summary(result, options.as_json)
    elif options.count:
        print_count(result, options.as_json)
        if result.empty_filter:  # the count alone is the answer, unless a filter explains it
            _summary(result, options.as_json)
    elif options.context or options.explain:
        _print_annotated(searcher, text, result, options)
        _summary(result, options.as_json)
    else:
        print_result(result, options.full, options.color, as_json=options.as_json)
    return bool(result.total if options.count else result.hits)


def _summary(result: SearchResult, as_json: bool) -> None:
    """The summary on stderr after the results (under --json only when a filter left none)."""
    sys.stdout.flush()
    if not as_json or result.empty_filter:
        say(summary(result))


def _print_annotated(
    searcher: Searcher, text: str, result: SearchResult, options: QueryOptions
) -> None:
    """Hits with -C's neighbouring passages and --explain's parts of the score."""
    context = {
        hit.rank: searcher.context(hit, options.context) for hit in result.hits if options.context
    }
    explained = {hit.rank: searcher.explain(text, hit) for hit in result.hits if options.explain}
    if not options.as_json:
        style = Styler(options.color, sys.stdout)
        print_hits(result, options.full, style, context, explained)
        return
    for hit in result.hits:
        record = hit_record(hit)
        if hit.rank in context:
            record["context"] = context_record(*context[hit.rank])
        if hit.rank in explained:
            record["explain"] = explained[hit.rank].record()
        print(json_line(record))
