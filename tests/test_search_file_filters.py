"""File filters in the query syntax (ext:, type:, after:, before:, path:, negated), sorting and
grouping: through Searcher.search, on files whose modification times the test sets."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from searcher.errors import QuerySyntaxError
from searcher.indexing.writer import build_index
from searcher.search import Searcher
from searcher.search.file_filters import file_filter_values


def _day(text: str) -> float:
    year, month, day = (int(part) for part in text.split("-"))
    return time.mktime((year, month, day, 12, 0, 0, 0, 0, -1))


# name → (text, modified)
FILES = {
    "old.md": ("# 旧笔记\n\n网格员巡查记录。\n\n网格员再次巡查。\n", _day("2024-04-20")),
    "may.txt": ("五月的网格员工作总结。\n", _day("2024-05-10")),
    "june.html": ("<p>六月网格员培训通知。</p>\n", _day("2024-06-15")),
    "recent.TXT": ("最近的网格员值班表。\n", time.time() - 2 * 86400),
    "drafts/plan.md": ("网格员下月计划草稿。\n", _day("2024-05-20")),
}


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    source = tmp_path_factory.mktemp("dated-docs")
    for name, (text, modified) in FILES.items():
        path = source / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        os.utime(path, (modified, modified))
    index = tmp_path_factory.mktemp("dated-index")
    build_index([source], index)
    with Searcher.open(index) as searcher:
        yield searcher


def _names(searcher: Searcher, query: str, **options: object) -> list[str]:
    result = searcher.search(query, limit=20, **options)
    return sorted({Path(hit.path).name for hit in result.hits})


def test_ext_keeps_only_files_with_that_extension(dated: Searcher) -> None:
    assert _names(dated, "网格员 ext:md") == ["old.md", "plan.md"]


def test_ext_takes_several_extensions_and_ignores_case_and_dots(dated: Searcher) -> None:
    assert _names(dated, "网格员 ext:.TXT,html") == ["june.html", "may.txt", "recent.TXT"]


def test_type_is_the_same_filter_as_ext(dated: Searcher) -> None:
    assert _names(dated, "网格员 type:html") == ["june.html"]


def test_negated_ext_leaves_those_files_out(dated: Searcher) -> None:
    assert _names(dated, "网格员 -ext:md,txt") == ["june.html"]


def test_after_a_day_keeps_files_modified_from_that_day_on(dated: Searcher) -> None:
    assert _names(dated, "网格员 after:2024-05-10") == [
        "june.html",
        "may.txt",
        "plan.md",
        "recent.TXT",
    ]


def test_before_a_month_keeps_files_modified_before_it_began(dated: Searcher) -> None:
    assert _names(dated, "网格员 before:2024-06") == ["may.txt", "old.md", "plan.md"]


def test_after_and_before_together_make_a_range(dated: Searcher) -> None:
    assert _names(dated, "网格员 after:2024-05 before:2024-06") == ["may.txt", "plan.md"]


def test_relative_after_keeps_files_of_the_last_days(dated: Searcher) -> None:
    assert _names(dated, "网格员 after:7d") == ["recent.TXT"]
    assert "recent.TXT" not in _names(dated, "网格员 before:3d")


def test_file_filters_combine_with_path_and_negated_path(dated: Searcher) -> None:
    assert _names(dated, "网格员 ext:md path:drafts") == ["plan.md"]
    assert _names(dated, "网格员 ext:md -path:drafts") == ["old.md"]


def test_file_filters_combine_with_title(dated: Searcher) -> None:
    assert _names(dated, "网格员 title:旧笔记 after:2024") == ["old.md"]


def test_a_filter_matching_nothing_gives_no_hits_and_names_it(dated: Searcher) -> None:
    result = dated.search("网格员 ext:pdf")
    assert result.hits == [] and result.total == 0
    assert result.empty_filter == "ext:pdf"


def test_filters_that_match_apart_but_not_together_are_named_together(dated: Searcher) -> None:
    result = dated.search("网格员 ext:html before:2024-05")
    assert result.hits == [] and result.empty_filter == "ext:html before:2024-05"


def test_a_filter_is_never_relaxed_when_words_match_elsewhere(dated: Searcher) -> None:
    # 值班表 is only in recent.TXT, which the date filter leaves out: nothing, not recent.TXT.
    assert dated.search("值班表").total == 1
    result = dated.search("值班表 before:2024-06")
    assert result.hits == [] and result.total == 0


@pytest.mark.parametrize(
    "query", ["网格员 after:yesterday", "网格员 before:2024-13", "网格员 after:7x"]
)
def test_a_malformed_filter_value_is_a_syntax_error_naming_it(dated: Searcher, query: str) -> None:
    with pytest.raises(QuerySyntaxError, match=query.split()[1]):
        dated.search(query)


def test_a_query_of_filters_only_asks_for_a_word(dated: Searcher) -> None:
    with pytest.raises(QuerySyntaxError, match="add a word"):
        dated.search("ext:md after:2024")


def test_relative_spans_count_back_from_now() -> None:
    now = 1_000_000_000.0
    assert file_filter_values("after", "12h", "after:12h", now) == (now - 12 * 3600,)
    assert file_filter_values("after", "2w", "after:2w", now) == (now - 14 * 86400,)


def test_sort_by_date_puts_the_newest_file_first(dated: Searcher) -> None:
    result = dated.search("网格员", limit=20, sort="date")
    names = [Path(hit.path).name for hit in result.hits]
    assert names[0] == "recent.TXT" and names[-2:] == ["old.md", "old.md"]
    modified = [hit.modified for hit in result.hits]
    assert modified == sorted(modified, reverse=True) and result.sort == "date"


def test_sort_by_path_lists_files_by_path_and_passages_in_reading_order(dated: Searcher) -> None:
    result = dated.search("网格员", limit=20, sort="path")
    paths = [hit.path.lower() for hit in result.hits]
    assert paths == sorted(paths) and len(set(paths)) == 5
    assert [hit.line for hit in result.hits if hit.path.endswith("old.md")] == [3, 5]


def test_group_shows_one_hit_per_document_with_its_matching_passages(dated: Searcher) -> None:
    result = dated.search("网格员", limit=20, group=True)
    names = [Path(hit.path).name for hit in result.hits]
    assert sorted(names) == sorted(Path(name).name for name in FILES)
    assert {Path(hit.path).name: hit.matches for hit in result.hits}["old.md"] == 2
    assert result.documents == 5 and result.total == 6


def test_group_keeps_each_documents_best_passage_in_relevance_order(dated: Searcher) -> None:
    ranked = dated.search("网格员 巡查", limit=20)
    grouped = dated.search("网格员 巡查", limit=20, group=True)
    firsts: dict[str, int] = {}
    for hit in ranked.hits:
        firsts.setdefault(hit.path, hit.row)
    assert [hit.row for hit in grouped.hits] == list(firsts.values())


def test_group_and_sort_by_date_together(dated: Searcher) -> None:
    result = dated.search("网格员", limit=3, group=True, sort="date")
    assert [Path(hit.path).name for hit in result.hits] == ["recent.TXT", "june.html", "plan.md"]
