"""Where the index lives: --index DIR > SEARCHER_INDEX > ./index/ > the per-user data directory;
where the bundled samples are indexed; and where the TUI keeps its query history:
SEARCHER_HISTORY > the per-user data directory.

The user's index is the user's: the samples have an index of their own, which `query`, `batch`
and `tui` search (saying so) only while the default location holds no index of the user's. A
location named explicitly is never swapped or filled: searching it without an index is an error.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from searcher.analysis.analyzers import ANALYSIS_VERSION
from searcher.errors import IndexNotFoundError
from searcher.oneline import shown_dir
from searcher.store.layout import (
    FILES_FILE,
    FORMAT_VERSION,
    MARKER_FILE,
    META_FILE,
    generation_dir,
    latest_generation,
)

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
    """Whether `directory` holds an index: a committed one, or one whose marker remembers its
    roots though its table of contents is lost (--rebuild repairs it). A first run killed
    before its commit leaves neither."""
    # By names and the marker only: Whoosh reads a table of contents to open the index, and a
    # damaged one must reach the Searcher or the writer, which say what is wrong.
    return _has_index(directory, recorded_roots(directory))


def holds_users_index(directory: Path) -> bool:
    """Whether `directory` holds an index of the user's: not one that an earlier version filled
    with the bundled samples on its own (the samples folder is its only root)."""
    roots = recorded_roots(directory)  # read once: every query of the default index asks
    return _has_index(directory, roots) and roots != [str(samples_dir())]


def _has_index(directory: Path, roots: list[str]) -> bool:
    try:
        committed = (latest_generation(directory) or 0) > 0
    except OSError:
        committed = False
    return committed or bool(roots)


def require_index(location: IndexLocation) -> None:
    """Refuse a default location without an index of the user's: saying how to start one."""
    if not location.explicit and not holds_users_index(location.directory):
        raise IndexNotFoundError(
            f"no index at {shown_dir(location.directory)} yet; start one with: searcher index PATH"
        )


def index_to_search(location: IndexLocation, notice: Callable[[str], None]) -> Path:
    """The index `query`, `batch` and `tui` search: the user's, or, while the default location
    holds none of theirs, the bundled samples' own (built or brought up to date first)."""
    if location.explicit or holds_users_index(location.directory):
        return location.directory
    notice(
        "no index of yours yet: searching the bundled samples"
        " (index yours with: searcher index PATH)"
    )
    directory = samples_index_dir()
    _ensure_samples_index(directory)
    return directory


def samples_index_dir() -> Path:
    return data_home() / "searcher" / "samples-index"


def _ensure_samples_index(directory: Path) -> None:
    """Index the bundled samples into `directory` unless it holds them as they are: from this
    installation (another one's may be gone), in this version's format, every file unchanged
    (an upgrade brings new samples). A check of a few small files: about a millisecond."""
    samples = str(samples_dir())
    meta, files = _committed(directory)
    rebuild = bool(meta) and (
        meta.get("format") != FORMAT_VERSION
        or meta.get("analysis", {}).get("version") != ANALYSIS_VERSION
    )
    if not rebuild and meta.get("roots") == [samples] and _as_they_are(samples, meta, files):
        return
    from searcher.indexing.writer import build_index

    stale = [root for root in meta.get("roots", []) if root != samples]
    # Two first queries at once: the second waits, then finds nothing to do.
    build_index([samples], directory, rebuild=rebuild, forget=stale, wait_seconds=30.0)


def _committed(directory: Path) -> tuple[dict, list]:
    """The newest committed generation's meta.json and files.json (empty if none is there)."""
    try:
        number = latest_generation(directory)
        if not number:
            return {}, []
        generation = generation_dir(directory, number)
        meta = json.loads((generation / META_FILE).read_bytes())
        files = json.loads((generation / FILES_FILE).read_bytes())
    except (OSError, ValueError):  # none, or a commit removed it meanwhile: build (or wait)
        return {}, []
    if not isinstance(meta, dict) or not isinstance(files, list):
        return {}, []
    return meta, files


def _as_they_are(samples: str, meta: dict, files: list) -> bool:
    """Whether the index's files (indexed or skipped) are the samples folder's, each with the
    size and modification time it has now."""
    try:
        recorded = {entry["path"]: [entry["size"], entry["mtime_ns"]] for entry in files}
        recorded |= {path: value[:2] for path, value in meta.get("skipped", {}).items()}
        with os.scandir(samples) as entries:
            present = {
                entry.path: [entry.stat().st_size, entry.stat().st_mtime_ns]
                for entry in entries
                if not entry.name.startswith(".") and entry.is_file()
            }
    except (OSError, TypeError, KeyError, AttributeError):  # a manifest of another shape
        return False
    return recorded == present


def recorded_roots(directory: Path) -> list[str]:
    """The roots the index in `directory` remembers, from its marker file."""
    try:
        marker = json.loads((directory / MARKER_FILE).read_bytes())
    except (OSError, ValueError):
        return []
    roots = marker.get("roots") if isinstance(marker, dict) else None
    return roots if isinstance(roots, list) else []
