"""The commit: a write lock, and Whoosh's table of contents naming the committed generation.

A directory is an index of ours once it holds MARKER_FILE, written before anything else; a
directory holding other files is never written to, and clean-up removes only names we write.
A writer takes the lock, writes gen-<n>/ (segments.py), fsynced, then _MAIN_<n>.toc (toc.py):
that rename is the commit point. Readers never come here: they open the committed generation
alone (generation.py), without importing Whoosh.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

from searcher.analysis.tokenizers import read_userdict
from searcher.errors import (
    IndexCorruptError,
    IndexLockedError,
    IndexNotFoundError,
    IndexWriteError,
    NotAnIndexError,
    describe_os_error,
)
from searcher.oneline import shown_dir
from searcher.store.checksums import read_sums, verify
from searcher.store.codec import INDEX_NAME, whoosh_segments
from searcher.store.generation import Generation
from searcher.store.layout import (
    GENERATION_PREFIX,
    MARKER_FILE,
    META_FILE,
    TOC_NAME,
    generation_dir,
    index_size,
    latest_generation,
    retry_while_committing,
    work_dir,
)
from searcher.store.toc import read_toc, toc_name, write_toc
from searcher.store.whoosh_schema import make_schema

_LOCK = f"{INDEX_NAME}_WRITELOCK"
# Every name we write, and what older versions wrote (Whoosh segment files have 16-character ids;
# MAIN.tmp held their parts): clean-up removes nothing else.
_OURS = re.compile(
    rf"{TOC_NAME.pattern}(\.tmp|\.[\d.]+)?|{GENERATION_PREFIX}\d+(\.tmp)?"
    rf"|{INDEX_NAME}_[0-9a-z]{{16}}\.\w+(\.col)?|{INDEX_NAME}\.tmp|{_LOCK}|{MARKER_FILE}(\.\d+\.tmp)?"
)
_MARKER_TEMP = re.compile(rf"{re.escape(MARKER_FILE)}\.\d+\.tmp")
# What a directory may hold before it becomes an index: this repository's index/ tracks these.
_BESIDE = frozenset({"README.md", ".gitignore"})


class PendingCommit:
    """The next generation of an index, under the write lock."""

    def __init__(self, directory: Path, generation: int) -> None:
        self.index_dir = directory
        self.generation = generation

    @property
    def directory(self) -> Path:
        """Where this commit's generation is written."""
        return generation_dir(self.index_dir, self.generation)

    def commit(self) -> None:
        """The commit point: gen-<n>/ is complete and fsynced (write_generation). Its table of
        contents lists the generation's segments for Whoosh (codec.py), and the schema carries
        the user dictionary the text was cut with (whoosh_analysis.py). Opening the generation
        to count each segment's dead rows costs a commit ~10 ms on zh-laws (a 1% update: ~1 s)."""
        generation = Generation(self.directory)
        try:
            segments = whoosh_segments(generation, self.generation)
            userdict = tuple(read_userdict(generation.meta.get("userdict") or ""))
        finally:
            generation.close()
        write_toc(self.index_dir, self.generation, make_schema(userdict), segments)


class IndexStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @classmethod
    def open_or_create(cls, directory: Path) -> IndexStore:
        """The index in `directory`, made one if it is new or empty (only README.md and
        .gitignore beside): private (0700), since it holds copies of the user's documents."""
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not (directory / MARKER_FILE).exists():
                cls._claim(directory)
        except OSError as err:
            raise IndexWriteError(
                f"cannot create an index at {shown_dir(directory)}: {describe_os_error(err)}"
            ) from err
        return cls(directory)

    @staticmethod
    def _claim(directory: Path) -> None:
        names = {path.name for path in directory.iterdir()}
        # An index of ours written before the marker: a table of contents and its generation (a
        # Whoosh index of another program's has no gen-<n>/meta.json: it is not ours to clean).
        legacy = any(
            (match := TOC_NAME.fullmatch(name))
            and (generation_dir(directory, int(match.group(1))) / META_FILE).is_file()
            for name in names
        )
        marking = {name for name in names if _MARKER_TEMP.fullmatch(name)}
        if (directory / MARKER_FILE).exists():
            return  # another first run claimed it meanwhile: the marker is written first
        if names - _BESIDE - marking and not legacy:
            raise NotAnIndexError(
                f"{directory} holds other files; choose an empty or new directory with --index DIR"
            )
        os.chmod(directory, 0o700)
        write_marker(directory, {"roots": []})

    @classmethod
    def open(cls, directory: Path) -> IndexStore:
        if not (directory / MARKER_FILE).is_file():
            shown = shown_dir(directory)
            raise IndexNotFoundError(
                f"no index at {shown} yet; start one with: searcher index PATH --index {shown}"
            )
        return cls(directory)

    @contextlib.contextmanager
    def write_lock(
        self, wait_seconds: float, notice: Callable[[str], None] | None = None
    ) -> Iterator[PendingCommit]:
        """The next commit, holding Whoosh's file lock until the body ends.

        Whoosh's lock gives up at once: we poll until `wait_seconds` have passed, saying once
        that we wait, and release it ourselves whatever happens.
        """
        lock = FileStorage(str(self.directory)).lock(_LOCK)
        deadline = time.monotonic() + wait_seconds
        waiting = False
        try:
            while not lock.acquire():
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"another searcher process is writing to {self.directory}"
                        f" (waited {wait_seconds:g} s); wait for it to finish,"
                        " or retry with --wait SECONDS"
                    )
                if not waiting and notice is not None:
                    notice(
                        f"another searcher process is writing to {self.directory};"
                        f" waiting up to {wait_seconds:g} s"
                    )
                waiting = True
                time.sleep(0.2)
        except OSError as err:
            raise IndexWriteError(
                f"cannot write to {self.directory}: {describe_os_error(err)}"
            ) from err
        try:
            yield PendingCommit(self.directory, (latest_generation(self.directory) or 0) + 1)
        finally:
            lock.release()

    def committed(self, pending: PendingCommit) -> bool:
        """Whether its table of contents is in place: the rename is the commit point."""
        return (self.directory / toc_name(pending.generation)).exists()

    def clean_up(self, pending: PendingCommit) -> None:
        """Remove what killed or failed runs left: half-written generations and tables of
        contents, generations other than the committed one, older versions' Whoosh files.

        Runs under the lock, so no writer is using them; readers only open the committed state.
        """
        committed = pending.generation - 1
        keep = {toc_name(committed), f"{GENERATION_PREFIX}{committed}", MARKER_FILE, _LOCK}
        self._remove([p for p in self._entries() if _OURS.fullmatch(p.name) and p.name not in keep])

    def discard_uncommitted(self, pending: PendingCommit) -> None:
        """After a failed commit: remove the next generation and any half-written TOC."""
        if self.committed(pending):
            return
        prefix = toc_name(pending.generation) + "."
        temps = [p for p in self._entries() if p.name.startswith(prefix)]
        self._remove([pending.directory, work_dir(pending.directory), *temps])

    def current_generation(self, pending: PendingCommit) -> Generation | None:
        """The committed generation this commit starts from (None for a new index), its table
        of contents checked: it is read without running anything."""
        number = pending.generation - 1
        if number == 0:
            return None
        read_toc(self.directory, number)
        directory = generation_dir(self.directory, number)
        shown = shown_dir(self.directory)
        if not directory.is_dir():
            raise IndexCorruptError(
                f"the index at {shown} is missing {directory.name};"
                f" run: searcher index --rebuild --index {shown}"
            )
        try:
            return Generation(directory)
        except (ValueError, FileNotFoundError) as err:  # a damaged meta.json, or none
            verify(directory, read_sums(directory))  # names the damaged files, if it can
            raise IndexCorruptError(
                f"the index at {shown} has a damaged {directory.name};"
                f" run: searcher index --rebuild --index {shown}"
            ) from err

    def known_settings(self, pending: PendingCommit) -> dict:
        """What the index was built from (roots, user dictionary, ignore rules), read as plain
        JSON however damaged the rest is: a rebuild starts from it. The newest readable
        meta.json, with the marker's roots added (and its ignore rules if meta.json has none)."""
        meta: dict = {}
        for number in range(pending.generation - 1, 0, -1):
            meta = _json_object(generation_dir(self.directory, number) / META_FILE)
            if meta:
                break
        marker = read_marker(self.directory)
        roots = set(meta.get("roots", [])) | set(marker.get("roots", []))
        return dict(meta, roots=sorted(roots), ignore=meta.get("ignore", marker.get("ignore")))

    def stored_userdict(self) -> str | None:
        """The user dictionary the last commit was analysed with (read without the lock: a
        commit meanwhile removes the generation read, and the next attempt reads the new one)."""
        try:
            userdict = retry_while_committing(lambda: _read_meta(self.directory)).get("userdict")
        except (OSError, ValueError):
            return None
        return userdict if isinstance(userdict, str) else None

    def remove_stale_generations(self, keep: int) -> None:
        stale = [
            p
            for p in self._entries()
            if _OURS.fullmatch(p.name)
            and p.name.startswith((GENERATION_PREFIX, f"_{INDEX_NAME}_"))
            and p.name not in (f"{GENERATION_PREFIX}{keep}", toc_name(keep))
        ]
        self._remove(stale)

    def size_bytes(self) -> int:
        return index_size(self.directory)

    def _entries(self) -> list[Path]:
        try:
            return list(self.directory.iterdir())
        except OSError:
            return []

    @staticmethod
    def _remove(paths: list[Path]) -> None:
        # Best effort: what cannot be removed now is removed by the next run's clean_up().
        for path in paths:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError, PermissionError):
                    path.unlink()


def write_marker(directory: Path, content: dict) -> None:
    """MARKER_FILE, atomically: says the directory is an index, which roots it holds and the
    ignore rules it walks them with."""
    temp = directory / f"{MARKER_FILE}.{os.getpid()}.tmp"  # two first runs may race here
    data = json.dumps({"searcher_index": 1, **content}, ensure_ascii=False, indent=1)
    temp.write_bytes(data.encode("utf-8", "surrogatepass"))
    os.replace(temp, directory / MARKER_FILE)


def read_marker(directory: Path) -> dict:
    return _json_object(directory / MARKER_FILE)


def _read_meta(directory: Path) -> dict:
    """The newest committed generation's meta.json ({} if there is none); FileNotFoundError if a
    commit removed it while it was read."""
    number = latest_generation(directory) if directory.is_dir() else None
    if number is None:
        return {}
    meta = json.loads((generation_dir(directory, number) / META_FILE).read_bytes())
    return meta if isinstance(meta, dict) else {}


def _json_object(path: Path) -> dict:
    try:
        value = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
