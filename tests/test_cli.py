"""The CLI through typer's CliRunner: exit codes, exact output on stdout and stderr, JSON Lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from small_index import index_of
from typer.testing import CliRunner, Result

from searcher import __version__
from searcher.analysis.normalize import fold_text
from searcher.cli.main import app

HIT_KEYS = ["rank", "score", "id", "path", "title", "paragraph", "line", "text", "highlights"]
HIT_KEYS += ["title_highlights"]
BATCH_KEYS = ["qid", "query", "total", "took_ms", "hits"]
ANSI = re.compile(r"\x1b\[")
# An SGR sequence that sets a colour (30–37, 38;…, 90–97), as opposed to bold or dim alone.
COLOUR = re.compile(r"\x1b\[(?:[0-9]+;)*(?:3[0-8]|9[0-7])(?:;[0-9]+)*m")
# Terminal and colour settings of the environment running the tests must not leak in.
CLEAN_ENV = {"NO_COLOR": None, "FORCE_COLOR": None, "TERM": "xterm", "SEARCHER_INDEX": None}


def _run(*args: str, input: str | None = None, **env: str | None) -> Result:
    return CliRunner().invoke(
        app, list(args), input=input, env={**CLEAN_ENV, **env}, catch_exceptions=False
    )


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


# ---------------------------------------------------------------------------- query


def test_query_with_hits_exits_0_with_results_on_stdout_and_summary_on_stderr(
    sample_index: Path,
) -> None:
    result = _run("query", "网格", "--index", str(sample_index), "-n", "2")
    assert result.exit_code == 0
    assert result.stdout.startswith("1. 网格化管理工作手册 › ")
    assert "\n2. " in result.stdout
    assert "\n3. " not in result.stdout
    assert "网格化管理工作手册.md:" in result.stdout
    assert re.fullmatch(r"2 of 18 matching passages in [0-9.]+ ms\n", result.stderr)


def test_query_without_hits_exits_1_with_empty_stdout(sample_index: Path) -> None:
    result = _run("query", "量子纠缠", "--index", str(sample_index))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("0 of 0 matching passages")


def test_bad_query_exits_2_with_one_line_error(sample_index: Path) -> None:
    result = _run("query", '"', "--index", str(sample_index))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "searcher: the query is empty; type a word or a phrase to search for\n"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["query"], "searcher: Missing argument 'words'; see: searcher query --help"),
        (
            ["query", "网格", "-n", "0"],
            "searcher: Invalid value for '--limit' / '-n': 0 is not in the range x>=1;"
            " see: searcher query --help",
        ),
        (
            ["query", "网格", "--color", "purple"],
            "searcher: Invalid value for '--color': 'purple' is not one of 'auto', 'always',"
            " 'never'; see: searcher query --help",
        ),
        (["frobnicate"], "searcher: No such command 'frobnicate'; see: searcher --help"),
    ],
)
def test_usage_errors_exit_2_with_one_line_and_where_to_look(
    sample_index: Path, args: list[str], says: str
) -> None:
    result = _run(*args, "--index", str(sample_index)) if args != ["frobnicate"] else _run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == says + "\n"


def test_bad_query_under_json_reports_a_json_error(sample_index: Path) -> None:
    result = _run("query", "-网格", "--json", "--index", str(sample_index))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert _lines(result.stderr) == [
        {"error": "the query only excludes or filters; add a word to search for"}
    ]


def test_json_output_is_json_lines_with_exact_keys_and_highlight_offsets(
    sample_index: Path,
) -> None:
    result = _run("query", "网格", "--json", "-n", "5", "--index", str(sample_index))
    assert result.exit_code == 0
    assert "网格" in result.stdout  # Chinese as written, not \\u escapes
    records = _lines(result.stdout)
    assert [r["rank"] for r in records] == [1, 2, 3, 4, 5]
    for record in records:
        assert list(record) == HIT_KEYS
        assert Path(record["path"]).name == "网格化管理工作手册.md"
        assert record["highlights"]
        for start, end in record["highlights"]:
            assert fold_text(record["text"][start:end]) == "网格"
    assert records[0]["score"] >= records[-1]["score"]


def test_json_of_markdown_is_the_text_shown_and_code_says_its_kind(tmp_path: Path) -> None:
    source = tmp_path / "docs"
    source.mkdir()
    (source / "a.md").write_text(
        "# 手册\n\n## 上报\n\n请**网格员**阅读[规程](https://x.org/网格)。\n\n"
        "```python\nreport('网格')\n```\n",
        encoding="utf-8",
    )
    index = str(tmp_path / "index")
    assert _run("index", str(source), "--index", index, "-q").exit_code == 0
    records = _lines(_run("query", "网格", "--json", "--index", index).stdout)
    records.sort(key=lambda record: record["line"])
    assert [
        {k: v for k, v in r.items() if k not in ("rank", "score", "path", "id")} for r in records
    ] == [
        {
            "title": "手册 › 上报",
            "paragraph": 1,
            "line": 5,
            "text": "请网格员阅读规程。",
            "highlights": [[1, 3]],
            "title_highlights": [],
        },
        {
            "title": "手册 › 上报",
            "paragraph": 2,
            "line": 8,
            "text": "report('网格')",
            "highlights": [[8, 10]],
            "title_highlights": [],
            "kind": "code",
            "language": "python",
        },
    ]


def test_json_highlights_slice_the_text_as_written_for_a_traditional_query(
    data_index: Path,
) -> None:
    result = _run("query", "後來", "--json", "--no-collapse", "--index", str(data_index))
    records = _lines(result.stdout)
    shown = {Path(r["path"]).name: [r["text"][a:b] for a, b in r["highlights"]] for r in records}
    assert shown == {"simplified.txt": ["后来"], "traditional.txt": ["後來"]}


def test_full_option_prints_whole_passages(data_index: Path) -> None:
    short = _run("query", "石榴", "--index", str(data_index))
    full = _run("query", "石榴", "--full", "--index", str(data_index))
    assert "…" in short.stdout
    assert len(full.stdout) > len(short.stdout)


def test_all_option_keeps_only_passages_with_every_word(sample_index: Path) -> None:
    some = _lines(_run("query", "网格", "茶", "--json", "--index", str(sample_index)).stdout)
    every = _run("query", "网格", "茶", "--all", "--json", "--index", str(sample_index))
    assert some
    assert every.exit_code == 1
    assert every.stdout == ""


# ---------------------------------------------------------------------------- colour


def test_no_ansi_codes_when_output_is_not_a_terminal(sample_index: Path) -> None:
    result = _run("query", "网格", "--index", str(sample_index))
    assert result.exit_code == 0
    assert not ANSI.search(result.stdout + result.stderr)


def test_color_always_highlights_matches_with_ansi(sample_index: Path) -> None:
    result = _run("query", "网格", "--color", "always", "--index", str(sample_index), TERM="dumb")
    assert "\x1b[1;31m网格\x1b[0m" in result.stdout


def test_no_color_removes_colour_under_color_auto_on_a_terminal(sample_index: Path) -> None:
    on_terminal = _run("query", "网格", "--index", str(sample_index), FORCE_COLOR="1")
    assert COLOUR.search(on_terminal.stdout)  # the terminal would get colour ...
    no_color = _run("query", "网格", "--index", str(sample_index), FORCE_COLOR="1", NO_COLOR="1")
    assert no_color.exit_code == 0
    assert "网格" in no_color.stdout
    assert not COLOUR.search(no_color.stdout)  # ... but NO_COLOR leaves at most bold


def test_color_never_writes_no_escape_codes_even_on_a_terminal(sample_index: Path) -> None:
    result = _run(
        "query", "网格", "--color", "never", "--index", str(sample_index), FORCE_COLOR="1"
    )
    assert not ANSI.search(result.stdout)


# ---------------------------------------------------------------------------- batch


def test_batch_answers_plain_lines_from_stdin(sample_index: Path) -> None:
    result = _run("batch", "-n", "2", "--index", str(sample_index), input="网格\n\n茶\n")
    assert result.exit_code == 0
    records = _lines(result.stdout)
    assert [(r["qid"], r["query"]) for r in records] == [("1", "网格"), ("3", "茶")]
    for record in records:
        assert list(record) == BATCH_KEYS
        assert record["total"] > 2
        assert isinstance(record["took_ms"], float)
        assert len(record["hits"]) == 2
        assert all(list(hit) == HIT_KEYS for hit in record["hits"])
    assert records[0]["total"] == 18


def test_batch_keeps_the_qid_of_json_lines(sample_index: Path) -> None:
    lines = [
        json.dumps({"qid": "q-7", "query": "网格"}, ensure_ascii=False),
        json.dumps({"query": "后来"}, ensure_ascii=False),
        json.dumps({"qid": "q-9", "query": "量子纠缠"}, ensure_ascii=False),
    ]
    result = _run("batch", "--index", str(sample_index), input="\n".join(lines) + "\n")
    assert result.exit_code == 0
    records = _lines(result.stdout)
    assert [(r["qid"], r["query"], bool(r["hits"])) for r in records] == [
        ("q-7", "网格", True),
        ("2", "后来", True),
        ("q-9", "量子纠缠", False),
    ]


def test_batch_bad_query_gives_an_error_object_and_exit_2(sample_index: Path) -> None:
    result = _run("batch", "--index", str(sample_index), input='网格\n"\n茶\n')
    assert result.exit_code == 2
    records = _lines(result.stdout)
    assert [r["qid"] for r in records] == ["1", "2", "3"]
    assert records[1] == {
        "qid": "2",
        "query": '"',
        "error": "the query is empty; type a word or a phrase to search for",
    }
    assert records[0]["hits"] and records[2]["hits"]


def test_batch_with_no_hits_at_all_exits_1(sample_index: Path) -> None:
    result = _run("batch", "--index", str(sample_index), input="量子纠缠\n")
    assert result.exit_code == 1
    assert _lines(result.stdout)[0]["hits"] == []


def test_batch_reads_queries_from_a_file(sample_index: Path, tmp_path: Path) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text("网格\n茶\n", encoding="utf-8")
    result = _run("batch", str(queries), "--index", str(sample_index))
    assert result.exit_code == 0
    assert [r["query"] for r in _lines(result.stdout)] == ["网格", "茶"]


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize("command", ["query", "stats", "batch"])
def test_missing_explicit_index_is_a_one_line_error_exit_2(command: str, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    args = [command, "网格"] if command == "query" else [command]
    result = _run(*args, "--index", str(missing), input="网格\n")
    assert result.exit_code == 2
    assert result.stdout == ""
    message = f"no index at {missing} yet; start one with: searcher index PATH --index {missing}"
    if command == "batch":  # batch speaks JSON on both streams
        assert _lines(result.stderr) == [{"error": message}]
    else:
        assert result.stderr == f"searcher: {message}\n"
    assert not missing.exists()  # an explicit location is never filled behind the user's back


def test_missing_index_named_by_environment_is_an_error_too(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = _run("query", "网格", SEARCHER_INDEX=str(missing))
    assert result.exit_code == 2
    start = f"start one with: searcher index PATH --index {missing}"
    assert result.stderr == f"searcher: no index at {missing} yet; {start}\n"


def test_index_of_a_missing_path_exits_2_with_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    result = _run("index", str(missing), "--index", str(tmp_path / "index"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"searcher: {missing}: no such file or directory\n"


def test_index_without_paths_where_no_index_is_says_how_to_start_one(tmp_path: Path) -> None:
    index = tmp_path / "index"
    result = _run("index", "--index", str(index))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"searcher: no index at {index} yet; start one with: searcher index PATH --index {index}\n"
    )
    assert not index.exists()


# ---------------------------------------------------------------------------- index, stats


def test_index_prints_a_summary_and_a_second_run_finds_nothing_new(tmp_path: Path) -> None:
    source = tmp_path / "docs"
    source.mkdir()
    (source / "a.txt").write_text("网格员每天巡查。\n\n党支部开会。\n", encoding="utf-8")
    (source / "b.md").write_text("# 标题\n\n乡村振兴。\n", encoding="utf-8")
    index = tmp_path / "index"
    first = _run("index", str(source), "--index", str(index))
    assert first.exit_code == 0
    # 0.1 MB: mostly the readings of GB 2312's characters, for typo suggestions (pinyin_table.py)
    assert first.stdout.startswith(
        "2 new, 0 changed, 0 removed, 0 unchanged files; 3 passages (3 added); 0.1 MB index at "
    )
    assert f" MB index at {index}; " in first.stdout
    second = _run("index", "--index", str(index))
    assert second.exit_code == 0
    assert second.stdout.startswith(
        "0 new, 0 changed, 0 removed, 2 unchanged files; 3 passages (0 added); "
    )
    assert _run("query", "巡查", "--index", str(index)).exit_code == 0


def test_index_reports_a_skipped_file_on_stderr_and_in_the_summary(tmp_path: Path) -> None:
    source = tmp_path / "docs"
    source.mkdir()
    (source / "a.txt").write_text("网格员每天巡查。\n", encoding="utf-8")
    (source / "bad.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    result = _run("index", str(source), "--index", str(tmp_path / "index"))
    assert result.exit_code == 0
    assert ", 1 skipped files;" in result.stdout
    assert result.stderr.startswith(f"searcher: skipped {source / 'bad.txt'}: ")
    assert result.stderr.count("\n") == 1


def test_stats_describes_the_sample_index(sample_index: Path) -> None:
    result = _run("stats", "--index", str(sample_index))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"index       {sample_index}"
    assert "documents   27" in lines
    assert "passages    153" in lines
    assert "files       22" in lines
    assert any(line.startswith("segmenter   ") for line in lines)


def test_stats_json(sample_index: Path) -> None:
    result = _run("stats", "--json", "--index", str(sample_index))
    (record,) = _lines(result.stdout)
    assert (record["documents"], record["passages"], record["files"]) == (27, 153, 22)
    assert record["directory"] == str(sample_index)
    assert record["analysis"]["folding"] == "nfkc+lower+opencc-t2s+no-space-between-han-and-latin"


def test_version() -> None:
    result = _run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"searcher {__version__}\n"


def test_no_command_prints_help() -> None:
    result = _run()
    assert result.exit_code == 0
    assert "query" in result.stdout and "index" in result.stdout and "batch" in result.stdout


# ---------------------------------------------------------------------------- titles (issue 17)


def test_issue_17_json_hits_carry_title_highlights_in_code_points(titled_index: Path) -> None:
    result = _run("query", "劳动合同法", "试用期", "--all", "--json", "--index", str(titled_index))
    assert result.exit_code == 0
    records = {record["id"]: record for record in _lines(result.stdout)}
    assert set(records) == {"law-1", "cite-1"}
    assert list(records["law-1"]) == HIT_KEYS
    assert records["law-1"]["title"] == "中华人民共和国勞動合同法"
    assert records["law-1"]["title_highlights"] == [[7, 12]]
    assert records["law-1"]["highlights"] == [[0, 3]]
    assert records["cite-1"]["title_highlights"] == []


def test_issue_17_text_output_styles_title_matches_like_passage_matches(
    titled_index: Path,
) -> None:
    result = _run(
        "query", "勞動合同法", "--color", "always", "-n", "4", "--index", str(titled_index)
    )
    assert "\x1b[1;36m中华人民共和国\x1b[0m\x1b[1;31m勞動合同法\x1b[0m  " in result.stdout
    plain = _run("query", "勞動合同法", "-n", "4", "--index", str(titled_index))
    assert "3. 中华人民共和国勞動合同法  " in plain.stdout


def test_issue_17_total_and_all_count_passages_matching_in_the_title(titled_index: Path) -> None:
    some = _run("query", "劳动合同法", "试用期", "--index", str(titled_index))
    assert re.fullmatch(r"5 of 5 matching passages in [0-9.]+ ms\n", some.stderr)
    every = _run("query", "劳动合同法", "试用期", "--all", "--index", str(titled_index))
    assert re.fullmatch(r"2 of 2 matching passages in [0-9.]+ ms\n", every.stderr)
    title_only = _run("query", "中华人民共和国", "--index", str(titled_index))
    assert title_only.exit_code == 0
    assert re.fullmatch(r"2 of 2 matching passages in [0-9.]+ ms\n", title_only.stderr)


def test_issue_17_batch_hits_carry_title_highlights(titled_index: Path) -> None:
    result = _run("batch", "-n", "1", "--index", str(titled_index), input="中华人民共和国\n")
    [answer] = _lines(result.stdout)
    assert answer["total"] == 2
    assert answer["hits"][0]["title_highlights"] == [[0, 7]]


def test_issue_11_query_whose_filter_matches_nothing_exits_1_and_names_it(
    sample_index: Path,
) -> None:
    result = _run("query", "title:不存在的标题", "数据库", "--index", str(sample_index))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert re.fullmatch(
        r"0 matching passages in [0-9.]+ ms: title:不存在的标题 matches nothing\n", result.stderr
    )


def test_issue_11_json_query_whose_filter_matches_nothing_says_so_on_stderr(
    sample_index: Path,
) -> None:
    result = _run("query", "path:nowhere", "网格", "--json", "--index", str(sample_index))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.endswith(": path:nowhere matches nothing\n")


def test_issue_11_batch_carries_the_filter_that_matched_nothing(sample_index: Path) -> None:
    result = _run("batch", "--index", str(sample_index), input="title:不存在的标题 网格\n")
    assert result.exit_code == 1
    (record,) = _lines(result.stdout)
    assert record["hits"] == [] and record["total"] == 0
    assert record["empty_filter"] == "title:不存在的标题"


@pytest.fixture(scope="module")
def repeated_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three notes holding the same line, and one line of their own."""
    from searcher.indexing.writer import build_index

    base = tmp_path_factory.mktemp("repeated-cli")
    (base / "docs").mkdir()
    for name in ("a", "b", "c"):
        note = f"{name} 号通知的正文。\n\n本文件仅供内部参考。\n"
        (base / "docs" / f"{name}.txt").write_text(note, encoding="utf-8")
    build_index([base / "docs"], base / "index")
    return base / "index"


def test_issue_11_query_shows_a_repeated_passage_once_and_says_where_else(
    repeated_index: Path,
) -> None:
    result = _run("query", "内部参考", "--index", str(repeated_index), "--color", "never")
    assert result.exit_code == 0
    header, text, blank = result.stdout.split("\n", 2)
    assert header.endswith("also in 2 places") and text == "   本文件仅供内部参考。"
    assert re.fullmatch(r"1 of 1 matching passages in [0-9.]+ ms\n", result.stderr)


def test_issue_11_json_carries_duplicates_and_their_locations(repeated_index: Path) -> None:
    result = _run("query", "内部参考", "--json", "--index", str(repeated_index))
    [record] = _lines(result.stdout)
    assert list(record) == HIT_KEYS + ["duplicates", "duplicate_locations"]
    shown = Path(record["path"]).name
    others = {Path(place).name for place in record["duplicate_locations"]}
    assert record["duplicates"] == 2
    assert others == {"a.txt:3", "b.txt:3", "c.txt:3"} - {f"{shown}:3"}


def test_issue_11_no_collapse_shows_every_repeat_in_query_and_batch(repeated_index: Path) -> None:
    result = _run("query", "内部参考", "--json", "--no-collapse", "--index", str(repeated_index))
    assert [list(r) for r in _lines(result.stdout)] == [HIT_KEYS] * 3
    batch = _run("batch", "--index", str(repeated_index), input="内部参考\n")
    [record] = _lines(batch.stdout)
    assert (record["total"], record["hits"][0]["duplicates"]) == (1, 2)
    batch = _run("batch", "--no-collapse", "--index", str(repeated_index), input="内部参考\n")
    [record] = _lines(batch.stdout)
    assert (record["total"], len(record["hits"])) == (3, 3)


# ---------------------------------------------------------------------------- pinyin and typos


def test_issue_13_pinyin_query_says_what_it_was_read_as(sample_index: Path) -> None:
    result = _run("query", "wangge", "gl", "--index", str(sample_index), "-n", "1")
    assert result.exit_code == 0
    assert result.stdout.startswith("1. 网格化管理工作手册")
    assert re.fullmatch(
        r"1 of \d+ matching passages in [0-9.]+ ms; wangge gl → 网格 管理 \(read as pinyin\)\n",
        result.stderr,
    )


def test_issue_13_json_carries_the_pinyin_reading(sample_index: Path) -> None:
    result = _run("query", "wangge", "--json", "-n", "2", "--index", str(sample_index))
    records = _lines(result.stdout)
    assert [record["interpreted"] for record in records] == [["网格"], ["网格"]]
    assert list(records[0]) == [*HIT_KEYS, "interpreted"]
    batch = _run("batch", "-n", "1", "--index", str(sample_index), input="wangge\n网格\n")
    first, second = _lines(batch.stdout)
    assert first["interpreted"] == ["网格"] and "interpreted" not in second


def test_issue_13_pinyin_split_across_words_reads_as_the_word_it_spells(tmp_path: Path) -> None:
    # Read word by word, `shuju ku` was 数据 跨, and the passage holding those ranked first.
    index = index_of(
        tmp_path,
        {
            "database.txt": "数据库每周备份一次。",
            "data.txt": "数据跨部门共享以后，仓库的盘点也快了。",
        },
    )
    result = _run("query", "shuju ku", "--index", str(index))
    assert result.exit_code == 0
    assert result.stdout.startswith("1. database  ") and "\n2. " not in result.stdout
    assert re.fullmatch(
        r"1 of 1 matching passages in [0-9.]+ ms; shuju ku → 数据库 \(read as pinyin\)\n",
        result.stderr,
    )
    [record] = _lines(_run("query", "shu", "juku", "--json", "--index", str(index)).stdout)
    assert record["interpreted"] == ["数据库"] and record["path"].endswith("database.txt")


def test_issue_13_typo_says_did_you_mean_and_marks_the_suggestions_hits(
    sample_index: Path,
) -> None:
    result = _run("query", "志原服务", "--index", str(sample_index), "-n", "1")
    assert result.exit_code == 0
    assert result.stderr.startswith("did you mean: 志愿服务\n1 of ")
    assert result.stdout.splitlines()[0].endswith("  for 志愿服务")


def test_issue_13_json_carries_the_suggestion(sample_index: Path) -> None:
    result = _run("query", "志原服务", "--json", "-n", "1", "--index", str(sample_index))
    [record] = _lines(result.stdout)
    assert record["suggestion"] == "志愿服务" and record["suggested"] is True
    assert result.stderr == "did you mean: 志愿服务\n"
    batch = _run("batch", "-n", "1", "--index", str(sample_index), input="志原服务\n网格\n")
    first, second = _lines(batch.stdout)
    assert first["suggestion"] == "志愿服务" and "suggestion" not in second
