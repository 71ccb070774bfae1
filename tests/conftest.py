"""Shared fixtures: indexes built once per test session from our own documents."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from searcher.cli.location import samples_dir
from searcher.indexing.writer import build_index
from searcher.search import Searcher

DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture(scope="session", autouse=True)
def _no_user_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The user's own index and history stay out of the tests, and the tests out of them: the
    per-user data directory ($XDG_DATA_HOME, else ~/.local/share) is a fresh one, and
    SEARCHER_INDEX and SEARCHER_HISTORY are unset. Subprocesses inherit this. A test of the
    default location sets its own XDG_DATA_HOME (tmp_path), so no test sees another's index."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data-home")))
        patch.delenv("SEARCHER_INDEX", raising=False)
        patch.delenv("SEARCHER_HISTORY", raising=False)
        yield


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample collection, indexed. Read-only: tests must not write to it."""
    directory = tmp_path_factory.mktemp("sample-index")
    build_index([samples_dir()], directory)
    return directory


@pytest.fixture(scope="session")
def data_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/data (trad./simplified, full-width, digits, mixed English), indexed. Read-only."""
    directory = tmp_path_factory.mktemp("data-index")
    build_index([DATA_DIR], directory)
    return directory


PassageKey = tuple[str, str, int]  # (file name, JSONL record id or "", paragraph)


def _passages(directory: Path) -> dict[PassageKey, str]:
    from searcher.ingest.formats import read_passages

    passages = {}
    for path in sorted(directory.iterdir()):
        for passage in read_passages(path):
            record = "" if passage.id == str(path) else passage.id
            passages[(path.name, record, passage.paragraph)] = passage.text
    return passages


@pytest.fixture(scope="session")
def sample_passages() -> dict[PassageKey, str]:
    """Every passage of the bundled samples as read from the files: the ground truth for recall."""
    return _passages(samples_dir())


@pytest.fixture(scope="session")
def data_passages() -> dict[PassageKey, str]:
    """Every passage of tests/data as read from the files."""
    return _passages(DATA_DIR)


@pytest.fixture(scope="module")
def samples(sample_index: Path) -> Iterator[Searcher]:
    """An open Searcher on the sample collection."""
    with Searcher.open(sample_index) as searcher:
        yield searcher


@pytest.fixture(scope="module")
def data(data_index: Path) -> Iterator[Searcher]:
    """An open Searcher on tests/data."""
    with Searcher.open(data_index) as searcher:
        yield searcher
