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
    """Rows in the order to show them; grouped, each one's document's matching passages."""

    rows: np.ndarray
    matches: np.ndarray | None = None  # grouped: parallel to `rows`, else None
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
    if group and len(rows):
        # Arrays only: a dict of 74,000 documents (法 on zh-laws) cost 100+ ms to build.
        _, first, inverse, counts = np.unique(
            np.asarray(row_doc)[rows], return_index=True, return_inverse=True, return_counts=True
        )
        order = np.sort(first)  # each document's best row, in relevance order
        rows, matches = rows[order], counts[inverse[order]]
    documents = len(rows) if group else 0
    if sort == "relevance" or not len(rows) or files is None:
        return Arranged(rows, matches, documents)
    position = np.arange(len(rows))
    if sort == "date":
        order = np.lexsort((position, -files.row_mtimes()[rows]))
    else:
        rank = _path_ranks(files.paths)
        order = np.lexsort((rows, rank[files.row_file[rows]]))
    return Arranged(rows[order], None if matches is None else matches[order], documents)


def _path_ranks(paths: list[str]) -> np.ndarray:
    """Each file number's place among the files sorted by path."""
    ranks = np.zeros(len(paths), np.int64)
    ranks[np.argsort(np.array(paths, dtype=object), kind="stable")] = np.arange(len(paths))
    return ranks


def with_file_facts(hits: list[Hit], arranged: Arranged, mtimes: np.ndarray | None) -> list[Hit]:
    """`hits` (the first of `arranged.rows`, in order) with their document's matching passages
    (grouped) and, given every row's file time (sorted by date), their file's modification time."""
    return [
        dataclasses.replace(
            hit,
            matches=int(arranged.matches[at]) if arranged.matches is not None else 0,
            modified=float(mtimes[hit.row]) if mtimes is not None else 0.0,
        )
        for at, hit in enumerate(hits)
    ]
