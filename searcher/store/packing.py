"""Postings packed in blocks of 128: delta-coded rows and value numbers, bit-packed per block.

The postings of every key, end to end (key k's are postings ptr[k]:ptr[k + 1], as before), are
cut into blocks of BLOCK postings regardless of keys. A posting's row is stored as the gap from
the posting before it, or as itself at the start of a key; its value (a weighted count) as its
number in the sorted table of the distinct values (`values`). Each block stores its 128 gaps at
the width of its largest gap, then its 128 value numbers at theirs: 128 × w bits are 16·w bytes,
so a block is whole bytes and a width of 0 (every value the same, e.g. all counts 1) costs none.
Each block's sums of gaps and of value numbers (mod 2^32) are kept beside it and checked on every
decode: a damaged field is an IndexCorruptError, never a wrong row.

Decoding is numpy throughout, with no Python loop over blocks: the key's bytes become aligned
4-byte words, word i starting at byte i (_Windows), and each field is one gather of the word at
its byte, a shift and a mask (blocks grouped by width); a cumulative sum turns gaps back into
rows. On zh-laws this takes the gram postings from 150 MB of int32 + uint16 arrays to 38 MB.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from searcher.errors import IndexCorruptError
from searcher.store.layout import PACKED_NAMES, packed_files
from searcher.store.npy import load_array

BLOCK = 128
_BLOCK_BITS = 7
MAX_WIDTH = 32  # rows and value numbers fit in 32 bits; a wider block is damage
_PAD = 8  # zero bytes after the last block, so the 8-byte word of its last field is in bounds
_MASKS = np.array([(1 << w) - 1 for w in range(MAX_WIDTH + 1)], np.uint64)
_SLOTS = np.arange(BLOCK, dtype=np.int64)
_BYTE = [(_SLOTS * w) >> 3 for w in range(MAX_WIDTH + 1)]  # of each slot's field, per width
_SHIFT = [((_SLOTS * w) & 7).astype(np.uint64) for w in range(MAX_WIDTH + 1)]
_NARROW = 25  # a field this wide or less, at any bit offset, fits in a 4-byte read
_SHIFT32 = [shift.astype(np.uint32) for shift in _SHIFT[: _NARROW + 1]]
_MASKS32 = _MASKS[: _NARROW + 1].astype(np.uint32)
_LARGEST_ROW = np.iinfo(np.int32).max


class PackedPostings:
    """The packed postings of one family in one segment, decoded a key range at a time."""

    def __init__(
        self,
        data: np.ndarray,
        blocks: np.ndarray,
        widths: np.ndarray,
        values: np.ndarray,
        sums: np.ndarray,
    ) -> None:
        self._data = data  # uint8, ends with _PAD zero bytes
        self._blocks = blocks  # int64, blocks + 1: byte offset of each block in data
        self._widths = widths  # uint8, (blocks, 2): width of the gaps and of the value numbers
        self.values = values  # the distinct values, ascending
        # uint32, (blocks, 2): the sums of each block's 128 gaps and value numbers, mod 2^32;
        # checked on every decode, so a damaged field is an error, not a wrong row.
        self._sums = sums

    @classmethod
    def load(cls, directory: Path, prefix: str, mapped: bool = True) -> PackedPostings:
        """The postings `prefix` (post or gram) of the segment in `directory`."""
        mode = "r" if mapped else None
        names = packed_files(prefix)
        path = directory / names[0]
        if path.stat().st_size and mapped:
            data = np.asarray(np.memmap(path, dtype=np.uint8, mode="r"))
        else:
            data = np.fromfile(path, np.uint8)
        arrays = [np.asarray(load_array(directory / name, mmap_mode=mode)) for name in names[1:]]
        return cls(data, *arrays)

    def key(self, start: int, end: int, what: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows (int32, ascending) and values of one key's postings [start, end). `what` names
        them in the error a damaged block raises."""
        if end <= start:
            return np.zeros(0, np.int32), self.values[:0]
        rows, numbers = self._fields(start, end, what)
        # Summed in place in uint32 (np.cumsum would sum in uint64, through a buffer): no copy
        # of a list of millions. Rows must then ascend strictly: a gap of 0 (past a key's first
        # posting) or a sum past 2^32, which wraps below the row before, is damage.
        np.add.accumulate(rows, out=rows)
        if len(rows) > 1 and not (rows[1:] > rows[:-1]).all():
            raise _damaged(what, "rows out of order")
        if rows[-1] > _LARGEST_ROW:  # ascending: the last is the largest
            raise _damaged(what, "a row past the largest")
        return rows.view(np.int32), self._values(numbers, len(rows), what)

    def keys(self, ptr: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows and values of postings [ptr[0], ptr[-1]): the keys starting at each ptr entry."""
        start, end = int(ptr[0]), int(ptr[-1])
        if end <= start:
            return np.zeros(0, np.int32), self.values[:0]
        gaps, numbers = self._fields(start, end, what)
        starts = np.unique(ptr[:-1][np.diff(ptr) > 0] - start)
        inside = np.ones(len(gaps), bool)
        inside[starts] = False
        if not gaps[inside].all():
            raise _damaged(what, "rows out of order")
        total = np.cumsum(gaps, dtype=np.int64)
        # A key's rows are the running sum since its first posting, which holds its own row.
        before = np.where(starts > 0, total[np.maximum(starts - 1, 0)], 0)
        total -= np.repeat(before, np.diff(np.append(starts, len(gaps))))
        if total.max() > _LARGEST_ROW:
            raise _damaged(what, "a row past the largest")
        return total.astype(np.int32), self._values(numbers, len(total), what)

    def _fields(self, start: int, end: int, what: str) -> tuple[np.ndarray, np.ndarray | None]:
        """Gaps and value numbers of postings [start, end); numbers None when all are 0."""
        first, last = start >> _BLOCK_BITS, (end - 1) >> _BLOCK_BITS
        if last + 1 >= len(self._blocks) or last >= min(len(self._widths), len(self._sums)):
            raise _damaged(what, "postings past the last block")
        widths = self._widths[first : last + 1]
        offsets = self._blocks[first : last + 2]
        row_widths = widths[:, 0].astype(np.int64)
        sizes = 16 * (row_widths + widths[:, 1])
        if (
            widths.max() > MAX_WIDTH
            or (offsets[1:] - offsets[:-1] != sizes).any()
            or offsets[0] < 0
            or offsets[-1] > len(self._data) - _PAD
        ):
            raise _damaged(what, "a block's size or width is impossible")
        windows = _Windows(self._data, int(offsets[0]), int(offsets[-1]))
        base = offsets[:-1] - offsets[0]
        skip = start - (first << _BLOCK_BITS)
        sums = self._sums[first : last + 1]
        gaps = _unpack(windows, base, widths[:, 0])
        numbers = None
        if widths[:, 1].any():
            numbers = _unpack(windows, base + 16 * row_widths, widths[:, 1])
        number_sums = _block_sums(numbers) if numbers is not None else 0
        if (_block_sums(gaps) != sums[:, 0]).any() or (number_sums != sums[:, 1]).any():
            raise _damaged(what, "a block's sum differs")
        if numbers is not None:
            numbers = numbers[skip : skip + end - start]
        return gaps[skip : skip + end - start], numbers

    def _values(self, numbers: np.ndarray | None, count: int, what: str) -> np.ndarray:
        if not len(self.values):
            raise _damaged(what, "no table of values")
        if numbers is None:
            return np.full(count, self.values[0], self.values.dtype)
        if numbers.max() >= len(self.values):
            raise _damaged(what, "a value outside the table")
        return self.values.take(numbers)


class _Windows:
    """The bytes [start, end) of packed data as aligned words: element i holds bytes i, i + 1, …
    (little-endian), so a field at any bit offset is one read, a shift and a mask.

    Built per decode from the few bytes of one key (4 or 8 shifted copies, about 1 µs a KB):
    a gather from aligned words is ~20x faster than from an overlapping, unaligned view of
    the mapping, which numpy reads element by element through a buffer.
    """

    def __init__(self, data: np.ndarray, start: int, end: int) -> None:
        self._data, self._start, self._end = data, start, end
        self._words: dict[int, np.ndarray] = {}

    def words(self, size: int) -> np.ndarray:
        """Words of `size` bytes (4 or 8)."""
        if size not in self._words:
            dtype = np.uint32 if size == 4 else np.uint64
            span = np.asarray(self._data[self._start : self._end + size], dtype)
            count = self._end - self._start
            words = span[:count].copy()
            for byte in range(1, size):
                words |= span[byte : byte + count] << dtype(8 * byte)
            self._words[size] = words
        return self._words[size]


def _block_sums(fields: np.ndarray) -> np.ndarray:
    """The sum of each block's 128 fields, mod 2^32 (a uint32 reduction: no upcast)."""
    return np.add.reduce(fields.reshape(-1, BLOCK), axis=1, dtype=np.uint32)


def _unpack(windows: _Windows, base: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """The 128 numbers of each block (bytes from `base`, `widths` bits each), end to end, as
    uint32."""
    if (widths == widths[0]).all():
        return _unpack_width(windows, base, int(widths[0])).reshape(-1)
    out = np.empty((len(base), BLOCK), np.uint32)
    # Blocks grouped by width: a few groups, each decoded in one go. The widths by bincount,
    # not np.unique: numpy 2 imports numpy.ma on a process's first np.unique, 10-19 ms of a
    # fresh `searcher query`.
    for width in np.flatnonzero(np.bincount(widths, minlength=1)).tolist():
        chosen = np.flatnonzero(widths == width)
        out[chosen] = _unpack_width(windows, base[chosen], width)
    return out.reshape(-1)


def _unpack_width(windows: _Windows, base: np.ndarray, width: int) -> np.ndarray:
    if width == 0:
        return np.zeros((len(base), BLOCK), np.uint32)
    at = base[:, None] + _BYTE[width]
    if width <= _NARROW:  # 4-byte words: half the memory traffic of 8-byte ones
        fields = windows.words(4).take(at)  # take: ~3x faster than fancy indexing
        fields >>= _SHIFT32[width]
        fields &= _MASKS32[width]
        return fields
    fields = windows.words(8)[at]
    fields >>= _SHIFT[width]
    fields &= _MASKS[width]
    return fields.astype(np.uint32)


def _damaged(what: str, detail: str) -> IndexCorruptError:
    return IndexCorruptError(
        f"the index's {what} postings are damaged ({detail});"
        " run: searcher check, then searcher index --rebuild"
    )


# ------------------------------------------------------------------------------------- writing


class PackedWriter:
    """Writes one family's packed postings front to back, a key-aligned piece at a time."""

    def __init__(self, directory: Path, prefix: str, values: np.ndarray) -> None:
        self._paths = {name: directory / f"{prefix}_{name}" for name in PACKED_NAMES}
        self._handle = open(self._paths["packed.bin"], "wb")  # noqa: SIM115 - closed in close()
        self._values = values
        self._offsets: list[np.ndarray] = [np.zeros(1, np.int64)]
        self._widths: list[np.ndarray] = []
        self._sums: list[np.ndarray] = []
        self._at = 0
        # Postings of the last part block, kept until the next piece completes it.
        self._gaps = np.zeros(0, np.uint32)
        self._numbers = np.zeros(0, np.uint32)

    def write(self, rows: np.ndarray, values: np.ndarray, key_starts: np.ndarray) -> None:
        """Postings of whole keys, rows ascending within each key; `key_starts` marks the first
        posting of each key (True)."""
        if not len(rows):
            return
        # uint32 throughout: rows and value numbers fit, and a merge block of 2 M postings
        # holds half the memory it would as uint64.
        rows = rows.astype(np.int32, copy=False)
        gaps = np.empty(len(rows), np.int32)
        gaps[0] = rows[0]
        np.subtract(rows[1:], rows[:-1], out=gaps[1:])
        gaps[key_starts] = rows[key_starts]
        numbers = np.searchsorted(self._values, values).astype(np.uint32)
        self._gaps = np.concatenate([self._gaps, gaps.view(np.uint32)])
        self._numbers = np.concatenate([self._numbers, numbers])
        whole = len(self._gaps) // BLOCK * BLOCK
        # 512 K postings at a time: the bit arrays of one piece stay under ~20 MB.
        for at in range(0, whole, 1 << 19):
            end = min(at + (1 << 19), whole)
            self._encode(self._gaps[at:end], self._numbers[at:end])
        self._gaps, self._numbers = self._gaps[whole:], self._numbers[whole:]

    def close(self) -> None:
        if len(self._gaps):  # the last block, padded with zeros to 128
            pad = BLOCK - len(self._gaps)
            self._encode(
                np.append(self._gaps, np.zeros(pad, np.uint32)),
                np.append(self._numbers, np.zeros(pad, np.uint32)),
            )
        self._handle.write(bytes(_PAD))
        self._handle.close()
        offsets = np.concatenate(self._offsets)
        widths = np.concatenate(self._widths) if self._widths else np.zeros((0, 2), np.uint8)
        np.save(self._paths["blocks.npy"], offsets, allow_pickle=False)
        np.save(self._paths["widths.npy"], widths, allow_pickle=False)
        np.save(self._paths["values.npy"], self._values, allow_pickle=False)
        sums = np.concatenate(self._sums) if self._sums else np.zeros((0, 2), np.uint32)
        np.save(self._paths["sums.npy"], sums, allow_pickle=False)

    def _encode(self, gaps: np.ndarray, numbers: np.ndarray) -> None:
        count = len(gaps) // BLOCK
        gaps, numbers = gaps.reshape(count, BLOCK), numbers.reshape(count, BLOCK)
        widths = np.stack([_bit_length(gaps.max(axis=1)), _bit_length(numbers.max(axis=1))], 1)
        sizes = 16 * widths.sum(axis=1)
        offsets = np.concatenate([[0], np.cumsum(sizes)])
        out = np.zeros(int(offsets[-1]), np.uint8)
        for column, (fields, shift) in enumerate(((gaps, 0), (numbers, 16 * widths[:, 0]))):
            for width in np.unique(widths[:, column]).tolist():
                if width == 0:
                    continue
                chosen = np.flatnonzero(widths[:, column] == width)
                packed = _pack_blocks(fields[chosen], width)
                start = offsets[chosen] + (shift[chosen] if column else 0)
                out[start[:, None] + np.arange(16 * width)] = packed
        self._handle.write(out.tobytes())
        self._offsets.append(offsets[1:] + self._at)
        self._at += int(offsets[-1])
        self._widths.append(widths.astype(np.uint8))
        sums = np.stack(
            [gaps.sum(axis=1, dtype=np.uint64), numbers.sum(axis=1, dtype=np.uint64)], 1
        )
        sums &= np.uint64(0xFFFFFFFF)
        self._sums.append(sums.astype(np.uint32))


def _bit_length(values: np.ndarray) -> np.ndarray:
    widths = np.zeros(len(values), np.int64)
    nonzero = values > 0
    widths[nonzero] = np.floor(np.log2(values[nonzero].astype(np.float64))).astype(np.int64) + 1
    # float64 rounding near powers of two: correct by one where needed
    widths[nonzero] += (values[nonzero] >> widths[nonzero].astype(np.uint64)) > 0
    if widths.max(initial=0) > MAX_WIDTH:
        raise ValueError("a posting does not fit in 32 bits")
    return widths


def _pack_blocks(fields: np.ndarray, width: int) -> np.ndarray:
    """(blocks, 128) numbers of `width` bits → (blocks, 16 · width) bytes, little-endian bits."""
    bits = np.empty((*fields.shape, width), np.uint8)
    for bit in range(width):
        bits[:, :, bit] = (fields >> np.uint32(bit)) & np.uint32(1)
    return np.packbits(bits.reshape(len(fields), -1), axis=1, bitorder="little")
