"""Postings built in runs and merged block by block equal postings built in one piece."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from searcher.analysis.grams import gram_keys
from searcher.store import postings as runs
from searcher.store.packing import PackedPostings

ALPHABET = "人民政府网格管理的一是了 \n\u3000ab1𠀀臺"


def _decoded(directory: Path, prefix: str) -> tuple[np.ndarray, np.ndarray]:
    """Every posting of a segment's packed family, rows and values, in key order."""
    ptr = np.load(directory / f"{prefix}_ptr.npy")
    return PackedPostings.load(directory, prefix).keys(ptr, prefix)


def _passages(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(ALPHABET, k=rng.randint(0, 40))) for _ in range(count)]


def _reference_grams(texts: list[str], live: np.ndarray) -> dict[str, np.ndarray]:
    """The one-piece construction: every (key, row) of the live rows, stable-sorted by key."""
    chars = [len(text) if alive else 0 for text, alive in zip(texts, live, strict=True)]
    codepoints = np.array([ord(c) for t, a in zip(texts, live, strict=True) if a for c in t])
    rows = np.repeat(np.arange(len(texts)), chars)
    keys, key_rows = gram_keys(codepoints.astype(np.uint32), rows)
    order = np.argsort(keys, kind="stable")
    pairs = list(zip(keys[order].tolist(), key_rows[order].tolist(), strict=True))
    postings: dict[int, dict[int, int]] = {}
    for key, row in pairs:
        postings.setdefault(key, {}).setdefault(row, 0)
        postings[key][row] += 1
    return postings


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_gram_postings_from_many_runs_and_blocks_equal_one_piece(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    monkeypatch.setattr(runs, "RUN_CHARS", 50)  # about 3 passages a run
    monkeypatch.setattr(runs, "BLOCK_POSTINGS", 7)  # many merge blocks
    texts = _passages(60, seed)
    live = np.array([random.Random(seed + i).random() > 0.2 for i in range(len(texts))])
    encoded = [text.encode() for text in texts]
    (tmp_path / "text.bin").write_bytes(b"".join(encoded))
    text_ptr = np.concatenate([[0], np.cumsum([len(e) for e in encoded])]).astype(np.int64)
    row_chars = np.array([len(text) for text in texts], np.int32)
    spill = tmp_path / "runs"
    spill.mkdir()
    runs.write_gram_postings(tmp_path, spill, tmp_path / "text.bin", text_ptr, row_chars, live)

    keys = np.load(tmp_path / "gram_keys.npy")
    ptr = np.load(tmp_path / "gram_ptr.npy")
    rows, tfs = _decoded(tmp_path, "gram")
    found = {
        int(key): dict(
            zip(rows[ptr[i] : ptr[i + 1]].tolist(), tfs[ptr[i] : ptr[i + 1]].tolist(), strict=True)
        )
        for i, key in enumerate(keys)
    }
    assert found == _reference_grams(texts, live)
    assert list(keys) == sorted(keys)
    assert all(np.all(np.diff(rows[ptr[i] : ptr[i + 1]]) > 0) for i in range(len(keys)))


def test_word_postings_list_live_rows_ascending_with_their_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runs, "RUN_ENTRIES", 5)
    monkeypatch.setattr(runs, "BLOCK_POSTINGS", 3)
    rng = random.Random(7)
    row_words = [rng.sample(range(12), rng.randint(0, 6)) for _ in range(40)]
    row_ptr = np.concatenate([[0], np.cumsum([len(w) for w in row_words])]).astype(np.int64)
    row_terms = np.array([t for words in row_words for t in words], np.int32)
    row_tfs = np.arange(len(row_terms), dtype=np.float32) + 1
    live = np.array([row % 5 != 0 for row in range(len(row_words))])
    spill = tmp_path / "runs"
    spill.mkdir()
    runs.write_word_postings(tmp_path, spill, row_ptr, row_terms, row_tfs, live, 12)

    ptr = np.load(tmp_path / "post_ptr.npy")
    rows, tfs = _decoded(tmp_path, "post")
    assert len(ptr) == 13
    for term in range(12):
        expected = [
            (row, float(row_tfs[row_ptr[row] + words.index(term)]))
            for row, words in enumerate(row_words)
            if live[row] and term in words
        ]
        span = slice(ptr[term], ptr[term + 1])
        assert list(zip(rows[span].tolist(), tfs[span].tolist(), strict=True)) == expected


def test_merging_segments_with_new_rows_equals_sorting_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runs, "RUN_CHARS", 64)
    monkeypatch.setattr(runs, "RUN_ENTRIES", 6)
    monkeypatch.setattr(runs, "BLOCK_POSTINGS", 5)
    texts = _passages(50, seed=11)
    encoded = [text.encode() for text in texts]
    (tmp_path / "text.bin").write_bytes(b"".join(encoded))
    text_ptr = np.concatenate([[0], np.cumsum([len(e) for e in encoded])]).astype(np.int64)
    row_chars = np.array([len(text) for text in texts], np.int32)
    rng = random.Random(5)
    row_words = [rng.sample(range(10), rng.randint(0, 4)) for _ in texts]
    row_ptr = np.concatenate([[0], np.cumsum([len(w) for w in row_words])]).astype(np.int64)
    row_terms = np.array([t for words in row_words for t in words], np.int32)
    row_tfs = np.ones(len(row_terms), np.float32)

    def build(out: Path, rows: int, live: np.ndarray, first: int, previous: list[Path]) -> None:
        out.mkdir()
        spill = out / "runs"
        spill.mkdir()
        ptr = row_ptr[: rows + 1]
        args = (ptr, row_terms[: ptr[-1]], row_tfs[: ptr[-1]], live[:rows], 10)
        runs.write_word_postings(out, spill, *args, first_row=first, previous=previous)
        text = (tmp_path / "text.bin", text_ptr[first : rows + 1], row_chars[:rows], live[:rows])
        runs.write_gram_postings(out, spill, *text, first_row=first, previous=previous)

    live = np.ones(len(texts), bool)
    build(tmp_path / "old", 20, live, 0, [])  # the first 20 rows, all live
    build(tmp_path / "older", 30, live, 20, [])  # rows 20-29: a segment of its own
    live[[3, 17, 29, 40]] = False  # an update removes three old rows and one new one
    build(tmp_path / "updated", len(texts), live, 30, [tmp_path / "old", tmp_path / "older"])
    build(tmp_path / "rebuilt", len(texts), live, 0, [])
    for name in ("post_ptr", "gram_keys", "gram_ptr"):
        updated = np.load(tmp_path / "updated" / f"{name}.npy")
        assert np.array_equal(updated, np.load(tmp_path / "rebuilt" / f"{name}.npy")), name
    for prefix in ("post", "gram"):
        for updated, rebuilt in zip(
            _decoded(tmp_path / "updated", prefix),
            _decoded(tmp_path / "rebuilt", prefix),
            strict=True,
        ):
            assert np.array_equal(updated, rebuilt), prefix
