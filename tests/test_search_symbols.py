"""Terms with symbols are kept whole, in text and queries, and match as typed (issue 13 point 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from small_index import index_of
from typer.testing import CliRunner

from searcher.analysis.analyzers import symbol_terms
from searcher.cli.main import app
from searcher.search import Searcher

TEXTS = {
    "cpp.txt": "想深入理解内存就学 C++。",
    "c.txt": "C 语言是很多课程的基础。",
    "docs.txt": "项目的 docs 目录里有说明。",
    "dotnet.txt": "桌面软件可以用 C# 和 .NET 开发。",
    "fsharp.txt": "喜欢函数式风格就看看 F#。",
    "node.txt": "后端服务用 Node.js 编写。",
    "pi.txt": "圆周率约等于 3.14。",
    "five-g.txt": "5G 信号覆盖了整栋楼。",
    "wifi.txt": "活动室的 Wi-Fi 已经升级。",
    "wi.txt": "他的名字缩写是 Wi，爱好是 Fi 开头的运动。",
    "covid.txt": "COVID-19 期间的登记表已经归档。",
    "date.txt": "本期出版于 2024-05-01。",
}
SYMBOLS = ["C++", "C#", "F#", ".NET", "Node.js", "3.14", "5G", "Wi-Fi", "COVID-19", "2024-05-01"]


@pytest.fixture(scope="module")
def symbol_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return index_of(tmp_path_factory.mktemp("symbols"), TEXTS)


@pytest.mark.parametrize("term", SYMBOLS)
def test_a_symbol_term_matches_only_where_written_and_is_highlighted_whole(
    symbol_index: Path, term: str
) -> None:
    with Searcher.open(symbol_index) as searcher:
        result = searcher.search(term)
    holding = {name for name, text in TEXTS.items() if term.lower() in text.lower()}
    assert {hit.path.rsplit("/", 1)[-1] for hit in result.hits} == holding
    for hit in result.hits:
        assert [hit.text[s.start_char : s.end_char] for s in hit.spans] == [term]


@pytest.mark.parametrize("term", SYMBOLS)
def test_a_symbol_term_is_one_query_word(symbol_index: Path, term: str) -> None:
    with Searcher.open(symbol_index) as searcher:
        query = searcher.parse(term)
    assert [unit.literal for clause in query.clauses for unit in clause.alternatives] == [
        term.lower()
    ]


def test_symbol_terms_of_text_are_indexed_whole() -> None:
    text = "学 c++ 和 c#，用 .net、node.js 与 f#，连上 wi-fi，covid-19 于 2024-05-01"
    assert symbol_terms(text) == [
        "c++",
        "c#",
        ".net",
        "node.js",
        "f#",
        "wi-fi",
        "covid-19",
        "2024-05-01",
    ]


def test_cli_query_cpp_highlights_cpp_not_the_c_of_docs(symbol_index: Path) -> None:
    result = CliRunner().invoke(app, ["query", "C++", "--index", str(symbol_index), "--json"])
    assert result.exit_code == 0
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(hit["text"], hit["highlights"]) for hit in hits] == [(TEXTS["cpp.txt"], [[10, 13]])]
