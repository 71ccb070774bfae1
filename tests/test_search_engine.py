"""Searcher.search(): exact recall for any substring, ranking, and the query syntax end to end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from searcher.analysis.normalize import fold_text
from searcher.analysis.tokenizers import Segmenter
from searcher.errors import QuerySyntaxError
from searcher.indexing.writer import build_index
from searcher.search import Hit, Searcher, SearchResult, Span

Key = tuple[str, str, int]
GRID_HANDBOOK = "网格化管理工作手册.md"


def _key(hit: Hit) -> Key:
    return (Path(hit.path).name, "" if hit.id == hit.path else hit.id, hit.paragraph)


def _found(searcher: Searcher, query: str, **options: object) -> set[Key]:
    """Every passage found; repeats too (their recall is what is tested, not collapsing)."""
    options.setdefault("collapse", False)
    return {_key(hit) for hit in searcher.search(query, limit=1000, **options).hits}


Docs = dict[Key, tuple[str, str]]  # (title path, text) of each passage


@pytest.fixture(scope="module")
def sample_docs(sample_passages: dict[Key, str], sample_titles: dict[Key, str]) -> Docs:
    return {key: (sample_titles[key], text) for key, text in sample_passages.items()}


@pytest.fixture(scope="module")
def data_docs(data_passages: dict[Key, str], data_titles: dict[Key, str]) -> Docs:
    return {key: (data_titles[key], text) for key, text in data_passages.items()}


def _containing(docs: Docs, *literals: str) -> set[Key]:
    """Passages whose folded title or folded text holds each literal (folded), the one or the
    other: the ground truth by plain scan."""
    folded = [fold_text(literal) for literal in literals]
    return {
        key
        for key, (title, text) in docs.items()
        if all(f in fold_text(title) or f in fold_text(text) for f in folded)
    }


# ---------------------------------------------------------------------------- ranking


def test_grid_query_ranks_the_grid_handbook_first(samples: Searcher) -> None:
    hits = samples.search("网格", limit=3).hits
    assert Path(hits[0].path).name == GRID_HANDBOOK
    assert [hit.rank for hit in hits] == [1, 2, 3]


def test_grid_query_finds_every_document_about_grids(samples: Searcher, sample_docs: Docs) -> None:
    files = {name for name, _, _ in _found(samples, "网格")}
    assert files == {
        GRID_HANDBOOK,
        "社区议事会纪要.txt",
        "养老服务中心走访记.txt",
        "充电棚使用说明.md",
        "社区网格员培训讲义.pdf",
    }
    assert files == {name for name, _, _ in _containing(sample_docs, "网格")}


def test_limit_caps_hits_and_total_counts_every_match(samples: Searcher) -> None:
    result = samples.search("网格", limit=2)
    assert len(result.hits) == 2
    assert result.total == len(_found(samples, "网格")) == 18


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
    # The word or another region's form of it (社区, Taiwan's 社群), each a whole word or inside.
    forms = {unit.literal for unit in searcher.parse(query).clauses[0].alternatives}
    kinds = []
    for hit in searcher.search(query, limit=1000).hits:
        words = set(Segmenter().words(fold_text(hit.text)))
        kinds.append("word" if forms & words else "inside")
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
    query: str, samples: Searcher, sample_docs: Docs
) -> None:
    expected = _containing(sample_docs, query)
    assert expected
    assert _found(samples, query) == expected


@pytest.mark.parametrize("query", ["5201", "iphone", "的", "ABC", "１２３"])
def test_substrings_of_numbers_and_latin_words_are_found_everywhere(
    query: str, data: Searcher, data_docs: Docs
) -> None:
    expected = _containing(data_docs, query)
    assert expected
    assert _found(data, query) == expected


_SYNTAX = set('"“”-:') | {"OR"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draw=st.data())
def test_any_substring_of_a_sample_passage_is_found_in_every_passage_holding_it(
    draw: st.DataObject, samples: Searcher, sample_docs: Docs
) -> None:
    texts = sorted(text for _, text in sample_docs.values())
    text = draw.draw(st.sampled_from(texts))
    length = draw.draw(st.integers(1, 6))
    start = draw.draw(st.integers(0, max(0, len(text) - length)))
    query = text[start : start + length]
    assume(query.strip() and not any(mark in query for mark in _SYNTAX))
    expected = _containing(sample_docs, query.strip())
    assert expected  # the passage it was cut from, at least
    found = _found(samples, query)
    assert expected <= found, f"missed {sorted(expected - found)}"
    # As a phrase, the same text matches exactly the passages that hold it.
    assert _found(samples, f'"{query}"') == expected


# ---------------------------------------------------------------------------- syntax


def test_a_phrase_pasted_across_a_line_end_is_found(samples: Searcher) -> None:
    # Found by the property test above: the query's line break used to become a space.
    [hit] = samples.search('"。\n3. 车辆充满后"', limit=10).hits
    assert hit.text[hit.spans[0].start_char : hit.spans[0].end_char] == "。\n3. 车辆充满后"


def test_phrase_matches_only_passages_holding_it_as_typed(
    samples: Searcher, sample_docs: Docs
) -> None:
    expected = _containing(sample_docs, "网格党支部")
    assert len(expected) == 2
    assert _found(samples, '"网格党支部"') == expected
    assert _found(samples, "“网格党支部”") == expected  # full-width quotes work too


def test_phrase_across_a_word_boundary(data: Searcher, data_docs: Docs) -> None:
    assert _found(data, '"格党"') == _containing(data_docs, "格党") != set()


def test_excluded_word_removes_every_passage_holding_it(
    samples: Searcher, sample_docs: Docs
) -> None:
    found = _found(samples, "网格 -党支部")
    assert found == _containing(sample_docs, "网格") - _containing(sample_docs, "党支部")
    assert len(found) == 16


def test_or_matches_passages_holding_either(samples: Searcher, sample_docs: Docs) -> None:
    expected = _containing(sample_docs, "茶") | _containing(sample_docs, "网格")
    assert _found(samples, "茶 OR 网格") == expected


def test_all_words_option_keeps_only_passages_holding_every_word(
    samples: Searcher, sample_docs: Docs
) -> None:
    expected = _containing(sample_docs, "网格", "居民")
    assert expected
    assert _found(samples, "网格 居民", require_all=True) == expected
    partial = samples.search("网格 居民", limit=1000)
    keys = [_key(hit) for hit in partial.hits]
    # Without the option, passages holding both words come first, then those holding one.
    assert set(keys[: len(expected)]) == expected
    assert set(keys) == _containing(sample_docs, "网格") | _containing(sample_docs, "居民")


def test_title_filter_keeps_every_passage_of_documents_so_titled(
    samples: Searcher, sample_docs: Docs
) -> None:
    handbook = {key for key in sample_docs if key[0] == GRID_HANDBOOK}
    lectures = {key for key in sample_docs if key[0] == "社区网格员培训讲义.pdf"}
    assert _found(samples, "title:网格") == handbook | lectures
    assert _found(samples, "title:手册") == handbook
    assert _found(samples, "title:居住证明") == {("community-faq.jsonl", "faq-002", 1)}


def test_title_filter_combines_with_words(samples: Searcher, sample_docs: Docs) -> None:
    found = _found(samples, "title:手册 党支部", require_all=True)
    assert found == {key for key in _containing(sample_docs, "党支部") if key[0] == GRID_HANDBOOK}


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
    query: str, literal: str, data: Searcher, data_docs: Docs
) -> None:
    found = _found(data, query)
    assert {name for name, _, _ in found} == {"simplified.txt", "traditional.txt"}
    assert found == _containing(data_docs, literal)


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
    samples: Searcher, sample_docs: Docs
) -> None:
    hit = samples.search("网格", limit=1).hits[0]
    document = samples.document(hit, "网格")
    expected = sorted((k[2], t) for k, (_, t) in sample_docs.items() if k[0] == GRID_HANDBOOK)
    assert [(h.paragraph, h.text) for h in document] == expected
    assert all(h.spans for h in document if "网格" in h.text)


def test_document_of_a_jsonl_record_is_that_record_only(samples: Searcher) -> None:
    hit = samples.search("居住证明", limit=1).hits[0]
    assert hit.id == "faq-002"
    assert [h.id for h in samples.document(hit)] == ["faq-002"]


# ---------------------------------------------------------------------------- titles (issue 17)


@pytest.fixture(scope="module")
def titled(titled_index: Path) -> Iterator[Searcher]:
    """conftest's TITLED_LAWS (records titled by the law's name) and TITLED_HANDBOOK (passages
    titled by their sections)."""
    with Searcher.open(titled_index) as searcher:
        yield searcher


def _ids(result: SearchResult) -> list[str]:
    return [hit.id if hit.is_record else hit.text for hit in result.hits]


def test_issue_17_word_only_in_title_and_word_only_in_text_is_in_the_all_words_tier(
    titled: Searcher,
) -> None:
    result = titled.search("劳动合同法 试用期", limit=10)
    assert result.all_words
    # law-1 holds 劳动合同法 in its title only, 试用期 in its text only; cite-1 holds both in its
    # text. Then the passages holding one word: in the text (cite-2), in the title (law-2), and
    # 试用期 in crime-1's text.
    assert set(_ids(result)[:2]) == {"law-1", "cite-1"}
    assert set(_ids(result)[2:]) == {"cite-2", "law-2", "crime-1"}
    every = titled.search("劳动合同法 试用期", limit=10, require_all=True)
    assert set(_ids(every)) == {"law-1", "cite-1"}
    assert every.total == 2


def test_issue_17_word_in_the_text_ranks_above_the_same_word_only_in_the_title(
    titled: Searcher,
) -> None:
    result = titled.search("劳动合同法", limit=10)
    # The passages citing the law come before the law's own, which only sit in the right document.
    assert set(_ids(result)[:2]) == {"cite-1", "cite-2"}
    assert _ids(result)[2:] == ["law-1", "law-2"]
    assert result.total == 4


def test_issue_17_a_heading_in_the_title_path_matches_its_own_passages(titled: Searcher) -> None:
    result = titled.search("网格 居民", limit=10, require_all=True)
    assert _ids(result) == ["每户居民都有所属的单元。"]
    assert result.hits[0].title == "社区手册 › 网格划分"
    assert _ids(titled.search("title:议事", limit=10)) == ["每月开一次会。"]


def test_issue_17_title_highlights_are_exact_code_point_offsets_into_the_title(
    titled: Searcher,
) -> None:
    hits = {hit.id: hit for hit in titled.search("劳动合同法 试用期", limit=10).hits}
    law = hits["law-1"]
    assert law.title_spans == (Span(7, 12),)
    assert law.title[7:12] == "勞動合同法"  # the traditional title as written
    assert [law.text[s.start_char : s.end_char] for s in law.spans] == ["试用期"]
    assert hits["cite-1"].title_spans == ()
    handbook = titled.search("网格", limit=1).hits[0]
    assert handbook.title_spans == (Span(7, 9),)
    assert handbook.title[7:9] == "网格"


def test_issue_17_quoted_phrase_spanning_title_and_text_does_not_match(titled: Searcher) -> None:
    assert titled.search('"合同法试用期"', limit=10).total == 0
    law = {"cite-1", "cite-2", "law-1", "law-2"}
    assert set(_ids(titled.search('"勞動合同法"', limit=10))) == law  # text or title alone
    assert _ids(titled.search('"试用期最长"', limit=10)) == ["law-1"]


def test_issue_17_excluded_word_removes_passages_whose_title_holds_it(titled: Searcher) -> None:
    assert set(_ids(titled.search("试用期 -刑法", limit=10))) == {"law-1", "cite-1"}
    assert set(_ids(titled.search("试用期 -勞動", limit=10))) == {"crime-1"}
    # -title: looks in the title only: cite-1 says 劳动合同法 in its text and stays.
    assert set(_ids(titled.search("试用期 -title:劳动", limit=10))) == {"cite-1", "crime-1"}


def test_issue_17_total_counts_passages_matching_in_the_title_only(titled: Searcher) -> None:
    assert titled.search("中华人民共和国", limit=1).total == 2
    assert titled.search("手册", limit=10).total == 2
    assert titled.search("刑法 缓刑", limit=10, require_all=True).total == 1


# ---------------------------------------------------------------------------- issue 11: filters


def test_issue_11_a_title_filter_matching_nothing_is_never_dropped(samples: Searcher) -> None:
    result = samples.search("title:不存在的标题 网格", limit=10)
    assert (result.hits, result.total) == ([], 0)
    assert result.empty_filter == "title:不存在的标题"


def test_issue_11_a_path_filter_matching_nothing_says_so(samples: Searcher) -> None:
    result = samples.search('网格 path:"no such folder"', limit=10)
    assert (result.hits, result.total, result.empty_filter) == ([], 0, 'path:"no such folder"')


def test_issue_11_filters_that_match_apart_but_not_together_are_named_together(
    samples: Searcher,
) -> None:
    result = samples.search("title:居住证明 path:养老 网格", limit=10)
    assert (result.hits, result.empty_filter) == ([], "title:居住证明 path:养老")


def test_issue_11_partial_matches_relax_words_never_the_title_filter(
    samples: Searcher, sample_docs: Docs
) -> None:
    result = samples.search("title:手册 党支部 量子纠缠", limit=1000)
    assert not result.all_words
    assert result.hits and result.empty_filter == ""
    assert {_key(hit)[0] for hit in result.hits} == {GRID_HANDBOOK}


def test_issue_11_a_title_filters_word_is_highlighted_in_the_title_only(
    samples: Searcher,
) -> None:
    hits = samples.search("title:手册 网格", limit=20).hits
    hit = next(hit for hit in hits if "手册" in hit.text)
    assert all("手册" not in hit.text[s.start_char : s.end_char] for s in hit.spans)
    assert any(hit.text[s.start_char : s.end_char] == "网格" for s in hit.spans)
    assert "手册" in [hit.title[s.start_char : s.end_char] for s in hit.title_spans]


def test_issue_11_title_filter_or_a_word_is_an_alternative_not_a_filter(
    samples: Searcher,
) -> None:
    result = samples.search("title:不存在的标题 OR 网格", limit=10)
    assert result.hits and result.empty_filter == ""


# ---------------------------------------------------------------------------- issue 11: repeats

BOILERPLATE = "本文件由青岚街道办公室整理，仅供内部参考。"


@pytest.fixture(scope="module")
def repeated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    """40 notes ending with the same line, each with a text of its own before it."""
    base = tmp_path_factory.mktemp("repeated")
    for number in range(40):
        note = f"第{number}号通知：网格员第{number}次巡查的记录。\n\n{BOILERPLATE}\n"
        (base / "docs").mkdir(exist_ok=True)
        (base / "docs" / f"note-{number:02}.txt").write_text(note, encoding="utf-8")
    build_index([base / "docs"], base / "index")
    with Searcher.open(base / "index") as searcher:
        yield searcher


def test_issue_11_repeated_passages_count_once_with_their_places(repeated: Searcher) -> None:
    result = repeated.search("内部参考", limit=10)
    [hit] = result.hits
    assert result.total == 1
    assert hit.text == BOILERPLATE and hit.duplicates == 39
    assert len(hit.duplicate_locations) == 5
    assert all(place.endswith(".txt:3") and "note-" in place for place in hit.duplicate_locations)
    assert f"{hit.path}:{hit.line}" not in hit.duplicate_locations


def test_issue_11_no_collapse_shows_every_repeat(repeated: Searcher) -> None:
    result = repeated.search("内部参考", limit=100, collapse=False)
    assert result.total == 40 and len(result.hits) == 40
    assert {hit.duplicates for hit in result.hits} == {0}


def test_issue_11_repeats_leave_room_for_other_passages(repeated: Searcher) -> None:
    result = repeated.search("网格员 内部参考", limit=5)
    texts = [hit.text for hit in result.hits]
    assert len(texts) == 5 and len(set(texts)) == 5
    assert texts.count(BOILERPLATE) <= 1


def test_issue_17_a_nul_inside_a_title_leaves_the_other_titles_in_place(tmp_path: Path) -> None:
    import json

    records = [
        {"id": "a", "title": "甲\u0000乙", "text": "第一段。"},
        {"id": "b", "title": "丙丁", "text": "第二段。"},
    ]
    source = tmp_path / "docs"
    source.mkdir()
    lines = [json.dumps(record, ensure_ascii=False) for record in records]
    (source / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    build_index([source], tmp_path / "index")
    with Searcher.open(tmp_path / "index") as searcher:
        assert _ids(searcher.search("丙丁")) == ["b"]
        assert _ids(searcher.search("乙")) == ["a"]


def test_issue_17_either_word_ranks_text_matches_above_title_only_ones(titled: Searcher) -> None:
    ids = _ids(titled.search('"劳动合同法" OR 缓刑', limit=10))
    assert set(ids[:3]) == {"cite-1", "cite-2", "crime-1"}
    assert ids[3:] == ["law-1", "law-2"]
