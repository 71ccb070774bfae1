"""watch_index() on a real temporary folder with real watchfiles events: files added, changed and
deleted, a folder renamed, 500 files at once; and `searcher watch` in a real process (Ctrl+C)."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from searcher.indexing.report import IndexReport
from searcher.indexing.watcher import touched_roots, watch_index
from searcher.search import Searcher

SEARCHER = Path(sys.executable).parent / "searcher"
COMMIT_WAIT_SECONDS = 30  # how long to wait for a commit that must come (never reached when green)


class Watching:
    """A watcher running in a thread over `source`, and what it committed."""

    def __init__(self, source: Path, index: Path) -> None:
        self.source, self.index = source, index
        self.commits: queue.Queue[IndexReport] = queue.Queue()
        self.stop = threading.Event()
        ready: queue.Queue[IndexReport] = queue.Queue()
        self.errors: list[BaseException] = []

        def run() -> None:
            try:
                watch_index(
                    [source],
                    index,
                    on_commit=self.commits.put,
                    on_ready=ready.put,
                    stop=self.stop,
                    min_commit_seconds=0.05,
                )
            except BaseException as err:  # noqa: BLE001 - reported by the test
                self.errors.append(err)
                ready.put(IndexReport())

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        self.first = ready.get(timeout=COMMIT_WAIT_SECONDS)
        assert not self.errors

    def count(self, query: str) -> int:
        with Searcher.open(self.index) as searcher:
            return searcher.search(query, limit=1).total

    def wait_for(self, holds: Callable[[], bool]) -> None:
        """Until `holds()` is true after a commit; fails if no commit makes it so."""
        while not holds():
            try:
                self.commits.get(timeout=COMMIT_WAIT_SECONDS)
            except queue.Empty:
                pytest.fail("the watcher committed nothing that made the change searchable")
            assert not self.errors


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[Watching]:
    source = tmp_path / "docs"
    source.mkdir()
    (source / "start.txt").write_text("开始时就有的桂花。\n", encoding="utf-8")
    watcher = Watching(source, tmp_path / "index")
    yield watcher
    watcher.stop.set()
    watcher.thread.join(timeout=COMMIT_WAIT_SECONDS)
    assert not watcher.thread.is_alive() and not watcher.errors


def test_the_first_run_indexes_what_is_there(watching: Watching) -> None:
    assert watching.first.files_new == 1
    assert watching.count("桂花") == 1


def test_an_added_file_becomes_searchable(watching: Watching) -> None:
    (watching.source / "new.md").write_text("# 新笔记\n\n院子里的枇杷熟了。\n", encoding="utf-8")
    watching.wait_for(lambda: watching.count("枇杷") == 1)


def test_a_changed_file_is_searched_as_it_is_now(watching: Watching) -> None:
    (watching.source / "start.txt").write_text("改写以后只有腊梅。\n", encoding="utf-8")
    watching.wait_for(lambda: watching.count("腊梅") == 1)
    assert watching.count("桂花") == 0


def test_a_deleted_file_leaves_the_index(watching: Watching) -> None:
    # Not the folder's last file: a root emptied at once is taken for a disk not mounted, and
    # its passages are kept (as `searcher index` does).
    (watching.source / "other.txt").write_text("另一份文件。\n", encoding="utf-8")
    watching.wait_for(lambda: watching.count("另一份") == 1)
    (watching.source / "start.txt").unlink()
    watching.wait_for(lambda: watching.count("桂花") == 0)


def test_a_renamed_folder_is_found_under_its_new_name(watching: Watching) -> None:
    folder = watching.source / "旧目录"
    folder.mkdir()
    (folder / "note.txt").write_text("目录里的山楂。\n", encoding="utf-8")
    watching.wait_for(lambda: watching.count("山楂") == 1)
    folder.rename(watching.source / "新目录")

    def moved() -> bool:
        with Searcher.open(watching.index) as searcher:
            hits = searcher.search("山楂").hits
        return [Path(hit.path).parent.name for hit in hits] == ["新目录"]

    watching.wait_for(moved)


def test_500_files_added_at_once_are_all_indexed(watching: Watching) -> None:
    folder = watching.source / "many"
    folder.mkdir()
    for number in range(500):
        (folder / f"{number:03d}.txt").write_text(f"批量文件编号{number:03d}的荔枝。\n", "utf-8")
    watching.wait_for(lambda: watching.count("荔枝") == 500)
    with Searcher.open(watching.index) as searcher:
        assert searcher.stats().files == 501


def test_changes_in_the_index_folder_itself_are_not_followed(tmp_path: Path) -> None:
    # The default index (./index) can sit inside the folder watched: its own commits must not
    # wake the watcher, or it would commit forever.
    (tmp_path / "a.txt").write_text("石榴。\n", encoding="utf-8")
    watcher = Watching(tmp_path, tmp_path / "index")
    (tmp_path / "b.txt").write_text("核桃。\n", encoding="utf-8")
    watcher.wait_for(lambda: watcher.count("核桃") == 1)
    with pytest.raises(queue.Empty):  # after its commit, nothing more: its own writes ignored
        watcher.commits.get(timeout=1)
    watcher.stop.set()
    watcher.thread.join(timeout=COMMIT_WAIT_SECONDS)


def test_touched_roots_are_those_holding_a_changed_path(tmp_path: Path) -> None:
    roots = [tmp_path / "a", tmp_path / "b", tmp_path / "c.txt"]
    changed = [tmp_path / "b" / "x" / "y.md", tmp_path / "c.txt", tmp_path / "d.txt"]
    assert touched_roots(changed, roots) == roots[1:]


def test_watch_command_reports_commits_and_exits_130_on_ctrl_c(tmp_path: Path) -> None:
    source = tmp_path / "docs"
    source.mkdir()
    (source / "a.txt").write_text("第一份文件。\n", encoding="utf-8")
    index = tmp_path / "index"
    command = [SEARCHER, "watch", str(source), "--index", str(index)]
    env = {k: v for k, v in os.environ.items() if k != "SEARCHER_INDEX"}
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stderr is not None
    lines = [process.stderr.readline(), process.stderr.readline()]
    assert lines[0].startswith("searcher: 1 new, 0 changed, 0 removed")
    assert lines[1].startswith(f"searcher: watching {source} for changes")
    (source / "b.txt").write_text("第二份文件里的柚子。\n", encoding="utf-8")
    committed = process.stderr.readline()
    assert " committed: 1 new, 0 changed, 0 removed; 2 passages;" in committed
    process.send_signal(signal.SIGINT)
    assert process.stderr.read() == "searcher: interrupted\n"
    assert process.wait(timeout=COMMIT_WAIT_SECONDS) == 130
    with Searcher.open(index) as searcher:  # the last commit stands
        assert searcher.search("柚子").total == 1


def test_watch_without_paths_and_without_an_index_says_what_to_do(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SEARCHER_INDEX"}
    command = [SEARCHER, "watch", "--index", str(tmp_path / "none")]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("searcher: no index at ") and done.stderr.count("\n") == 1


def test_a_broken_watch_is_restarted_and_every_folder_walked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import watchfiles

    real_watch = watchfiles.watch
    broke: list[str] = []

    def breaking_watch(*paths: object, **options: object) -> Iterator[set]:
        batches = real_watch(*paths, **options)
        yield next(batches)  # the watch is in place
        if not broke:  # then it breaks once, as watchfiles does when its watcher fails
            broke.append("broke")
            # A change made while no watch runs: only the walk after the restart can find it.
            (tmp_path / "docs" / "lost.txt").write_text("没有事件的杨梅。\n", encoding="utf-8")
            raise RuntimeError("error in underlying watcher: queue overflow")
        yield from batches

    monkeypatch.setattr(watchfiles, "watch", breaking_watch)
    warnings: list[str] = []
    source = tmp_path / "docs"
    source.mkdir()
    (source / "a.txt").write_text("石榴。\n", encoding="utf-8")
    commits: queue.Queue[IndexReport] = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(
        target=watch_index,
        args=([source], tmp_path / "index"),
        kwargs={"on_commit": commits.put, "stop": stop, "warn": warnings.append},
        daemon=True,
    )
    thread.start()
    try:
        commits.get(timeout=COMMIT_WAIT_SECONDS)  # the first run's report
        report = commits.get(timeout=COMMIT_WAIT_SECONDS)  # the walk after the restart
        assert broke and report.files_new == 1
        assert warnings == [
            "file-system events were lost (error in underlying watcher: queue overflow);"
            " watching again, every folder rescanned"
        ]
        with Searcher.open(tmp_path / "index") as searcher:
            assert searcher.search('"杨梅"').total == 1
    finally:
        stop.set()
        thread.join(timeout=COMMIT_WAIT_SECONDS)
