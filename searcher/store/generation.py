"""A generation, the committed state of an index, opened for reading without importing Whoosh.

A commit writes gen-<n>/ completely, then Whoosh renames its table of contents _MAIN_<n>.toc into
place (commit.py). So the highest-numbered table of contents names a complete generation, and a
reader needs only that number: a generation holds everything a query reads, and importing Whoosh
would cost a fresh `searcher query` about 65 ms. A commit running meanwhile may remove what we are
opening: open_generation() retries.

Everything is mapped (or, for stored passages, opened) when the generation opens: the next commit
deletes this directory, and a mapping or an open file outlives its name, so a reader opened before
(the TUI, batch) keeps answering. Postings of a word or gram are the segments' postings end to
end: segments cover ascending row ranges, so the rows stay ascending.
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from searcher.analysis.analyzers import ANALYSIS_VERSION
from searcher.errors import (
    IndexCorruptError,
    IndexNotFoundError,
    IndexReadError,
    IndexVersionError,
    describe_os_error,
)
from searcher.oneline import shown_dir
from searcher.store.arrays import load_compressed
from searcher.store.checksums import check_sizes, read_sums, verify
from searcher.store.doc_table import IDS_FILE, document_id
from searcher.store.layout import (
    COMPRESSED_SUFFIX,
    FILES_FILE,
    FORMAT_VERSION,
    META_FILE,
    READER_FILES,
    ROW_ARRAYS,
    SEGMENT_FILES,
    STORED_FILE,
    WRITER_ARRAYS,
    generation_dir,
    latest_generation,
    packed_files,
    retry_while_committing,
)
from searcher.store.npy import load_array
from searcher.store.packing import PackedPostings
from searcher.store.pinyin_table import PinyinTable
from searcher.store.regional_table import RegionalTable
from searcher.store.stored import StoredBlocks, decode_stored

if TYPE_CHECKING:
    from searcher.store.segments import Rows

_EMPTY_ROWS = np.zeros(0, np.int32)
_FAMILY = {"post": "word", "gram": "n-gram"}  # how errors name them
# Decoded postings kept per segment, 4 M postings at most (32 MB); a short list counts as 64.
_CACHE_POSTINGS = 4_000_000
_CACHE_ENTRY = 64


class _Mapped:
    """Files of one directory, mapped on open: .npy files as arrays, others as bytes."""

    def __init__(self, directory: Path, names: tuple[str, ...]) -> None:
        self.directory = directory
        self._arrays: dict[str, np.ndarray] = {}
        self._blobs: dict[str, np.ndarray] = {}
        for name in names:
            if name.endswith(".npy"):
                self.array(name.removesuffix(".npy"))
            else:
                self.blob(name)

    def array(self, name: str) -> np.ndarray:
        if name not in self._arrays:
            # A plain ndarray view of the mapping (np.asarray copies nothing): np.memmap's
            # Python-level __getitem__ cost 1.6 µs a slice, 0.3 ms of a warm query.
            mapped = load_array(self.directory / f"{name}.npy", mmap_mode="r")
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

    def close(self) -> None:
        """Drop the mappings (each closes when no array still views it)."""
        self._arrays.clear()
        self._blobs.clear()


class Segment(_Mapped):
    """Rows [first, end): their folded text, stored passages, word and gram postings."""

    def __init__(self, directory: Path, first: int, end: int) -> None:
        super().__init__(directory, SEGMENT_FILES)
        self.first, self.end = first, end
        self._stored = StoredBlocks(directory, end - first, self.array("stored_blocks"))
        self._text: memoryview | None = None
        self._postings: dict[str, PackedPostings] = {}
        self._cache: OrderedDict[tuple[str, int], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached = 0  # postings held by the cache

    def close(self) -> None:
        super().close()
        self._postings.clear()
        self._cache.clear()
        self._stored.close()

    def stored_bytes(self, row: int) -> bytes:
        return self._stored.row(row - self.first)

    def folded_bytes(self, row: int) -> bytes:
        """The folded text of `row`, UTF-8, as matching reads it."""
        ptr = self.array("text_ptr")
        if self._text is None:
            self._text = memoryview(self.blob("text.bin"))
        return bytes(self._text[int(ptr[row - self.first]) : int(ptr[row - self.first + 1])])

    def _packed(self, prefix: str) -> PackedPostings:
        if prefix not in self._postings:
            names = packed_files(prefix)
            arrays = (self.array(name.removesuffix(".npy")) for name in names[1:])
            self._postings[prefix] = PackedPostings(self.blob(names[0]), *arrays)
        return self._postings[prefix]

    def word_postings(self, term_id: int) -> tuple[np.ndarray, np.ndarray] | None:
        ptr = self.array("post_ptr")
        if term_id + 1 >= len(ptr):  # a word first seen after this segment was written
            return None
        return self._decoded("post", term_id, int(ptr[term_id]), int(ptr[term_id + 1]))

    def gram_postings(self, key: int) -> tuple[np.ndarray, np.ndarray] | None:
        keys = self.array("gram_keys")
        at = int(np.searchsorted(keys, np.uint64(key)))
        if at == len(keys) or int(keys[at]) != key:
            return None
        ptr = self.array("gram_ptr")
        return self._decoded("gram", at, int(ptr[at]), int(ptr[at + 1]))

    def _decoded(
        self, prefix: str, key: int, start: int, end: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Postings [start, end) of `prefix`, decoded, from the cache of recent ones if there.

        A query asks for a bigram's postings twice (literal matching, then n-gram scores) and
        queries share frequent words and grams; decoding 150 K postings takes ~1.5 ms.
        """
        found = self._cache.get((prefix, key))
        if found is not None:
            self._cache.move_to_end((prefix, key))
            return found
        rows, values = self._packed(prefix).key(start, end, _FAMILY[prefix])
        found = self._checked(rows, values)
        self._cache[(prefix, key)] = found
        self._cached += max(end - start, _CACHE_ENTRY)
        while self._cached > _CACHE_POSTINGS:
            _, (dropped, _) = self._cache.popitem(last=False)
            self._cached -= max(len(dropped), _CACHE_ENTRY)
        return found

    def _checked(self, rows: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if len(rows) and (rows[0] < self.first or rows[-1] >= self.end):
            raise IndexCorruptError(
                f"the index's postings in {self.directory.name} are damaged (a row outside it);"
                " run: searcher check, then searcher index --rebuild"
            )
        rows.flags.writeable = values.flags.writeable = False  # shared by the cache
        return rows, values

    def literal_counts(self, needle: bytes, rows: np.ndarray) -> np.ndarray:
        """How often `needle` (UTF-8) occurs in the folded text of each of `rows`."""
        ptr = self.array("text_ptr")
        if self._text is None:
            self._text = memoryview(self.blob("text.bin"))
        local = rows - self.first
        # Each text counted with C-level iteration only (map over slices of a memoryview):
        # 0.3 µs a row, where a Python loop over memmap slices took 2.5 µs (人民政府 over
        # zh-laws: 32,634 candidates, 80 → 11 ms). UTF-8 is self-synchronising, so a byte
        # match is a code point match.
        spans = map(slice, ptr[local].tolist(), ptr[local + 1].tolist())
        texts = map(bytes, map(self._text.__getitem__, spans))
        return np.fromiter(map(bytes.count, texts, [needle] * len(rows)), np.float32, len(rows))


class Generation(_Mapped):
    """The whole index as one generation committed it."""

    def __init__(self, directory: Path) -> None:
        self.meta: dict = json.loads((directory / META_FILE).read_bytes())
        if self.meta.get("format") != FORMAT_VERSION:
            # Another layout: only its meta is read, and every caller refuses it by its version.
            super().__init__(directory, ())
            self.segments: list[Segment] = []
        else:
            self.sums = read_sums(directory)
            # A file cut short (a full disk, a copy interrupted) would answer silently wrong.
            check_sizes(directory, self.sums, [*READER_FILES, *_segment_files(self.meta)])
            super().__init__(directory, READER_FILES)
            self.segments = [
                Segment(directory / span["name"], span["first"], span["end"])
                for span in self.meta["segments"]
            ]
        self._firsts = np.array([segment.first for segment in self.segments], np.int64)
        self._pinyin: PinyinTable | None = None
        self._regional: RegionalTable | None = None
        self._terms: tuple[np.ndarray, np.ndarray, memoryview] | None = None
        self._terms_bytes: bytes | None = None  # the vocabulary end to end, for words_holding

    def close(self) -> None:
        super().close()
        for segment in self.segments:
            segment.close()

    def files(self) -> list[dict]:
        return json.loads(bytes(self.blob(FILES_FILE)))

    def document_id(self, number: int) -> str:
        return document_id(self.blob(IDS_FILE), self.array("doc_id_ptr"), number)

    def term_id(self, word: str) -> int | None:
        """Binary search of the vocabulary in word order: about 20 probes, no load of it all."""
        target = word.encode()
        at = self._word_rank(target)
        order = self.array("term_order")
        if at < len(order) and self._word(int(order[at])) == target:
            return int(order[at])
        return None

    def words_from(self, prefix: str) -> Iterator[str]:
        """The vocabulary in word (UTF-8 byte) order, from the first word >= `prefix` on."""
        for term in self.array("term_order")[self._word_rank(prefix.encode()) :].tolist():
            yield self._word(term).decode()

    def words_holding(self, part: str) -> list[tuple[int, int]]:
        """(term id, how often the word holds `part`) of every word of the vocabulary longer
        than `part` that holds it: one search of the words end to end (zh-laws': 386 KB)."""
        needle = part.encode()
        if self._terms_bytes is None:
            self._terms_bytes = bytes(self.blob("terms.bin"))
        words = self._terms_bytes
        places = []
        at = words.find(needle)
        while at != -1:
            places.append(at)
            at = words.find(needle, at + 1)
        if not places:
            return []
        ptr = self.array("term_ptr")
        found: dict[int, int] = {}
        # A match may straddle two words (nothing separates them): kept only inside one.
        # UTF-8 is self-synchronising, so a match starts at a character.
        terms = (np.searchsorted(ptr, places, "right") - 1).tolist()
        for place, term in zip(places, terms, strict=True):
            start, end = int(ptr[term]), int(ptr[term + 1])
            if term not in found and place + len(needle) <= end and end - start > len(needle):
                found[term] = words[start:end].count(needle)
        return list(found.items())

    def _word_rank(self, target: bytes) -> int:
        """How many words of the vocabulary sort before `target`."""
        ptr, blob, order = self.array("term_ptr"), self.blob("terms.bin"), self.array("term_order")
        lo, hi = 0, len(order)
        while lo < hi:
            mid = (lo + hi) // 2
            term = int(order[mid])
            if bytes(blob[ptr[term] : ptr[term + 1]]) < target:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _word(self, term: int) -> bytes:
        ptr = self.array("term_ptr")
        return bytes(self.blob("terms.bin")[ptr[term] : ptr[term + 1]])

    def pinyin(self) -> PinyinTable:
        """The readings of the vocabulary's words and of characters (pinyin_table.py)."""
        if self._pinyin is None:
            self._pinyin = PinyinTable(self.array, self.blob)
        return self._pinyin

    def regional(self) -> RegionalTable:
        """Other regions' forms of the vocabulary's words (regional_table.py)."""
        if self._regional is None:
            self._regional = RegionalTable(self.blob)
        return self._regional

    def term_word(self, term_id: int) -> str:
        ptr = self.array("term_ptr")
        return bytes(self.blob("terms.bin")[ptr[term_id] : ptr[term_id + 1]]).decode()

    def term_count(self) -> int:
        """How many words the vocabulary holds."""
        return len(self.array("term_order"))

    def sorted_term(self, position: int) -> tuple[bytes, int]:
        """(UTF-8 bytes, term id) of the word at `position` in byte order (0 ≤ position <
        term_count()): words sharing a prefix are neighbours, which is how a query is cut."""
        if self._terms is None:
            # Kept as a list and a memoryview: a query cut looks up thousands of words, and
            # numpy scalar indexing cost 6 µs a lookup, a third of a pasted sentence's search.
            self._terms = (
                self.array("term_order"),
                self.array("term_ptr"),
                memoryview(self.blob("terms.bin")),
            )
        order, ptr, blob = self._terms
        term = int(order[position])
        return bytes(blob[int(ptr[term]) : int(ptr[term + 1])]), term

    def document_frequency(self, term_id: int) -> int:
        """How many passages' postings list the word (rows deleted since may still count)."""
        total = 0
        for segment in self.segments:
            ptr = segment.array("post_ptr")
            if term_id + 1 < len(ptr):
                total += int(ptr[term_id + 1] - ptr[term_id])
        return total

    def document_frequencies(self) -> np.ndarray:
        """document_frequency() of every term id at once."""
        frequencies = np.zeros(self.term_count(), np.int64)
        for segment in self.segments:
            counts = np.diff(segment.array("post_ptr"))
            frequencies[: len(counts)] += counts
        return frequencies

    def terms(self) -> list[str]:
        """Every word, by term id."""
        offsets = self.array("term_ptr").tolist()
        blob = bytes(self.blob("terms.bin"))
        return [blob[a:b].decode() for a, b in zip(offsets, offsets[1:], strict=False)]

    def postings_total(self) -> int:
        """The sum of every word's document_frequency(): the vocabulary's total frequency."""
        return sum(int(segment.array("post_ptr")[-1]) for segment in self.segments)

    def word_postings(self, term_id: int) -> tuple[np.ndarray, np.ndarray]:
        return _joined([segment.word_postings(term_id) for segment in self.segments])

    def gram_postings(self, key: int) -> tuple[np.ndarray, np.ndarray]:
        return _joined([segment.gram_postings(key) for segment in self.segments])

    def literal_counts(self, needle: bytes, rows: np.ndarray) -> np.ndarray:
        """How often `needle` occurs in the folded text of each of `rows` (ascending)."""
        bounds = np.searchsorted(rows, self._firsts).tolist() + [len(rows)]
        parts = [
            segment.literal_counts(needle, rows[start:end])
            for segment, start, end in zip(self.segments, bounds, bounds[1:], strict=False)
            if end > start
        ]
        return np.concatenate(parts) if parts else np.zeros(0, np.float32)

    def stored_bytes(self, row: int) -> bytes:
        at = int(np.searchsorted(self._firsts, row, "right")) - 1
        return self.segments[at].stored_bytes(row)

    def folded_bytes(self, row: int) -> bytes:
        """The folded text of `row`, UTF-8 (what repeated passages are told apart by)."""
        at = int(np.searchsorted(self._firsts, row, "right")) - 1
        return self.segments[at].folded_bytes(row)

    def stored_fields(self, row: int) -> dict:
        """The passage of `row` as indexed: doc_id, path, title, paragraph, line, text, meta."""
        return decode_stored(self.stored_bytes(row))

    def load_rows(self) -> Rows:
        """Everything needed to build the next generation: the row arrays, read into memory, and
        the segments, which stay on disk (the next generation links the files it keeps). Every
        file is checked against its checksum first: an update must not carry damage over, nor
        call a damaged index unchanged."""
        # The writer's module, imported by the writer only: a query never loads it (2 ms).
        from searcher.store.segments import Rows, SegmentSpan

        verified = verify(self.directory, self.sums)
        arrays = {
            name: load_compressed(self.directory / f"{name}{COMPRESSED_SUFFIX}")
            if name in WRITER_ARRAYS
            else np.array(self.array(name))
            for name in ROW_ARRAYS
        }
        vocabulary = self.terms()
        segments = [SegmentSpan(s.directory, s.first, s.end) for s in self.segments]
        readings = self.pinyin().term_readings()
        regional = self.regional().pairs()
        return Rows.kept(arrays, vocabulary, segments, verified, readings, regional)


def _segment_files(meta: dict) -> list[str]:
    names = (*SEGMENT_FILES, STORED_FILE)
    return [f"{span['name']}/{name}" for span in meta["segments"] for name in names]


def _joined(parts: list[tuple[np.ndarray, np.ndarray] | None]) -> tuple[np.ndarray, np.ndarray]:
    found = [part for part in parts if part is not None]
    if len(found) == 1:
        return found[0]  # the mapped arrays themselves: no copy
    if not found:
        return _EMPTY_ROWS, np.zeros(0, np.float32)
    return np.concatenate([rows for rows, _ in found]), np.concatenate([v for _, v in found])


def open_generation(directory: Path) -> Generation:
    """The newest committed generation of the index in `directory`, every file mapped."""
    try:
        generation = _open(directory)
    except FileNotFoundError as err:
        raise _missing(directory, err) from err
    except ValueError as err:  # json.JSONDecodeError and numpy's header errors
        shown = shown_dir(directory)
        raise IndexCorruptError(
            f"the index at {shown} is damaged ({err});"
            f" run: searcher index --rebuild --index {shown} PATH..."
        ) from err
    except OSError as err:
        reason = describe_os_error(err)
        raise IndexReadError(f"cannot read the index at {shown_dir(directory)}: {reason}") from err
    return generation


def _open(directory: Path) -> Generation:
    return retry_while_committing(lambda: _open_latest(directory))


def _open_latest(directory: Path) -> Generation:
    number = latest_generation(directory) if directory.is_dir() else None
    shown = shown_dir(directory)
    if number is None:
        raise IndexNotFoundError(
            f"no index at {shown} yet; start one with: searcher index PATH --index {shown}"
        )
    if number == 0:  # created, never committed
        raise IndexNotFoundError(
            f"the index at {shown} is empty; run: searcher index PATH --index {shown}"
        )
    try:
        generation = Generation(generation_dir(directory, number))
    except FileNotFoundError as err:
        if latest_generation(directory) == number:  # no commit removed it: it is missing
            raise _missing(directory, err) from err
        raise  # a writer committed after we listed the directory and removed this generation
    return _checked(generation, shown)


def open_committed(directory: Path, number: int) -> Generation:
    """Generation `number` of the index in `directory`, the one a table of contents names (for
    Whoosh's reader, which reads the table of contents itself). FileNotFoundError if a commit
    removed it since: Whoosh's reader then reads the newer table of contents."""
    return _checked(Generation(generation_dir(directory, number)), shown_dir(directory))


def _checked(generation: Generation, shown: str) -> Generation:
    """`generation` if this version of searcher reads it whole; else it is closed and refused."""
    meta = generation.meta
    if (
        meta.get("format") != FORMAT_VERSION
        or meta.get("analysis", {}).get("version") != ANALYSIS_VERSION
    ):
        generation.close()
        raise IndexVersionError(
            f"the index at {shown} was built by another version of searcher;"
            f" run: searcher index --rebuild --index {shown}"
        )
    rows = meta.get("rows")
    bounds = [0] + [b for s in generation.segments for b in (s.first, s.end)] + [rows]
    if len(generation.array("row_live")) != rows or bounds[::2] != bounds[1::2]:
        generation.close()
        raise IndexCorruptError(
            f"the index at {shown} is inconsistent;"
            f" run: searcher index --rebuild --index {shown} PATH..."
        )
    return generation


def _missing(directory: Path, err: FileNotFoundError) -> IndexCorruptError:
    missing = os.path.relpath(err.filename or "?", directory)
    shown = shown_dir(directory)
    return IndexCorruptError(
        f"the index at {shown} is missing {missing};"
        f" run: searcher index --rebuild --index {shown} PATH..."
    )
