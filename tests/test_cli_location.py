"""searcher/cli/location.py: where the index and the TUI's query history live."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from searcher.cli.location import data_home, history_path, resolve_index_dir
from searcher.cli.main import app


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
    assert made == [{"initial_query": "网格", "history_path": tmp_path / "history.json"}]
