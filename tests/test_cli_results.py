"""`searcher query`'s ways of showing results: file filters, --sort, --group, -l, -c, -C, through
CliRunner (exact output) and the installed console script (exit codes, pipes)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from small_index import index_of
from typer.testing import CliRunner, Result

from searcher.cli.main import app
from searcher.indexing.writer import build_index

CLEAN_ENV = {"NO_COLOR": None, "FORCE_COLOR": None, "TERM": "xterm", "SEARCHER_INDEX": None}
SEARCHER = Path(sys.executable).parent / "searcher"
DIM = "\x1b[2m"

# name → (text, modified: days ago)
FILES = {
    "手册.md": ("# 工作手册\n\n网格员每天巡查。\n\n巡查记录当天上报。\n\n网格员交接班。\n", 30),
    "纪要.txt": ("周例会纪要：网格员汇报巡查情况。\n", 3),
    "通知.html": ("<p>网格员培训通知。</p>\n", 10),
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("results-docs")
    for name, (text, days) in FILES.items():
        path = source / name
        path.write_text(text, encoding="utf-8")
        modified = time.time() - days * 86400
        os.utime(path, (modified, modified))
    directory = tmp_path_factory.mktemp("results-index")
    build_index([source], directory)
    return directory


def _run(index: Path, *args: str) -> Result:
    return CliRunner().invoke(
        app, ["query", *args, "--index", str(index)], env=CLEAN_ENV, catch_exceptions=False
    )


def _names(stdout: str) -> list[str]:
    """The file names of the hits' locations, in order."""
    return [Path(path).name for path in re.findall(r"(\S+\.(?:md|txt|html)):\d+  score", stdout)]


def test_ext_filter_keeps_only_those_files(index: Path) -> None:
    result = _run(index, "网格员", "ext:md,html")
    assert result.exit_code == 0
    assert set(_names(result.stdout)) == {"手册.md", "通知.html"}


def test_negated_ext_filter_leaves_those_files_out(index: Path) -> None:
    result = _run(index, "网格员", "-ext:md")
    assert result.exit_code == 0
    assert set(_names(result.stdout)) == {"纪要.txt", "通知.html"}


def test_relative_date_filter_keeps_recent_files(index: Path) -> None:
    result = _run(index, "网格员", "after:7d")
    assert _names(result.stdout) == ["纪要.txt"]
    result = _run(index, "网格员", "before:7d", "type:txt")
    assert result.exit_code == 1 and result.stdout == ""


def test_a_filter_matching_nothing_exits_1_and_says_so(index: Path) -> None:
    result = _run(index, "网格员", "ext:pdf")
    assert result.exit_code == 1 and result.stdout == ""
    assert re.fullmatch(
        r"0 matching passages in [0-9.]+ ms: ext:pdf matches nothing\n", result.stderr
    )


def test_a_bad_date_exits_2_with_one_line(index: Path) -> None:
    result = _run(index, "网格员", "after:昨天")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("searcher: after:昨天: not a date;")
    assert result.stderr.count("\n") == 1


def test_sort_date_shows_newest_file_first_with_its_date(index: Path) -> None:
    result = _run(index, "网格员", "--sort", "date")
    assert _names(result.stdout) == ["纪要.txt", "通知.html", "手册.md", "手册.md"]
    assert result.stdout.count("  modified 20") == 4
    assert ", newest first" in result.stderr


def test_sort_path_lists_by_file_then_line(index: Path) -> None:
    result = _run(index, "巡查", "--sort", "path")
    assert _names(result.stdout) == ["手册.md", "手册.md", "纪要.txt"]
    lines = re.findall(r"手册\.md:(\d+)", result.stdout)
    assert lines == sorted(lines, key=int)


def test_unknown_sort_is_a_usage_error(index: Path) -> None:
    result = _run(index, "网格员", "--sort", "size")
    assert result.exit_code == 2 and "--sort" in result.stderr


def test_group_shows_each_document_once_with_its_count(index: Path) -> None:
    result = _run(index, "网格员", "-g")
    assert sorted(_names(result.stdout)) == ["手册.md", "纪要.txt", "通知.html"]
    assert "  2 passages match" in result.stdout and result.stdout.count("  1 passage match") == 2
    assert re.fullmatch(r"3 of 3 matching documents \(4 passages\) in [0-9.]+ ms\n", result.stderr)


def test_files_with_matches_lists_one_location_per_document(index: Path) -> None:
    result = _run(index, "巡查", "-l")
    assert result.exit_code == 0
    assert [Path(line).name for line in result.stdout.splitlines()] == ["手册.md", "纪要.txt"]


def test_files_with_matches_and_count_give_each_documents_count(index: Path) -> None:
    result = _run(index, "巡查", "-l", "-c")
    counts = {
        Path(path).name: int(n)
        for path, n in (line.rsplit(":", 1) for line in result.stdout.splitlines())
    }
    assert counts == {"手册.md": 2, "纪要.txt": 1}


def test_count_prints_the_number_of_matching_passages_only(index: Path) -> None:
    result = _run(index, "巡查", "-c")
    assert result.exit_code == 0 and result.stdout == "3\n" and result.stderr == ""
    none = _run(index, "量子", "-c")
    assert none.exit_code == 1 and none.stdout == "0\n"


def test_files_with_matches_as_json(index: Path) -> None:
    result = _run(index, "巡查", "-l", "--json")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["rank"], Path(r["path"]).name, r["matches"]) for r in records] == [
        (1, "手册.md", 2),
        (2, "纪要.txt", 1),
    ]
    assert json.loads(_run(index, "巡查", "-c", "--json").stdout) == {"count": 3}


def test_context_shows_neighbouring_passages_with_their_lines(index: Path) -> None:
    result = _run(index, "交接班", "-C", "1")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[1] == "   5: 巡查记录当天上报。"
    assert "交接班" in lines[2] and len(lines) == 4  # nothing after the last passage


def test_context_is_dimmed_in_colour(index: Path) -> None:
    result = _run(index, "交接班", "-C", "1", "--color", "always")
    assert f"{DIM}   5: 巡查记录当天上报。" in result.stdout


def test_context_in_json(index: Path) -> None:
    result = _run(index, "当天上报", "-C", "1", "--json")
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["context"] == {
        "before": [{"paragraph": 1, "line": 3, "text": "网格员每天巡查。"}],
        "after": [{"paragraph": 3, "line": 7, "text": "网格员交接班。"}],
    }


def test_flags_in_a_real_process_keep_exit_codes(index: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        env = {k: v for k, v in os.environ.items() if k != "SEARCHER_INDEX"}
        command = [SEARCHER, "query", *args, "--index", str(index)]
        return subprocess.run(command, capture_output=True, env=env, check=False)

    listed = run("巡查", "-l", "--sort", "date")
    assert listed.returncode == 0
    assert [Path(line).name for line in listed.stdout.decode().splitlines()] == [
        "纪要.txt",
        "手册.md",
    ]
    assert run("巡查", "-c", "ext:pdf").returncode == 1
    assert run("巡查", "-C", "-1").returncode == 2


def test_explain_prints_the_parts_of_each_score_under_the_hit(index: Path) -> None:
    result = _run(index, "交接班", "--explain")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    score = float(re.search(r"score ([0-9.]+)", lines[0]).group(1))
    assert lines[2] == "   tier: a whole word of the text"
    assert any(
        re.fullmatch(r"\s+[0-9.]+  literal 交接班: 0\.4 × BM25 .*tf 1\)", line) for line in lines
    )
    total = next(line for line in lines if line.endswith("= score"))
    assert float(total.split()[0]) == pytest.approx(score, abs=0.01)


def test_explain_in_json(index: Path) -> None:
    result = _run(index, "网格员 交接班", "--explain", "--json")
    record = json.loads(result.stdout.splitlines()[0])
    explain = record["explain"]
    assert explain["tier"].startswith("holds all ")
    assert {part["kind"] for part in explain["parts"]} >= {"word", "literal", "bigrams"}
    assert sum(part["score"] for part in explain["parts"]) == pytest.approx(
        record["score"], abs=1e-3
    )


def test_explain_names_the_tiers_that_put_a_lower_score_first(tmp_path: Path) -> None:
    # golang scores less than logo and still ranks above it: the tier line says why.
    texts = {
        "whole.txt": "学 go 的教程放在这里。",
        "prefix.txt": "学 golang 的教程放在这里，这份教程很长很长很长。",
        "inside.txt": "换 logo 的教程。",
    }
    index = index_of(tmp_path, texts)
    result = _run(index, "go", "--explain")
    tiers = [line for line in result.stdout.splitlines() if line.startswith("   tier: ")]
    assert tiers == [
        '   tier: "go" as a whole word',
        '   tier: "go" at the start of a word: after it as a whole word',
        '   tier: "go" inside a word: after it at the start of one',
    ]
    scores = [float(s) for s in re.findall(r"score ([0-9.]+)", result.stdout)]
    assert scores[1] < scores[2]
    result = _run(index, "go 教程", "--explain", "--json")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(record["path"]).name for record in records] == list(texts)
    assert records[1]["explain"]["tier"] == (
        'holds all 2 elements; "go" at the start of a word: after it as a whole word'
    )


def test_batch_takes_the_same_filters(index: Path) -> None:
    queries = "网格员 ext:md\n网格员 ext:pdf\n网格员 after:bad\n"
    result = CliRunner().invoke(app, ["batch", "--index", str(index)], input=queries, env=CLEAN_ENV)
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert {Path(hit["path"]).name for hit in answers[0]["hits"]} == {"手册.md"}
    assert answers[1]["hits"] == [] and answers[1]["empty_filter"] == "ext:pdf"
    assert answers[2]["error"].startswith("after:bad: not a date")
    assert result.exit_code == 2  # one query could not run


def test_count_counts_every_copy_of_a_repeated_passage(tmp_path: Path) -> None:
    source = tmp_path / "docs"
    source.mkdir()
    for number in range(5):  # the same line in five files: one hit, shown once, counted 5 times
        (source / f"{number}.txt").write_text("重复的告示：请勿停车。\n", encoding="utf-8")
    build_index([source], tmp_path / "index")
    assert _run(tmp_path / "index", "告示", "-c").stdout == "5\n"
    shown = _run(tmp_path / "index", "告示")
    assert shown.stdout.count("also in 4 places") == 1
