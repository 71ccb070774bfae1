"""Latin query words read as pinyin (search/pinyin.py), over readings stored at build time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from small_index import index_of

from searcher.indexing.writer import build_index
from searcher.search import Searcher

PINYIN_DOCS = {
    "grid.txt": "社区网格员每天巡查网格，网格管理要细致。",
    "account.txt": "登录名 wangge 的账号已经注销。",
    "database.txt": "数据库每周备份一次。",
    "bank.txt": "他在银行上班。",
    "city.txt": "重庆的火锅很有名。",
    "green.txt": "绿色出行，从我做起。",
    "triangle.txt": "老师画了一个三角，又画了一个圆。",
    "foothill.txt": "山脚有一片竹林。",
}


@pytest.fixture(scope="module")
def pinyin_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return index_of(tmp_path_factory.mktemp("pinyin"), PINYIN_DOCS)


def _files(searcher: Searcher, query: str) -> list[str]:
    return [Path(hit.path).name for hit in searcher.search(query, limit=20).hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("shujuku", "database.txt"),  # full pinyin
        ("shu ju ku", "database.txt"),  # syllables typed apart
        ("sjk", "database.txt"),  # initials
        ("yinhang", "bank.txt"),  # 银行: the phrase reading of a polyphone
        ("chongqing", "city.txt"),
        ("lvse", "green.txt"),  # v for ü
        ("lv4se4", "green.txt"),  # tone digits ignored
        ("sanjiao", "triangle.txt"),
        ("shanjiao", "foothill.txt"),
    ],
)
def test_pinyin_finds_the_chinese_word_it_spells(
    pinyin_index: Path, query: str, expected: str
) -> None:
    with Searcher.open(pinyin_index) as searcher:
        assert _files(searcher, query)[:1] == [expected]


def test_s_and_sh_match_as_typed(pinyin_index: Path) -> None:
    with Searcher.open(pinyin_index) as searcher:
        assert "foothill.txt" not in _files(searcher, "sanjiao")
        assert "triangle.txt" not in _files(searcher, "shanjiao")
        assert _files(searcher, "shj") == ["foothill.txt"]


@pytest.mark.parametrize("query", ["wgeguanli", "wangge gl", "wg guanli", "wanggeguanli"])
def test_mixed_full_pinyin_and_initials_find_several_words(pinyin_index: Path, query: str) -> None:
    with Searcher.open(pinyin_index) as searcher:
        result = searcher.search(query)
        assert [Path(hit.path).name for hit in result.hits][:1] == ["grid.txt"]
        assert " ".join(result.interpreted).split() == ["网格", "管理"]


def test_latin_letters_as_typed_rank_above_what_they_spell(pinyin_index: Path) -> None:
    with Searcher.open(pinyin_index) as searcher:
        result = searcher.search("wangge")
    assert [Path(hit.path).name for hit in result.hits] == ["account.txt", "grid.txt"]
    assert result.hits[0].spans and result.hits[0].text[
        result.hits[0].spans[0].start_char :
    ].startswith("wangge")
    # What the letters were read as: the 网格 of the second hit, highlighted there.
    assert result.pinyin == ("wangge",)
    assert result.interpreted == ("网格",)
    grid = result.hits[1]
    assert {grid.text[s.start_char : s.end_char] for s in grid.spans} == {"网格"}


def test_letters_in_capitals_are_an_abbreviation_not_initials(pinyin_index: Path) -> None:
    with Searcher.open(pinyin_index) as searcher:
        assert _files(searcher, "sjk") == ["database.txt"]
        assert _files(searcher, "SJK") == []


def test_a_chinese_query_is_not_interpreted(pinyin_index: Path) -> None:
    with Searcher.open(pinyin_index) as searcher:
        result = searcher.search("网格")
    assert result.interpreted == () and result.pinyin == ()


def test_an_update_reads_new_words_and_keeps_the_old(tmp_path: Path) -> None:
    source = tmp_path / "docs"
    source.mkdir()
    (source / "a.txt").write_text("数据库每周备份一次。\n", encoding="utf-8")
    build_index([source], tmp_path / "index")
    (source / "b.txt").write_text("社区网格员每天巡查。\n", encoding="utf-8")
    build_index([source], tmp_path / "index")
    with Searcher.open(tmp_path / "index") as searcher:
        assert _files(searcher, "wangge") == ["b.txt"]
        assert _files(searcher, "shujuku") == ["a.txt"]


def test_a_pinyin_query_never_loads_pypinyin(pinyin_index: Path) -> None:
    # Loading pypinyin's dictionaries costs ~0.5 s: readings come from the index.
    script = (
        "import sys\n"
        "from searcher.search import Searcher\n"
        f"with Searcher.open({str(pinyin_index)!r}) as s:\n"
        "    hits = [len(s.search(q).hits) for q in ('wangge', 'sjk', 'wgeguanli', '网格管里')]\n"
        "print(hits, 'pypinyin' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    found, loaded = done.stdout.rsplit(" ", 1)
    assert found.startswith("[2, 1, 1,") and loaded.strip() == "False"


# 数据 and 跨 (and 库 inside 仓库) in one passage: `shuju ku` read token by token as 数据 跨
# ranked it above the 数据库 passage.
SPLIT_DOCS = {
    "database.txt": "数据库每周备份一次，备份文件存放三个月。",
    "data.txt": "数据跨部门共享以后，仓库的盘点也快了。",
    "grid.txt": "社区网格员每天巡查网格，网格管理要细致。",
}


@pytest.fixture(scope="module")
def split_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return index_of(tmp_path_factory.mktemp("split"), SPLIT_DOCS)


@pytest.mark.parametrize("query", ["shuju ku", "shu juku", "shu ju ku", "shujuku", "shu4ju4 ku4"])
def test_syllables_spaced_anywhere_read_as_the_word_they_spell_together(
    split_index: Path, query: str
) -> None:
    with Searcher.open(split_index) as searcher:
        result = searcher.search(query)
    assert result.interpreted == ("数据库",)
    assert result.pinyin == (query,)
    assert [Path(hit.path).name for hit in result.hits][:1] == ["database.txt"]


def test_initials_are_not_joined_across_a_space(split_index: Path) -> None:
    # sj ku or shuju k would spell too many words; typed together, initials still read.
    with Searcher.open(split_index) as searcher:
        assert "数据库" not in searcher.search("shuju k").interpreted
        assert searcher.search("shujuk").interpreted == ("数据库",)


@pytest.mark.parametrize(
    ("query", "typed"),
    [
        ("wangge guanli", ("wangge", "guanli")),
        ("wang ge guanli", ("wang ge", "guanli")),
        ("wangge gl", ("wangge", "gl")),
        ("wang ge gl", ("wang ge", "gl")),
    ],
)
def test_a_space_between_words_typed_in_full_stays_a_word_boundary(
    split_index: Path, query: str, typed: tuple[str, ...]
) -> None:
    with Searcher.open(split_index) as searcher:
        result = searcher.search(query)
        clauses = searcher.parse(query).clauses
    assert result.pinyin == typed and result.interpreted == ("网格", "管理")
    assert len(clauses) == 2  # two elements: a passage holding one of them is a partial match
    assert [Path(hit.path).name for hit in result.hits] == ["grid.txt"]


def test_letters_typed_apart_as_typed_rank_above_the_word_they_spell(tmp_path: Path) -> None:
    typed = {"typed.txt": "旧系统里 shuju 目录和 ku 文件已经删除。"}
    with Searcher.open(index_of(tmp_path, {**SPLIT_DOCS, **typed})) as searcher:
        result = searcher.search("shuju ku")
    assert [Path(hit.path).name for hit in result.hits] == ["typed.txt", "database.txt"]
    assert result.interpreted == ("数据库",)


def test_a_space_between_syllables_is_a_boundary_xi_an_is_not_xian(tmp_path: Path) -> None:
    texts = {"xian.txt": "西安的城墙很长。", "first.txt": "他先走了，我们先吃饭，你先说。"}
    with Searcher.open(index_of(tmp_path, texts)) as searcher:
        assert _files(searcher, "xi an") == ["xian.txt"]  # never 先 (xian)
        assert set(_files(searcher, "xian")) == {"xian.txt", "first.txt"}


def test_capitals_typed_apart_are_not_joined_into_pinyin(split_index: Path) -> None:
    with Searcher.open(split_index) as searcher:
        assert searcher.search("SHU juku").interpreted == ()
