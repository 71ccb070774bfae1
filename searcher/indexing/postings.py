"""The postings arrays beside the Whoosh index: one directory per Whoosh generation.

A generation holds, for every row (= Whoosh document number):
  rows      the words of each passage with weighted counts (kept so the next generation can be
            built without analysing unchanged passages again), its BM25 length, liveness, document
            and source file;
  text      the folded text, for literal checks and highlighting;
  words     sorted vocabulary → (rows, weighted counts): the word field, scored with BM25F;
  grams     sorted character unigram/bigram keys → (rows, counts): literal matching.
Arrays are .npy files opened memory-mapped, so opening an index reads almost nothing.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from searcher.analysis.grams import gram_keys

GENERATION_PREFIX = "gen-"
META_FILE = "meta.json"
FILES_FILE = "files.json"
DOCS_FILE = "docs.json"

_ROW_ARRAYS = ("row_ptr", "row_terms", "row_tfs", "row_len", "row_live", "row_doc", "row_file")
_ROW_ARRAYS += ("row_chars", "text_ptr")


def generation_dir(index_dir: Path, generation: int) -> Path:
    return index_dir / f"{GENERATION_PREFIX}{generation}"


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
    text: bytes  # folded texts, UTF-8, end to end
    vocabulary: list[str]  # sorted by UTF-8 bytes (= by code point)

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
            text=b"",
            vocabulary=[],
        )


def write_generation(
    out_dir: Path,
    rows: Rows,
    meta: dict[str, object],
    files: list[dict[str, object]],
    docs: list[dict[str, object]],
) -> None:
    """Write a complete generation into `out_dir` (which must not exist), then fsync it."""
    tmp_dir = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(tmp_dir, ignore_errors=True)
    tmp_dir.mkdir(parents=True)
    arrays = {name: getattr(rows, name) for name in _ROW_ARRAYS}
    arrays.update(_word_postings(rows))
    arrays.update(_gram_postings(rows))
    for name, array in arrays.items():
        np.save(tmp_dir / f"{name}.npy", array, allow_pickle=False)
    (tmp_dir / "text.bin").write_bytes(rows.text)
    (tmp_dir / "terms.bin").write_bytes("".join(rows.vocabulary).encode())
    live = rows.row_live
    meta = dict(meta)
    meta.update(
        rows=rows.count,
        live_rows=int(live.sum()),
        total_len=float(rows.row_len[live].sum(dtype=np.float64)),
        terms=len(rows.vocabulary),
    )
    (tmp_dir / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    (tmp_dir / FILES_FILE).write_text(json.dumps(files, ensure_ascii=False))
    (tmp_dir / DOCS_FILE).write_text(json.dumps(docs, ensure_ascii=False))
    _fsync_dir_files(tmp_dir)
    os.replace(tmp_dir, out_dir)


def _fsync_dir_files(directory: Path) -> None:
    for path in directory.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())


def _word_postings(rows: Rows) -> dict[str, np.ndarray]:
    lengths = np.diff(rows.row_ptr)
    entry_rows = np.repeat(np.arange(rows.count, dtype=np.int32), lengths)
    keep = rows.row_live[entry_rows]
    terms = rows.row_terms[keep]
    order = np.argsort(terms, kind="stable")  # stable: rows stay ascending within a term
    counts = np.bincount(terms, minlength=len(rows.vocabulary))
    utf8_lengths = np.fromiter((len(t.encode()) for t in rows.vocabulary), np.int64)
    return {
        "term_ptr": np.concatenate([[0], np.cumsum(utf8_lengths)]).astype(np.int64),
        "post_ptr": np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        "post_rows": entry_rows[keep][order],
        "post_tfs": rows.row_tfs[keep][order],
    }


def _gram_postings(rows: Rows) -> dict[str, np.ndarray]:
    live_chars = np.where(rows.row_live, rows.row_chars, 0)
    text = _live_text(rows)
    codepoints = np.frombuffer(text.encode("utf-32-le"), np.uint32)
    row_of_char = np.repeat(np.arange(rows.count, dtype=np.int32), live_chars)
    keys, key_rows = gram_keys(codepoints, row_of_char)
    del codepoints, row_of_char
    order = np.argsort(keys, kind="stable")  # rows ascend within a key, as they were in text order
    keys = keys[order]
    key_rows = key_rows[order]
    del order
    # Runs of equal (key, row) collapse into one posting whose count is the run length.
    starts = np.flatnonzero(
        np.concatenate([[True], (keys[1:] != keys[:-1]) | (key_rows[1:] != key_rows[:-1])])
    )
    tfs = np.diff(np.append(starts, len(keys)))
    posting_keys = keys[starts]
    key_starts = np.flatnonzero(np.concatenate([[True], posting_keys[1:] != posting_keys[:-1]]))
    return {
        "gram_keys": posting_keys[key_starts],
        "gram_ptr": np.append(key_starts, len(posting_keys)).astype(np.int64),
        "gram_rows": key_rows[starts],
        "gram_tfs": np.minimum(tfs, np.iinfo(np.uint16).max).astype(np.uint16),
    }


def _live_text(rows: Rows) -> str:
    if rows.row_live.all():
        return rows.text.decode()
    parts = []
    for row in np.flatnonzero(rows.row_live):
        parts.append(rows.text[rows.text_ptr[row] : rows.text_ptr[row + 1]])
    return b"".join(parts).decode()


class Generation:
    """A generation opened for reading: memory-mapped arrays, nothing loaded until used."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.meta: dict = json.loads((directory / META_FILE).read_text())
        self._arrays: dict[str, np.ndarray] = {}
        self._blobs: dict[str, np.memmap | bytes] = {}

    def array(self, name: str) -> np.ndarray:
        if name not in self._arrays:
            self._arrays[name] = np.load(self.directory / f"{name}.npy", mmap_mode="r")
        return self._arrays[name]

    def blob(self, name: str) -> np.ndarray:
        if name not in self._blobs:
            path = self.directory / name
            # np.memmap refuses empty files; an empty index has an empty blob.
            if path.stat().st_size == 0:
                self._blobs[name] = np.zeros(0, np.uint8)
            else:
                self._blobs[name] = np.memmap(path, dtype=np.uint8, mode="r")
        return self._blobs[name]

    def files(self) -> list[dict]:
        return json.loads((self.directory / FILES_FILE).read_text())

    def docs(self) -> list[dict]:
        return json.loads((self.directory / DOCS_FILE).read_text())

    def folded_text(self, row: int) -> str:
        ptr = self.array("text_ptr")
        return bytes(self.blob("text.bin")[ptr[row] : ptr[row + 1]]).decode()

    def term(self, term_id: int) -> str:
        ptr = self.array("term_ptr")
        return bytes(self.blob("terms.bin")[ptr[term_id] : ptr[term_id + 1]]).decode()

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
        return Rows(text=bytes(self.blob("text.bin")), vocabulary=vocabulary, **arrays)


def _split_utf8(blob: bytes, ptr: np.ndarray) -> list[str]:
    offsets = ptr.tolist()
    return [blob[start:end].decode() for start, end in zip(offsets, offsets[1:], strict=False)]
