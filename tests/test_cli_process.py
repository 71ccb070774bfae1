"""The installed `searcher` console script in real subprocesses: exit codes, pipes, terminals."""

from __future__ import annotations

import json
import os
import platform
import pty
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

# The console script pip installs beside the interpreter running the tests (the README's test
# command installs the package): never one found elsewhere on PATH, and never a silent skip.
SEARCHER = Path(sys.executable).parent / "searcher"


@pytest.fixture(autouse=True, scope="module")
def _console_script_installed() -> None:
    assert SEARCHER.is_file(), (
        f"no searcher console script at {SEARCHER}; install the package into this environment"
        f" first: {sys.executable} -m pip install -e '.[test]'"
    )


ANSI = b"\x1b["


def _env(**extra: str) -> dict[str, str]:
    """The user's environment without anything that picks an index or a colour for us."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SEARCHER_INDEX", "NO_COLOR", "FORCE_COLOR")
    }
    env.update(TERM="xterm", PYTHONIOENCODING="utf-8")
    env.update(extra)
    return env


def _run(
    *args: str, input: str | None = None, cwd: Path | None = None, **env: str
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [SEARCHER, *args],
        input=None if input is None else input.encode(),
        capture_output=True,
        cwd=cwd,
        env=_env(**env),
        timeout=120,
    )


def test_exit_codes_are_0_for_hits_1_for_none_2_for_errors(
    sample_index: Path, tmp_path: Path
) -> None:
    assert _run("query", "网格", "--index", str(sample_index)).returncode == 0
    assert _run("query", "量子纠缠", "--index", str(sample_index)).returncode == 1
    bad = _run("query", '"', "--index", str(sample_index))
    assert bad.returncode == 2
    assert bad.stderr == b"searcher: the query is empty; type a word or a phrase to search for\n"
    missing = _run("query", "网格", "--index", str(tmp_path / "none"))
    assert missing.returncode == 2
    assert missing.stderr.count(b"\n") == 1
    assert b"Traceback" not in missing.stderr
    usage = _run("query", "--index", str(sample_index))
    assert usage.returncode == 2
    assert usage.stderr == b"searcher: Missing argument 'words'; see: searcher query --help\n"


def test_piped_output_has_no_colour(sample_index: Path) -> None:
    done = _run("query", "网格", "--index", str(sample_index))
    assert "网格化管理工作手册".encode() in done.stdout
    assert ANSI not in done.stdout
    assert ANSI not in done.stderr


def test_terminal_output_is_coloured_unless_no_color(sample_index: Path) -> None:
    def on_terminal(**env: str) -> bytes:
        controller, terminal = pty.openpty()
        try:
            process = subprocess.Popen(
                [SEARCHER, "query", "网格", "-n", "1", "--index", str(sample_index)],
                stdout=terminal,
                stderr=subprocess.DEVNULL,
                env=_env(**env),
            )
            os.close(terminal)
            output = b""
            while True:
                try:
                    chunk = os.read(controller, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
            assert process.wait(timeout=120) == 0
            return output
        finally:
            os.close(controller)

    assert b"\x1b[1;31m" in on_terminal()  # matches in bold red
    plain = on_terminal(NO_COLOR="1")
    assert "网格".encode() in plain
    assert b"\x1b[1;31m" not in plain and b"\x1b[31m" not in plain


def test_batch_reads_queries_from_stdin(sample_index: Path) -> None:
    queries = '网格\n{"qid": "t1", "query": "后来"}\n量子纠缠\n'
    done = _run("batch", "-n", "1", "--index", str(sample_index), input=queries)
    assert done.returncode == 0
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [(r["qid"], r["query"], len(r["hits"])) for r in records] == [
        ("1", "网格", 1),
        ("t1", "后来", 1),
        ("3", "量子纠缠", 0),
    ]
    assert ANSI not in done.stdout


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["query", "的", "-n", "100", "--full"], None),
        (["query", "的", "-n", "100", "--json"], None),
        (["batch", "-n", "100"], "的\n网格\n的\n"),
    ],
    ids=["text", "json", "batch"],
)
def test_closed_pipe_exits_0_without_a_traceback(
    args: list[str], stdin: str | None, sample_index: Path
) -> None:
    # The reader is gone before the first write, as `searcher query 的 | head -1` can be.
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = subprocess.run(
            [SEARCHER, *args, "--index", str(sample_index)],
            input=None if stdin is None else stdin.encode(),
            stdout=writer,
            stderr=subprocess.PIPE,
            env=_env(),
            timeout=120,
        )
    finally:
        os.close(writer)
    assert done.returncode == 0
    assert b"Traceback" not in done.stderr
    assert b"Error" not in done.stderr


def test_head_of_a_long_result_list_exits_0(sample_index: Path) -> None:
    command = f'"{SEARCHER}" query 的 -n 100 --full --index "{sample_index}" | head -1'
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, env=_env(), timeout=120
    )
    assert done.returncode == 0
    assert done.stdout.count(b"\n") == 1
    assert b"Traceback" not in done.stderr


def test_without_an_index_of_yours_the_samples_are_searched_from_their_own_index(
    tmp_path: Path,
) -> None:
    workdir = tmp_path / "empty"
    workdir.mkdir()
    data_home = tmp_path / "data-home"
    notice = (
        "searcher: no index of yours yet: searching the bundled samples"
        " (index yours with: searcher index PATH)\n"
    )
    for _ in range(2):  # the first builds the samples' index, the second finds it built
        done = _run("query", "网格", "-n", "1", cwd=workdir, XDG_DATA_HOME=str(data_home))
        assert done.returncode == 0
        stderr = done.stderr.decode()
        assert stderr.startswith(notice)
        assert stderr.count("\n") == 2  # the notice, then the summary line
        assert "网格化管理工作手册".encode() in done.stdout
    assert list(workdir.iterdir()) == []  # nothing written where the user stands
    assert sorted(p.name for p in (data_home / "searcher").iterdir()) == ["samples-index"]


def test_a_query_imports_neither_whoosh_rich_textual_nor_the_segmenter(sample_index: Path) -> None:
    # Each costs a fresh `searcher query` 15-115 ms (tests/benchmarks/results-speed.md). A word
    # the index holds, a quoted phrase, a name it does not hold and a pasted sentence are all
    # cut with the index's own vocabulary (issue 13 point 7); pinyin and typos are read with the
    # index's pinyin table, never pypinyin's dictionaries (~0.5 s).
    script = (
        "import sys\n"
        "from searcher.cli.main import app\n"
        "for query in ('网格', '\"网格员每天巡查\"', '卡马克',\n"
        "              '社区居民可以在周末参加志愿服务活动', 'wangge', 'wg', '志原服务'):\n"
        f"    try: app(['query', query, '--index', {str(sample_index)!r}, '--color', 'always'])\n"
        "    except SystemExit: pass\n"
        "heavy = {'whoosh', 'rich', 'textual', 'rjieba', 'jieba', 'pypinyin', 'pypdfium2',"
        "         'docx2python'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    "args", [["query", "--help"], ["eval", "--help"], ["--help"], ["qeury", "网格"], ["query"]]
)
def test_the_console_script_answers_as_the_whole_app_does(args: list[str]) -> None:
    # The console script builds only the command named first (cli/main.py _app_for); what it
    # prints, and its exit code, are those of the app with every command.
    whole = subprocess.run(
        [sys.executable, "-c", "from searcher.cli.main import app; app(prog_name='searcher')"]
        + args,
        capture_output=True,
        env=_env(COLUMNS="80"),
    )
    run = _run(*args, COLUMNS="80")
    assert (run.returncode, run.stdout, run.stderr) == (
        whole.returncode,
        whole.stdout,
        whole.stderr,
    )
    assert run.stdout or run.stderr


# A query ends in os._exit; this one first says how many threads the process holds.
_COUNT_THREADS = """
import os, sys
import searcher.cli.main as cli
end = os._exit
def counted(code):
    kept = os.environ.get("OPENBLAS_NUM_THREADS", "-")
    print(len(os.listdir("/proc/self/task")), kept, file=sys.stderr)
    end(code)
os._exit = counted
sys.argv = ["searcher", "query", "网格", "-n", "1", "--index", sys.argv[1]]
cli.run()
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="threads counted in /proc")
def test_a_query_starts_no_blas_threads_unless_the_user_asks(sample_index: Path) -> None:
    # numpy's OpenBLAS starts a thread a core, spinning for work a search never gives it: a
    # fresh query's CPU time was 1.5 times its wall time. A value the user set is kept.
    def threads(setting: str | None) -> tuple[int, str]:
        env = _env()
        env.pop("OPENBLAS_NUM_THREADS", None)
        if setting is not None:
            env["OPENBLAS_NUM_THREADS"] = setting
        done = subprocess.run(
            [sys.executable, "-c", _COUNT_THREADS, str(sample_index)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        count, kept = done.stderr.split()[-2:]
        return int(count), kept

    assert threads(None) == (1, "1")
    count, kept = threads("2")
    assert kept == "2"
    if "openblas" in np.__config__.CONFIG["Build Dependencies"]["blas"]["name"]:
        assert count > 1  # the threads a query no longer starts (numpy's wheels: OpenBLAS)


# The command given runs through the console entry point; then, as it ends, the process says how
# many page faults three arrays of 3 MB alive at once cost it, the second time and after.
_FAULTS = """
import os, resource, sys
import numpy as np
import searcher.cli.main as cli

def faults():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    arrays = [np.ones(3 << 17) for _ in range(3)]
    del arrays
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

end = os._exit
def counted(code):
    faults()
    print(min(faults() for _ in range(3)), file=sys.stderr)
    end(code)
os._exit = counted
sys.argv = ["searcher", *sys.argv[1:]]
try:
    cli.run()
except SystemExit as done:
    counted(done.code or 0)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's allocator tuned")
def test_a_search_keeps_freed_memory_for_its_next_arrays(
    sample_index: Path, tmp_path: Path
) -> None:
    # glibc gave back each large array's pages as it was freed, so the next one faulted them in
    # again: half the time of 的 on 4× zh-laws. A search keeps them; a build, whose arrays
    # are few and large, and a user's own allocator settings are left alone.
    def faults(*args: str, **env: str) -> int:
        done = subprocess.run(
            [sys.executable, "-c", _FAULTS, *args],
            capture_output=True,
            text=True,
            env=_env(**env),
            cwd=tmp_path,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return int(done.stderr.split()[-1])

    query = ("query", "网格", "-n", "1", "--index", str(sample_index))
    assert faults(*query) < 100
    assert faults(*query, MALLOC_TRIM_THRESHOLD_="1000000") > 1000  # the user's, as it faults
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("网格员巡查。", encoding="utf-8")
    building = ("index", str(tmp_path / "docs"), "--index", str(tmp_path / "index"), "-q")
    assert faults(*building) > 1000
