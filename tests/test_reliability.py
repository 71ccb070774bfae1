"""Reliability (issue #6): kills, Ctrl+C, a second writer, bad files, bad queries and a bad
environment never lose the index, never mix two states, never show a traceback.

Short versions of tests/stress/ (kill_index.py, concurrent_queries.py, fuzz_queries.py,
bad_files.py; results in tests/stress/results-reliability.md). The random kills and the fuzzed
queries also come in bigger versions marked `slow`, left out of the default run: run them with
`pytest -m slow tests/test_reliability.py`, or everything with `pytest -m "slow or not slow"`.
Everything runs as root: permission loss, read-only directories and full disks are simulated by
patching the calls that would fail, never with chmod (which root ignores).
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from stress.checks import (
    alive,
    check_cli_json,
    check_search,
    children,
    cli_query,
    index_state,
    leftovers,
    lock_is_free,
    long_query,
    queries,
)
from stress.faults import PAUSED, crash_during, raise_on_call, refused
from typer.testing import CliRunner

from searcher.cli.location import samples_dir
from searcher.cli.main import app
from searcher.indexing import writer
from searcher.indexing.writer import build_index
from searcher.ingest.formats import MAX_PASSAGE_CHARS
from searcher.search import Searcher
from searcher.store import generation
from searcher.store.commit import IndexStore

# ---------------------------------------------------------------------------- corpora


def _paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted(samples_dir().iterdir()):
        if path.suffix in (".txt", ".md"):
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue  # the GB18030 sample
            paragraphs += [p.strip() for p in text.split("\n\n") if len(p.strip()) > 20]
    return paragraphs


def write_corpus(directory: Path, files: int, paragraphs: int, seed: int) -> Path:
    """`files` text files of sample paragraphs in random order, under a few subfolders."""
    rng = random.Random(seed)
    pool = _paragraphs()
    for number in range(files):
        path = directory / f"part-{number % 4}" / f"doc-{number:04d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(rng.choice(pool) for _ in range(paragraphs)) + "\n")
    (directory / "000-empty.txt").write_bytes(b"")  # skipped first: a sign the run has the lock
    return directory


def mutate(directory: Path, rng: random.Random) -> None:
    """An incremental update's worth of changes: 3 files changed, 2 removed, 2 added."""
    files = sorted(directory.rglob("doc-*.txt"))
    pool = _paragraphs()
    picked = rng.sample(files, 5)
    for path in picked[:3]:
        path.write_text(path.read_text() + "\n" + rng.choice(pool) + "\n")
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    for path in picked[3:]:
        path.unlink()
    # Touched: it is read (and skipped, with a warning) again, the sign that a run holds the lock.
    empty = directory / "000-empty.txt"
    os.utime(empty, ns=(empty.stat().st_atime_ns, empty.stat().st_mtime_ns + 1_000_000_000))
    for _ in range(2):
        name = f"new-{rng.randrange(10**9)}.txt"
        (directory / name).write_text("\n\n".join(rng.choice(pool) for _ in range(8)) + "\n")


@pytest.fixture
def small(tmp_path: Path) -> tuple[list[Path], Path]:
    """(roots, index directory): the samples plus 20 generated files, indexed."""
    roots = [samples_dir(), write_corpus(tmp_path / "docs", 20, 6, seed=1)]
    build_index(roots, tmp_path / "index")
    return roots, tmp_path / "index"


def _searcher(*args: str, **kwargs: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "searcher", *args], text=True, encoding="utf-8", **kwargs
    )


def _wait_for_lock_held(proc: subprocess.Popen) -> list[int]:
    """Wait until the run reports its first skipped file (it holds the lock and is reading);
    return its analysis workers."""
    line = proc.stderr.readline()
    assert "skipped" in line, line
    return children(proc.pid)


# A run held at its 3rd passage (stress/paused.py): it holds the lock, its workers are analysing,
# nothing is committed, and it stays there until signalled, however loaded the machine is.
_PAUSED_RUN = [
    str(Path(__file__).parent / "stress" / "paused.py"),
    "searcher.indexing.rows:RowsBuilder.add",
    "3",
]


def _paused_searcher(*args: str, **kwargs: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *_PAUSED_RUN, *args],
        stdin=subprocess.PIPE,  # closed by the test's end: the run goes on, never hangs
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        **kwargs,
    )


def _wait_until_paused(proc: subprocess.Popen) -> list[int]:
    """Wait until the run says it is paused inside its work; return its analysis workers."""
    for line in proc.stderr:
        if line.startswith(PAUSED):
            return children(proc.pid)
    raise AssertionError(f"the run ended (exit {proc.wait()}) before its pause")


# ---------------------------------------------------------------------------- crash safety

# Where a crash can land: (call, at its n-th call, whether the new state is committed by then).
CRASH_POINTS = {
    "analysing": ("searcher.indexing.rows:RowsBuilder.add", 3, False),
    "writing the generation": ("os:fsync", 2, False),
    "renaming the generation": ("os:replace", 1, False),
    "writing the TOC": ("searcher.store.commit:write_toc", 1, False),
    "renaming the TOC": ("os:replace", 2, False),
    "writing the marker": ("searcher.indexing.writer:write_marker", 1, True),
    "removing stale generations": (
        "searcher.store.commit:IndexStore.remove_stale_generations",
        1,
        True,
    ),
}


@pytest.mark.parametrize(
    ("point", "rebuild"),
    [(point, False) for point in CRASH_POINTS] + [("analysing", True), ("renaming the TOC", True)],
)
def test_crash_at_any_step_leaves_the_previous_or_the_new_state(
    small: tuple[list[Path], Path], point: str, rebuild: bool
) -> None:
    roots, index_dir = small
    before = index_state(index_dir)
    mutate(roots[1], random.Random(point))
    target, at, committed = CRASH_POINTS[point]
    assert crash_during(lambda: build_index(roots, index_dir, rebuild=rebuild), target, at) == 137
    crashed = index_state(index_dir)
    assert lock_is_free(index_dir)
    build_index(roots, index_dir, rebuild=rebuild)  # the next run completes the update
    after = index_state(index_dir)
    assert before != after
    assert crashed == (after if committed else before)
    assert leftovers(index_dir) == []


def test_first_build_killed_before_its_first_commit_can_simply_be_run_again(
    tmp_path: Path,
) -> None:
    index_dir = tmp_path / "index"
    toc = "searcher.store.commit:write_toc"  # the first commit
    assert crash_during(lambda: build_index([samples_dir()], index_dir), toc) == 137
    assert index_state(index_dir) is None
    assert cli_query(index_dir, "网格") == []  # "no index": exit 2, one line
    build_index([samples_dir()], index_dir)
    assert index_state(index_dir) is not None
    assert leftovers(index_dir) == []


@pytest.mark.parametrize("kills", [3, pytest.param(5, marks=pytest.mark.slow)])
def test_sigkill_at_random_moments_never_breaks_the_index(tmp_path: Path, kills: int) -> None:
    rng = random.Random(6)
    corpus = write_corpus(tmp_path / "docs", 60, 8, seed=6)
    roots = [str(samples_dir()), str(corpus)]
    index_dir = tmp_path / "index"
    for kill in range(kills):  # a first build, then updates and rebuilds in turn
        before = index_state(index_dir) if index_dir.exists() else None
        rebuild = kill > 0 and kill % 2 == 0
        if kill % 2 == 1:
            mutate(corpus, rng)
        args = ["index", *roots, "--index", str(index_dir)] + ["--rebuild"] * rebuild
        proc = _searcher(*args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        workers = _wait_for_lock_held(proc)
        # While it reads and analyses; the commit's short moments are the crash-point tests'.
        time.sleep(rng.uniform(0, 0.2))
        proc.kill()
        proc.wait()
        _wait_gone(workers)
        assert lock_is_free(index_dir)
        killed = index_state(index_dir)
        cli_query(index_dir, "管理")
        build_index([Path(root) for root in roots], index_dir, rebuild=rebuild)
        assert killed in (before, index_state(index_dir))
        assert leftovers(index_dir) == []


def _wait_gone(pids: list[int], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert alive(pids) == [], "analysis workers outlived their killed parent"


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(corpus, index): about 1.5 MB, so a run lasts long enough to be interrupted. Copy the
    index before writing to it."""
    base = tmp_path_factory.mktemp("big")
    corpus = write_corpus(base / "docs", 150, 40, seed=2)
    build_index([corpus], base / "index")
    return corpus, base / "index"


def test_killed_parent_takes_its_workers_and_the_lock_with_it(
    big: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, _ = big
    proc = _searcher(
        "index", str(corpus), "--index", str(tmp_path / "index"), stderr=subprocess.PIPE
    )
    workers = _wait_for_lock_held(proc)
    assert workers, "the run started no analysis workers"
    proc.kill()
    proc.wait()
    _wait_gone(workers)
    assert lock_is_free(tmp_path / "index")


def test_killed_rebuild_leaves_the_old_index_searchable(
    big: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, base_index = big
    index_dir = shutil.copytree(base_index, tmp_path / "index")
    before = index_state(index_dir)
    proc = _paused_searcher("index", "--rebuild", "--index", str(index_dir))
    _wait_until_paused(proc)
    proc.kill()
    proc.wait()
    assert index_state(index_dir) == before
    assert len(cli_query(index_dir, "社区")) == 10


# ---------------------------------------------------------------------------- Ctrl+C


def test_ctrl_c_while_indexing_exits_130_commits_nothing_and_says_what_was_done(
    big: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, base_index = big
    index_dir = shutil.copytree(base_index, tmp_path / "index")
    before = index_state(index_dir)
    proc = _paused_searcher("index", "--rebuild", "--index", str(index_dir), stdout=subprocess.PIPE)
    workers = _wait_until_paused(proc)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert stdout == ""
    assert stderr.splitlines()[-1].startswith("searcher: interrupted; stopped after reading ")
    assert stderr.splitlines()[-1].endswith("nothing was committed, the index is as it was")
    assert "Traceback" not in stderr
    _wait_gone(workers)
    assert index_state(index_dir) == before
    assert leftovers(index_dir) == []


def test_keyboard_interrupt_inside_a_run_closes_the_pool_and_keeps_the_index(
    small: tuple[list[Path], Path],
) -> None:
    roots, index_dir = small
    before = index_state(index_dir)
    mutate(roots[1], random.Random(3))
    add = "searcher.indexing.rows:RowsBuilder.add"
    with raise_on_call(add, KeyboardInterrupt(), at=5) as fault:
        result = _cli("index", "--index", str(index_dir))
    assert (fault.calls, fault.fired) == (5, 1)  # interrupted at the 5th passage, and it stopped
    assert result.exit_code == 130
    assert result.stderr.splitlines()[-1].startswith("searcher: interrupted; stopped after reading")
    assert children(os.getpid()) == []  # the analysis workers were ended, not left behind
    assert index_state(index_dir) == before
    assert leftovers(index_dir) == []


# ---------------------------------------------------------------------------- concurrency


def test_queries_during_an_index_run_answer_from_the_last_committed_state(
    small: tuple[list[Path], Path],
) -> None:
    roots, index_dir = small
    before = index_state(index_dir)
    mutate(roots[1], random.Random(4))
    args = ["index", *map(str, roots), "--index", str(index_dir)]
    proc = _searcher(*args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = []
    while proc.poll() is None:
        seen.append(index_state(index_dir))
    assert proc.returncode == 0
    after = index_state(index_dir)
    assert seen and set(seen) <= {before, after}


# Every kind of query the engine answers: words, phrase, OR, exclusion, title:, path:, partial.
_QUERIES = ("网格", '"网格员"', "社区 OR 茶", "网格 -管理", "title:网格", "path:part-1 管理")


def _answers(searcher: Searcher) -> list[object]:
    answers: list[object] = [searcher.stats().passages]
    for query in _QUERIES:
        for require_all in (False, True):
            hits = searcher.search(query, limit=5, require_all=require_all).hits
            answers.append([(h.path, h.text, h.spans) for h in hits])
    first = searcher.search("网格").hits[0]
    answers.append([h.text for h in searcher.document(first, "网格")])
    return answers


def test_an_open_searcher_answers_from_its_state_after_commits_remove_its_files(
    small: tuple[list[Path], Path],
) -> None:
    roots, index_dir = small
    with Searcher.open(index_dir) as used, Searcher.open(index_dir) as untouched:
        expected = _answers(used)
        mutate(roots[1], random.Random(12))
        build_index(roots, index_dir, rebuild=True)  # deletes the files both opened
        build_index(roots, index_dir)
        # The untouched one reads its first array, stored passage and manifest only now.
        assert _answers(untouched) == expected
        assert _answers(used) == expected
    with Searcher.open(index_dir) as fresh:
        assert _answers(fresh) != expected


def test_opening_while_a_commit_removes_the_generation_retries_on_the_new_one(
    small: tuple[list[Path], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    roots, index_dir = small
    opening = generation.Generation
    commits: list[object] = []

    def commit_first(directory: Path) -> object:
        # The reader has listed the newest table of contents; a commit lands before it opens
        # that generation, and removes it.
        if not commits:
            (roots[1] / "late.txt").write_text("迟到的网格段落", encoding="utf-8")
            commits.append(build_index(roots, index_dir))
        return opening(directory)

    monkeypatch.setattr(generation, "Generation", commit_first)
    with Searcher.open(index_dir) as searcher:
        assert [hit.text for hit in searcher.search('"迟到的网格段落"').hits] == ["迟到的网格段落"]
    assert commits


def test_writer_opening_while_a_commit_removes_the_table_of_contents_retries(
    small: tuple[list[Path], Path],
) -> None:
    roots, index_dir = small
    before = index_state(index_dir)
    mutate(roots[1], random.Random(13))
    # Before it takes the lock, a writer reads the user dictionary of the newest generation; a
    # commit meanwhile deletes that generation, so the writer finds it gone and reads again.
    gone = FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), "gen-1/meta.json")
    with raise_on_call("searcher.store.commit:_read_meta", gone, times=2) as fault:
        report = build_index(roots, index_dir)
    assert fault.fired == 2 and fault.calls > 2  # found gone twice, then read
    assert report.committed
    assert (report.files_new, report.files_changed, report.files_removed) == (2, 3, 2)
    build_index(roots, index_dir.parent / "fresh")
    assert before != index_state(index_dir) == index_state(index_dir.parent / "fresh")
    assert leftovers(index_dir) == []


def test_two_first_runs_started_together_both_succeed_with_one_index(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    args = ["index", str(samples_dir()), "--index", str(index_dir), "--wait", "60"]
    runs = [_searcher(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = sorted(run.communicate(timeout=120)[0] for run in runs)
    assert [run.returncode for run in runs] == [0, 0]
    assert outputs[0].startswith("0 new, 0 changed, 0 removed, 22 unchanged files")
    assert outputs[1].startswith("22 new, 0 changed, 0 removed, 0 unchanged files")
    assert index_state(index_dir) is not None
    assert leftovers(index_dir) == []


def test_second_index_run_waits_for_the_lock_then_fails_in_one_line(
    small: tuple[list[Path], Path],
) -> None:
    roots, index_dir = small
    before = index_state(index_dir)
    with IndexStore.open(index_dir).write_lock(0):
        result = _cli("index", "--index", str(index_dir), "--wait", "0.5")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"searcher: another searcher process is writing to {index_dir}; waiting up to 0.5 s",
        f"searcher: another searcher process is writing to {index_dir} (waited 0.5 s);"
        " wait for it to finish, or retry with --wait SECONDS",
    ]
    assert index_state(index_dir) == before
    assert leftovers(index_dir) == []


def test_second_index_run_goes_ahead_when_the_lock_is_freed_in_time(
    small: tuple[list[Path], Path],
) -> None:
    roots, index_dir = small
    mutate(roots[1], random.Random(5))
    held = threading.Event()

    def hold_lock_briefly() -> None:
        with IndexStore.open(index_dir).write_lock(0):
            held.set()
            time.sleep(0.5)

    holder = threading.Thread(target=hold_lock_briefly)
    holder.start()
    held.wait()
    result = _cli("index", "--index", str(index_dir), "--wait", "30")
    holder.join()
    assert result.exit_code == 0, result.stderr
    assert "2 new, 3 changed, 2 removed" in result.stdout
    assert leftovers(index_dir) == []


# ---------------------------------------------------------------------------- bad files


def test_bad_files_are_indexed_sensibly_or_skipped_with_one_line_each(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (docs / "empty.txt").write_bytes(b"")
    valid = "网格员每天巡查本网格一次。".encode()
    (docs / "mixed.txt").write_bytes(valid + b"\xff\xfe\x80\xc3" + "居民议事会每月召开。".encode())
    (docs / "name with spaces.txt").write_text("空格名字的文件。")
    (docs / "new\nline.txt").write_text("换行名字的文件。")
    (docs.joinpath(os.fsdecode(b"bad\xffbyte.txt"))).write_text("坏字节名字的文件。")
    (docs / "loop").symlink_to(docs)
    (docs / "dangling.txt").symlink_to(docs / "nowhere.txt")
    deep = docs.joinpath(*[f"d{level}" for level in range(60)])
    deep.mkdir(parents=True)
    (deep / "deep.txt").write_text("很深的目录里的文件。")
    index_dir = tmp_path / "index"

    result = _cli("index", str(docs), "--index", str(index_dir))

    assert result.exit_code == 0, result.stderr
    # Links inside a folder are not followed (the loop and the dangling one): no warning either.
    assert sorted(result.stderr.splitlines()) == [
        f"searcher: skipped {docs}/binary.txt: binary data (NUL bytes), not text",
        f"searcher: skipped {docs}/empty.txt: holds no text",
    ]
    assert result.stdout.startswith("5 new, 0 changed, 0 removed, 0 unchanged, 2 skipped files")
    # Not text: not read again, nor warned about, until they change.
    again = _cli("index", "--index", str(index_dir))
    assert again.stderr == ""
    assert again.stdout.startswith("0 new, 0 changed, 0 removed, 5 unchanged, 2 skipped as before")
    with Searcher.open(index_dir) as searcher:
        [mixed] = searcher.search("网格员 居民").hits
        assert (
            mixed.text == "网格员每天巡查本网格一次。\ufffd\ufffd\ufffd\ufffd居民议事会每月召开。"
        )
        assert len(searcher.search('"名字的文件"').hits) == 3
        assert searcher.search("很深的目录").hits[0].path == str(deep / "deep.txt")
    shown = _cli("query", '"名字的文件"', "--index", str(index_dir), "--color", "never").stdout
    assert "docs/new\\nline.txt:1" in shown and "docs/bad\\xffbyte.txt:1" in shown
    assert "docs/name with spaces.txt:1" in shown
    found = _cli("query", "坏字节", "--index", str(index_dir), "--json").stdout
    first = json.loads(found.splitlines()[0])
    assert os.fsencode(first["path"]).endswith(b"/bad\xffbyte.txt")


def test_folder_of_nothing_but_bad_files_gives_an_empty_index_that_answers(
    tmp_path: Path,
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "empty.txt").write_bytes(b"")
    result = _cli("index", str(tmp_path / "docs"), "--index", str(tmp_path / "index"))
    assert result.exit_code == 0
    assert result.stdout.startswith("0 new, 0 changed, 0 removed, 0 unchanged, 1 skipped files")
    assert _cli("query", "网格", "--index", str(tmp_path / "index")).exit_code == 1  # no hits


def test_huge_single_line_file_is_split_into_bounded_passages(tmp_path: Path) -> None:
    rng = random.Random(7)
    pool = [p.replace("\n", "") for p in _paragraphs()]
    line = "".join(rng.choice(pool) for _ in range(3000)) + "尾声独有的句子"
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "one-line.txt").write_text(line)  # about 1 MB, no newline at all
    report = build_index([tmp_path / "docs"], tmp_path / "index")
    assert report.passages >= len(line) // MAX_PASSAGE_CHARS
    with Searcher.open(tmp_path / "index") as searcher:
        [hit] = searcher.search('"尾声独有的句子"').hits
        assert hit.line == 1 and len(hit.text) <= MAX_PASSAGE_CHARS
        stored = searcher.document(hit)
    assert all(len(p.text) <= MAX_PASSAGE_CHARS for p in stored)
    # Cuts fall after a sentence or at a space, and only the spaces at a cut are dropped.
    assert "".join(p.text for p in stored).replace(" ", "") == line.replace(" ", "")


def test_file_vanishing_mid_run_is_skipped_and_the_rest_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = write_corpus(tmp_path / "docs", 6, 3, seed=8)
    victim = docs / "part-1" / "doc-0001.txt"
    listed = writer.discover_files

    def discover_then_delete(*args: object, **kwargs: object) -> Iterator[object]:
        found = list(listed(*args, **kwargs))
        victim.unlink()  # gone after the walk, before it is read
        return iter(found)

    monkeypatch.setattr(writer, "discover_files", discover_then_delete)
    result = _cli("index", str(docs), "--index", str(tmp_path / "index"))
    assert result.exit_code == 0
    assert f"searcher: skipped {victim}: no such file or directory" in result.stderr.splitlines()
    assert result.stdout.startswith("5 new, 0 changed, 0 removed, 0 unchanged, 2 skipped files")


def test_file_losing_read_permission_mid_run_is_skipped_and_the_rest_indexed(
    tmp_path: Path,
) -> None:
    docs = write_corpus(tmp_path / "docs", 6, 3, seed=9)
    victim = docs / "part-2" / "doc-0002.txt"
    with refused(victim, errno.EACCES, writes_only=False) as fault:
        result = _cli("index", str(docs), "--index", str(tmp_path / "index"))
    assert fault.fired == 1  # its one open, to hash it
    assert result.exit_code == 0
    assert f"searcher: skipped {victim}: permission denied" in result.stderr.splitlines()
    assert result.stdout.startswith("5 new, 0 changed, 0 removed, 0 unchanged, 2 skipped files")


# ---------------------------------------------------------------------------- bad queries

_FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def sample_searcher(sample_index: Path) -> Iterator[Searcher]:
    with Searcher.open(sample_index) as searcher:
        yield searcher


_API_QUERIES = given(text=queries(longest=2000, short_per_long=19), require_all=st.booleans())
_CLI_QUERIES = given(text=queries(longest=1000, short_per_long=19))


@_FUZZ
@_API_QUERIES
@example(text=long_query(6, 10_000), require_all=False)
def test_random_queries_through_the_api_answer_or_refuse_in_one_line(
    sample_searcher: Searcher, text: str, require_all: bool
) -> None:
    check_search(sample_searcher, text, require_all)


@pytest.mark.slow
@settings(_FUZZ, max_examples=300)
@_API_QUERIES
def test_300_random_queries_through_the_api_answer_or_refuse_in_one_line(
    sample_searcher: Searcher, text: str, require_all: bool
) -> None:
    check_search(sample_searcher, text, require_all)


@settings(_FUZZ, max_examples=30)
@_CLI_QUERIES
def test_random_queries_through_cli_json_exit_0_1_or_2_with_valid_json(
    sample_index: Path, text: str
) -> None:
    result = _cli("query", "--index", str(sample_index), "--json", "--", text)
    check_cli_json(result.exit_code, result.stdout, result.stderr)


@pytest.mark.slow
@settings(_FUZZ, max_examples=100)
@_CLI_QUERIES
def test_100_random_queries_through_cli_json_exit_0_1_or_2_with_valid_json(
    sample_index: Path, text: str
) -> None:
    result = _cli("query", "--index", str(sample_index), "--json", "--", text)
    check_cli_json(result.exit_code, result.stdout, result.stderr)


@pytest.mark.parametrize(
    "text", ['-"网格 OR title: path:((([[ \udcff坏\x01\x7f\x1b', "网" * 10_000, "-网格 -"]
)
def test_hostile_queries_in_a_real_process_exit_cleanly(sample_index: Path, text: str) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "searcher", "query", "--index", str(sample_index), "--json", text],
        capture_output=True,
        timeout=60,
    )
    stdout = run.stdout.decode("utf-8")  # strict: the output is valid UTF-8
    check_cli_json(run.returncode, stdout, run.stderr.decode("utf-8"))


def test_exclusion_syntax_works_from_the_shell(sample_index: Path) -> None:
    result = _cli("query", "网格", "-管理", "--index", str(sample_index), "--json")
    assert result.exit_code == 0, result.stderr
    assert all("管理" not in json.loads(line)["text"] for line in result.stdout.splitlines())


# ---------------------------------------------------------------------------- bad environment


def _cli(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


def _fails_in_one_line(result: object, *fragments: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    *warnings, line = result.stderr.splitlines()
    assert all(w.startswith("searcher: skipped ") for w in warnings), warnings  # from the run
    assert line.startswith("searcher: ") and "internal error" not in line, line
    for fragment in fragments:
        assert fragment in line, line


def test_read_only_index_directory_fails_in_one_line_and_stays_searchable(
    small: tuple[list[Path], Path],
) -> None:
    roots, index_dir = small
    before = index_state(index_dir)
    mutate(roots[1], random.Random(10))
    with refused(index_dir, errno.EROFS, writes_only=True):
        result = _cli("index", "--index", str(index_dir))
        _fails_in_one_line(result, f"cannot write to {index_dir}: read-only file system")
        assert index_state(index_dir) == before  # still searchable while read-only
    assert leftovers(index_dir) == []


def test_unreadable_index_fails_in_one_line(small: tuple[list[Path], Path]) -> None:
    _, index_dir = small
    with refused(index_dir, errno.EACCES, writes_only=False):
        result = _cli("query", "网格", "--index", str(index_dir))
    _fails_in_one_line(result, f"cannot read the index at {index_dir}: permission denied")


# Where the disk fills up: the n-th file created in the index, or one named call.
DISK_FULL = {
    "the new segment": ("open", 1),
    "the first postings file": ("open", 4),
    "a later postings file": ("open", 12),
    "fsync of the generation": ("os:fsync", 1),
    "the generation rename": ("os:replace", 1),
    "the TOC": ("searcher.store.commit:write_toc", 1),
}


@pytest.mark.parametrize("point", list(DISK_FULL))
def test_disk_full_during_an_update_keeps_the_previous_index(
    small: tuple[list[Path], Path], point: str
) -> None:
    roots, index_dir = small
    before = index_state(index_dir)
    mutate(roots[1], random.Random(point))
    target, at = DISK_FULL[point]
    if target == "open":
        full = refused(index_dir, errno.ENOSPC, writes_only=True, after=at - 1)
    else:
        full = raise_on_call(target, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), at)
    with full as fault:
        result = _cli("index", "--index", str(index_dir))
    if target == "open":
        assert fault.fired >= 1  # the at-th file created, and the clean-up's calls after it
    else:
        assert (fault.calls, fault.fired) == (at, 1)  # the run stopped at the failed call
    _fails_in_one_line(result, str(index_dir), "no space left on device")
    assert index_state(index_dir) == before
    assert lock_is_free(index_dir)
    build_index(roots, index_dir)
    assert index_state(index_dir) != before
    assert leftovers(index_dir) == []


def test_failure_after_the_commit_point_keeps_the_new_state(small: tuple[list[Path], Path]) -> None:
    roots, index_dir = small
    mutate(roots[1], random.Random(11))
    # After the TOC is renamed into place, the marker is rewritten with the roots.
    failing = OSError(errno.EIO, os.strerror(errno.EIO))
    with raise_on_call("searcher.indexing.writer:write_marker", failing) as fault:
        result = _cli("index", "--index", str(index_dir))
    assert fault.fired == 1
    assert result.exit_code == 0, result.stderr
    assert "the update was committed, but tidying up failed (input/output error)" in result.stderr
    assert "2 new, 3 changed, 2 removed" in result.stdout
    committed = index_state(index_dir)
    build_index(roots, index_dir)
    assert index_state(index_dir) == committed
    assert leftovers(index_dir) == []


@pytest.mark.parametrize("field", ["format", "analysis"])
def test_index_from_another_version_fails_in_one_line_until_rebuilt(
    small: tuple[list[Path], Path], field: str
) -> None:
    _, index_dir = small
    [meta_path] = index_dir.glob("gen-*/meta.json")
    meta = json.loads(meta_path.read_text())
    if field == "format":
        meta["format"] -= 1
        del meta["segments"]  # the layout before segments
    else:
        meta["analysis"]["version"] = -1
    meta_path.write_text(json.dumps(meta))
    _fails_in_one_line(_cli("query", "网格", "--index", str(index_dir)), "another version")
    _fails_in_one_line(_cli("index", "--index", str(index_dir)), "--rebuild")
    assert _cli("index", "--rebuild", "--index", str(index_dir)).exit_code == 0
    assert _cli("query", "网格", "--index", str(index_dir)).exit_code == 0
    assert leftovers(index_dir) == []


def test_damaged_or_missing_generation_fails_in_one_line_until_rebuilt(
    small: tuple[list[Path], Path],
) -> None:
    roots, index_dir = small
    [generation] = index_dir.glob("gen-*")
    (generation / "meta.json").write_text("{not json")
    _fails_in_one_line(_cli("query", "网格", "--index", str(index_dir)), "damaged", "--rebuild")
    _fails_in_one_line(_cli("index", "--index", str(index_dir)), "damaged", "--rebuild")
    shutil.rmtree(generation)
    _fails_in_one_line(
        _cli("query", "网格", "--index", str(index_dir)), f"missing {generation.name}", "--rebuild"
    )
    _fails_in_one_line(_cli("index", "--index", str(index_dir)), "missing", "--rebuild")
    # The roots were recorded in the lost generation: the rebuild is told them again.
    assert _cli("index", "--rebuild", "--index", str(index_dir), *map(str, roots)).exit_code == 0
    assert _cli("query", "网格", "--index", str(index_dir)).exit_code == 0
    assert leftovers(index_dir) == []


def test_damaged_table_of_contents_stops_updates_in_one_line_but_not_queries(
    small: tuple[list[Path], Path],
) -> None:
    _, index_dir = small
    [toc] = index_dir.glob("_MAIN_*.toc")
    toc.write_bytes(toc.read_bytes()[:100])  # a disk error: a crash cannot do this (toc.py)
    # Queries read only the committed generation, which is intact: they keep answering.
    assert _cli("query", "网格", "--index", str(index_dir)).exit_code == 0
    assert _cli("stats", "--index", str(index_dir)).exit_code == 0
    _fails_in_one_line(_cli("index", "--index", str(index_dir)), "not trustworthy", "--rebuild")
    assert _cli("index", "--rebuild", "--index", str(index_dir)).exit_code == 0
    assert leftovers(index_dir) == []


def test_directory_that_is_not_an_index_fails_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("我的笔记")
    query = _cli("query", "网格", "--index", str(tmp_path))
    _fails_in_one_line(query, f"no index at {tmp_path} yet")
    _fails_in_one_line(
        _cli("index", str(samples_dir()), "--index", str(tmp_path)),
        f"{tmp_path} holds other files; choose an empty or new directory",
    )
    assert (tmp_path / "notes.txt").read_text() == "我的笔记"
    _fails_in_one_line(
        _cli("index", str(samples_dir()), "--index", str(tmp_path / "notes.txt")),
        "cannot create an index",
    )
