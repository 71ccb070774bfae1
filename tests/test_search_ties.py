"""Passages that score alike are shown in the same order whatever the limit: the first hits of
`-n 3` are those of `-n 10`, and a repeated passage is shown at the same place."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from small_index import index_of

from searcher.search import Searcher
from searcher.search.row_sets import top

SAME = "社区网格员每周走访独居老人一次，记录身体和生活情况。"


@pytest.fixture(scope="module")
def tied_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # 300 files holding the same passage under titles of the same length, so they all score the
    # same; a few passages score otherwise around them.
    texts = {f"记录{number:03d}.txt": SAME for number in range(300)}
    texts["其他.txt"] = "网格员走访。\n\n走访记录整理成表，网格员每月汇总上报一次走访情况。"
    return index_of(tmp_path_factory.mktemp("tied"), texts)


@pytest.mark.parametrize("query", ["走访", "网格员 老人", "独居"])
def test_the_first_hits_of_a_small_limit_are_those_of_a_larger_one(
    tied_index: Path, query: str
) -> None:
    with Searcher.open(tied_index) as searcher:
        longest = [hit.row for hit in searcher.search(query, limit=25, collapse=False).hits]
        assert len(longest) == 25
        for limit in (1, 2, 3, 5, 10, 17):
            rows = [hit.row for hit in searcher.search(query, limit=limit, collapse=False).hits]
            assert rows == longest[:limit], limit


def test_a_repeated_passage_is_shown_at_the_same_place_whatever_the_limit(
    tied_index: Path,
) -> None:
    with Searcher.open(tied_index) as searcher:
        shown = set()
        for limit in (1, 2, 3, 10):
            hits = searcher.search("独居", limit=limit).hits
            assert hits[0].duplicates >= 1
            shown.add(hits[0].location())
        assert len(shown) == 1, shown


def test_the_best_few_of_tied_candidates_are_the_lowest_rows() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        size = int(rng.integers(1, 3000))
        ranked = rng.integers(0, 4, size).astype(np.float32)  # many ties
        candidates = rng.choice(10**7, size, replace=False)  # in no order
        full = [row for _, row in sorted(zip(-ranked, candidates, strict=True))]
        for limit in (1, 3, 10, 100):
            assert top(candidates, ranked, limit).tolist() == full[:limit]
