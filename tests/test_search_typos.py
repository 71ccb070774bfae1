"""Homophone typos (search/typos.py): a typed word the index lacks, suggested as the word of the
same sound it holds, whose passages then lead."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from small_index import index_of

from searcher.indexing.writer import build_index
from searcher.search import Searcher
from searcher.search.typos import RARER

TYPO_DOCS = {
    "ai.txt": "人工智能改变了翻译行业。",
    "ai-data.txt": "人工智能需要大量的数据。",
    "fish.txt": "人工养殖的鱼只能在池塘里生活。",
    "wait.txt": "我们只能耐心等待。",
    "test.txt": "这次试验在实验室里完成。",
}


@pytest.fixture(scope="module")
def typo_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return index_of(tmp_path_factory.mktemp("typo"), TYPO_DOCS)


def test_issue_13_homophone_typo_is_suggested_and_its_passages_lead(typo_index: Path) -> None:
    with Searcher.open(typo_index) as searcher:
        result = searcher.search("人工只能")
    assert result.suggestion == "人工智能"
    names = [(Path(hit.path).name, hit.suggested) for hit in result.hits]
    # The suggestion's passages first, marked; then the typed words' own partial matches.
    assert sorted(names[:2]) == [("ai-data.txt", True), ("ai.txt", True)]
    assert ("fish.txt", False) in names[2:]
    assert [hit.rank for hit in result.hits] == list(range(1, len(result.hits) + 1))
    first = result.hits[0]
    assert {first.text[s.start_char : s.end_char] for s in first.spans} == {"人工智能"}


def test_a_typo_among_other_words_keeps_them(typo_index: Path) -> None:
    with Searcher.open(typo_index) as searcher:
        result = searcher.search("人工只能 数据")
    assert result.suggestion == "人工智能 数据"
    assert Path(result.hits[0].path).name == "ai-data.txt"


@pytest.mark.parametrize("query", ["人工智能", "只能", "试验", "实验室", "翻译"])
def test_words_the_index_holds_get_no_suggestion(typo_index: Path, query: str) -> None:
    with Searcher.open(typo_index) as searcher:
        result = searcher.search(query)
    assert result.suggestion == ""
    assert not any(hit.suggested for hit in result.hits)


def test_ranked_document_ids_follow_the_suggestion_too(typo_index: Path) -> None:
    with Searcher.open(typo_index) as searcher:
        ids = searcher.ranked_document_ids("人工只能", 3)
    assert sorted(Path(i).name for i in ids[:2]) == ["ai-data.txt", "ai.txt"]


def test_a_typed_word_that_occurs_keeps_its_hits_first_and_gets_a_suggestion(
    tmp_path: Path,
) -> None:
    # 人工只能 occurs once; 人工智能, of the same sound, in more than RARER times as many passages.
    records = [{"id": f"ai-{n}", "text": f"第{n}篇：人工智能的应用。"} for n in range(RARER + 1)]
    records.append({"id": "typo", "text": "这里写成了人工只能。"})
    source = tmp_path / "docs.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    build_index([source], tmp_path / "index")
    with Searcher.open(tmp_path / "index") as searcher:
        result = searcher.search("人工只能", limit=3)
    assert result.suggestion == "人工智能"
    assert result.hits[0].id == "typo" and not any(hit.suggested for hit in result.hits)
