"""Regional vocabulary: a query also finds the other regions' words for it (issue 13 point 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from small_index import index_of
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
    return index_of(tmp_path_factory.mktemp("regional"), {**MAINLAND, **TAIWAN})


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


def test_a_query_converts_nothing_the_index_wrote_the_forms(
    regional_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The forms were converted when the index was written (store/regional_table.py): a query
    # only looks them up, and never builds an OpenCC converter (15-300 ms in a fresh process).
    from searcher.analysis import regional

    def no_converter(config: str) -> None:
        raise AssertionError(f"a query built the {config} converter")

    monkeypatch.setattr(regional, "_converter", no_converter)
    with Searcher.open(regional_index) as searcher:
        assert _names(searcher, "資料庫") == ["tw-db.txt", "db.txt"]
        assert _names(searcher, "软件") == ["app.txt", "tw-app.txt"]


def test_a_mainland_word_finds_taiwans_word_through_the_full_phrase_table(
    tmp_path: Path,
) -> None:
    # 发布 is Taiwan's 釋出 only through s2twp's phrase table (发布 → 發佈 → 釋出), which a
    # query could not afford to load; the index converts its words once.
    texts = {"tw.txt": "微軟今天釋出新版作業系統。", "other.txt": "今天天氣很好。"}
    index = index_of(tmp_path, texts)
    with Searcher.open(index) as searcher:
        hits = searcher.search("发布").hits
    assert [hit.path.rsplit("/", 1)[-1] for hit in hits] == ["tw.txt"]
    assert [hits[0].text[s.start_char : s.end_char] for s in hits[0].spans] == ["釋出"]


def test_an_update_gives_forms_to_the_words_it_adds(tmp_path: Path) -> None:
    index = index_of(tmp_path, {"db.txt": MAINLAND["db.txt"]})
    (tmp_path / "docs" / "tw-app.txt").write_text(TAIWAN["tw-app.txt"], encoding="utf-8")
    build_index([tmp_path / "docs"], index)
    with Searcher.open(index) as searcher:
        assert _names(searcher, "資料庫") == ["db.txt"]  # kept from the first build
        assert _names(searcher, "软件") == ["tw-app.txt"]  # converted by the update


def test_a_word_another_region_writes_differently_is_no_typo(tmp_path: Path) -> None:
    # 芯片 occurs nowhere in a Taiwanese text, but its Taiwan form 晶片 does: no "did you mean"
    # 锌片 (the same sound), whose passages would have come first.
    texts = {"chip.txt": "東芝是晶片製造商。", "zinc.txt": "鋅片可以做電池。"}
    index = index_of(tmp_path, texts)
    with Searcher.open(index) as searcher:
        result = searcher.search("芯片")
    assert result.suggestion == ""
    assert [hit.path.rsplit("/", 1)[-1] for hit in result.hits] == ["chip.txt"]


def test_a_damaged_regional_table_is_one_clear_error(tmp_path: Path) -> None:
    index = index_of(tmp_path, {"db.txt": MAINLAND["db.txt"]})
    (table,) = index.glob("gen-*/regional.txt")
    table.write_bytes(b"\xff" * table.stat().st_size)  # the same size: only its text is wrong
    result = CliRunner().invoke(app, ["query", "数据库", "--index", str(index)])
    assert result.exit_code != 0
    assert "regional table is damaged" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_longer_regional_form_shares_the_typed_forms_weight_and_or_does_not(
    regional_index: Path,
) -> None:
    # 博客's Taiwan form 部落格 is cut as 部落 格: its two words and two bigrams share the weight
    # of the form typed, so it does not outscore 博客 by its length. Alternatives a user typed
    # with OR are not regional forms and count in full.
    from searcher.search.scoring import _query_bigram_keys

    with Searcher.open(regional_index) as searcher:
        regional = searcher.parse("博客")
        typed_or = searcher.parse("博客 OR 部落格")
    typed, other = regional.clauses[0].alternatives
    assert (typed.literal, other.literal) == ("博客", "部落格")
    assert other.weight == pytest.approx(typed.weight / len(other.literals))
    assert sorted(_query_bigram_keys(regional).values()) == [0.5, 0.5, 1.0]
    assert set(_query_bigram_keys(typed_or).values()) == {1.0}
