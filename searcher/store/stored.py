"""Stored passages as the index keeps them: JSON objects, compressed 8 rows to a zstandard block.

A row's stored fields are one JSON object (plain data, read without executing anything, so an
index from someone else is opened safely), encoded in the analysis workers. A segment keeps them
in stored.bin, STORED_ROWS consecutive rows a zstandard frame: the frame holds the rows' count,
each row's length (uint32) and the rows end to end; stored_blocks.npy gives each frame's byte
offset. Compressed together, a block's rows share their path, title and words: zh-laws' stored
passages take 31 MB where one zlib stream a row took 62 MB, and a hit costs one frame's decode
(about 17 µs), so a page of 10 hits stays well under a millisecond. Frames carry a checksum: a
damaged block is an IndexCorruptError, never a wrong passage.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterable, Iterator
from itertools import accumulate
from pathlib import Path

import numpy as np
import zstandard

from searcher.errors import IndexCorruptError
from searcher.store.layout import STORED_BLOCKS_FILE, STORED_FILE
from searcher.store.npy import load_array

# Rows a block, on zh-laws: 4 gave 37 MB and 12 µs to decode a block, 8 gave 31 MB and 17 µs,
# 16 gave 26 MB and 27 µs, 32 gave 24 MB and 43 µs (a page of 10 hits decodes ~10 blocks).
STORED_ROWS = 8
_LEVEL = 3  # zstandard level: 3 compresses within 5% of 9, three times as fast
_CACHED_BLOCKS = 8  # a page of hits often reads neighbouring rows: their block is decoded once


def encode_stored(fields: dict[str, object]) -> bytes:
    # A path with undecodable bytes holds lone surrogates (surrogateescape): surrogatepass keeps
    # them byte for byte, and decode_stored() gives the same path back.
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass")


def decode_stored(data: bytes) -> dict:
    """The fields of one row's stored bytes (StoredBlocks.row())."""
    try:
        fields = json.loads(data.decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError) as err:
        raise _damaged(type(err).__name__) from err
    if not isinstance(fields, dict):
        raise _damaged("not an object")
    return fields


def _damaged(detail: str) -> IndexCorruptError:
    return IndexCorruptError(
        f"a stored passage of the index is damaged ({detail});"
        " run: searcher check, then searcher index --rebuild"
    )


class StoredWriter:
    """Writes a segment's stored.bin and stored_blocks.npy from rows' encoded fields, in order."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._handle = open(directory / STORED_FILE, "wb")  # noqa: SIM115 - closed in close()
        self._compressor = zstandard.ZstdCompressor(level=_LEVEL, write_checksum=True)
        self._offsets = [0]
        self._pending: list[bytes] = []

    def add(self, rows: Iterable[bytes]) -> None:
        for row in rows:
            self._pending.append(row)
            if len(self._pending) == STORED_ROWS:
                self._flush()

    def close(self) -> None:
        if self._pending:
            self._flush()
        self._handle.close()
        offsets = np.array(self._offsets, np.int64)
        np.save(self._directory / STORED_BLOCKS_FILE, offsets, allow_pickle=False)

    def _flush(self) -> None:
        sizes = np.array([len(self._pending), *map(len, self._pending)], np.uint32)
        frame = self._compressor.compress(sizes.tobytes() + b"".join(self._pending))
        self._handle.write(frame)
        self._offsets.append(self._offsets[-1] + len(frame))
        self._pending = []


class StoredBlocks:
    """The stored passages of one segment, read a block at a time (pread, not mapped: a mapping
    keeps every page it touched in our resident memory; a batch of 300 queries touched ~60 MB)."""

    def __init__(self, directory: Path, rows: int, blocks: np.ndarray | None = None) -> None:
        """`blocks`: stored_blocks.npy, if the caller has it mapped already."""
        if blocks is None:
            blocks = load_array(directory / STORED_BLOCKS_FILE)
        self._blocks = blocks
        self._handle = open(directory / STORED_FILE, "rb")  # noqa: SIM115 - closed in close()
        self._size = os.fstat(self._handle.fileno()).st_size
        self._rows = rows
        self._decompressor = zstandard.ZstdDecompressor()
        self._cache: dict[int, tuple[bytes, list[int]]] = {}

    def close(self) -> None:
        self._handle.close()
        self._cache.clear()

    def row(self, local: int) -> bytes:
        """The encoded fields of the segment's row `local` (0 = its first row)."""
        number = local // STORED_ROWS
        block = self._cache.get(number)
        if block is None:
            block = self._block(number)
            if len(self._cache) >= _CACHED_BLOCKS:
                self._cache.pop(next(iter(self._cache)))
            self._cache[number] = block
        data, ends = block
        at = local % STORED_ROWS
        return data[ends[at] : ends[at + 1]]

    def _block(self, number: int) -> tuple[bytes, list[int]]:
        """Block `number` decompressed, and where each of its rows starts (one more: the end)."""
        if number + 1 >= len(self._blocks):
            raise _damaged("a row past the last block")
        start, end = int(self._blocks[number]), int(self._blocks[number + 1])
        expected = min(STORED_ROWS, self._rows - number * STORED_ROWS)
        if not 0 <= start < end <= self._size or expected <= 0:
            raise _damaged("a block's offset is impossible")
        frame = os.pread(self._handle.fileno(), end - start, start)
        try:
            data = self._decompressor.decompress(frame)
        except zstandard.ZstdError as err:
            raise _damaged(f"zstandard: {err}") from err
        header = 4 * (expected + 1)
        if len(data) < header:
            raise _damaged("a block's rows do not add up")
        count, *sizes = struct.unpack_from(f"<{expected + 1}I", data)
        ends = list(accumulate(sizes, initial=header))
        if count != expected or ends[-1] != len(data):
            raise _damaged("a block's rows do not add up")
        return data, ends

    def block(self, number: int) -> list[bytes]:
        """The rows of block `number`, each its encoded fields."""
        data, ends = self._block(number)
        return [data[a:b] for a, b in zip(ends, ends[1:], strict=False)]

    def rows(self) -> Iterator[bytes]:
        """Every row's encoded fields, in order (a merge or a re-pack reads them all)."""
        for number in range(len(self._blocks) - 1):
            yield from self.block(number)
