"""Spaces between Chinese and Latin letters or digits are ignored in matching (issue 13 point 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from small_index import index_of
from typer.testing import CliRunner

from searcher.cli.main import app
from searcher.search import Searcher

TEXTS = {
    "spaced.txt": "本刊第 300 期已经出版。",
    "tight.txt": "第300期的封面是志愿者画的。",
    "other.txt": "第一期活动有 300 人参加，时间很长。",
    "guide-spaced.txt": "这本 Python 教程适合初学者。",
    "guide-tight.txt": "附录里有一份Python教程的索引。",
}


@pytest.fixture(scope="module")
def spacing_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return index_of(tmp_path_factory.mktemp("spacing"), TEXTS)


def _shown(searcher: Searcher, query: str) -> list[tuple[str, list[str]]]:
    """(file name, highlighted text as written) of each hit."""
    return [
        (hit.path.rsplit("/", 1)[-1], [hit.text[s.start_char : s.end_char] for s in hit.spans])
        for hit in searcher.search(query).hits
    ]


@pytest.mark.parametrize("query", ["第300期", "第 300 期", '"第300期"', '"第 300 期"'])
def test_an_issue_number_is_found_with_or_without_spaces(spacing_index: Path, query: str) -> None:
    with Searcher.open(spacing_index) as searcher:
        shown = _shown(searcher, query)
    assert sorted(shown[:2]) == [("spaced.txt", ["第 300 期"]), ("tight.txt", ["第300期"])]


@pytest.mark.parametrize("query", ["Python教程", "Python 教程", "python 教程"])
def test_a_latin_word_and_chinese_match_across_a_space_both_ways(
    spacing_index: Path, query: str
) -> None:
    with Searcher.open(spacing_index) as searcher:
        shown = _shown(searcher, query)
    assert sorted(shown) == [
        ("guide-spaced.txt", ["Python 教程"]),
        ("guide-tight.txt", ["Python教程"]),
    ]


def test_a_quoted_phrase_needs_the_words_next_to_each_other(spacing_index: Path) -> None:
    with Searcher.open(spacing_index) as searcher:
        assert "other.txt" not in [name for name, _ in _shown(searcher, '"第300期"')]


def test_cli_highlight_covers_the_spaces_as_written(spacing_index: Path) -> None:
    result = CliRunner().invoke(app, ["query", "第300期", "--index", str(spacing_index), "--json"])
    assert result.exit_code == 0
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    spaced = next(hit for hit in hits if hit["path"].endswith("/spaced.txt"))
    assert [spaced["text"][start:end] for start, end in spaced["highlights"]] == ["第 300 期"]
