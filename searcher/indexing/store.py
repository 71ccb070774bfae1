"""The index directory on disk: Whoosh's files plus one postings generation per Whoosh generation.

Writers get Whoosh's lock and a writer; readers get a consistent pair of Whoosh reader and postings
generation, retrying when a concurrent commit removed the files they were about to open.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import EmptyIndexError, LockError
from whoosh.writing import SegmentWriter

from searcher.errors import (
    IndexCorruptError,
    IndexLockedError,
    IndexNotFoundError,
    IndexWriteError,
)
from searcher.indexing import schema
from searcher.indexing.postings import GENERATION_PREFIX, Generation, generation_dir

_OPEN_RETRIES = 5


class IndexStore:
    def __init__(self, directory: Path, ix: whoosh_index.FileIndex) -> None:
        self.directory = directory
        self.ix = ix

    @classmethod
    def open_or_create(cls, directory: Path) -> IndexStore:
        try:
            directory.mkdir(parents=True, exist_ok=True)
            if whoosh_index.exists_in(str(directory)):
                return cls(directory, whoosh_index.open_dir(str(directory)))
            if any(
                p
                for p in directory.iterdir()
                if not p.name.startswith(".") and p.name != "README.md"
            ):
                raise IndexCorruptError(
                    f"{directory} is not empty and holds no index;"
                    " choose an empty directory with --index DIR"
                )
            return cls(directory, whoosh_index.create_in(str(directory), schema.make_schema()))
        except OSError as err:
            raise IndexWriteError(f"cannot create an index in {directory}: {err.strerror}") from err

    @classmethod
    def open(cls, directory: Path) -> IndexStore:
        if not directory.is_dir() or not whoosh_index.exists_in(str(directory)):
            raise IndexNotFoundError(
                f"no index in {directory}; run: searcher index PATH --index {directory}"
            )
        try:
            return cls(directory, whoosh_index.open_dir(str(directory)))
        except EmptyIndexError as err:
            raise IndexNotFoundError(f"no index in {directory}; run: searcher index PATH") from err

    @contextlib.contextmanager
    def write_lock(self, wait_seconds: float) -> Iterator[SegmentWriter]:
        """A Whoosh writer holding the lock; cancelled (nothing written) unless the body commits."""
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                writer = self.ix.writer(compound=False)
                break
            except LockError as err:
                if time.monotonic() >= deadline:
                    hint = f" for {wait_seconds:g} s" if wait_seconds else ""
                    raise IndexLockedError(
                        f"another searcher process is writing to {self.directory} (waited{hint or ' 0 s'});"
                        " wait for it to finish, or retry with --wait SECONDS"
                    ) from err
                time.sleep(0.2)
            except OSError as err:
                raise IndexWriteError(f"cannot write to {self.directory}: {err.strerror}") from err
        try:
            yield writer
        finally:
            if not writer.is_closed:
                writer.cancel()

    def current_generation(self, writer: SegmentWriter) -> Generation | None:
        """The committed postings generation matching the writer's starting point."""
        generation = writer.generation - 1
        directory = generation_dir(self.directory, generation)
        if not directory.is_dir():
            if sum(s.doc_count_all() for s in writer.segments) == 0:
                return None  # a new, empty index
            raise IndexCorruptError(
                f"the index in {self.directory} is missing {directory.name};"
                " run: searcher index --rebuild"
            )
        return Generation(directory)

    def open_for_reading(self) -> tuple[object, Generation]:
        """(Whoosh reader, postings generation) of one committed state."""
        for attempt in range(_OPEN_RETRIES):
            reader = None
            try:
                ix = whoosh_index.open_dir(str(self.directory))
                reader = ix.reader()
                directory = generation_dir(self.directory, reader.generation())
                if reader.generation() == 0:
                    reader.close()
                    raise IndexNotFoundError(
                        f"the index in {self.directory} is empty; run: searcher index PATH"
                    )
                generation = Generation(directory)
                if generation.meta.get("rows") != reader.doc_count_all():
                    raise IndexCorruptError(
                        f"the index in {self.directory} is inconsistent;"
                        " run: searcher index --rebuild"
                    )
                return reader, generation
            except (FileNotFoundError, EmptyIndexError):
                # A writer committed between our reads and removed what we were opening.
                if reader is not None:
                    reader.close()
                if attempt == _OPEN_RETRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def stored_userdict(self) -> str | None:
        """The user dictionary the last commit was analysed with (read without the lock)."""
        directory = generation_dir(self.directory, self.ix.latest_generation())
        try:
            return Generation(directory).meta.get("userdict")
        except FileNotFoundError:
            return None

    def remove_stale_generations(self, keep: int) -> None:
        for path in self.directory.glob(f"{GENERATION_PREFIX}*"):
            if path.name != f"{GENERATION_PREFIX}{keep}":
                shutil.rmtree(path, ignore_errors=True)

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.directory.rglob("*") if p.is_file())
