"""Latin words rank by word boundary: whole word, word start, then inside (issue 13 point 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from small_index import index_of
from typer.testing import CliRunner

from searcher.cli.main import app
from searcher.search import Searcher

# The passages holding go inside words are short and hold it often: by BM25 alone they lead.
LONG = "社区志愿者每周三晚上在活动室聚会，讨论服务端开发、测试和部署的经验，也分享读书笔记。"
# File names are titles, whose words count: these hold no Latin letters.
TEXTS = {
    "整词.txt": f"我们用 go 写了排班服务。{LONG}",
    "词首.txt": f"golang golang goroutine。{LONG[:20]}",
    "词内.txt": "logo ego logo。",
    "整词二.txt": f"这个 AI 工具能整理会议纪要。{LONG}",
    "词内二.txt": "email said plain rain。",
}


@pytest.fixture(scope="module")
def latin_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return index_of(tmp_path_factory.mktemp("latin"), TEXTS)


def _names(searcher: Searcher, query: str) -> list[str]:
    return [hit.path.rsplit("/", 1)[-1] for hit in searcher.search(query).hits]


def test_go_ranks_whole_word_then_word_start_then_inside(latin_index: Path) -> None:
    with Searcher.open(latin_index) as searcher:
        assert _names(searcher, "go") == ["整词.txt", "词首.txt", "词内.txt"]


def test_ai_as_a_word_ranks_above_ai_inside_words(latin_index: Path) -> None:
    with Searcher.open(latin_index) as searcher:
        assert _names(searcher, "ai") == ["整词二.txt", "词内二.txt"]


def test_with_other_words_the_whole_word_still_leads(latin_index: Path) -> None:
    with Searcher.open(latin_index) as searcher:
        assert _names(searcher, "go 服务")[0] == "整词.txt"


def test_cli_lists_the_whole_word_first(latin_index: Path) -> None:
    result = CliRunner().invoke(app, ["query", "go", "--index", str(latin_index)])
    assert result.exit_code == 0
    order = [result.stdout.index(name) for name in ("整词.txt", "词首.txt", "词内.txt")]
    assert order == sorted(order)
