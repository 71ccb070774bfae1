"""`searcher query`: one search with the options asked for, then the output they pick (hits,
-l locations, a -c count, hits with -C context or --explain), and whether anything matched."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from searcher.cli.grep_output import print_count, print_files, print_with_context
from searcher.cli.messages import say
from searcher.cli.render import Styler, print_result, summary
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
        collapse=options.collapse,
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
    elif options.context:
        context = {hit.rank: searcher.context(hit, options.context) for hit in result.hits}
        style = Styler(options.color, sys.stdout)
        print_with_context(result, context, options.full, style, options.as_json)
        _summary(result, options.as_json)
    else:
        print_result(result, options.full, options.color, as_json=options.as_json)
    return bool(result.total if options.count else result.hits)


def _summary(result: SearchResult, as_json: bool) -> None:
    """The summary on stderr after the results (under --json only when a filter left none)."""
    sys.stdout.flush()
    if not as_json or result.empty_filter:
        say(summary(result))
