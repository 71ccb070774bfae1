"""Search: query text → ranked hits with exact spans. The API every front end calls."""

from searcher.search.engine import Searcher
from searcher.search.highlight import best_window
from searcher.search.hits import (
    Explanation,
    Hit,
    IndexStats,
    ScorePart,
    SearchResult,
    Span,
    place_suffix,
)

__all__ = [
    "Explanation",
    "Hit",
    "IndexStats",
    "ScorePart",
    "SearchResult",
    "Searcher",
    "Span",
    "best_window",
    "place_suffix",
]
