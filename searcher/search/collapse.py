"""Repeated passages collapse: of the best rows, those whose folded text is the same count once.

A boilerplate line copied into 100 files would otherwise fill a page of results. The best-placed
copy stands for the others, which become its duplicates. Only the best rows are compared (a
top-k over-fetch of OVERFETCH × limit, grouped by the segments' folded text): reading every
match of a common word (20,000+ on zh-laws) would cost more than the search.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from searcher.search.hits import place_suffix
from searcher.store import schema

OVERFETCH = 3  # rows compared per hit asked for; more when most of them are repeats
MAX_FETCH = 10_000  # rows compared at most: past that, fewer hits than asked may be shown
MAX_LOCATIONS = 5  # duplicates' locations kept per hit (the count keeps them all)


@dataclass
class Group:
    """A passage shown once: its best-placed row and the rows repeating it, best first."""

    row: int
    repeats: list[int] = field(default_factory=list)


def group_rows(rows: np.ndarray, folded: Callable[[int], bytes]) -> list[Group]:
    """`rows` (best first) grouped by folded text, in the order of each group's best row."""
    groups: dict[bytes, Group] = {}
    for row in rows.tolist():
        # The folded text itself is the key: exact, and hashlib stays out of `searcher query`'s
        # start-up (5 ms). Keys are few: a pass compares more rows only while groups are few.
        key = folded(row)
        group = groups.get(key)
        if group is None:
            groups[key] = Group(row)
        else:
            group.repeats.append(row)
    return list(groups.values())


def next_fetch(size: int, found: int, limit: int, fetched: int) -> int:
    """How many rows to compare next, after `fetched` of `size` asked for gave `found` groups
    (0: enough). Mostly repeats (100 copies of one line in a top 30): 4 times as many."""
    if found >= limit or fetched < size or size >= MAX_FETCH:
        return 0
    return min(size * 4, MAX_FETCH)


def location(fields: dict) -> str:
    """A stored passage's place as `path:line` (or as hits.place_suffix says for a PDF, DOCX or
    EPUB), or `path#id` for a JSONL record."""
    path, doc_id = fields[schema.PATH], fields[schema.DOC_ID]
    if doc_id != path:
        return f"{path}#{doc_id}"
    return path + place_suffix(
        fields[schema.LINE],
        fields.get(schema.PAGE, 0),
        fields.get(schema.CHAPTER, ""),
        fields[schema.PARAGRAPH],
    )
