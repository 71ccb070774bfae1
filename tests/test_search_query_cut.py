"""Queries are cut with the index's own vocabulary, never a segmenter (issue 13 point 7)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from small_index import index_of
from typer.testing import CliRunner

from searcher.cli.main import app
from searcher.search import Searcher

# jieba cuts these 刷卡/马克杯, 卡片, 马车, 克服: the index holds 卡, 马 and 克 only inside words.
TEXTS = {
    "mug.txt": "他刷卡马克杯买了一只。",
    "card.txt": "卡片放在桌上。",
    "cart.txt": "马车停在门口。",
    "hard.txt": "我们克服困难。",
}


@pytest.fixture(scope="module")
def mug_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return index_of(tmp_path_factory.mktemp("mug"), TEXTS)


def test_a_name_the_index_does_not_hold_matches_only_as_typed(mug_index: Path) -> None:
    with Searcher.open(mug_index) as searcher:
        result = searcher.search("卡马克")
    assert [hit.path.rsplit("/", 1)[-1] for hit in result.hits] == ["mug.txt"]
    assert result.total == 1
    assert [(s.start_char, s.end_char) for s in result.hits[0].spans] == [(2, 5)]


def test_words_the_index_holds_are_cut_apart(mug_index: Path) -> None:
    with Searcher.open(mug_index) as searcher:
        query = searcher.parse("卡片马车")
    assert [unit.literal for clause in query.clauses for unit in clause.alternatives] == [
        "卡片",
        "马车",
    ]


def test_cli_query_for_a_name_not_held_finds_it_as_typed(mug_index: Path) -> None:
    result = CliRunner().invoke(app, ["query", "卡马克", "--index", str(mug_index)])
    assert result.exit_code == 0
    assert "他刷卡马克杯买了一只。" in result.stdout
    assert "卡片" not in result.stdout


def test_a_fresh_query_loads_neither_jieba_nor_rjieba(mug_index: Path) -> None:
    script = (
        "import sys\n"
        "from searcher.search import Searcher\n"
        f"with Searcher.open({str(mug_index)!r}) as s:\n"
        "    s.search('卡马克'); s.search('他刷卡买了一只马克杯，放在桌上的卡片旁边')\n"
        "print(sorted({'jieba', 'rjieba'} & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
