"""Other orders of the matching rows than relevance, and one row per document.

engine.Searcher ranks every matching row by relevance first (best first); these rearrange that
ranking. Under `--sort date`, passages of files saved at the same time keep their relevance
order; under `--sort path`, the passages of a file come in reading order.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from searcher.search.file_filters import FileTable
from searcher.search.hits import Hit

SORTS = ("relevance", "date", "path")


@dataclass(frozen=True)
class Arranged:
    """Rows in the order to show them; with grouping, each document's matching passages."""

    rows: np.ndarray
    matches: dict[int, int] | None = None  # row → its document's matching passages (grouped)
    documents: int = 0  # matching documents (grouped), else 0


def arrange(
    ranked: np.ndarray, sort: str, group: bool, row_doc: np.ndarray, files: FileTable | None
) -> Arranged:
    """`ranked` (every matching row, best first) grouped by document if `group` (each one's
    best row stands for it), then put in `sort` order ("relevance", "date": newest file first,
    "path": by file path, then the rows' order in it). `files` is needed unless sorting by
    relevance."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    rows = np.asarray(ranked, np.int64)
    matches = None
    documents = 0
    if group and len(rows):
        docs = np.asarray(row_doc)[rows]
        _, first, counts = np.unique(docs, return_index=True, return_counts=True)
        order = np.sort(first)  # each document's best row, in relevance order
        count_of = dict(zip(docs[first].tolist(), counts.tolist(), strict=True))
        rows = rows[order]
        shown = zip(rows.tolist(), docs[order].tolist(), strict=True)
        matches = {row: count_of[doc] for row, doc in shown}
        documents = len(rows)
    if sort == "relevance" or not len(rows) or files is None:
        return Arranged(rows, matches, documents)
    position = np.arange(len(rows))
    if sort == "date":
        order = np.lexsort((position, -files.row_mtimes()[rows]))
    else:
        rank = _path_ranks(files.paths)
        order = np.lexsort((rows, rank[files.row_file[rows]]))
    return Arranged(rows[order], matches, documents)


def _path_ranks(paths: list[str]) -> np.ndarray:
    """Each file number's place among the files sorted by path."""
    ranks = np.zeros(len(paths), np.int64)
    ranks[np.argsort(np.array(paths, dtype=object), kind="stable")] = np.arange(len(paths))
    return ranks


def with_file_facts(hits: list[Hit], arranged: Arranged, mtimes: np.ndarray | None) -> list[Hit]:
    """`hits` with their document's matching passages (grouped) and, given every row's file
    time (sorted by date), their file's modification time."""
    return [
        dataclasses.replace(
            hit,
            matches=arranged.matches.get(hit.row, 0) if arranged.matches else 0,
            modified=float(mtimes[hit.row]) if mtimes is not None else 0.0,
        )
        for hit in hits
    ]
