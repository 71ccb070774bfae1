"""Postings built in bounded memory: sorted runs spilled to disk, then merged block by block.

postings.py cuts the rows of a generation into ranges and sorts each range's postings into a Run
(its rows and values go to files in the generation's work directory). merge_runs() then writes
the final postings key block by key block, packed (packing.py), so memory holds one block of
postings, never them all: built in one piece, the zh-laws gram postings took the indexing process
to 2.1 GB; in runs its peak is 0.5 GB, and a worker sorting a run of 2 M characters peaks near
250 MB. A segment that merges older segments reads their postings as runs (previous_run) and
sorts only its new rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from searcher.analysis.grams import CODE_POINTS, gram_keys, join_keys, split_keys
from searcher.store.npy import load_array
from searcher.store.packing import PackedPostings, PackedWriter

BLOCK_POSTINGS = 1 << 21  # postings per merged block: 2 M × (4 + 2..4) bytes, about 16 MB
RUN_CHARS = 1 << 21  # folded characters per gram run: its sort peaks near 100 MB
RUN_ENTRIES = 1 << 20  # (row, word) entries per word run: about 50 MB while sorted
_RUN_ROWS = 1 << 20  # a run's rows fit in 20 bits beside a 43-bit key (see _gram_run)


@dataclass
class _Column:
    """A 1-D array on disk: a raw spill file, or the data of a .npy file past its header."""

    path: Path
    dtype: np.dtype
    offset: int = 0  # bytes before element 0

    def read(self, start: int, end: int) -> np.ndarray:
        """Elements [start, end), read, not mapped: the merge's RSS stays one block."""
        if end <= start:
            return np.zeros(0, self.dtype)
        at = self.offset + start * self.dtype.itemsize
        return np.fromfile(self.path, self.dtype, count=end - start, offset=at)


@dataclass
class _Spill:
    """Postings spilled by write_run(): raw rows and values files."""

    rows: _Column
    values: _Column

    def read(self, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        return self.rows.read(start, end), self.values.read(start, end)


@dataclass
class _Packed:
    """An earlier segment's packed postings (packing.py), read key-aligned ranges at a time."""

    postings: PackedPostings
    ptr: np.ndarray  # int64: key k's postings are [ptr[k], ptr[k + 1])

    def read(self, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        first, last = np.searchsorted(self.ptr, [start, end])
        bounds = np.unique(np.concatenate([[start], self.ptr[first:last], [end]]))
        return self.postings.keys(bounds, "merged")


@dataclass
class Run:
    """The postings of one row range, sorted by key then row; rows and values live on disk."""

    keys: np.ndarray  # unique keys, ascending
    counts: np.ndarray  # int64: postings per key (live ones, when `keep` filters)
    source: _Spill | _Packed
    distinct: np.ndarray  # the distinct values of the run's postings, ascending
    starts: np.ndarray  # int64: where each key's postings start on disk
    ends: np.ndarray  # int64: and end
    keep: np.ndarray | None = None  # bool per row: postings of rows marked False are dropped

    def read_keys(self, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
        """The postings of keys [first, last) of the run: rows and values."""
        start, end = int(self.starts[first]), int(self.ends[last - 1])
        rows, values = self.source.read(start, end)
        if self.keep is not None:
            alive = self.keep[rows]
            rows, values = rows[alive], values[alive]
        return rows, values


def write_run(
    directory: Path, name: str, keys: np.ndarray, rows: np.ndarray, values: np.ndarray
) -> Run:
    """Spill postings already sorted by (key, row); `keys` has one entry per posting."""
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]])) if len(keys) else []
    starts = np.asarray(starts, np.int64)
    ends = np.append(starts[1:], len(keys)).astype(np.int64)
    source = _Spill(
        _Column(directory / f"{name}.rows", rows.dtype),
        _Column(directory / f"{name}.values", values.dtype),
    )
    rows.tofile(source.rows.path)
    values.tofile(source.values.path)
    return Run(keys[starts].copy(), ends - starts, source, np.unique(values), starts, ends)


def previous_run(
    directory: Path,
    names: tuple[str | None, str],
    prefix: str,
    keep: np.ndarray,
    key_map: np.ndarray | None = None,
) -> Run:
    """The postings of an earlier segment as a run: a merge re-sorts only its new rows.

    `names` are the segment's (keys, ptr) arrays, `prefix` its packed postings' (packing.py).
    `keep` says which rows are still live (rows of changed or removed files are dropped);
    `key_map` renumbers keys, keeping their order.
    """
    keys_name, ptr_name = names
    ptr = load_array(directory / f"{ptr_name}.npy").astype(np.int64)
    keys = load_array(directory / f"{keys_name}.npy") if keys_name else np.arange(len(ptr) - 1)
    if key_map is not None:
        keys = key_map[keys]
    # Mapped: the packed postings are a quarter of the arrays they replace, and their pages are
    # the page cache's, read a block of keys at a time.
    source = _Packed(PackedPostings.load(directory, prefix), ptr)
    counts = np.diff(ptr)
    if not keep.all():  # count what survives, a block of keys at a time
        counts = np.zeros(len(keys), np.int64)
        for first, last in _blocks(ptr):
            rows, _ = source.read(int(ptr[first]), int(ptr[last]))
            key_of = np.repeat(np.arange(first, last), np.diff(ptr[first : last + 1]))
            counts += np.bincount(key_of[keep[rows]], minlength=len(keys))
    held = counts > 0  # a key whose rows all went leaves the keys, as in a rebuild
    starts, ends = ptr[:-1][held], ptr[1:][held]
    distinct = source.postings.values
    return Run(keys[held], counts[held].astype(np.int64), source, distinct, starts, ends, keep)


def merge_runs(
    runs: list[Run],
    out_dir: Path,
    names: tuple[str | None, str],
    prefix: str,
    values_dtype: type,
    all_keys: np.ndarray | None = None,
) -> None:
    """Write the merged postings of `runs` (given in row order): the keys and ptr arrays
    (`names`) as .npy files, rows and values packed (packing.py, files named from `prefix`).

    With `all_keys` (every possible key, e.g. term ids 0..V-1) the key array is not written and
    keys without postings get empty ranges; otherwise the keys are the union of the runs' keys.
    Within a key, rows ascend because runs do.
    """
    keys_name, ptr_name = names
    if all_keys is None:
        parts = [run.keys for run in runs]
        all_keys = np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.uint64)
    totals = np.zeros(len(all_keys), np.int64)
    slots = []  # per run: the position of each of its keys in all_keys
    for run in runs:
        slot = np.searchsorted(all_keys, run.keys)
        totals[slot] += run.counts
        slots.append(slot)
    ptr = np.concatenate([[0], np.cumsum(totals)]).astype(np.int64)
    if keys_name is not None:
        np.save(out_dir / f"{keys_name}.npy", all_keys, allow_pickle=False)
    np.save(out_dir / f"{ptr_name}.npy", ptr, allow_pickle=False)
    # A value dropped with its dead rows may stay in the table: it costs only its entry.
    distinct = [run.distinct for run in runs]
    values = np.unique(np.concatenate(distinct)) if distinct else np.zeros(0)
    packed = PackedWriter(out_dir, prefix, values.astype(values_dtype))
    for first, last in _blocks(ptr):
        base = ptr[first]
        block_rows = np.empty(ptr[last] - base, np.int32)
        block_values = np.empty(ptr[last] - base, values_dtype)
        fill = ptr[first:last] - base  # where the next posting of each key goes
        for run, slot in zip(runs, slots, strict=True):
            lo, hi = np.searchsorted(slot, [first, last])
            if lo == hi:
                continue
            rows, run_values = run.read_keys(int(lo), int(hi))
            local = slot[lo:hi] - first
            counts = run.counts[lo:hi]
            # Each key's postings from this run go right after what earlier runs put there.
            shift = fill[local] - (np.cumsum(counts) - counts)
            dest = np.repeat(shift, counts) + np.arange(len(rows))
            block_rows[dest] = rows
            block_values[dest] = run_values
            fill[local] += counts
        key_starts = np.zeros(len(block_rows), bool)
        key_starts[ptr[first:last][totals[first:last] > 0] - base] = True
        packed.write(block_rows, block_values, key_starts)
    packed.close()


def _blocks(ptr: np.ndarray) -> list[tuple[int, int]]:
    """Key ranges [first, last) of about BLOCK_POSTINGS postings each (a key is never split)."""
    keys = len(ptr) - 1
    if keys == 0:
        return []
    bounds = np.searchsorted(ptr, np.arange(BLOCK_POSTINGS, ptr[-1], BLOCK_POSTINGS), "right") - 1
    bounds = np.unique(np.clip(np.concatenate([[0], bounds, [keys]]), 0, keys))
    return [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]


# ---------------------------------------------------------------------------- words and grams


def write_word_postings(
    out_dir: Path,
    work_dir: Path,
    row_ptr: np.ndarray,
    row_terms: np.ndarray,
    row_tfs: np.ndarray,
    row_live: np.ndarray,
    vocabulary_size: int,
    first_row: int = 0,
    previous: Sequence[Path] = (),
) -> None:
    """post_ptr and the packed post_* files: for each term id, the live rows holding it,
    ascending, of rows [first_row, n) and of the `previous` segments' postings (rows before
    first_row)."""
    names = (None, "post_ptr")
    runs = [previous_run(directory, names, "post", row_live) for directory in previous]
    for first, last in _row_ranges(np.diff(row_ptr), RUN_ENTRIES, first_row):
        start, end = int(row_ptr[first]), int(row_ptr[last])
        local = np.repeat(
            np.arange(last - first, dtype=np.int64), np.diff(row_ptr[first : last + 1])
        )
        terms = row_terms[start:end].astype(np.int64)
        tfs = row_tfs[start:end]
        live = row_live[first:last][local]
        if not live.all():
            local, terms, tfs = local[live], terms[live], tfs[live]
        row_bits = max(1, int(last - first - 1).bit_length())
        order = np.argsort((terms << row_bits) | local)  # unique values: any sort is stable
        rows = (local[order] + first).astype(np.int32)
        runs.append(write_run(work_dir, f"words-{len(runs)}", terms[order], rows, tfs[order]))
    all_keys = np.arange(vocabulary_size, dtype=np.int64)
    merge_runs(runs, out_dir, names, "post", np.float32, all_keys)


MapTasks = Callable[[Callable, Iterable], Iterator]  # map() or a process pool's ordered imap


def write_gram_postings(
    out_dir: Path,
    work_dir: Path,
    text_path: Path,
    text_ptr: np.ndarray,
    row_chars: np.ndarray,
    row_live: np.ndarray,
    first_row: int = 0,
    map_tasks: MapTasks = map,
    previous: Sequence[Path] = (),
) -> None:
    """gram_keys, gram_ptr and the packed gram_* files from the folded text of the live rows
    [first_row, n) (text_ptr: their byte offsets in text_path, n - first_row + 1) and of the
    `previous` segments' postings.

    Runs are independent, so `map_tasks` may sort them in worker processes: on two cores that
    halves the longest step left in the indexing process once analysis is done.
    """
    names = ("gram_keys", "gram_ptr")
    runs = [previous_run(directory, names, "gram", row_live) for directory in previous]
    tasks = [
        _GramTask(
            text_path,
            int(text_ptr[first - first_row]),
            int(text_ptr[last - first_row]),
            first,
            row_chars[first:last],
            row_live[first:last],
            work_dir / f"grams-{number}",
        )
        for number, (first, last) in enumerate(_row_ranges(row_chars, RUN_CHARS, first_row))
    ]
    runs += [run for run in map_tasks(gram_run_task, tasks) if len(run.keys)]
    merge_runs(runs, out_dir, names, "gram", np.uint16)


@dataclass
class _GramTask:
    text_path: Path
    start_byte: int
    end_byte: int
    first_row: int
    row_chars: np.ndarray
    row_live: np.ndarray
    out: Path  # the run's files: out + ".rows" and ".values"


def gram_run_task(task: _GramTask) -> Run:
    """Sort and spill the gram postings of one row range (run in a worker process)."""
    with open(task.text_path, "rb") as text:
        text.seek(task.start_byte)
        chunk = text.read(task.end_byte - task.start_byte).decode("utf-8")
    codepoints = np.frombuffer(chunk.encode("utf-32-le"), np.uint32)
    del chunk
    count = len(task.row_chars)
    local = np.repeat(np.arange(count, dtype=np.uint64), task.row_chars)
    if not task.row_live.all():
        keep = task.row_live[local]
        codepoints, local = codepoints[keep], local[keep]
    keys, rows, tfs = _gram_run(codepoints, local, count)
    rows = (rows + task.first_row).astype(np.int32)
    return write_run(task.out.parent, task.out.name, keys, rows, tfs)


def _gram_run(
    codepoints: np.ndarray, local_rows: np.ndarray, row_count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(key per posting, local row, count) of one row range, sorted by key then row.

    A (key, row) pair is packed into one uint64 and sorted as such: np.sort of a plain array is
    about 2.5x faster than a stable argsort of the keys plus two gathers. To fit, keys are
    re-coded with dense character ids (in code point order, so the order of keys is kept).
    """
    keys, rows = gram_keys(codepoints, local_rows)
    if not len(keys):
        return keys, rows.astype(np.int64), np.zeros(0, np.uint16)
    present = np.bincount(codepoints, minlength=CODE_POINTS) > 0
    chars = np.flatnonzero(present).astype(np.uint64)  # dense id → code point
    ids = (np.cumsum(present) - 1).astype(np.uint64)  # code point → dense id
    del present
    char_bits = max(1, int(len(chars) - 1).bit_length())
    row_bits = max(1, int(row_count - 1).bit_length())
    bigram, first, second = split_keys(keys)
    del keys
    packed = np.where(bigram, ids[first], 0) << np.uint64(char_bits)
    packed |= ids[second]
    packed |= bigram.astype(np.uint64) << np.uint64(2 * char_bits)
    packed <<= np.uint64(row_bits)
    packed |= rows
    del bigram, first, second, rows
    packed.sort()
    starts = np.flatnonzero(np.concatenate([[True], packed[1:] != packed[:-1]]))
    tfs = np.diff(np.append(starts, len(packed)))
    packed = packed[starts]
    rows = (packed & np.uint64((1 << row_bits) - 1)).astype(np.int64)
    packed >>= np.uint64(row_bits)
    # Back from dense ids to the real keys of analysis.grams.
    mask = np.uint64((1 << char_bits) - 1)
    second = chars[packed & mask]
    first = chars[(packed >> np.uint64(char_bits)) & mask]
    bigram = (packed >> np.uint64(2 * char_bits)).astype(bool)
    keys = join_keys(bigram, first, second)
    return keys, rows, np.minimum(tfs, np.iinfo(np.uint16).max).astype(np.uint16)


def _row_ranges(sizes: np.ndarray, budget: int, first: int = 0) -> list[tuple[int, int]]:
    """Consecutive row ranges [first, last) from row `first` on, whose sizes add up to about
    `budget`, each at most _RUN_ROWS rows; a row larger than the budget gets a range alone."""
    rows = len(sizes)
    if rows <= first:
        return []
    ends = np.cumsum(sizes, dtype=np.int64)
    ranges = []
    while first < rows:
        base = ends[first - 1] if first else 0
        last = int(np.searchsorted(ends, base + budget, "right"))
        last = min(max(last, first + 1), first + _RUN_ROWS, rows)
        ranges.append((first, last))
        first = last
    return ranges
