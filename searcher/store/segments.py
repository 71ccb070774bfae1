"""The arrays beside the Whoosh index: one directory per Whoosh generation, written here.

A generation gen-N/ holds, for every row (= Whoosh document number):
  rows      the words of each passage with weighted counts (so the next generation is built
            without analysing unchanged passages again), its BM25 length, liveness, document and
            source file; the vocabulary (term ids in first-seen order: an id never changes, so
            the postings of older segments stay valid; term_order lists them in word order);
  pinyin    the readings of the vocabulary's words (pinyin_table.py);
  segments  seg-<first row>/, each for a range of rows:
              text    the folded text, for literal checks (plain UTF-8, mapped);
              stored  each passage's stored fields, JSON in zstandard blocks (stored.py): a
                      query reads its hits here and never imports Whoosh (~65 ms);
              words   term id → (rows, weighted counts): the word field, scored with BM25F;
              grams   character unigram/bigram key → (rows, counts): literal matching;
                      both packed in bit-packed blocks of 128 postings (packing.py).
An update writes one segment for its new rows and hard-links the other segments' files from the
generation before, so its cost follows what changed, not the size of the index. A small segment
is merged with the new rows until it is a fraction of the one before it (SEGMENT_RATIO): a log of
segments, each row rewritten a few times at most. Rows of changed files stay in old segments'
postings, dead (row_live), until a merge or a re-pack drops them.
Arrays are .npy files opened memory-mapped (generation.py): opening an index reads almost nothing;
the rows' words, which only the next build reads, are compressed (arrays.py).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from searcher.store.arrays import save_compressed
from searcher.store.checksums import Sums, record_sums, write_sums
from searcher.store.files import fsync_directory, fsync_tree
from searcher.store.layout import (
    COMPRESSED_SUFFIX,
    FILES_FILE,
    META_FILE,
    ROW_ARRAYS,
    SEGMENT_PREFIX,
    WRITER_ARRAYS,
    work_dir,
)
from searcher.store.npy import load_array
from searcher.store.pinyin_table import Readings, write_pinyin
from searcher.store.regional_table import RegionalPairs, write_regional
from searcher.store.stored import StoredBlocks, StoredWriter

if TYPE_CHECKING:
    from searcher.store.doc_table import DocTable
    from searcher.store.postings import MapTasks

SEGMENT_RATIO = 4  # a segment with a quarter of the rows of the one before it is merged on


@dataclass
class SegmentSpan:
    """A segment of the current generation: its directory and the rows [first, end) it holds."""

    directory: Path
    first: int
    end: int


@dataclass
class Rows:
    """Per-row data of a generation, in memory while a new generation is built."""

    row_ptr: np.ndarray  # int64, n + 1: row r's words are row_terms[row_ptr[r]:row_ptr[r + 1]]
    row_terms: np.ndarray  # int32 term ids into `vocabulary`
    row_tfs: np.ndarray  # float32 weighted counts
    row_len: np.ndarray  # float32 BM25 length
    row_live: np.ndarray  # bool: False once the passage's file changed or vanished
    row_doc: np.ndarray  # int32 document number (doc_table.py)
    row_file: np.ndarray  # int32 index into files.json
    row_chars: np.ndarray  # int32 length of the folded text in code points
    row_title: np.ndarray  # int32 number of the passage's title among the distinct titles
    vocabulary: list[str]  # term id → word, in the order words were first seen
    # Rows [0, first_new) are held by `segments`; rows [first_new, n) go into a new segment,
    # their folded text and stored fields written to these files as they were added.
    segments: list[SegmentSpan] = field(default_factory=list)
    first_new: int = 0
    text_ptr: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))  # new rows'
    text_file: Path | None = None  # folded texts, UTF-8, end to end (None: none yet)
    stored_ptr: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    stored_file: Path | None = None  # stored fields, encoded (stored.py) each, end to end
    sums: Sums = field(default_factory=dict)  # the segments' files, checked when they were read
    # Pinyin readings of the words the generation before had read (pinyin_table.py), kept.
    readings: Readings = field(default_factory=dict)
    # Regional forms of the words the generation before had converted (regional_table.py), kept.
    regional: RegionalPairs = field(default_factory=RegionalPairs)

    @property
    def count(self) -> int:
        return len(self.row_len)

    @classmethod
    def empty(cls) -> Rows:
        arrays = {name: np.zeros(0, dtype) for name, dtype in _ROW_DTYPES.items()}
        return cls(row_ptr=np.zeros(1, np.int64), vocabulary=[], **arrays)

    @classmethod
    def kept(
        cls,
        arrays: dict[str, np.ndarray],
        vocabulary: list[str],
        segments: list[SegmentSpan],
        sums: Sums,
        readings: Readings,
        regional: RegionalPairs,
    ) -> Rows:
        """The rows of a generation, all held by its segments: an update appends after them."""
        rows = cls(vocabulary=vocabulary, segments=segments, sums=sums, **arrays)
        rows.readings, rows.regional = readings, regional
        rows.first_new = rows.count
        return rows


_ROW_DTYPES = {
    "row_terms": np.int32,
    "row_tfs": np.float32,
    "row_len": np.float32,
    "row_live": bool,
    "row_doc": np.int32,
    "row_file": np.int32,
    "row_chars": np.int32,
    "row_title": np.int32,
}


def segments_to_merge(segments: list[SegmentSpan], new_rows: int) -> int:
    """How many of the last segments to merge with `new_rows` new rows into one segment."""
    if not new_rows:
        return 0
    count, total = 0, new_rows
    for segment in reversed(segments):
        if total * SEGMENT_RATIO < segment.end - segment.first:
            break
        count += 1
        total += segment.end - segment.first
    return count


def write_generation(
    out_dir: Path,
    rows: Rows,
    meta: dict[str, object],
    files: list[dict[str, object]],
    docs: DocTable,
    map_tasks: MapTasks | Callable = map,
) -> None:
    """Write a complete generation into `out_dir` (which must not exist), then fsync it.

    Its work directory (work_dir(out_dir)) may already hold the new rows' text and stored
    fields, written there while passages were added; postings are sorted in runs spilled there.
    """
    tmp_dir = work_dir(out_dir)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    for name in ROW_ARRAYS:
        if name in WRITER_ARRAYS:
            save_compressed(tmp_dir / f"{name}{COMPRESSED_SUFFIX}", getattr(rows, name))
        else:
            np.save(tmp_dir / f"{name}.npy", getattr(rows, name), allow_pickle=False)
    merging = segments_to_merge(rows.segments, rows.count - rows.first_new)
    kept = rows.segments[: len(rows.segments) - merging]
    # A kept segment's record (checked when the rows were read) carries over.
    prefixes = tuple(f"{segment.directory.name}/" for segment in kept)
    known = {name: value for name, value in rows.sums.items() if name.startswith(prefixes)}
    for segment in kept:
        _link_segment(segment.directory, tmp_dir / segment.directory.name)
    spans = [(segment.directory.name, segment.first, segment.end) for segment in kept]
    if rows.count > rows.first_new:
        merged = rows.segments[len(kept) :]
        first = merged[0].first if merged else rows.first_new
        name = f"{SEGMENT_PREFIX}{first}"
        _write_segment(tmp_dir, name, rows, merged, map_tasks)
        spans.append((name, first, rows.count))
    terms = [term.encode() for term in rows.vocabulary]
    term_ptr = np.concatenate([[0], np.cumsum([len(t) for t in terms], dtype=np.int64)])
    np.save(tmp_dir / "term_ptr.npy", term_ptr.astype(np.int64), allow_pickle=False)
    (tmp_dir / "terms.bin").write_bytes(b"".join(terms))
    order = np.array(sorted(range(len(terms)), key=terms.__getitem__), np.int32)
    np.save(tmp_dir / "term_order.npy", order, allow_pickle=False)
    write_pinyin(tmp_dir, rows.vocabulary, rows.readings, map_tasks)
    write_regional(tmp_dir, rows.vocabulary, rows.regional, map_tasks)
    live = rows.row_live
    meta = dict(meta)
    meta.update(
        rows=rows.count,
        live_rows=int(live.sum()),
        total_len=float(rows.row_len[live].sum(dtype=np.float64)),
        terms=len(rows.vocabulary),
        segments=[{"name": name, "first": first, "end": end} for name, first, end in spans],
    )
    # A file name with invalid UTF-8 reaches us as lone surrogates (surrogateescape): encoded with
    # surrogatepass, which json.loads(bytes) undoes, so the path round-trips byte for byte.
    docs.write(tmp_dir)
    for name, value in ((META_FILE, meta), (FILES_FILE, files)):
        text = json.dumps(value, ensure_ascii=False, indent=1 if name == META_FILE else None)
        (tmp_dir / name).write_bytes(text.encode("utf-8", "surrogatepass"))
    write_sums(tmp_dir, record_sums(tmp_dir, known))
    fsync_tree(tmp_dir)
    os.replace(tmp_dir, out_dir)
    fsync_directory(out_dir.parent)


def _write_segment(
    tmp_dir: Path,
    name: str,
    rows: Rows,
    merged: list[SegmentSpan],
    map_tasks: MapTasks | Callable,
) -> None:
    """The segment of the new rows, merged with the `merged` segments before them."""
    # Imported here: a query process never writes, and needs none of it.
    from searcher.store.postings import write_gram_postings, write_word_postings

    out = tmp_dir / name
    out.mkdir()
    ptrs = []
    with open(out / "text.bin", "wb") as target:
        for segment in merged:
            ptrs.append(load_array(segment.directory / "text_ptr.npy") + target.tell())
            with open(segment.directory / "text.bin", "rb") as source:
                shutil.copyfileobj(source, target)
        ptrs.append(rows.text_ptr + target.tell())
        if rows.text_file is not None:
            with open(rows.text_file, "rb") as source:
                shutil.copyfileobj(source, target)
    ptr = np.concatenate([part[:-1] for part in ptrs] + [ptrs[-1][-1:]]).astype(np.int64)
    np.save(out / "text_ptr.npy", ptr, allow_pickle=False)
    stored = StoredWriter(out)
    for segment in merged:  # their blocks decoded and packed again with the rows that follow
        blocks = StoredBlocks(segment.directory, segment.end - segment.first)
        stored.add(blocks.rows())
        blocks.close()
    if rows.stored_file is not None:
        stored.add(_encoded_rows(rows.stored_file, rows.stored_ptr))
    stored.close()
    spill = tmp_dir / "runs"
    spill.mkdir(exist_ok=True)
    previous = [segment.directory for segment in merged]
    live = rows.row_live
    args = (rows.row_ptr, rows.row_terms, rows.row_tfs, live, len(rows.vocabulary))
    write_word_postings(out, spill, *args, first_row=rows.first_new, previous=previous)
    write_gram_postings(
        out,
        spill,
        rows.text_file,
        rows.text_ptr,
        rows.row_chars,
        live,
        first_row=rows.first_new,
        map_tasks=map_tasks,
        previous=previous,
    )
    shutil.rmtree(spill)
    for path in (rows.text_file, rows.stored_file):  # now inside the segment
        if path is not None and path.parent == tmp_dir:
            path.unlink()


def _encoded_rows(path: Path, ptr: np.ndarray) -> Iterator[bytes]:
    """The rows of a file of encoded rows end to end, `ptr` their offsets."""
    with open(path, "rb") as source:
        for size in np.diff(ptr).tolist():
            yield source.read(size)


def _link_segment(source: Path, target: Path) -> None:
    """The files of a segment kept as they are: hard links, or copies where links fail."""
    target.mkdir()
    for path in source.iterdir():
        try:
            os.link(path, target / path.name)
        except OSError:  # a file system without hard links
            shutil.copyfile(path, target / path.name)
