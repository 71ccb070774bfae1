"""The README documents every command, and every command's help ends with an example."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from searcher.cli.main import app

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(get_command(app).commands)


def test_the_cli_has_the_documented_commands() -> None:
    assert COMMANDS == [
        "batch",
        "check",
        "eval",
        "export",
        "index",
        "push",
        "query",
        "stats",
        "tui",
        "watch",
    ]


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_shows_each_command(command: str) -> None:
    assert f"searcher {command}" in README


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    examples = [line for line in result.output.splitlines() if "Example:" in line]
    assert examples and f"searcher {command}" in examples[0]


def test_readme_quick_start_is_the_two_commands_ci_runs() -> None:
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/searcher query" in README
    assert ".venv/bin/pip install '.[test]' && .venv/bin/python -m pytest -q" in README
    assert ".venv/bin/pip install --quiet '.[test]'" in ci
    assert ".venv/bin/python -m pytest -q" in ci
