"""Searcher.search(): exact recall for any substring, ranking, and the query syntax end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from searcher.analysis.normalize import fold_text
from searcher.analysis.tokenizers import Segmenter
from searcher.errors import QuerySyntaxError
from searcher.indexing.writer import build_index
from searcher.search import Hit, Searcher

Key = tuple[str, str, int]
GRID_HANDBOOK = "网格化管理工作手册.md"


def _key(hit: Hit) -> Key:
    return (Path(hit.path).name, "" if hit.id == hit.path else hit.id, hit.paragraph)


def _found(searcher: Searcher, query: str, **options: object) -> set[Key]:
    return {_key(hit) for hit in searcher.search(query, limit=1000, **options).hits}


def _containing(passages: dict[Key, str], *literals: str) -> set[Key]:
    """Passages whose folded text holds every literal (folded): the ground truth by plain scan."""
    folded = [fold_text(literal) for literal in literals]
    return {key for key, text in passages.items() if all(f in fold_text(text) for f in folded)}


# ---------------------------------------------------------------------------- ranking


def test_grid_query_ranks_the_grid_handbook_first(samples: Searcher) -> None:
    hits = samples.search("网格", limit=3).hits
    assert Path(hits[0].path).name == GRID_HANDBOOK
    assert [hit.rank for hit in hits] == [1, 2, 3]


def test_grid_query_finds_all_four_documents_about_grids(
    samples: Searcher, sample_passages: dict[Key, str]
) -> None:
    files = {name for name, _, _ in _found(samples, "网格")}
    assert files == {
        GRID_HANDBOOK,
        "社区议事会纪要.txt",
        "养老服务中心走访记.txt",
        "充电棚使用说明.md",
    }
    assert files == {name for name, _, _ in _containing(sample_passages, "网格")}


def test_limit_caps_hits_and_total_counts_every_match(samples: Searcher) -> None:
    result = samples.search("网格", limit=2)
    assert len(result.hits) == 2
    assert result.total == len(_found(samples, "网格")) == 12


@pytest.mark.parametrize(
    ("collection", "query"),
    [
        ("samples", "网格"),
        ("samples", "茶"),
        ("samples", "社区"),
        ("samples", "老人"),
        ("samples", "村"),
        ("data", "5201"),
        ("data", "支部"),
        ("data", "居民"),
        ("data", "iphone"),
    ],
)
def test_whole_word_matches_rank_above_matches_inside_longer_words(
    collection: str, query: str, samples: Searcher, data: Searcher
) -> None:
    searcher = samples if collection == "samples" else data
    kinds = []
    for hit in searcher.search(query, limit=1000).hits:
        words = set(Segmenter().words(fold_text(hit.text)))
        kinds.append("word" if query in words else "inside")
    assert "word" in kinds
    assert kinds == sorted(kinds, key=lambda kind: kind != "word"), kinds


def test_number_inside_a_longer_number_ranks_below_the_number_itself(data: Searcher) -> None:
    texts = [hit.text for hit in data.search("5201", limit=10).hits]
    assert len(texts) == 2
    assert "卖出5201个" in texts[0]
    assert "5201314" in texts[1]


# ---------------------------------------------------------------------------- exact recall


@pytest.mark.parametrize("query", ["网", "的", "茶", "格党", "。", "2024"])
def test_short_and_cross_word_queries_return_every_passage_holding_them(
    query: str, samples: Searcher, sample_passages: dict[Key, str]
) -> None:
    expected = _containing(sample_passages, query)
    assert expected
    assert _found(samples, query) == expected


@pytest.mark.parametrize("query", ["5201", "iphone", "的", "ABC", "１２３"])
def test_substrings_of_numbers_and_latin_words_are_found_everywhere(
    query: str, data: Searcher, data_passages: dict[Key, str]
) -> None:
    expected = _containing(data_passages, query)
    assert expected
    assert _found(data, query) == expected


_SYNTAX = set('"“”-:') | {"OR"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draw=st.data())
def test_any_substring_of_a_sample_passage_is_found_in_every_passage_holding_it(
    draw: st.DataObject, samples: Searcher, sample_passages: dict[Key, str]
) -> None:
    texts = sorted(sample_passages.values())
    text = draw.draw(st.sampled_from(texts))
    length = draw.draw(st.integers(1, 6))
    start = draw.draw(st.integers(0, max(0, len(text) - length)))
    query = text[start : start + length]
    assume(query.strip() and not any(mark in query for mark in _SYNTAX))
    expected = _containing(sample_passages, query.strip())
    assert expected  # the passage it was cut from, at least
    found = _found(samples, query)
    assert expected <= found, f"missed {sorted(expected - found)}"
    # As a phrase, the same text matches exactly the passages that hold it.
    assert _found(samples, f'"{query}"') == expected


# ---------------------------------------------------------------------------- syntax


def test_phrase_matches_only_passages_holding_it_as_typed(
    samples: Searcher, sample_passages: dict[Key, str]
) -> None:
    expected = _containing(sample_passages, "网格党支部")
    assert len(expected) == 2
    assert _found(samples, '"网格党支部"') == expected
    assert _found(samples, "“网格党支部”") == expected  # full-width quotes work too


def test_phrase_across_a_word_boundary(data: Searcher, data_passages: dict[Key, str]) -> None:
    assert _found(data, '"格党"') == _containing(data_passages, "格党") != set()


def test_excluded_word_removes_every_passage_holding_it(
    samples: Searcher, sample_passages: dict[Key, str]
) -> None:
    found = _found(samples, "网格 -党支部")
    assert found == _containing(sample_passages, "网格") - _containing(sample_passages, "党支部")
    assert len(found) == 10


def test_or_matches_passages_holding_either(
    samples: Searcher, sample_passages: dict[Key, str]
) -> None:
    expected = _containing(sample_passages, "茶") | _containing(sample_passages, "网格")
    assert _found(samples, "茶 OR 网格") == expected


def test_all_words_option_keeps_only_passages_holding_every_word(
    samples: Searcher, sample_passages: dict[Key, str]
) -> None:
    expected = _containing(sample_passages, "网格", "居民")
    assert expected
    assert _found(samples, "网格 居民", require_all=True) == expected
    partial = samples.search("网格 居民", limit=1000)
    keys = [_key(hit) for hit in partial.hits]
    # Without the option, passages holding both words come first, then those holding one.
    assert set(keys[: len(expected)]) == expected
    assert set(keys) == _containing(sample_passages, "网格") | _containing(sample_passages, "居民")


def test_title_filter_keeps_every_passage_of_documents_so_titled(
    samples: Searcher, sample_passages: dict[Key, str]
) -> None:
    handbook = {key for key in sample_passages if key[0] == GRID_HANDBOOK}
    assert _found(samples, "title:网格") == handbook
    assert _found(samples, "title:手册") == handbook
    assert _found(samples, "title:居住证明") == {("community-faq.jsonl", "faq-002", 1)}


def test_title_filter_combines_with_words(
    samples: Searcher, sample_passages: dict[Key, str]
) -> None:
    found = _found(samples, "title:手册 党支部", require_all=True)
    assert found == {
        key for key in _containing(sample_passages, "党支部") if key[0] == GRID_HANDBOOK
    }


def test_path_filter_keeps_only_matching_files(samples: Searcher) -> None:
    assert {name for name, _, _ in _found(samples, "path:gb18030 防汛")} == {
        "防汛工作通知-gb18030.txt"
    }
    assert {name for name, _, _ in _found(samples, "path:养老 网格")} == {"养老服务中心走访记.txt"}


@pytest.mark.parametrize(
    ("query", "literal"),
    [("後來", "后来"), ("后来", "后来"), ("關係", "关系"), ("关系", "关系")],
)
def test_traditional_and_simplified_find_each_other(
    query: str, literal: str, data: Searcher, data_passages: dict[Key, str]
) -> None:
    found = _found(data, query)
    assert {name for name, _, _ in found} == {"simplified.txt", "traditional.txt"}
    assert found == _containing(data_passages, literal)


@pytest.mark.parametrize("query", ["ＡＢＣ", "abc", "ABC"])
def test_full_width_and_half_width_letters_find_each_other(query: str, data: Searcher) -> None:
    assert {name for name, _, _ in _found(data, query)} == {"fullwidth.txt", "halfwidth-mixed.md"}


@pytest.fixture(scope="module")
def python_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("python-docs")
    (source / "spaced.txt").write_text("我在网上看 python 教程，讲得很清楚。\n", encoding="utf-8")
    (source / "joined.txt").write_text("这本Python教程适合入门。\n", encoding="utf-8")
    (source / "other.txt").write_text("这是一本烹饪教程，不讲编程。\n", encoding="utf-8")
    index = tmp_path_factory.mktemp("python-index")
    build_index([source], index)
    return index


@pytest.mark.parametrize("query", ["Python教程", "python 教程", "PYTHON 教程"])
def test_mixed_latin_and_chinese_query_matches_with_or_without_space(
    query: str, python_index: Path
) -> None:
    with Searcher.open(python_index) as searcher:
        result = searcher.search(query, limit=10, require_all=True)
    assert {Path(hit.path).name for hit in result.hits} == {"spaced.txt", "joined.txt"}


# ---------------------------------------------------------------------------- bad queries


@pytest.mark.parametrize(
    "query",
    ["", "   ", '"', '""', '"   "', "-x", "-网格", "--", "OR", "OR OR", "-网格 OR", '-"', "path:"],
)
def test_query_with_nothing_to_search_raises_query_syntax_error(
    query: str, samples: Searcher
) -> None:
    try:
        samples.search(query)
    except QuerySyntaxError as err:
        assert str(err) and "\n" not in str(err)


@pytest.mark.parametrize(
    "query",
    ["!!!", "……", "🙂", "-", ":", "title:", "title:OR", '"网格', "网格 OR", "OR 网格", 'title:"'],
)
def test_odd_queries_run_or_raise_query_syntax_error(query: str, data: Searcher) -> None:
    try:
        result = data.search(query)
    except QuerySyntaxError:
        return
    assert result.total >= len(result.hits)


@settings(max_examples=200, deadline=None)
@given(
    query=st.lists(
        st.sampled_from(
            [
                '"',
                "“",
                "”",
                "-",
                "OR",
                "title:",
                "path:",
                ":",
                " ",
                "  ",
                "网格",
                "茶",
                "的",
                "!",
                "？",
                "🙂",
                "\u3000",
                "\t",
                "ＡＢＣ",
                "a",
                "(",
                "*",
                "\\",
                "\x00",
                "'",
            ]
        ),
        max_size=8,
    ).map("".join)
)
def test_random_syntax_never_raises_anything_but_query_syntax_error(
    query: str, samples: Searcher
) -> None:
    try:
        result = samples.search(query, limit=5)
    except QuerySyntaxError:
        return
    assert len(result.hits) <= 5
    assert [hit.rank for hit in result.hits] == list(range(1, len(result.hits) + 1))


# ---------------------------------------------------------------------------- documents


def test_document_returns_every_passage_of_the_hit_in_order(
    samples: Searcher, sample_passages: dict[Key, str]
) -> None:
    hit = samples.search("网格", limit=1).hits[0]
    document = samples.document(hit, "网格")
    expected = sorted((k[2], t) for k, t in sample_passages.items() if k[0] == GRID_HANDBOOK)
    assert [(h.paragraph, h.text) for h in document] == expected
    assert all(h.spans for h in document if "网格" in h.text)


def test_document_of_a_jsonl_record_is_that_record_only(samples: Searcher) -> None:
    hit = samples.search("居住证明", limit=1).hits[0]
    assert hit.id == "faq-002"
    assert [h.id for h in samples.document(hit)] == ["faq-002"]
