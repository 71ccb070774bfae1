"""Packed postings (store/packing.py) give back exactly the rows and values written, and refuse a
damaged block with IndexCorruptError instead of a wrong answer or a numpy error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from searcher.errors import IndexCorruptError
from searcher.store.packing import BLOCK, PackedPostings, PackedWriter


def _postings(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ptr, rows, values) of keys from empty to thousands of postings, dense and sparse rows,
    values from all-equal to wide."""
    rng = np.random.default_rng(seed)
    counts = rng.choice([0, 1, 3, 127, 128, 129, 700, 5000], size=40)
    rows, values = [], []
    for count in counts:
        spread = int(rng.choice([count + 1, 50 * count + 10, 2**24]))
        rows.append(np.sort(rng.choice(spread, count, replace=False)))
        values.append(rng.choice(np.array([1.0, 1.0, 1.0, 2.0, 3.5, 900.0], np.float32), count))
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return ptr, np.concatenate(rows).astype(np.int32), np.concatenate(values)


def _write(directory: Path, ptr: np.ndarray, rows: np.ndarray, values: np.ndarray) -> None:
    writer = PackedWriter(directory, "post", np.unique(values))
    starts = np.zeros(len(rows), bool)
    starts[ptr[:-1][np.diff(ptr) > 0]] = True
    keys = len(ptr) - 1
    for first, last in ((0, keys // 3), (keys // 3, keys // 3 + 1), (keys // 3 + 1, keys)):
        span = slice(ptr[first], ptr[last])  # pieces of whole keys, not of whole blocks
        writer.write(rows[span], values[span], starts[span])
    writer.close()


@pytest.mark.parametrize("seed", [1, 2])
def test_every_key_decodes_to_the_rows_and_values_written(tmp_path: Path, seed: int) -> None:
    ptr, rows, values = _postings(seed)
    _write(tmp_path, ptr, rows, values)
    packed = PackedPostings.load(tmp_path, "post")
    for key in range(len(ptr) - 1):
        got_rows, got_values = packed.key(int(ptr[key]), int(ptr[key + 1]), "word")
        assert got_rows.tolist() == rows[ptr[key] : ptr[key + 1]].tolist()
        assert got_values.tolist() == values[ptr[key] : ptr[key + 1]].tolist()
    all_rows, all_values = packed.keys(ptr[5:30], "word")
    assert all_rows.tolist() == rows[ptr[5] : ptr[29]].tolist()
    assert all_values.tolist() == values[ptr[5] : ptr[29]].tolist()


def test_fields_of_every_width_decode(tmp_path: Path) -> None:
    # Blocks of every gap width from 1 to 31 bits and value numbers up to 10 bits wide: each
    # width is read through the word size decoding picks for it (4 bytes up to 25 bits, else 8).
    rng = np.random.default_rng(3)
    table = np.arange(1, 1001, dtype=np.float32)  # 1,000 distinct values: numbers to 10 bits
    rows, values, counts = [], [], []
    for width in range(1, 32):
        # 300 postings of each width, in as many keys as rows under 2^31 need: whole blocks of it
        per_key = max(1, min(300, (2**31 - 1) // 2**width))
        for count in [per_key] * -(-300 // per_key):
            gaps = rng.integers(2 ** (width - 1), min(2**width, 2**31 - 1), count)
            rows.append(np.cumsum(gaps))  # a key's first posting holds its row itself
            values.append(table[rng.integers(0, 2 ** min(width, 10), count) % len(table)])
            counts.append(count)
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    rows_all, values_all = np.concatenate(rows).astype(np.int32), np.concatenate(values)
    writer = PackedWriter(tmp_path, "post", table)
    starts = np.zeros(len(rows_all), bool)
    starts[ptr[:-1]] = True
    writer.write(rows_all, values_all, starts)
    writer.close()
    packed = PackedPostings.load(tmp_path, "post")
    widths = np.load(tmp_path / "post_widths.npy")
    assert set(range(1, 32)) <= set(widths[:, 0].tolist())
    assert {9, 10} <= set(widths[:, 1].tolist())
    for key in range(len(counts)):
        got_rows, got_values = packed.key(int(ptr[key]), int(ptr[key + 1]), "word")
        assert got_rows.tolist() == rows_all[ptr[key] : ptr[key + 1]].tolist(), key + 1
        assert got_values.tolist() == values_all[ptr[key] : ptr[key + 1]].tolist(), key + 1


def test_dense_rows_with_equal_values_take_a_bit_or_two_a_posting(tmp_path: Path) -> None:
    rows = np.arange(0, 200_000, 2, dtype=np.int32)  # every other passage holds the word
    ptr = np.array([0, len(rows)], np.int64)
    _write(tmp_path, ptr, rows, np.ones(len(rows), np.float32))
    assert (tmp_path / "post_packed.bin").stat().st_size < len(rows) * 2 / 8 + 64
    assert PackedPostings.load(tmp_path, "post").key(0, len(rows), "word")[0].tolist() == list(
        range(0, 200_000, 2)
    )


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("width", "a block's size or width is impossible"),
        ("offset", "a block's size or width is impossible"),
        ("zeroed", "a block's sum differs"),
        ("one bit", "a block's sum differs"),
        ("sums", "a block's sum differs"),
    ],
)
def test_a_damaged_block_raises_index_corrupt_error(
    tmp_path: Path, damage: str, message: str
) -> None:
    rows = np.arange(0, 3 * BLOCK * 5, 5, dtype=np.int32)
    ptr = np.array([0, len(rows)], np.int64)
    _write(tmp_path, ptr, rows, np.ones(len(rows), np.float32))
    if damage == "width":
        widths = np.load(tmp_path / "post_widths.npy")
        widths[1, 0] = 60
        np.save(tmp_path / "post_widths.npy", widths)
    elif damage == "offset":
        blocks = np.load(tmp_path / "post_blocks.npy")
        blocks[2] += 3
        np.save(tmp_path / "post_blocks.npy", blocks)
    elif damage == "sums":
        sums = np.load(tmp_path / "post_sums.npy")
        sums[2, 0] += 1
        np.save(tmp_path / "post_sums.npy", sums)
    else:  # the second block's gaps zeroed (rows stand still), or one bit of one gap flipped:
        # still ascending and in range, so only the block's sum tells the rows are wrong
        data = bytearray((tmp_path / "post_packed.bin").read_bytes())
        start, end = np.load(tmp_path / "post_blocks.npy")[1:3]
        if damage == "zeroed":
            data[start:end] = bytes(end - start)
        else:
            data[start + 5] ^= 0b100
        (tmp_path / "post_packed.bin").write_bytes(bytes(data))
    packed = PackedPostings.load(tmp_path, "post")
    with pytest.raises(IndexCorruptError, match=f"word postings are damaged \\({message}\\)"):
        packed.key(0, len(rows), "word")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([10, 5, 20], "rows out of order"),  # a gap of 2^32 - 5: the running sum wraps to 5
        ([10, 10, 20], "rows out of order"),  # a gap of 0 inside a key
        ([10, 2**31 - 1 + 10], "a row past the largest"),
    ],
)
def test_rows_that_do_not_ascend_within_their_range_are_refused(
    tmp_path: Path, rows: list[int], message: str
) -> None:
    # Rows as damage could leave them (the writer checks nothing), each gap with a true sum, so
    # only the decoder's own checks stand between them and a wrong answer.
    written = np.array(rows, np.int64).astype(np.uint32).view(np.int32)
    _write(tmp_path, np.array([0, len(rows)], np.int64), written, np.ones(len(rows), np.float32))
    packed = PackedPostings.load(tmp_path, "post")
    with pytest.raises(IndexCorruptError, match=f"word postings are damaged \\({message}\\)"):
        packed.key(0, len(rows), "word")
