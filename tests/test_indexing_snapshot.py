"""Opening the committed state for reading, without Whoosh: the generation Whoosh would name."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index

from searcher.indexing.location import samples_dir
from searcher.indexing.snapshot import latest_generation, open_snapshot
from searcher.indexing.writer import build_index


def test_the_newest_generation_is_the_one_whoosh_committed_last(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    index_dir = tmp_path / "index"
    for number in range(3):
        (docs / f"{number}.txt").write_text(f"第{number}份网格记录", encoding="utf-8")
        build_index([docs], index_dir)
        whoosh_says = whoosh_index.open_dir(str(index_dir)).latest_generation()
        assert latest_generation(index_dir) == whoosh_says
        generation = open_snapshot(index_dir)
        assert generation.directory.name == f"gen-{whoosh_says}"
        assert generation.meta["rows"] == number + 1


def test_stored_passages_read_from_the_generation_match_whoosh(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index([samples_dir()], index_dir)
    generation = open_snapshot(index_dir)
    with whoosh_index.open_dir(str(index_dir)).reader() as reader:
        assert reader.doc_count_all() == generation.meta["rows"]
        for row in range(reader.doc_count_all()):
            assert generation.stored_fields(row) == reader.stored_fields(row)
