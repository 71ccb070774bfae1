"""Searcher.explain: the parts of a hit's score add up to it, and name the tier it ranked in."""

from __future__ import annotations

import pytest

from searcher.search import Searcher
from searcher.search.scoring import LITERAL_WEIGHT, NGRAM_WEIGHT, QUESTION_WORD_WEIGHT

QUERIES = [
    "网格",
    "网格 管理",
    '"网格员"',
    "网格化管理 工作",
    "什么 网格",
    "议事会",
    "title:手册 网格",
    "网格 OR 充电",
    "管理 -网格",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_parts_of_every_hits_score_add_up_to_it(samples: Searcher, query: str) -> None:
    result = samples.search(query, limit=50)
    assert result.hits
    for hit in result.hits:
        assert samples.explain(query, hit).total == pytest.approx(hit.score, abs=1e-3)


def test_a_word_has_bm25f_and_literal_parts_with_idf_and_tf(samples: Searcher) -> None:
    hit = samples.search("网格", limit=1).hits[0]
    parts = {part.kind: part for part in samples.explain("网格", hit).parts}
    assert set(parts) == {"word", "literal", "bigrams"}
    assert parts["literal"].tf == hit.text.count("网格") and parts["literal"].idf > 0
    assert parts["literal"].factor == LITERAL_WEIGHT and parts["bigrams"].factor == NGRAM_WEIGHT
    assert parts["word"].tf >= 1 and parts["word"].idf > 0


def test_a_chunk_found_as_typed_is_its_own_part(samples: Searcher) -> None:
    hit = samples.search("网格化管理", limit=1).hits[0]
    kinds = [(part.kind, part.text) for part in samples.explain("网格化管理", hit).parts]
    assert ("as typed", "网格化管理") in kinds


def test_tiers_name_all_elements_or_some(samples: Searcher) -> None:
    result = samples.search("网格 管理", limit=50)
    tiers = [samples.explain("网格 管理", hit).tier for hit in result.hits]
    assert tiers[0] == "holds all 2 elements"
    some = [tier for tier in tiers if tier.startswith("holds 1 of 2")]
    assert some and tiers.index(some[0]) > tiers.index("holds all 2 elements")


def test_a_title_only_match_is_explained_as_such(samples: Searcher) -> None:
    result = samples.search("议事会", limit=50)
    explained = [samples.explain("议事会", hit) for hit in result.hits]
    title_only = [e for e in explained if e.tier.startswith("in its title only")]
    assert title_only and all(e.parts[0].kind == "title" for e in title_only)


def test_a_question_word_is_shown_with_its_lower_weight(samples: Searcher) -> None:
    hit = samples.search("什么 网格", limit=1).hits[0]
    weights = {part.text: part.weight for part in samples.explain("什么 网格", hit).parts}
    assert weights.get("网格") == 1.0
    hits = samples.search("什么 网格", limit=50).hits
    asked = [p for h in hits for p in samples.explain("什么 网格", h).parts if p.text == "什么"]
    assert asked and all(part.weight == QUESTION_WORD_WEIGHT for part in asked)
