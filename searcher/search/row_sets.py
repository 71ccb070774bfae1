"""Sets of rows as numpy arrays: union, membership, a clause's best alternative, the top.

Rows are kept ascending and unique, as postings are, so these never sort what is already in order.
"""

from __future__ import annotations

import numpy as np

# (rows, score on each, how many of the rows hold it in their text) of a unit or a clause: its
# rows, each once, are those holding it in their text, ascending, then those holding it only in
# their title, ascending.
Matched = tuple[np.ndarray, np.ndarray, int]


def best_of(matched: list[Matched]) -> Matched:
    """Every row of any of `matched`, with its best score, in the text if any has it there: a
    clause's alternatives (OR)."""
    if len(matched) == 1:
        return matched[0]
    rows = np.concatenate([rows for rows, _, _ in matched])
    score = np.concatenate([score for _, score, _ in matched])
    in_text = np.concatenate([np.arange(len(rows)) < count for rows, _, count in matched])
    if not len(rows):
        return rows, score, 0
    order = np.argsort(rows, kind="stable")
    rows, score, in_text = rows[order], score[order], in_text[order]
    starts = np.flatnonzero(np.concatenate([[True], rows[1:] != rows[:-1]]))
    in_text = np.logical_or.reduceat(in_text, starts)
    rows, score = text_first(in_text, rows[starts], np.maximum.reduceat(score, starts))
    return rows, score, int(np.count_nonzero(in_text))


def text_first(in_text: np.ndarray | None, *arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """`arrays`, each with the entries where `in_text` is True first, then the others, in
    order (as they are: None, or all True)."""
    if in_text is None or in_text.all():
        return arrays
    return tuple(np.concatenate([array[in_text], array[~in_text]]) for array in arrays)


def union(rows: np.ndarray, more: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Rows of either (both ascending, unique), ascending; and for each, whether `rows` holds it
    (None: `rows` holds them all)."""
    if not len(more):
        return rows, None
    size = int(max(rows[-1], more[-1]) + 1) if len(rows) else int(more[-1] + 1)
    if len(more) * 16 > size:
        # Many: marks over every row. 条例 is in 98,981 of zh-laws' 160,805 passages by title,
        # 20,716 by text: 0.4 ms, where a binary search of each title row took 3 ms.
        marks = np.zeros(size, np.int8)
        marks[more] = 1
        marks[rows] = 2
        merged = np.flatnonzero(marks)
        from_rows = marks[merged] == 2
        return (merged, from_rows) if not from_rows.all() else (rows, None)
    new = more[~holds(rows, more)]  # a few: each looked up in `rows`, no sort of both
    if not len(new):
        return rows, None
    at = np.searchsorted(rows, new) + np.arange(len(new))  # where each lands in the union
    from_rows = np.ones(len(rows) + len(new), bool)
    from_rows[at] = False
    merged = np.empty(len(from_rows), rows.dtype)
    merged[from_rows] = rows
    merged[at] = new
    return merged, from_rows


def common(rows: np.ndarray, more: np.ndarray) -> np.ndarray:
    """Rows in both (both ascending, unique), ascending: each row of the shorter looked up in
    the longer, so a few rows cost no pass over a long list."""
    if len(more) < len(rows):
        rows, more = more, rows
    return rows[holds(more, rows)]


def holds(rows: np.ndarray, among: np.ndarray) -> np.ndarray:
    """For each of `among`, whether `rows` holds it (both ascending)."""
    if not len(rows):
        return np.zeros(len(among), bool)
    return found_at(rows, among)[1]


def found_at(rows: np.ndarray, among: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of `among`, its place in `rows` (`rows` not empty, both ascending) and whether
    it is there: a binary search of each, so a few rows cost no pass over a long list."""
    at = np.minimum(np.searchsorted(rows, among), len(rows) - 1)
    return at, rows[at] == among


def top(candidates: np.ndarray, ranked: np.ndarray, limit: int) -> np.ndarray:
    """The `limit` candidates ranked highest, best first."""
    if limit <= 0 or not len(candidates):
        return candidates[:0]
    if len(candidates) > limit:
        part = np.argpartition(-ranked, limit - 1)[:limit]
        part = _lowest_of_tied(candidates, ranked, part)
    else:
        part = np.arange(len(candidates))
    # Ties break on row order, so results are stable from run to run.
    order = np.lexsort((candidates[part], -ranked[part]))
    return candidates[part][order]


def _lowest_of_tied(candidates: np.ndarray, ranked: np.ndarray, part: np.ndarray) -> np.ndarray:
    """`part` (argpartition's best) with the candidates tied with its last value chosen by row,
    not by where argpartition left them: the best 3 are then the first 3 of the best 10 (on a
    collection holding each text 4 times, `-n 3` and `-n 5` showed different copies)."""
    last = ranked[part].min()
    above = part[ranked[part] > last]
    tied = np.flatnonzero(ranked == last)
    need = len(part) - len(above)
    if len(tied) < need:  # a NaN rank, never expected: argpartition's choice stands
        return part
    if len(tied) > need:
        tied = tied[np.argpartition(candidates[tied], need - 1)[:need]]
    return np.concatenate([above, tied])
