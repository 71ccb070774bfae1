"""Regional vocabulary: a query also finds the other regions' words for it (issue 13 point 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from searcher.analysis.regional import regional_forms
from searcher.cli.main import app
from searcher.indexing.writer import build_index
from searcher.search import Searcher

MAINLAND = {
    "db.txt": "社区数据库每天凌晨备份一次。",
    "app.txt": "这款软件可以离线使用。",
    "net.txt": "家里的网络晚上很慢。",
    "course.txt": "他在大学讲授程序设计。",
    "blog.txt": "她每周更新一篇博客。",
    "os.txt": "进程设计要避免死锁。",
}
TAIWAN = {
    "tw-db.txt": "里民資料庫每週備份一次。",
    "tw-app.txt": "這套軟體可以離線使用。",
    "tw-net.txt": "家裡的網路晚上很慢。",
    "tw-course.txt": "他在大學講授程式設計。",
    "tw-blog.txt": "她每週更新一篇部落格。",
}


@pytest.fixture(scope="module")
def regional_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("regional")
    docs = root / "docs"
    docs.mkdir()
    for name, text in {**MAINLAND, **TAIWAN}.items():
        (docs / name).write_text(text, encoding="utf-8")
    build_index([docs], root / "index")
    return root / "index"


def _names(searcher: Searcher, query: str) -> list[str]:
    return [hit.path.rsplit("/", 1)[-1] for hit in searcher.search(query).hits]


@pytest.mark.parametrize(
    ("query", "typed", "other"),
    [
        ("資料庫", "tw-db.txt", "db.txt"),
        ("数据库", "db.txt", "tw-db.txt"),
        ("軟體", "tw-app.txt", "app.txt"),
        ("软件", "app.txt", "tw-app.txt"),
        ("網路", "tw-net.txt", "net.txt"),
        ("网络", "net.txt", "tw-net.txt"),
        ("程式設計", "tw-course.txt", "course.txt"),
        ("程序设计", "course.txt", "tw-course.txt"),
        ("部落格", "tw-blog.txt", "blog.txt"),
        ("博客", "blog.txt", "tw-blog.txt"),
    ],
)
def test_a_word_finds_the_other_regions_word_after_the_form_typed(
    regional_index: Path, query: str, typed: str, other: str
) -> None:
    with Searcher.open(regional_index) as searcher:
        assert _names(searcher, query) == [typed, other]


def test_mainland_words_are_not_read_as_taiwan_words(regional_index: Path) -> None:
    # tw2sp would turn 程序设计 into 进程设计 (Taiwan's 程序 is the mainland's 进程).
    assert "进程设计" not in regional_forms("程序设计")
    with Searcher.open(regional_index) as searcher:
        assert "os.txt" not in _names(searcher, "程序设计")
        # The other way is Taiwan's word for it (程序設計), an alternative after the form typed.
        assert _names(searcher, "进程设计") == ["os.txt", "course.txt"]


def test_words_without_regional_forms_get_no_alternatives() -> None:
    assert regional_forms("网格") == []
    assert regional_forms("C++ python") == []


def test_only_the_words_another_region_writes_differently_get_alternatives(
    regional_index: Path,
) -> None:
    with Searcher.open(regional_index) as searcher:
        query = searcher.parse("資料庫每週備份")
    literals = [[unit.literal for unit in clause.alternatives] for clause in query.clauses]
    assert literals[0] == ["资料库", "数据库"]
    assert all(len(alternatives) == 1 for alternatives in literals[1:])


def test_highlights_mark_the_other_regions_word_as_written(regional_index: Path) -> None:
    with Searcher.open(regional_index) as searcher:
        hits = searcher.search("数据库").hits
    tw = next(hit for hit in hits if hit.path.endswith("tw-db.txt"))
    assert [tw.text[s.start_char : s.end_char] for s in tw.spans] == ["資料庫"]


def test_cli_query_in_taiwan_words_lists_both_regions(regional_index: Path) -> None:
    result = CliRunner().invoke(app, ["query", "資料庫", "--index", str(regional_index), "--json"])
    assert result.exit_code == 0
    texts = [json.loads(line)["text"] for line in result.stdout.splitlines() if '"text"' in line]
    assert texts == [TAIWAN["tw-db.txt"], MAINLAND["db.txt"]]
