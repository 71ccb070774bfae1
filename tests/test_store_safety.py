"""Issue 18: an index on disk is not trusted. No code runs from it, damage is detected and said,
and a directory that is not an index is never written to or cleaned."""

from __future__ import annotations

import io
import json
import os
import pickle
from pathlib import Path

import numpy as np
import pytest
from whoosh.filedb.structfile import StructFile

from searcher.errors import IndexCorruptError, IndexUntrustedError, NotAnIndexError
from searcher.indexing.writer import build_index
from searcher.search import Searcher
from searcher.store.check import check_index
from searcher.store.checksums import file_sum, read_sums, write_sums
from searcher.store.layout import generation_dir, latest_generation
from searcher.store.stored import StoredWriter

GRID = "第三网格党支部每月召开一次网格议事会。\n\n人民政府负责网格员的培训。\n"


class _CreatesFile:
    """Unpickled, it would create `path`: what a crafted index would do to its victim."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple:
        return (open, (str(self.path), "w"))


@pytest.fixture
def index(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "grid.txt").write_text(GRID, encoding="utf-8")
    (docs / "more.txt").write_text("社区网格化管理。\n", encoding="utf-8")
    index_dir = tmp_path / "index"
    build_index([docs], index_dir)
    return index_dir


def _toc(index_dir: Path) -> Path:
    return index_dir / f"_MAIN_{latest_generation(index_dir)}.toc"


def _generation(index_dir: Path) -> Path:
    return generation_dir(index_dir, latest_generation(index_dir))


def _crafted_toc(generation: int, schema_pickle: bytes, segments_pickle: bytes) -> bytes:
    stream = StructFile(io.BytesIO())
    for size in (4, 8, 4):
        stream.write_varint(size)
    stream.write_int(-12345)
    stream.write_int(-111)
    for number in (2, 7, 5):
        stream.write_varint(number)
    stream.write_string(schema_pickle)
    stream.write_int(generation)
    stream.write_int(0)
    stream.write(segments_pickle)
    return stream.file.getvalue()


def _rewrite(generation_dir: Path, name: str, data: bytes, fix_sums: bool) -> None:
    """Replace a file of a generation; with `fix_sums`, as an attacker would, its record too."""
    (generation_dir / name).write_bytes(data)
    if fix_sums:
        sums = read_sums(generation_dir)
        sums[name] = file_sum(generation_dir / name)
        write_sums(generation_dir, sums)


@pytest.mark.parametrize("where", ["schema", "segments"])
def test_issue_18_crafted_table_of_contents_runs_no_code(
    index: Path, tmp_path: Path, where: str
) -> None:
    victim = tmp_path / "pwned"
    evil = pickle.dumps(_CreatesFile(victim), 2)
    number = latest_generation(index)
    schema_pickle = evil if where == "schema" else pickle.dumps(None, 2)
    segments_pickle = evil if where == "segments" else pickle.dumps([], 2)
    _toc(index).write_bytes(_crafted_toc(number, schema_pickle, segments_pickle))
    with pytest.raises(IndexUntrustedError, match="not trustworthy .* nothing in it was run"):
        build_index([], index)
    assert not victim.exists()
    assert any("not trustworthy" in problem for problem in check_index(index).problems)
    assert not victim.exists()
    # Its owner can start over: a rebuild never reads it, and the roots are remembered.
    report = build_index([], index, rebuild=True)
    assert report.committed and report.passages == 3
    assert check_index(index).problems == []


def _bad_segments(index: Path, victim: Path) -> dict[str, object]:
    """Segment lists a table of contents must not hold: our class with state that is not plain
    numbers, and other classes of searcher.store."""
    from searcher.store.codec import GenerationHandle, GenerationSegment
    from searcher.store.generation import Generation

    odd_first = GenerationSegment(GenerationHandle(1), "seg-0", 0, 3, 0)
    odd_first.first = "0"
    odd_handle = GenerationSegment(GenerationHandle(1), "seg-0", 0, 3, 0)
    odd_handle.handle.number = _CreatesFile(victim)
    return {
        "a string row": [odd_first],
        "code in the handle": [odd_handle],
        "another class of ours": [Generation.__new__(Generation)],
    }


@pytest.mark.parametrize("case", ["a string row", "code in the handle", "another class of ours"])
def test_issue_18_only_our_whoosh_segments_with_plain_numbers_are_read(
    index: Path, tmp_path: Path, case: str
) -> None:
    victim = tmp_path / "pwned"
    from searcher.store.whoosh_schema import make_schema

    segments = _bad_segments(index, victim)[case]
    number = latest_generation(index)
    schema_pickle = pickle.dumps(make_schema(), 2)
    _toc(index).write_bytes(_crafted_toc(number, schema_pickle, pickle.dumps(segments, 2)))
    with pytest.raises(IndexUntrustedError, match="not trustworthy .* nothing in it was run"):
        build_index([], index)
    assert not victim.exists()


def test_issue_18_crafted_stored_passage_runs_no_code(index: Path, tmp_path: Path) -> None:
    victim = tmp_path / "pwned"
    segment = _generation(index) / "seg-0"
    rows = json.loads((segment.parent / "meta.json").read_text())["rows"]
    # Every stored passage replaced by the same crafted pickle, in well-formed blocks whose
    # checksums are recorded, as an attacker would write them.
    writer = StoredWriter(segment)
    writer.add([pickle.dumps(_CreatesFile(victim), 2)] * rows)
    writer.close()
    for name in ("seg-0/stored.bin", "seg-0/stored_blocks.npy"):
        _rewrite(segment.parent, name, (segment.parent / name).read_bytes(), fix_sums=True)
    with Searcher.open(index) as searcher, pytest.raises(IndexCorruptError, match="damaged"):
        searcher.search("网格")
    assert not victim.exists()


def test_issue_18_a_directory_of_other_files_is_refused_and_left_as_it_was(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "thatfolder"
    for name, text in {
        "README.md": "我的说明",
        "gen-1/important.txt": "重要",
        "gen-2/data.txt": "数据",
        "MAIN_photo.jpg": "照片",
    }.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    before = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "grid.txt").write_text(GRID, encoding="utf-8")
    with pytest.raises(NotAnIndexError, match="holds other files; choose an empty or new dir"):
        build_index([docs], folder)
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == before


def test_issue_18_a_new_index_is_private_to_its_owner(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "grid.txt").write_text(GRID, encoding="utf-8")
    build_index([docs], tmp_path / "index")
    assert (tmp_path / "index").stat().st_mode & 0o777 == 0o700


def test_issue_18_truncated_text_is_refused_on_open_and_rebuild_repairs_it(index: Path) -> None:
    text = _generation(index) / "seg-0" / "text.bin"
    text.write_bytes(text.read_bytes()[: text.stat().st_size // 2])
    with pytest.raises(IndexCorruptError, match=r"damaged \(gen-\d+/seg-0/text.bin: \d+ bytes"):
        Searcher.open(index)
    assert check_index(index).problems
    with pytest.raises(IndexCorruptError, match="--rebuild"):
        build_index([], index)
    build_index([], index, rebuild=True)
    with Searcher.open(index) as searcher:
        assert searcher.search("人民政府").total == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("seg-0/gram_packed.bin", "n-gram postings are damaged"),
        ("seg-0/post_packed.bin", "word postings are damaged"),
        ("seg-0/stored.bin", "stored passage of the index is damaged"),
    ],
)
def test_issue_14_a_flipped_bit_in_a_compressed_block_is_an_error_not_a_wrong_answer(
    index: Path, name: str, message: str
) -> None:
    path = _generation(index) / name
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0b10000  # same size: only a block's own check can see it
    path.write_bytes(bytes(data))
    with Searcher.open(index) as searcher, pytest.raises(IndexCorruptError, match=message):
        for query in ("网格", "人民政府", "社区", "员"):
            searcher.search(query)
    assert check_index(index).problems == [f"{_generation(index).name}/{name}"]


@pytest.mark.parametrize("name", ["row_live.npy", "seg-0/post_widths.npy", "seg-0/gram_blocks.npy"])
def test_issue_18_zeroed_files_are_found_by_check_and_by_the_next_update(
    index: Path, name: str
) -> None:
    path = _generation(index) / name
    data = path.read_bytes()
    header = len(data) - np.load(path).nbytes  # zero the numbers, keep the .npy header
    path.write_bytes(data[:header] + bytes(len(data) - header))  # same size: a checksum sees it
    problems = check_index(index).problems
    assert problems == [f"{_generation(index).name}/{name}"]
    with pytest.raises(IndexCorruptError, match=f"{name}: checksum differs"):
        build_index([], index)
    build_index([], index, rebuild=True)
    assert check_index(index).problems == []


@pytest.mark.parametrize("toc", [b"", b"not a table of contents", "foreign"])
def test_issue_18_rebuild_recovers_from_an_empty_or_foreign_table_of_contents(
    index: Path, tmp_path: Path, toc: bytes | str
) -> None:
    if toc == "foreign":  # another program's Whoosh index, with its own schema
        from whoosh import fields
        from whoosh import index as whoosh_index

        other = tmp_path / "other"
        other.mkdir()
        whoosh_index.create_in(str(other), fields.Schema(body=fields.TEXT(stored=True)))
        toc = next(other.glob("_MAIN_*.toc")).read_bytes()
    _toc(index).write_bytes(toc)
    with pytest.raises((IndexUntrustedError, IndexCorruptError)):
        build_index([], index)
    report = build_index([], index, rebuild=True)
    assert report.passages == 3
    with Searcher.open(index) as searcher:
        assert searcher.search("网格").total == 3


def test_issue_18_every_file_and_the_directory_are_fsynced_before_the_commit(
    index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    (index.parent / "docs" / "new.txt").write_text("新的网格。\n", encoding="utf-8")
    build_index([], index)
    toc = str(_toc(index))
    generation = _generation(index)
    assert synced[-1] == str(index)  # the directory, after the rename of the TOC
    assert synced[-2] == toc + ".tmp"  # the TOC, before its rename
    written = {str(p) for p in generation.rglob("*") if p.is_file()}
    before_toc = {path.replace(".tmp", "", 1) for path in synced[:-2]}
    assert written <= before_toc
    assert json.loads((index / "searcher-index.json").read_text())["roots"]


def test_issue_18_another_programs_whoosh_index_is_not_taken_for_ours(tmp_path: Path) -> None:
    from whoosh import fields
    from whoosh import index as whoosh_index

    theirs = tmp_path / "theirs"
    theirs.mkdir()
    ix = whoosh_index.create_in(str(theirs), fields.Schema(body=fields.TEXT(stored=True)))
    with ix.writer() as writer:
        writer.add_document(body="他们自己的索引")
    before = sorted(p.name for p in theirs.iterdir())
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "grid.txt").write_text(GRID, encoding="utf-8")
    with pytest.raises(NotAnIndexError, match="holds other files"):
        build_index([docs], theirs)
    assert sorted(p.name for p in theirs.iterdir()) == before
