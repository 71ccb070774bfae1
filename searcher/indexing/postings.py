"""The postings arrays beside the Whoosh index: one directory per Whoosh generation.

A generation holds, for every row (= Whoosh document number):
  rows      the words of each passage with weighted counts (kept so the next generation can be
            built without analysing unchanged passages again), its BM25 length, liveness, document
            and source file;
  text      the folded text, for literal checks and highlighting;
  stored    each passage's stored fields, encoded as Whoosh's stored column encodes them: a
            query reads its hits here, so a query process never imports Whoosh (~65 ms);
  words     sorted vocabulary → (rows, weighted counts): the word field, scored with BM25F;
  grams     sorted character unigram/bigram keys → (rows, counts): literal matching.
Arrays are .npy files opened memory-mapped, so opening an index reads almost nothing.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from searcher.indexing.runs import MapTasks, Previous

FORMAT_VERSION = 2  # bump when the layout of a generation changes
GENERATION_PREFIX = "gen-"
META_FILE = "meta.json"
FILES_FILE = "files.json"
DOCS_FILE = "docs.json"

_ROW_ARRAYS = ("row_ptr", "row_terms", "row_tfs", "row_len", "row_live", "row_doc", "row_file")
_ROW_ARRAYS += ("row_chars", "text_ptr", "stored_ptr")
# Files of bytes per row, appended run after run: the Rows field naming each → its file name.
BLOB_FILES = {"text_file": "text.bin", "stored_file": "stored.bin"}


def generation_dir(index_dir: Path, generation: int) -> Path:
    return index_dir / f"{GENERATION_PREFIX}{generation}"


def work_dir(out_dir: Path) -> Path:
    """Where a generation is written before it is renamed into place (removed if a run fails)."""
    return out_dir.with_name(out_dir.name + ".tmp")


@dataclass
class Rows:
    """Per-row data of a generation, in memory while a new generation is built."""

    row_ptr: np.ndarray  # int64, n + 1: row r's words are row_terms[row_ptr[r]:row_ptr[r + 1]]
    row_terms: np.ndarray  # int32 term ids into `vocabulary`
    row_tfs: np.ndarray  # float32 weighted counts
    row_len: np.ndarray  # float32 BM25 length
    row_live: np.ndarray  # bool: False once the passage's file changed or vanished
    row_doc: np.ndarray  # int32 document number (ordinal in docs.json)
    row_file: np.ndarray  # int32 index into files.json
    row_chars: np.ndarray  # int32 length of the folded text in code points
    text_ptr: np.ndarray  # int64, n + 1: byte offsets of each row's folded text in text.bin
    text_file: Path | None  # folded texts, UTF-8, end to end (None: no rows yet)
    stored_ptr: np.ndarray  # int64, n + 1: byte offsets of each row's stored fields
    stored_file: Path | None  # stored fields, zlib(pickle(dict)) each, end to end
    vocabulary: list[str]  # sorted by UTF-8 bytes (= by code point)
    previous: Previous | None = None  # a generation whose postings cover the first rows

    @property
    def count(self) -> int:
        return len(self.row_len)

    @classmethod
    def empty(cls) -> Rows:
        return cls(
            row_ptr=np.zeros(1, np.int64),
            row_terms=np.zeros(0, np.int32),
            row_tfs=np.zeros(0, np.float32),
            row_len=np.zeros(0, np.float32),
            row_live=np.zeros(0, bool),
            row_doc=np.zeros(0, np.int32),
            row_file=np.zeros(0, np.int32),
            row_chars=np.zeros(0, np.int32),
            text_ptr=np.zeros(1, np.int64),
            text_file=None,
            stored_ptr=np.zeros(1, np.int64),
            stored_file=None,
            vocabulary=[],
        )


def write_generation(
    out_dir: Path,
    rows: Rows,
    meta: dict[str, object],
    files: list[dict[str, object]],
    docs: list[dict[str, object]],
    map_tasks: MapTasks | Callable = map,
) -> None:
    """Write a complete generation into `out_dir` (which must not exist), then fsync it.

    Its work directory (work_dir(out_dir)) may already hold text.bin and stored.bin, written
    there while passages were added; the postings are sorted in runs spilled there (runs.py).
    """
    # Imported here: a query process never writes, and needs none of it.
    from searcher.indexing.runs import write_gram_postings, write_word_postings

    tmp_dir = work_dir(out_dir)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    for name in _ROW_ARRAYS:
        np.save(tmp_dir / f"{name}.npy", getattr(rows, name), allow_pickle=False)
    for field, name in BLOB_FILES.items():
        source, path = getattr(rows, field), tmp_dir / name
        if source is None:
            path.write_bytes(b"")
        elif source != path:
            shutil.copyfile(source, path)
    text_path = tmp_dir / "text.bin"
    spill = tmp_dir / "runs"
    spill.mkdir(exist_ok=True)
    live = rows.row_live
    args = (rows.row_ptr, rows.row_terms, rows.row_tfs, live, len(rows.vocabulary))
    write_word_postings(tmp_dir, spill, *args, previous=rows.previous)
    text_args = (text_path, rows.text_ptr, rows.row_chars, live)
    write_gram_postings(tmp_dir, spill, *text_args, map_tasks=map_tasks, previous=rows.previous)
    shutil.rmtree(spill)
    terms = [term.encode() for term in rows.vocabulary]
    term_ptr = np.concatenate([[0], np.cumsum([len(t) for t in terms], dtype=np.int64)])
    np.save(tmp_dir / "term_ptr.npy", term_ptr.astype(np.int64), allow_pickle=False)
    (tmp_dir / "terms.bin").write_bytes(b"".join(terms))
    meta = dict(meta)
    meta.update(
        rows=rows.count,
        live_rows=int(live.sum()),
        total_len=float(rows.row_len[live].sum(dtype=np.float64)),
        terms=len(rows.vocabulary),
    )
    # A file name with invalid UTF-8 reaches us as lone surrogates (surrogateescape): encoded with
    # surrogatepass, which json.loads(bytes) undoes, so the path round-trips byte for byte.
    for name, value in ((META_FILE, meta), (FILES_FILE, files), (DOCS_FILE, docs)):
        text = json.dumps(value, ensure_ascii=False, indent=1 if name == META_FILE else None)
        (tmp_dir / name).write_bytes(text.encode("utf-8", "surrogatepass"))
    _fsync_dir_files(tmp_dir)
    os.replace(tmp_dir, out_dir)


def _fsync_dir_files(directory: Path) -> None:
    for path in directory.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())


# Only the next generation's build reads these: a reader need not map them. Everything else is
# mapped when a reader opens (a list of what readers use went stale when search began to read
# row_chars, and a query after a commit then failed on the deleted file).
_WRITER_ONLY = frozenset({"row_ptr.npy", "row_terms.npy", "row_tfs.npy", META_FILE})
_STORED_FILE = BLOB_FILES["stored_file"]


class Generation:
    """A generation opened for reading: memory-mapped files, read from disk only where used."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.meta: dict = json.loads((directory / META_FILE).read_bytes())
        self._arrays: dict[str, np.ndarray] = {}
        self._blobs: dict[str, np.memmap | bytes] = {}
        # Stored passages are read a hit at a time (pread), not mapped: a mapping keeps every
        # page it touched in our resident memory, and a batch of 300 queries touched ~60 MB.
        self._stored = open(directory / _STORED_FILE, "rb")  # noqa: SIM115 - closed in close()
        # Map what a reader uses now: the next commit deletes this directory, and a mapping (or
        # an open file) outlives the file's name, so a reader opened before it (the TUI, batch)
        # keeps answering. A search maps most of these anyway: mapping up front adds ~0.5 ms.
        for name in sorted(os.listdir(directory)):
            if name in _WRITER_ONLY or name == _STORED_FILE:
                continue
            if name.endswith(".npy"):
                self.array(name.removesuffix(".npy"))
            elif name.endswith((".bin", ".json")):
                self.blob(name)

    def close(self) -> None:
        """Drop the mappings (each closes when no array still views it)."""
        self._arrays.clear()
        self._blobs.clear()
        self._stored.close()

    def array(self, name: str) -> np.ndarray:
        if name not in self._arrays:
            # A plain ndarray view of the mapping (np.asarray copies nothing): np.memmap's
            # Python-level __getitem__ cost 1.6 µs a slice, 0.3 ms of a warm query.
            mapped = np.load(self.directory / f"{name}.npy", mmap_mode="r")
            self._arrays[name] = np.asarray(mapped)
        return self._arrays[name]

    def blob(self, name: str) -> np.ndarray:
        if name not in self._blobs:
            path = self.directory / name
            # np.memmap refuses empty files; an empty index has an empty blob.
            if path.stat().st_size == 0:
                self._blobs[name] = np.zeros(0, np.uint8)
            else:
                self._blobs[name] = np.asarray(np.memmap(path, dtype=np.uint8, mode="r"))
        return self._blobs[name]

    def files(self) -> list[dict]:
        return json.loads(bytes(self.blob(FILES_FILE)))

    def docs(self) -> list[dict]:
        return json.loads(bytes(self.blob(DOCS_FILE)))

    def stored_fields(self, row: int) -> dict:
        """The passage of `row` as indexed: doc_id, path, title, paragraph, line, text, meta."""
        return pickle.loads(zlib.decompress(self.stored_bytes(row)))  # noqa: S301 - our own bytes

    def stored_bytes(self, row: int) -> bytes:
        ptr = self.array("stored_ptr")
        start, end = int(ptr[row]), int(ptr[row + 1])
        return os.pread(self._stored.fileno(), end - start, start)

    def term_id(self, word: str) -> int | None:
        """Binary search of the sorted vocabulary: about 20 probes, no load of the whole list."""
        target = word.encode()
        ptr = self.array("term_ptr")
        blob = self.blob("terms.bin")
        lo, hi = 0, len(ptr) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            probe = bytes(blob[ptr[mid] : ptr[mid + 1]])
            if probe < target:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(ptr) - 1 and bytes(blob[ptr[lo] : ptr[lo + 1]]) == target:
            return lo
        return None

    def word_postings(self, term_id: int) -> tuple[np.ndarray, np.ndarray]:
        ptr = self.array("post_ptr")
        start, end = ptr[term_id], ptr[term_id + 1]
        return self.array("post_rows")[start:end], self.array("post_tfs")[start:end]

    def gram_postings(self, key: int) -> tuple[np.ndarray, np.ndarray]:
        keys = self.array("gram_keys")
        at = int(np.searchsorted(keys, np.uint64(key)))
        if at == len(keys) or int(keys[at]) != key:
            return np.zeros(0, np.int32), np.zeros(0, np.uint16)
        ptr = self.array("gram_ptr")
        start, end = ptr[at], ptr[at + 1]
        return self.array("gram_rows")[start:end], self.array("gram_tfs")[start:end]

    def load_rows(self) -> Rows:
        """Everything needed to build the next generation, read into memory."""
        arrays = {name: np.array(self.array(name)) for name in _ROW_ARRAYS}
        vocabulary = _split_utf8(bytes(self.blob("terms.bin")), self.array("term_ptr"))
        # Text and stored fields stay on disk: the next generation copies the files.
        files = {field: self.directory / name for field, name in BLOB_FILES.items()}
        return Rows(vocabulary=vocabulary, **files, **arrays)


def _split_utf8(blob: bytes, ptr: np.ndarray) -> list[str]:
    offsets = ptr.tolist()
    return [blob[start:end].decode() for start, end in zip(offsets, offsets[1:], strict=False)]
