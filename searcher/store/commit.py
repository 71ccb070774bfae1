"""The commit: Whoosh's write lock and table of contents over one generation per Whoosh generation.

Writers get the lock and a PendingCommit, and clear what killed runs left behind. Readers never
come here: they open the committed generation alone (generation.py), without importing Whoosh.
"""

from __future__ import annotations

import contextlib
import pickle
import re
import shutil
import struct
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from whoosh import columns
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, EmptyIndexError
from whoosh.writing import CLEAR, NO_MERGE, SegmentWriter

from searcher.errors import (
    IndexCorruptError,
    IndexLockedError,
    IndexNotFoundError,
    IndexReadError,
    IndexWriteError,
    describe_os_error,
)
from searcher.store import schema
from searcher.store.generation import Generation
from searcher.store.layout import (
    GENERATION_PREFIX,
    TOC_NAME,
    generation_dir,
    index_size,
    retry_while_committing,
    work_dir,
)

_INDEX_NAME = "MAIN"  # Whoosh's default index name: files _MAIN_<gen>.toc, MAIN_<segment>.<ext>
_TOC_TEMP = re.compile(rf"_{_INDEX_NAME}_\d+\.toc\.[\d.]+")  # written, then renamed: the commit
_SEGMENT_FILE = re.compile(rf"({_INDEX_NAME}_[0-9a-z]+)\..+")
_GENERATION = re.compile(rf"{GENERATION_PREFIX}\d+(\.tmp)?")
# What Whoosh raises reading a damaged table of contents. A crash cannot damage one (it is written
# aside, then renamed into place); a disk error or an edit by hand can.
_DAMAGED = (whoosh_index.IndexError, pickle.UnpicklingError, EOFError, struct.error, ValueError)
# Names a killed first run can leave before its empty table of contents exists.
_LEFTOVER = re.compile(
    rf"{_TOC_TEMP.pattern}|{_SEGMENT_FILE.pattern}|{_GENERATION.pattern}"
    rf"|{_INDEX_NAME}_WRITELOCK|{_INDEX_NAME}\.tmp"
)


class PendingCommit:
    """The next generation of an index, under the write lock: documents (one per row, in row
    order) are added and deleted, then commit() renames the table of contents into place."""

    def __init__(self, writer: SegmentWriter) -> None:
        self._writer = writer

    @property
    def generation(self) -> int:
        return self._writer.generation

    @property
    def directory(self) -> Path:
        """Where this commit's generation is written."""
        return generation_dir(Path(self._writer.storage.folder), self._writer.generation)

    @property
    def documents(self) -> int:
        """Documents in the committed state this commit starts from, dead ones included."""
        return sum(segment.doc_count_all() for segment in self._writer.segments)

    def add_stored(self, blob: bytes) -> None:
        """Add the next document: stored fields a worker already encoded (analysis_pool)."""
        if not _add_stored(self._writer, blob):
            self._writer.add_document(**pickle.loads(zlib.decompress(blob)))  # noqa: S301

    def delete(self, row: int) -> None:
        self._writer.delete_document(row)

    def commit(self, clear: bool) -> None:
        """The commit point. `clear`: this commit re-added every document it keeps."""
        self._writer.commit(mergetype=CLEAR if clear else NO_MERGE)


class IndexStore:
    def __init__(self, directory: Path, ix: whoosh_index.FileIndex) -> None:
        self.directory = directory
        self.ix = ix

    @classmethod
    def open_or_create(cls, directory: Path) -> IndexStore:
        try:
            directory.mkdir(parents=True, exist_ok=True)
            return retry_while_committing(lambda: cls._open_or_create(directory), EmptyIndexError)
        except OSError as err:
            raise IndexWriteError(
                f"cannot create an index in {directory}: {describe_os_error(err)}"
            ) from err
        except EmptyIndexError as err:
            raise IndexLockedError(
                f"another searcher process is creating an index in {directory};"
                " wait for it to finish, or retry with --wait SECONDS"
            ) from err
        except _DAMAGED as err:
            raise _damaged(directory, err) from err

    @classmethod
    def _open_or_create(cls, directory: Path) -> IndexStore:
        if not whoosh_index.exists_in(str(directory)):
            cls._create(directory)
        return cls(directory, whoosh_index.open_dir(str(directory)))

    @staticmethod
    def _create(directory: Path) -> None:
        """An empty index, created under the write lock: Whoosh's create_in() deletes every table
        of contents it finds, so two first runs racing must not both create one. When another
        process holds the lock, it is creating the index or writing to it: we open what it made.
        """
        foreign = [
            p
            for p in directory.iterdir()
            if not p.name.startswith(".")
            and p.name != "README.md"
            and not _LEFTOVER.fullmatch(p.name)
        ]
        if foreign:
            raise IndexCorruptError(
                f"{directory} is not empty and holds no index;"
                " choose an empty directory with --index DIR"
            )
        lock = FileStorage(str(directory)).lock(f"{_INDEX_NAME}_WRITELOCK")
        if not lock.acquire():
            return
        try:
            if not whoosh_index.exists_in(str(directory)):
                whoosh_index.create_in(str(directory), schema.make_schema())
        finally:
            lock.release()

    @classmethod
    def open(cls, directory: Path) -> IndexStore:
        def read() -> IndexStore:
            if not directory.is_dir() or not whoosh_index.exists_in(str(directory)):
                raise IndexNotFoundError(
                    f"no index in {directory}; run: searcher index PATH --index {directory}"
                )
            return cls(directory, whoosh_index.open_dir(str(directory)))

        try:
            return retry_while_committing(read)
        except EmptyIndexError as err:
            raise IndexNotFoundError(f"no index in {directory}; run: searcher index PATH") from err
        except OSError as err:
            raise IndexReadError(
                f"cannot read the index in {directory}: {describe_os_error(err)}"
            ) from err
        except _DAMAGED as err:
            raise _damaged(directory, err) from err

    @contextlib.contextmanager
    def write_lock(
        self, wait_seconds: float, notice: Callable[[str], None] | None = None
    ) -> Iterator[PendingCommit]:
        """A pending commit holding the lock; cancelled (nothing written) unless the body commits.

        We take Whoosh's lock ourselves, polling until `wait_seconds` have passed (Whoosh gives
        up at once) and saying once that we wait; and we release it ourselves, even when the
        writer fails while starting or cancelling (a full disk), which would otherwise leave
        it held by an unreachable writer for as long as this process lives.
        """
        lock = self.ix.lock("WRITELOCK")
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
            try:
                writer = SegmentWriter(self.ix, _lk=False, compound=False)
            except OSError as err:
                raise IndexWriteError(
                    f"cannot write to {self.directory}: {describe_os_error(err)}"
                ) from err
            try:
                yield PendingCommit(writer)
            finally:
                self._close(writer)
        finally:
            lock.release()

    def _close(self, writer: SegmentWriter) -> None:
        """Cancel an uncommitted writer and delete the files of its unused segment."""
        try:
            if not writer.is_closed:
                writer.cancel()
        except OSError:
            pass  # a full disk can fail the cancel too; what it leaves, clean_up() removes
        if not self.committed(writer):
            # Whoosh creates the new segment's files when the writer starts and leaves them
            # behind when it is cancelled (a run that found nothing to do made three each time).
            with contextlib.suppress(OSError):
                names = writer.newsegment.list_files(writer.storage)
                self._remove_files([self.directory / name for name in names])

    def committed(self, pending: PendingCommit | SegmentWriter) -> bool:
        """Whether its table of contents is in place: the rename is the commit point."""
        return (self.directory / TOC._filename(_INDEX_NAME, pending.generation)).exists()

    def clean_up(self, pending: PendingCommit) -> None:
        """Remove what killed or failed runs left: half-written generations and tables of
        contents, segments no commit refers to, generations other than the committed one.

        Runs under the lock, so no writer is using them; readers only open the committed state.
        """
        writer = pending._writer
        committed = writer.generation - 1
        keep = {segment.segment_id() for segment in writer.segments}
        keep.add(writer.newsegment.segment_id())
        stale = []
        for path in self._entries():
            name = path.name
            toc = TOC_NAME.fullmatch(name)
            segment = _SEGMENT_FILE.fullmatch(name)
            if toc is not None:
                if int(toc.group(1)) != committed:
                    stale.append(path)
            elif _TOC_TEMP.fullmatch(name) or (segment and segment.group(1) not in keep):
                stale.append(path)
            elif _GENERATION.fullmatch(name) and name != f"{GENERATION_PREFIX}{committed}":
                stale.append(path)
        self._remove_files(stale)

    def discard_uncommitted(self, pending: PendingCommit) -> None:
        """After a failed commit: remove the next generation and any half-written TOC."""
        if self.committed(pending):
            return
        out_dir = pending.directory
        prefix = TOC._filename(_INDEX_NAME, pending.generation) + "."
        temps = [p for p in self._entries() if p.name.startswith(prefix)]
        self._remove_files([out_dir, work_dir(out_dir), *temps])

    def current_generation(self, pending: PendingCommit) -> Generation | None:
        """The committed postings generation matching the writer's starting point."""
        directory = generation_dir(self.directory, pending.generation - 1)
        if not directory.is_dir():
            if pending.documents == 0:
                return None  # a new, empty index
            raise IndexCorruptError(
                f"the index in {self.directory} is missing {directory.name};"
                f" run: searcher index --rebuild --index {self.directory} PATH..."
            )
        try:
            return Generation(directory)
        except (ValueError, FileNotFoundError) as err:  # a damaged meta.json, or none
            raise IndexCorruptError(
                f"the index in {self.directory} has a damaged {directory.name};"
                f" run: searcher index --rebuild --index {self.directory} PATH..."
            ) from err

    def stored_userdict(self) -> str | None:
        """The user dictionary the last commit was analysed with (read without the lock)."""
        directory = generation_dir(self.directory, self.ix.latest_generation())
        try:
            return Generation(directory).meta.get("userdict")
        except (FileNotFoundError, ValueError):
            return None

    def stored_meta(self, pending: PendingCommit) -> dict:
        """The committed generation's meta.json, or {} when it is missing or damaged."""
        try:
            generation = self.current_generation(pending)
        except IndexCorruptError:
            return {}
        return generation.meta if generation is not None else {}

    def remove_stale_generations(self, keep: int) -> None:
        stale = [
            p
            for p in self._entries()
            if _GENERATION.fullmatch(p.name) and p.name != f"{GENERATION_PREFIX}{keep}"
        ]
        self._remove_files(stale)

    def size_bytes(self) -> int:
        return index_size(self.directory)

    def _entries(self) -> list[Path]:
        try:
            return list(self.directory.iterdir())
        except OSError:
            return []

    @staticmethod
    def _remove_files(paths: list[Path]) -> None:
        # Best effort: what cannot be removed now is removed by the next run's clean_up().
        for path in paths:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError, PermissionError):
                    path.unlink()


def _add_stored(writer: SegmentWriter, blob: bytes) -> bool:
    """Add a document whose stored fields a worker already pickled and compressed (see
    analysis_pool.stored_blob): what add_document does for a schema of stored fields only,
    less the pickling and compressing. False if this Whoosh lays out its writer otherwise."""
    per_doc = writer.perdocwriter
    column = getattr(per_doc, "_colwriters", {}).get("_stored")
    compressed = getattr(column, "_child", None)
    if not (
        isinstance(column, columns.PickleColumn.Writer)
        and isinstance(compressed, columns.CompressedBytesColumn.Writer)
        and getattr(compressed, "_compress", None) is zlib.compress
    ):
        return False
    docnum = writer.docnum
    per_doc.start_doc(docnum)
    columns.VarBytesColumn.Writer.add(compressed, docnum, blob)  # the bytes as they are
    per_doc.finish_doc()
    writer._added = True
    writer.docnum += 1
    return True


def _damaged(directory: Path, err: Exception) -> IndexCorruptError:
    detail = " ".join(str(err).split())  # one line, whatever the library said
    return IndexCorruptError(
        f"the index in {directory} is damaged ({type(err).__name__}: {detail});"
        f" delete it and index again: searcher index PATH... --index {directory}"
    )
