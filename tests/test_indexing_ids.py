"""Document ids are unique within an index (issue 18): a repeated JSONL id is qualified, with a
warning naming the file, the line, the id and what it was indexed as, seen through what a search
then returns.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from searcher.indexing.writer import build_index
from searcher.search import Searcher


def _jsonl(path: Path, *records: tuple[str, str]) -> Path:
    """Write (id, text) records, one a line, moving mtime on so a rewrite is always seen."""
    old_ns = path.stat().st_mtime_ns if path.exists() else None
    lines = [json.dumps({"id": i, "text": text}, ensure_ascii=False) for i, text in records]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    if old_ns is not None:
        os.utime(path, ns=(old_ns + 1_000_000_000, old_ns + 1_000_000_000))
    return path


def _ids(index_dir: Path, query: str) -> dict[str, str]:
    """Passage text → the id its hit shows, for every hit of `query`."""
    with Searcher.open(index_dir) as searcher:
        return {hit.text: hit.id for hit in searcher.search(query, limit=100).hits}


def _index(docs: Path, index_dir: Path) -> list[str]:
    warnings: list[str] = []
    build_index([docs], index_dir, warn=warnings.append)
    return warnings


def test_repeated_ids_in_one_file_are_qualified_and_warned_about_once_each(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    path = _jsonl(
        docs / "notes.jsonl",
        ("DOC_0", "网格员每天巡查。"),
        ("DOC_0", "网格党支部每月开会。\n\n网格第二段。"),  # right after the first: not merged
        ("DOC_1", "网格居民上报问题。"),
        ("DOC_0", "网格第三次出现。"),
    )
    warnings = _index(docs, tmp_path / "index")
    assert warnings == [
        f'{path} line 2: id "DOC_0" is already used in this file; indexed as "DOC_0#2"',
        f'{path} line 4: id "DOC_0" is already used in this file; indexed as "DOC_0#3"',
    ]
    assert _ids(tmp_path / "index", "网格") == {
        "网格员每天巡查。": "DOC_0",
        "网格党支部每月开会。": "DOC_0#2",
        "网格第二段。": "DOC_0#2",  # every passage of the record carries its qualified id
        "网格居民上报问题。": "DOC_1",
        "网格第三次出现。": "DOC_0#3",
    }


def test_an_id_repeated_in_a_second_file_is_qualified_there_and_names_the_first(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    first = _jsonl(docs / "a.jsonl", ("DOC_0", "茶叶产于南投。"))
    second = _jsonl(docs / "b.jsonl", ("DOC_0", "茶园在鹿谷。"), ("DOC_1", "茶农采茶。"))
    warnings = _index(docs, tmp_path / "index")
    assert warnings == [
        f'{second} line 1: id "DOC_0" is already used in {first}; indexed as "DOC_0#2"'
    ]
    assert _ids(tmp_path / "index", "茶") == {
        "茶叶产于南投。": "DOC_0",
        "茶园在鹿谷。": "DOC_0#2",
        "茶农采茶。": "DOC_1",
    }


def test_reindexing_a_changed_file_keeps_its_own_ids_and_others_keep_theirs(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    index = tmp_path / "index"
    first = _jsonl(docs / "a.jsonl", ("DOC_0", "茶叶产于南投。"), ("DOC_1", "茶山云雾。"))
    second = _jsonl(docs / "b.jsonl", ("DOC_0", "茶园在鹿谷。"))
    assert len(_index(docs, index)) == 1

    # a.jsonl changes: its old rows die, so its ids are its own again, unqualified, unwarned.
    _jsonl(first, ("DOC_0", "茶叶产于南投县。"), ("DOC_1", "茶山云雾。"), ("DOC_2", "新茶上市。"))
    assert _index(docs, index) == []
    expected = {
        "茶叶产于南投县。": "DOC_0",
        "茶山云雾。": "DOC_1",
        "新茶上市。": "DOC_2",
        "茶园在鹿谷。": "DOC_0#2",
    }
    assert _ids(index, "茶") == expected

    # b.jsonl changes: DOC_0 still belongs to a.jsonl, which is live and unchanged.
    _jsonl(second, ("DOC_0", "茶园在鹿谷乡。"))
    assert _index(docs, index) == [
        f'{second} line 1: id "DOC_0" is already used in {first}; indexed as "DOC_0#2"'
    ]
    expected["茶园在鹿谷乡。"] = expected.pop("茶园在鹿谷。")
    assert _ids(index, "茶") == expected


def test_an_unchanged_run_warns_about_nothing(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    _jsonl(docs / "a.jsonl", ("DOC_0", "茶叶产于南投。"), ("DOC_0", "茶园在鹿谷。"))
    assert len(_index(docs, tmp_path / "index")) == 1
    assert _index(docs, tmp_path / "index") == []
    assert sorted(_ids(tmp_path / "index", "茶").values()) == ["DOC_0", "DOC_0#2"]


def test_a_qualified_id_that_is_itself_taken_moves_on_to_the_next_number(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    path = _jsonl(docs / "a.jsonl", ("DOC_0", "茶一。"), ("DOC_0#2", "茶二。"), ("DOC_0", "茶三。"))
    warnings = _index(docs, tmp_path / "index")
    assert warnings == [
        f'{path} line 3: id "DOC_0" is already used in this file; indexed as "DOC_0#3"'
    ]
    assert _ids(tmp_path / "index", "茶") == {
        "茶一。": "DOC_0",
        "茶二。": "DOC_0#2",
        "茶三。": "DOC_0#3",
    }
