"""Opening the committed state for reading, without Whoosh: the generation Whoosh would name."""

from __future__ import annotations

import json
from pathlib import Path

from whoosh import index as whoosh_index

from searcher.cli.location import samples_dir
from searcher.indexing.writer import build_index
from searcher.ingest import discover_files, read_passages
from searcher.store import layout
from searcher.store.generation import open_generation
from searcher.store.layout import latest_generation


def test_the_newest_generation_is_the_one_whoosh_committed_last(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    index_dir = tmp_path / "index"
    for number in range(3):
        (docs / f"{number}.txt").write_text(f"第{number}份网格记录", encoding="utf-8")
        build_index([docs], index_dir)
        whoosh_says = whoosh_index.open_dir(str(index_dir)).latest_generation()
        assert latest_generation(index_dir) == whoosh_says
        generation = open_generation(index_dir)
        assert generation.directory.name == f"gen-{whoosh_says}"
        assert generation.meta["rows"] == number + 1


def test_stored_passages_are_plain_json_equal_to_the_passages_read(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index([samples_dir()], index_dir)
    generation = open_generation(index_dir)
    rows = range(generation.meta["rows"])
    # Plain data: JSON objects (compressed in blocks), read without executing anything.
    assert all(isinstance(json.loads(generation.stored_bytes(r)), dict) for r in rows)
    stored = {(f["path"], f["paragraph"], f["text"]) for f in map(generation.stored_fields, rows)}
    sources = discover_files([samples_dir()], lambda path, reason: None)
    read = {(str(s.path), p.paragraph, p.text) for s in sources for p in read_passages(s.path)}
    assert stored == read


def test_readers_map_every_file_of_a_generation_that_the_writer_does_not_keep_to_itself(
    tmp_path: Path,
) -> None:
    # A reader opens exactly the files named in postings.py; one a new version adds and forgets
    # to name would be lost to a reader when the next commit deletes the generation.
    docs = tmp_path / "docs"
    docs.mkdir()
    for number in range(10):
        (docs / f"{number}.txt").write_text(f"网格员第{number}天巡查。", encoding="utf-8")
    build_index([docs], tmp_path / "index")
    (docs / "new.txt").write_text("第三网格党支部。", encoding="utf-8")
    build_index([docs], tmp_path / "index")  # a second segment: 1 row after 10
    generation = open_generation(tmp_path / "index")
    assert len(generation.segments) == 2
    top = {p.name for p in generation.directory.iterdir() if p.is_file()}
    assert top == set(layout.READER_FILES) | layout.WRITER_ONLY
    for segment in generation.segments:
        names = {p.name for p in segment.directory.iterdir()}
        assert names == set(layout.SEGMENT_FILES) | {"stored.bin"}
