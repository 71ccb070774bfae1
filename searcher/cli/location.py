"""Where the index lives: --index DIR > SEARCHER_INDEX > ./index/ > the per-user data directory;
and where the TUI keeps its query history: SEARCHER_HISTORY > the per-user data directory.

A default location that holds no index is filled from the bundled sample collection on first use,
so `searcher query 网格` works straight after installing. A location the user named explicitly is
never filled behind their back: searching it without an index is an error that says what to run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from searcher.store.layout import latest_generation

INDEX_ENV_VAR = "SEARCHER_INDEX"
HISTORY_ENV_VAR = "SEARCHER_HISTORY"  # a file path; tests and scripts point it elsewhere


@dataclass(frozen=True)
class IndexLocation:
    directory: Path
    explicit: bool  # named by --index or SEARCHER_INDEX


def resolve_index_dir(explicit: Path | None) -> IndexLocation:
    if explicit is not None:
        return IndexLocation(explicit, True)
    if os.environ.get(INDEX_ENV_VAR):
        return IndexLocation(Path(os.environ[INDEX_ENV_VAR]), True)
    local = Path("index")
    if local.is_dir():
        return IndexLocation(local, False)
    return IndexLocation(data_home() / "searcher" / "index", False)


def data_home() -> Path:
    """$XDG_DATA_HOME, else ~/.local/share (the XDG Base Directory default)."""
    return Path(os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share"))


def history_path() -> Path:
    """The TUI's query history: $SEARCHER_HISTORY, else data_home()/searcher/history.json."""
    if os.environ.get(HISTORY_ENV_VAR):
        return Path(os.environ[HISTORY_ENV_VAR])
    return data_home() / "searcher" / "history.json"


def samples_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "samples"


def has_index(directory: Path) -> bool:
    """Whether `directory` holds a committed index (a first run killed early leaves none)."""
    # By the names of its tables of contents only: Whoosh reads one to open the index, and a
    # damaged one must reach the Searcher or the writer, which say what is wrong.
    try:
        return (latest_generation(directory) or 0) > 0
    except OSError:
        return False


def ensure_index(location: IndexLocation, notice: Callable[[str], None]) -> None:
    """Build the sample collection into a default location that holds no index yet."""
    if location.explicit or has_index(location.directory):
        return
    from searcher.indexing.writer import build_index

    notice(f"no index in {location.directory} yet: indexing the bundled sample collection first")
    build_index([samples_dir()], location.directory, wait_seconds=30.0)
