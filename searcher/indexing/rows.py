"""RowsBuilder: the next generation's rows, and the stored passages that go with them.

Rows are only ever appended; the rows of a changed or vanished file are marked dead. When dead
rows pass a share of the whole, the next run re-packs: every live row, renumbered from 0, goes
into one new segment.
"""

from __future__ import annotations

import shutil
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from searcher.analysis.normalize import fold_text
from searcher.indexing.analysis_pool import AnalyzedBatch
from searcher.indexing.doc_ids import DocIds
from searcher.ingest.formats import Passage
from searcher.ingest.sources import SourceFile
from searcher.oneline import escaped, json_line
from searcher.store import schema
from searcher.store.doc_table import DocTable
from searcher.store.generation import Generation
from searcher.store.layout import work_dir
from searcher.store.npy import load_array
from searcher.store.segments import Rows
from searcher.store.stored import StoredBlocks, decode_stored, encode_stored

_COMPACT_DEAD_FRACTION = 0.3

Warn = Callable[[str], None]


@dataclass
class FileJob:
    """A file read for this run: its passages, and the manifest entry it replaces, if any."""

    source: SourceFile
    sha1: str
    passages: Iterable[Passage]  # read as they are batched, not held
    old: dict | None = None
    number: int = -1  # file number, assigned when its first passage is added
    added: int = 0
    failed: str = ""  # why reading it failed, if it did
    kind: str | None = None  # a document (ingest.documents: PDF, DOCX…) read by a worker


@dataclass
class _Chunk:
    """The new rows, a numpy array per analysed batch. Their words (term ids and counts, ~70 a
    passage), text and stored fields go to disk instead: held here, the words were the largest
    part of a big build's peak memory (zh-laws x4 in one file: 200 MB, twice over in finish())."""

    counts: list[np.ndarray] = field(default_factory=list)
    lengths: list[np.ndarray] = field(default_factory=list)
    chars: list[np.ndarray] = field(default_factory=list)
    text_bytes: list[np.ndarray] = field(default_factory=list)
    stored_bytes: list[np.ndarray] = field(default_factory=list)
    docs: array = field(default_factory=lambda: array("i"))  # 4 bytes a row, not a list's 36
    files: array = field(default_factory=lambda: array("i"))
    titles: array = field(default_factory=lambda: array("i"))


class RowsBuilder:
    def __init__(
        self,
        rows: Rows,
        files: dict[str, dict],
        docs: DocTable,
        meta: dict,
        work: Path | None = None,
        warn: Warn | None = None,
    ) -> None:
        self.rows = rows
        self.files = files  # path → manifest entry
        # Files skipped before, path → [size, mtime_ns, reason]: not read (nor hashed: a 2 GB
        # sparse file took 7.6 s) again until they change.
        self.skipped: dict[str, list] = dict(meta.get("skipped", {}))
        self.docs = docs  # documents, in the order of their first passage
        self.next_file = int(meta.get("next_file", 0))
        self.changed = False
        self._term_ids: _TermIds | None = None
        self._new = _Chunk()
        self._new_rows = 0
        self._ids: DocIds | None = None  # read from the rows when the first document is added
        self._doc_file = -1  # the file number and indexed id of the document being added
        self._doc_id = ""
        self._paths: dict[int, str] = {}  # file number → path, for naming a repeated id's holder
        self._warn = warn or (lambda message: None)
        self._work = work  # the next generation's work directory: the new rows' files go there
        self._appending: dict[str, BinaryIO] = {}  # file kind → the file, open for appending
        self._batch: AnalyzedBatch | None = None

    @classmethod
    def start(
        cls, current: Generation | None, out_dir: Path, rebuild: bool, warn: Warn | None = None
    ) -> RowsBuilder:
        """The builder of the generation after `current`; `warn` hears of each repeated id."""
        work = work_dir(out_dir)
        shutil.rmtree(work, ignore_errors=True)  # made again on first use: a no-op run leaves none
        if current is None:
            builder = cls(Rows.empty(), {}, DocTable(), {}, work, warn)
            builder.changed = rebuild
            return builder
        rows = current.load_rows()
        files = {f["path"]: f for f in current.files()}
        builder = cls(rows, files, DocTable.read(current.directory), current.meta, work, warn)
        if rows.count and 1 - rows.row_live.mean() > _COMPACT_DEAD_FRACTION:
            builder._compact()
        return builder

    @property
    def next_row(self) -> int:
        return self.rows.count + self._new_rows

    @property
    def live_rows(self) -> int:
        return int(self.rows.row_live.sum()) + self._new_rows

    def unchanged(self, path: str, source: SourceFile) -> bool:
        old = self.files.get(path)
        return old is not None and old["size"] == source.size and old["mtime_ns"] == source.mtime_ns

    def touch(self, path: str, source: SourceFile) -> None:
        """Same content under a new mtime: only the manifest changes."""
        self.files[path] = dict(self.files[path], size=source.size, mtime_ns=source.mtime_ns)
        self.changed = True

    def remove_file(self, path: str) -> None:
        entry = self.files.pop(path)
        self.rows.row_live[self.rows.row_file == entry["number"]] = False
        if self._ids is not None:
            self._ids.retire(entry["number"])
        self.changed = True

    def add(
        self,
        job: FileJob,
        passage: Passage,
        result: tuple[AnalyzedBatch, int],
    ) -> None:
        """Append one analysed passage: a row, and a document when it starts one.

        `result` is (batch, position): passages arrive in batch order, and every passage of a
        batch is added, so the row arrays and the text are appended a whole batch at a time.
        """
        path = str(job.source.path)
        if job.number < 0:
            if path in self.files:
                self.remove_file(path)
            job.number = self.next_file
            self.next_file += 1
            self.files[path] = {
                "number": job.number,
                "path": path,
                "size": job.source.size,
                "mtime_ns": job.source.mtime_ns,
                "sha1": job.sha1,
            }
            self.changed = True
        batch, position = result
        if batch is not self._batch:
            self._take(batch)
        # A record's passages are numbered from 1 (a file's, when the file is the document):
        # two records in a row with one id are two documents, the second qualified.
        if passage.paragraph == 1 or job.number != self._doc_file:
            self._start_document(job, passage)
        if self._doc_id != passage.id:  # qualified: the stored fields must say so too
            fields = decode_stored(batch.stored[position])
            fields[schema.DOC_ID] = self._doc_id
            batch.stored[position] = encode_stored(fields)
        new = self._new
        new.docs.append(len(self.docs) - 1)
        new.files.append(job.number)
        new.titles.append(self.docs.title_number(passage.title, fold_text))
        self._new_rows += 1
        job.added += 1

    def _start_document(self, job: FileJob, passage: Passage) -> None:
        """Add the document `passage` begins, under an id no other live document holds."""
        if self._ids is None:
            self._ids = DocIds.of_rows(self.rows, self.docs)
        self._doc_file = job.number
        self._doc_id = self._ids.claim(passage.id, job.number)
        self.docs.add(self._doc_id)
        if self._doc_id != passage.id:
            self._warn(self._repeat_warning(job, passage, self._ids.owner(passage.id)))

    def _repeat_warning(self, job: FileJob, passage: Passage, holder: int | None) -> str:
        """Where a repeated id was found, which file holds it, and what the repeat became."""
        if holder == job.number:
            where = "this file"
        else:
            if holder not in self._paths:  # a file added since the map was made
                self._paths = {entry["number"]: path for path, entry in self.files.items()}
            where = escaped(self._paths[holder])
        return (
            f"{escaped(str(job.source.path))} line {passage.line}: id {json_line(passage.id)}"
            f" is already used in {where}; indexed as {json_line(self._doc_id)}"
        )

    def _take(self, batch: AnalyzedBatch) -> None:
        """Append a batch's rows: term ids for its words; folded text to disk. Its stored fields
        follow when the next batch comes (or at finish()): add() may qualify an id in them.

        Mapping a batch's words with map() over _TermIds costs about 0.05 µs a word, where a
        generator per passage cost 2 µs: that loop held a third of the parent's time.
        """
        self._flush_stored()
        self._batch = batch
        if self._term_ids is None:
            self._term_ids = _TermIds(self.rows.vocabulary)
        ids = list(map(self._term_ids.__getitem__, batch.words))
        new = self._new
        self._append("terms", [np.array(ids, np.int32).tobytes()])
        self._append("tfs", [batch.tfs.astype(np.float32).tobytes()])
        new.counts.append(batch.counts)
        new.lengths.append(batch.lengths)
        new.chars.append(np.fromiter(map(len, batch.folded), np.int32, len(batch.folded)))
        encoded = [text.encode() for text in batch.folded]
        new.text_bytes.append(np.fromiter(map(len, encoded), np.int64, len(encoded)))
        self._append("text_file", encoded)

    def _flush_stored(self) -> None:
        """Append the stored fields of the batch last taken, once add() has seen all of it."""
        batch, self._batch = self._batch, None
        if batch is None:
            return
        stored = batch.stored
        self._new.stored_bytes.append(np.fromiter(map(len, stored), np.int64, len(stored)))
        self._append("stored_file", stored)

    def _append(self, kind: str, pieces: list[bytes]) -> None:
        """Append to a file of the new rows: a Rows field (text_file, stored_file), or the
        words of their passages (terms, tfs), read back by finish()."""
        if kind not in self._appending:
            path = getattr(self.rows, kind, None) or self._new_file(kind)
            self._appending[kind] = open(path, "ab")  # noqa: SIM115 - closed in finish()
            if kind in ("text_file", "stored_file"):
                setattr(self.rows, kind, path)
        self._appending[kind].write(b"".join(pieces))

    def _new_file(self, kind: str) -> Path:
        self._work.mkdir(parents=True, exist_ok=True)
        return self._work / f"new-{kind}.bin"

    def _read_back(self, kind: str, dtype: type) -> np.ndarray:
        path = self._new_file(kind)
        if not path.exists():
            return np.zeros(0, dtype)
        array = np.fromfile(path, dtype)
        path.unlink()
        return array

    def finish(self) -> tuple[Rows, list[dict], DocTable]:
        """The rows of the next generation, its file manifest and its document table."""
        self._flush_stored()
        old, new = self.rows, self._new
        self._new = _Chunk()
        for handle in self._appending.values():
            handle.close()
        self._appending = {}
        rows = Rows(
            row_ptr=_extend_ptr(old.row_ptr, _joined(new.counts, np.int64)),
            row_terms=_consumed(old.row_terms, [self._read_back("terms", np.int32)], np.int32),
            row_tfs=_consumed(old.row_tfs, [self._read_back("tfs", np.float32)], np.float32),
            row_len=_consumed(old.row_len, new.lengths, np.float32),
            row_live=np.concatenate([old.row_live, np.ones(self._new_rows, bool)]),
            row_doc=_consumed(old.row_doc, [np.frombuffer(new.docs, np.int32)], np.int32),
            row_file=_consumed(old.row_file, [np.frombuffer(new.files, np.int32)], np.int32),
            row_chars=_consumed(old.row_chars, new.chars, np.int32),
            row_title=_consumed(old.row_title, [np.frombuffer(new.titles, np.int32)], np.int32),
            # Term ids never change: words first seen now get the next ids.
            vocabulary=old.vocabulary + (self._term_ids.new if self._term_ids else []),
            readings=old.readings,
            regional=old.regional,
            segments=old.segments,
            first_new=old.first_new,
            text_ptr=_extend_ptr(old.text_ptr, _joined(new.text_bytes, np.int64)),
            text_file=old.text_file,
            stored_ptr=_extend_ptr(old.stored_ptr, _joined(new.stored_bytes, np.int64)),
            stored_file=old.stored_file,
        )
        self.rows = rows  # the arrays `old` held can go
        files = sorted(self.files.values(), key=lambda f: f["path"])
        return rows, files, self.docs

    def _compact(self) -> None:
        """Re-pack live rows from 0, in one new segment."""
        old = self.rows
        live = np.flatnonzero(old.row_live)
        kept_docs, row_doc = np.unique(old.row_doc[live], return_inverse=True)
        self.docs = self.docs.kept(kept_docs)
        entries = np.repeat(old.row_live, np.diff(old.row_ptr))
        # Every live row goes into one new segment: its text and stored fields are copied now.
        files: dict[str, tuple[Path, np.ndarray]] = {}
        path = self._new_file("text_file")
        sizes = []
        with open(path, "wb") as target:
            for segment in old.segments:
                ptr = load_array(segment.directory / "text_ptr.npy")
                live_rows = old.row_live[segment.first : segment.end]
                _copy_live(segment.directory / "text.bin", ptr, live_rows, target)
                sizes.append(np.diff(ptr)[live_rows])
        files["text_file"] = (path, _extend_ptr(np.zeros(1, np.int64), _joined(sizes, np.int64)))
        path = self._new_file("stored_file")
        stored_sizes = array("q")
        with open(path, "wb") as target:
            for segment in old.segments:
                blocks = StoredBlocks(segment.directory, segment.end - segment.first)
                live_rows = old.row_live[segment.first : segment.end].tolist()
                for row, alive in zip(blocks.rows(), live_rows, strict=True):
                    if alive:
                        target.write(row)
                        stored_sizes.append(len(row))
                blocks.close()
        stored_ptr = _extend_ptr(np.zeros(1, np.int64), np.frombuffer(stored_sizes, np.int64))
        files["stored_file"] = (path, stored_ptr)
        self.rows = Rows(
            row_ptr=_extend_ptr(np.zeros(1, np.int64), np.diff(old.row_ptr)[live]),
            row_terms=old.row_terms[entries].astype(np.int32),
            row_tfs=old.row_tfs[entries].astype(np.float32),
            row_len=old.row_len[live],
            row_live=np.ones(len(live), bool),
            row_doc=row_doc.astype(np.int32),
            row_file=old.row_file[live],
            row_chars=old.row_chars[live],
            row_title=old.row_title[live],
            vocabulary=old.vocabulary,
            readings=old.readings,
            regional=old.regional,
            text_file=files["text_file"][0],
            text_ptr=files["text_file"][1],
            stored_file=files["stored_file"][0],
            stored_ptr=files["stored_file"][1],
        )
        self.changed = True


def _extend_ptr(ptr: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    return np.concatenate([ptr, ptr[-1] + np.cumsum(lengths, dtype=np.int64)]).astype(np.int64)


def _consumed(first: np.ndarray, parts: list[np.ndarray], dtype: type) -> np.ndarray:
    """`first`, then the arrays of `parts`, as one array; `parts` is emptied as it is copied,
    so memory holds the result and one part, where concatenate held the parts, the result and
    its astype copy (zh-laws x4 in one file: the largest step of the whole build's peak)."""
    if not len(first) and len(parts) == 1 and parts[0].dtype == dtype:
        return parts.pop()  # a first build: the new rows are all there is
    out = np.empty(len(first) + sum(map(len, parts)), dtype)
    out[: len(first)] = first
    at = len(first)
    parts.reverse()
    while parts:
        part = parts.pop()
        out[at : at + len(part)] = part
        at += len(part)
    return out


def _joined(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)


_COPY_BYTES = 1 << 24  # copied 16 MB at a time when re-packing


def _copy_live(path: Path, ptr: np.ndarray, live: np.ndarray, target: BinaryIO) -> None:
    """Append the bytes of the live rows of `path` to `target`, in order, a block at a time."""
    count = len(live)
    with open(path, "rb") as source:
        first = 0
        while first < count:
            base = ptr[first]
            last = int(np.searchsorted(ptr, base + _COPY_BYTES, "right")) - 1
            last = min(max(last, first + 1), count)
            chunk = np.frombuffer(source.read(int(ptr[last] - base)), np.uint8)
            sizes = np.diff(ptr[first : last + 1])
            target.write(chunk[np.repeat(live[first:last], sizes)].tobytes())
            first = last


class _TermIds(dict):
    """Word → term id, for mapping a batch's words in one pass of map(): a word first seen gets
    the next id (listed in `new`, in the order words first occur, so the same files give the
    same index). A Python loop over the words that checked for new ones took 1.2 s of a zh-laws
    build in the parent, which the workers wait for."""

    def __init__(self, vocabulary: list[str]) -> None:
        super().__init__((term, i) for i, term in enumerate(vocabulary))
        self.new: list[str] = []

    def __missing__(self, word: str) -> int:
        term_id = self[word] = len(self)
        self.new.append(word)
        return term_id
