"""Scoring a few rows gives them the very scores that scoring every row does: the engine scores
only the rows holding every element when they fill the page, and only a phrase's rows."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from searcher.search import Searcher
from searcher.search.literal import LiteralMatcher
from searcher.search.scoring import Scorer
from searcher.search.titles import TitleMatcher
from searcher.store.generation import open_generation

QUERIES = [
    "网格",
    "网格 管理",
    "网格员 巡查 居民",
    '"网格化管理"',
    "网格 OR 社区",
    "title:手册 网格",
    "社区 服务 -物业",
    "资料库",  # regional forms: alternatives of one clause
    "wangge",  # pinyin: read as the words it spells
    "什么 是 网格",  # a question word counts less
    "网格化管理工作手册",
]


@pytest.mark.parametrize("query", QUERIES)
def test_scoring_a_few_rows_gives_them_the_scores_of_scoring_all(
    query: str, sample_index: Path
) -> None:
    with Searcher.open(sample_index) as searcher:
        parsed = searcher.parse(query)
    generation = open_generation(sample_index)
    try:
        titles = TitleMatcher(generation)
        scorer = Scorer(generation, LiteralMatcher(generation, titles), titles)
        found = scorer.match(parsed)
        every = scorer.scores(parsed, found)
        matched = np.flatnonzero(found.matched)
        assert len(matched), query
        rng = random.Random(query)
        for size in (1, len(matched) // 3, len(matched)):
            rows = np.sort(np.array(rng.sample(list(matched), max(size, 1))))
            few = scorer.scores(parsed, found, rows)
            assert np.array_equal(few[rows], every[rows]), (query, size)  # the same bits
            others = np.ones(len(few), bool)
            others[rows] = False
            assert not few[others].any()  # no row outside those asked for is scored
    finally:
        generation.close()
