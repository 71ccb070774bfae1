"""searcher/cli/location.py: where the index, the samples' index and the TUI's query history live;
the user's index is never filled with the samples."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from searcher.cli.location import data_home, history_path, resolve_index_dir, samples_dir
from searcher.cli.main import app
from searcher.indexing.writer import build_index
from searcher.search import Searcher


def test_data_home_is_xdg_data_home_else_local_share(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert data_home() == tmp_path
    monkeypatch.delenv("XDG_DATA_HOME")
    assert data_home() == Path.home() / ".local" / "share"


def test_history_path_is_searcher_history_else_under_data_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("SEARCHER_HISTORY", raising=False)
    assert history_path() == tmp_path / "data" / "searcher" / "history.json"
    monkeypatch.setenv("SEARCHER_HISTORY", str(tmp_path / "mine.json"))
    assert history_path() == tmp_path / "mine.json"


def test_default_index_is_under_data_home_when_no_index_folder_is_here(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEARCHER_INDEX", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    location = resolve_index_dir(None)
    assert location.directory == tmp_path / "data" / "searcher" / "index"
    assert not location.explicit


def test_tui_command_passes_the_history_path_to_the_app(
    sample_index: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    made: list[dict[str, object]] = []

    class _App:  # stands in for the Textual app: the command only runs and releases it
        return_code = 0

        def run(self) -> None: ...

        def release_searcher(self) -> None: ...

    def make_app(searcher: object, **options: object) -> _App:
        made.append(options)
        return _App()

    monkeypatch.setattr("searcher.cli.main._interactive", lambda: True)
    monkeypatch.setattr("searcher.tui.app.make_app", make_app)
    result = CliRunner().invoke(
        app,
        ["tui", "网格", "--index", str(sample_index)],
        env={"SEARCHER_HISTORY": str(tmp_path / "history.json")},
    )
    assert result.exit_code == 0, result.output
    assert made == [
        {"initial_query": "网格", "history_path": tmp_path / "history.json", "watch": False}
    ]


# ------------------------------------------------ the user's index, the samples' own index

SAMPLES_NOTICE = (
    "searcher: no index of yours yet: searching the bundled samples"
    " (index yours with: searcher index PATH)\n"
)
CLEAN_ENV = {"SEARCHER_INDEX": None, "NO_COLOR": None, "FORCE_COLOR": None, "TERM": "xterm"}


@pytest.fixture(scope="module")
def shared_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A per-user data directory whose samples' index is built once for this module's tests;
    each test's default location is a ./index/ folder of its own (empty: the user has none)."""
    home = tmp_path_factory.mktemp("data-home")
    build_index([samples_dir()], home / "searcher" / "samples-index")
    return home


@pytest.fixture
def workdir(shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the user stands: an ./index/ folder holding no index (as this repository's)."""
    (tmp_path / "work" / "index").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "work")
    monkeypatch.setenv("XDG_DATA_HOME", str(shared_data))
    return tmp_path / "work"


def _cli(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=input, env=CLEAN_ENV, catch_exceptions=False)


def _docs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mine.txt").write_text("我的网格笔记：周一巡查。\n", encoding="utf-8")
    return folder


def _paths_found(result: Result) -> set[str]:
    return {json.loads(line)["path"] for line in result.stdout.splitlines()}


def test_query_without_an_index_of_yours_searches_the_samples_and_says_so(
    workdir: Path, shared_data: Path
) -> None:
    result = _cli("query", "网格", "-n", "1")
    assert result.exit_code == 0
    assert result.stderr.startswith(SAMPLES_NOTICE)
    assert result.stderr.count("\n") == 2  # the notice, then the summary line
    assert "网格化管理工作手册" in result.stdout
    assert list((workdir / "index").iterdir()) == []  # the user's location stays untouched
    assert not (shared_data / "searcher" / "index").exists()


def test_batch_and_tui_search_the_samples_while_you_have_no_index(
    workdir: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = _cli("batch", "-n", "1", input="网格\n")
    assert batch.exit_code == 0
    assert batch.stderr == SAMPLES_NOTICE
    assert json.loads(batch.stdout)["total"] == 18
    opened: list[Path] = []

    class _App:
        return_code = 0

        def run(self) -> None: ...

        def release_searcher(self) -> None: ...

    def make_app(searcher: Searcher, **options: object) -> _App:
        opened.append(searcher.directory)
        return _App()

    monkeypatch.setattr("searcher.cli.main._interactive", lambda: True)
    monkeypatch.setattr("searcher.tui.app.make_app", make_app)
    tui = _cli("tui")
    assert tui.exit_code == 0
    assert tui.stderr == SAMPLES_NOTICE
    assert opened == [shared_data / "searcher" / "samples-index"]


def test_first_index_at_the_default_location_says_where_and_never_holds_the_samples(
    workdir: Path,
) -> None:
    docs = _docs(workdir / "docs")
    first = _cli("index", str(docs))
    assert first.exit_code == 0
    assert first.stderr == "searcher: creating your index at ./index (elsewhere: --index DIR)\n"
    assert first.stdout.startswith("1 new, 0 changed, 0 removed, 0 unchanged files; 1 passages")
    assert " MB index at ./index; " in first.stdout
    query = _cli("query", "网格", "--json")
    assert query.exit_code == 0
    assert _paths_found(query) == {str(docs / "mine.txt")}  # no sample
    assert "no index of yours" not in query.stderr
    second = _cli("index", str(_docs(workdir / "more")))
    assert (second.exit_code, second.stderr) == (0, "")  # said once, when it was created
    stats = _cli("stats")
    assert "sources     docs, more" in stats.stdout.splitlines()


def test_index_without_paths_where_you_have_no_index_says_how_to_start(workdir: Path) -> None:
    result = _cli("index")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "searcher: no index at ./index yet; start one with: searcher index PATH\n"
    )


def test_default_location_under_data_home_is_named_by_its_path(
    workdir: Path, shared_data: Path
) -> None:
    (workdir / "index").rmdir()  # no ./index/: the per-user data directory
    result = _cli("index")
    assert result.exit_code == 2
    assert result.stderr == (
        f"searcher: no index at {shared_data / 'searcher' / 'index'} yet;"
        " start one with: searcher index PATH\n"
    )


@pytest.mark.parametrize("command", ["stats", "check", "export"])
def test_commands_that_read_your_index_say_how_to_start_one(workdir: Path, command: str) -> None:
    result = _cli(command)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "searcher: no index at ./index yet; start one with: searcher index PATH\n"
    )


def test_an_index_an_earlier_version_filled_with_the_samples_is_not_yours(workdir: Path) -> None:
    build_index([samples_dir()], workdir / "index")  # what the first query used to do
    query = _cli("query", "网格", "-n", "1")
    assert query.stderr.startswith(SAMPLES_NOTICE)
    docs = _docs(workdir / "docs")
    first = _cli("index", str(docs))
    assert first.exit_code == 0
    assert first.stderr == "searcher: creating your index at ./index (elsewhere: --index DIR)\n"
    assert ", 22 removed, " in first.stdout  # the samples' files
    assert _paths_found(_cli("query", "网格", "--json", "-n", "50")) == {str(docs / "mine.txt")}


def test_a_samples_index_of_another_installation_is_brought_up_to_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A data directory shared by installations: the samples' index names a folder that is gone.
    data = tmp_path / "data"
    elsewhere = _docs(tmp_path / "old-venv" / "samples")
    build_index([elsewhere], data / "searcher" / "samples-index")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    result = _cli("query", "网格", "--json", "-n", "50")
    assert result.exit_code == 0
    assert {Path(path).parent for path in _paths_found(result)} == {samples_dir()}
    with Searcher.open(data / "searcher" / "samples-index") as searcher:
        assert searcher.stats().roots == [str(samples_dir())]


def test_index_rules_are_remembered_counted_and_shown_by_stats(tmp_path: Path) -> None:
    docs = _docs(tmp_path / "docs")
    _docs(docs / "drafts")
    _docs(docs / ".notes")
    (docs / ".gitignore").write_text("build/\n", encoding="utf-8")
    _docs(docs / "build")
    index = str(tmp_path / "index")
    first = _cli("index", str(docs), "--index", index, "--hidden", "--exclude", "drafts/")
    assert first.exit_code == 0
    assert first.stdout.startswith("2 new, 0 changed, 0 removed, 0 unchanged files, 2 ignored; ")
    rules = "ignore      ignore files honoured, hidden names indexed (--hidden), --exclude drafts/"
    assert rules in _cli("stats", "--index", index).stdout.splitlines()
    again = _cli("index", "--index", index)  # the same rules, remembered
    assert again.stdout.startswith("0 new, 0 changed, 0 removed, 2 unchanged files, 2 ignored; ")
    changed = _cli("index", "--index", index, "--no-hidden", "--no-exclude", "--no-ignore")
    assert changed.stdout.startswith("2 new, 0 changed, 1 removed, 1 unchanged files, 1 ignored; ")
    rules = "ignore      ignore files not read (--no-ignore), hidden names skipped"
    assert rules in _cli("stats", "--index", index).stdout.splitlines()


def test_a_bad_exclude_glob_is_a_one_line_error_exit_2(tmp_path: Path) -> None:
    result = _cli(
        "index", str(_docs(tmp_path / "docs")), "--index", str(tmp_path / "i"), "--exclude", "!"
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "searcher: --exclude '!' is not a gitignore-style glob (Invalid git pattern: '!')\n"
    )
    assert not (tmp_path / "i").exists()


def test_the_samples_index_follows_the_samples_when_an_upgrade_changes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    samples = tmp_path / "site-packages" / "searcher" / "samples"
    samples.mkdir(parents=True)
    (samples / "a.txt").write_text("网格员巡查。\n", encoding="utf-8")
    monkeypatch.setattr("searcher.cli.location.samples_dir", lambda: samples)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert _cli("query", "网格").exit_code == 0
    (samples / "b.md").write_text("# 新样例\n\n网格化管理的新样例。\n", encoding="utf-8")
    (samples / "a.txt").write_text("社区议事。\n", encoding="utf-8")
    os.utime(samples / "a.txt", ns=(1, 1))  # a new mtime even on a coarse clock
    result = _cli("query", "网格", "--json")
    assert _paths_found(result) == {str(samples / "b.md")}
    assert _cli("query", "议事").exit_code == 0


def test_every_bundled_sample_file_is_indexed(sample_index: Path) -> None:
    # The samples' index is checked against the folder's files on every query while the user
    # has no index: a file in it that is never indexed would have it rebuilt every time.
    with Searcher.open(sample_index) as searcher:
        assert searcher.stats().files == len(list(samples_dir().iterdir()))
