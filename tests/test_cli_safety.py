"""Issue 18 through the command line: every input bounded, every root remembered, a damaged or
crafted index said in one line with what to do, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from searcher.cli.main import app

SEARCHER = str(Path(sys.executable).parent / "searcher")
CLEAN_ENV = {"NO_COLOR": None, "FORCE_COLOR": None, "TERM": "xterm", "SEARCHER_INDEX": None}


def _run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=input, env=CLEAN_ENV, catch_exceptions=False)


def _folder(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (path / name).write_text(text, encoding="utf-8")
    return path


def test_issue_18_a_mistyped_long_option_is_a_usage_error(sample_index: Path) -> None:
    result = _run("query", "人民政府", "--limt", "2", "--index", str(sample_index))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "searcher: No such option: --limt; see: searcher query --help\n"
    # -word still excludes a word.
    assert _run("query", "网格", "-党支部", "--index", str(sample_index)).exit_code == 0


def test_a_mistyped_long_option_with_json_is_one_json_error(sample_index: Path) -> None:
    # Found by tests/stress/fuzz_queries.py: `--json -- '--"'` printed a plain line to a reader
    # that parses each stderr line as JSON.
    result = _run("query", "--index", str(sample_index), "--json", "--", "--limt")
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert json.loads(line) == {"error": "No such option: --limt; see: searcher query --help"}


def test_issue_18_every_root_is_remembered_updated_and_listed(tmp_path: Path) -> None:
    a = _folder(tmp_path / "A", {"a.txt": "甲方网格员负责巡查。"})
    b = _folder(tmp_path / "B", {"b.txt": "乙方网格员负责登记。"})
    index = str(tmp_path / "X")
    assert _run("index", str(a), "-i", index).exit_code == 0
    assert _run("index", str(b), "-i", index).exit_code == 0
    (a / "a2.txt").write_text("甲方新增的网格。", encoding="utf-8")
    result = _run("index", "-i", index)
    assert result.exit_code == 0 and result.stdout.startswith(
        "1 new, 0 changed, 0 removed, 2 unchanged"
    )
    rebuilt = _run("index", "--rebuild", "-i", index)
    assert rebuilt.stdout.startswith("3 new, 0 changed, 0 removed, 0 unchanged")
    stats = json.loads(_run("stats", "--json", "-i", index).stdout)
    assert stats["roots"] == [str(a), str(b)]
    # The same folder through a symbolic link is the same root, indexed once.
    (tmp_path / "link").symlink_to(a)
    again = _run("index", str(tmp_path / "link"), "-i", index)
    assert again.stdout.startswith("0 new, 0 changed, 0 removed, 2 unchanged")
    forgot = _run("index", "--forget", str(a), "-i", index)
    assert forgot.exit_code == 0 and "0 new, 0 changed, 2 removed" in forgot.stdout
    assert json.loads(_run("stats", "--json", "-i", index).stdout)["roots"] == [str(b)]


def test_issue_18_a_missing_root_is_skipped_with_exit_2_and_its_passages_kept(
    tmp_path: Path,
) -> None:
    docs = _folder(tmp_path / "docs", {f"{n}.txt": f"第{n}份网格记录。" for n in range(3)})
    index = str(tmp_path / "X")
    _run("index", str(docs), "-i", index)
    docs.rename(tmp_path / "elsewhere")
    result = _run("index", "-i", index)
    assert result.exit_code == 2
    assert f"searcher: {docs} is missing; its passages are kept" in result.stderr
    assert "0 removed" in result.stdout and "3 passages" in result.stdout
    assert _run("query", "网格", "-i", index).stdout.count("份网格记录") == 3
    # An empty folder where files were (a disk not mounted) is the same.
    docs.mkdir()
    result = _run("index", "-i", index)
    assert result.exit_code == 2 and "is empty (a disk not mounted?)" in result.stderr


def test_issue_18_check_says_what_is_damaged_and_how_to_repair_it(tmp_path: Path) -> None:
    docs = _folder(tmp_path / "docs", {"a.txt": "网格员负责巡查。\n\n人民政府。"})
    index = tmp_path / "X"
    _run("index", str(docs), "-i", str(index))
    good = _run("check", "-i", str(index))
    assert good.exit_code == 0 and good.stdout.endswith("checked; no damage\n")
    postings = next(index.glob("gen-*/seg-0/post_widths.npy"))
    data = postings.read_bytes()
    postings.write_bytes(data[:-4] + b"\xff\xff\xff\xff")
    bad = _run("check", "-i", str(index))
    assert bad.exit_code == 2 and bad.stdout == ""
    assert bad.stderr.splitlines() == [
        f"searcher: damaged: {postings.parent.parent.name}/seg-0/post_widths.npy",
        f"searcher: the index at {index} is damaged; repair it with:"
        f" searcher index --rebuild --index {index}",
    ]
    assert _run("index", "--rebuild", "-i", str(index)).exit_code == 0
    assert _run("check", "-i", str(index)).exit_code == 0


def test_issue_18_an_over_long_query_is_an_error_line_and_the_batch_goes_on(
    sample_index: Path,
) -> None:
    queries = "网格\n" + "网" * 10_001 + "\n乡村\n"
    result = _run("batch", "--index", str(sample_index), input=queries)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["qid"] for line in lines] == ["1", "2", "3"]
    assert lines[1]["error"] == "the query is 10,001 characters long; the limit is 10,000"
    assert lines[0]["hits"] and lines[2]["hits"] and result.exit_code == 2


def test_issue_18_batch_from_dev_zero_stops_in_one_line_without_growing(
    sample_index: Path,
) -> None:
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run(
            [SEARCHER, "batch", "--index", str(sample_index)],
            stdin=zero,
            capture_output=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [
        '{"error": "cannot read queries from standard input: line 1 goes on past 16 MB;'
        ' give a file of queries, one per line"}'
    ]


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_issue_18_userdict_must_be_a_regular_file(tmp_path: Path, kind: str) -> None:
    docs = _folder(tmp_path / "docs", {"a.txt": "网格员。"})
    userdict = tmp_path / "dict.txt"
    if kind == "fifo":
        os.mkfifo(userdict)  # opening it for reading would wait for a writer forever
    else:
        userdict = Path("/dev/zero")
    done = subprocess.run(
        [SEARCHER, "index", str(docs), "-i", str(tmp_path / "X"), "--userdict", str(userdict)],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.decode() == (
        f"searcher: the user dictionary {userdict} is not a regular file\n"
    )


def test_issue_18_crafted_index_in_the_current_folder_runs_no_code(tmp_path: Path) -> None:
    # A downloaded folder with an ./index/ of its own: cd folder && searcher query anything.
    folder = tmp_path / "downloaded"
    docs = _folder(folder / "docs", {"a.txt": "网格员负责巡查。"})
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("SEARCHER_INDEX", None)
    subprocess.run([SEARCHER, "index", str(docs), "-i", "index"], cwd=folder, env=env, check=True)
    victim = tmp_path / "pwned"
    payload = (
        b"\x80\x02cbuiltins\nopen\nq\x00X"
        + len(str(victim)).to_bytes(4, "little")
        + str(victim).encode()
        + b"X\x01\x00\x00\x00w\x86R."
    )
    stored = next((folder / "index").glob("gen-*/seg-0/stored.bin"))
    stored.write_bytes(zlib.compress(payload) * 4)
    for command in (["query", "网格"], ["index"], ["check"]):
        done = subprocess.run(
            [SEARCHER, *command], cwd=folder, env=env, capture_output=True, timeout=60
        )
        assert done.returncode == 2, (command, done.stderr)
        assert "Traceback" not in done.stderr.decode()
        assert not victim.exists()
