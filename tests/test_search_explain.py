"""Searcher.explain: the parts of a hit's score add up to it, and name the tier it ranked in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from small_index import index_of

from searcher.search import Searcher
from searcher.search.engine import _OTHER_FORM_DISCOUNT
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


# Each pair's second passage scores higher: only the tier above the score puts it second.
TIER_TEXTS = {
    "whole.txt": "学 go 的教程放在这里。",
    "prefix.txt": "学 golang 的教程放在这里，这份教程很长很长很长。",
    "inside.txt": "换 logo 的教程。",
    "taiwan.txt": "資料庫每天備份。",
    "mainland.txt": "数据库每天备份，数据库很重要。",
    "account.txt": "登录名 wangge 的账号已经注销，相关记录保存在档案室，需要查询时请联系管理员。",
    "grid.txt": "社区网格员每天巡查网格。",
}


@pytest.fixture(scope="module")
def tiers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    with Searcher.open(index_of(tmp_path_factory.mktemp("tiers"), TIER_TEXTS)) as searcher:
        yield searcher


def _explained(searcher: Searcher, query: str) -> list[tuple[str, float, str]]:
    """(file, score, tier) of each hit, best first; each explanation adds up to its score."""
    found = []
    for hit in searcher.search(query).hits:
        explanation = searcher.explain(query, hit)
        assert explanation.total == pytest.approx(hit.score, abs=1e-3)
        found.append((Path(hit.path).name, hit.score, explanation.tier))
    return found


@pytest.mark.parametrize(("query", "first"), [("go 教程", "holds all 2 elements; "), ("go", "")])
def test_a_latin_words_tier_is_named_whole_word_prefix_or_inside(
    tiers: Searcher, query: str, first: str
) -> None:
    (whole, _, whole_tier), (prefix, low, prefix_tier), (inside, high, inside_tier) = _explained(
        tiers, query
    )
    assert (whole, prefix, inside) == ("whole.txt", "prefix.txt", "inside.txt")
    assert low < high  # golang ranks above logo for its tier, not its score
    assert whole_tier == first + '"go" as a whole word'
    assert prefix_tier == first + '"go" at the start of a word: after it as a whole word'
    assert inside_tier == first + '"go" inside a word: after it at the start of one'


def test_a_regional_form_as_typed_is_named_and_another_regions_share(tiers: Searcher) -> None:
    (taiwan, low, typed), (mainland, high, other) = _explained(tiers, "資料庫")
    assert (taiwan, mainland) == ("taiwan.txt", "mainland.txt") and low < high
    assert typed == "as typed; a whole word of the text"
    share = 1 - _OTHER_FORM_DISCOUNT  # its one element only in another form
    assert other == (
        f"in another region's form: ranked at {share:g} × its score; a whole word of the text"
    )


def test_latin_letters_as_typed_are_named_above_their_pinyin_reading(tiers: Searcher) -> None:
    (account, low, typed), (grid, high, read) = _explained(tiers, "wangge")
    assert (account, grid) == ("account.txt", "grid.txt") and low < high
    assert typed == 'as typed; "wangge" as a whole word'
    assert read == (
        "read as pinyin: after passages holding the letters as typed; a whole word of the text"
    )
    partial = dict((name, tier) for name, _, tier in _explained(tiers, "wangge 每天"))
    assert partial["grid.txt"] == (
        "holds all 2 elements; read as pinyin: after passages holding the letters as typed"
    )
    assert partial["mainland.txt"] == (
        "holds 1 of 2 elements: below every passage holding all; "
        "without the letters as typed: after passages holding them"
    )


def test_a_query_without_other_forms_or_latin_words_has_no_such_tier(tiers: Searcher) -> None:
    assert {tier for _, _, tier in _explained(tiers, "教程")} <= {
        "a whole word of the text",
        "inside longer words of the text: after passages holding it as a word",
    }
