"""build_index(): incremental, atomic indexing, seen through what a search then returns.

Each test builds its own small index in tmp_path, so they can change files and re-index freely.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from searcher.analysis.normalize import fold_text
from searcher.errors import DocumentReadError
from searcher.indexing import batches
from searcher.indexing.writer import IndexReport, build_index
from searcher.ingest import markdown
from searcher.search import Searcher
from searcher.store.generation import Generation

GRID = "网格员每天巡查本网格一次。\n\n第三网格党支部每月召开议事会。\n\n居民反映的问题当天上报。\n"
TEA = "臺灣的茶最早隨著移民渡海而來。\n\n凍頂烏龍產於南投鹿谷。\n"
VILLAGE = "乡村振兴调研报告：三个村发展高山绿茶。\n"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write `text`, moving mtime on by a second so a same-size rewrite is always seen."""
    old_ns = path.stat().st_mtime_ns if path.exists() else None
    path.write_bytes(text.encode(encoding))
    if old_ns is not None:
        os.utime(path, ns=(old_ns + 1_000_000_000, old_ns + 1_000_000_000))
    return path


def _texts(index_dir: Path, query: str) -> set[tuple[str, str]]:
    """(file name, passage text) of every hit for `query`."""
    with Searcher.open(index_dir) as searcher:
        return {(Path(h.path).name, h.text) for h in searcher.search(query, limit=1000).hits}


def _counts(report: IndexReport) -> tuple[int, int, int, int, int, int]:
    return (
        report.files_new,
        report.files_changed,
        report.files_removed,
        report.files_unchanged,
        report.passages,
        report.passages_added,
    )


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    source = tmp_path / "docs"
    source.mkdir()
    _write(source / "grid.txt", GRID)
    _write(source / "tea.txt", TEA)
    return source


def test_first_run_indexes_every_file_and_reports_exact_counts(docs: Path, tmp_path: Path) -> None:
    report = build_index([docs], tmp_path / "index")
    assert report.committed
    assert _counts(report) == (2, 0, 0, 0, 5, 5)
    assert report.skipped == []
    assert _texts(tmp_path / "index", "党支部") == {("grid.txt", "第三网格党支部每月召开议事会。")}
    assert _texts(tmp_path / "index", "冻顶") == {("tea.txt", "凍頂烏龍產於南投鹿谷。")}


def test_unchanged_second_run_commits_nothing(docs: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index([docs], index)
    generations = sorted(p.name for p in index.glob("gen-*"))
    report = build_index([docs], index)
    assert not report.committed
    assert _counts(report) == (0, 0, 0, 2, 5, 0)
    assert sorted(p.name for p in index.glob("gen-*")) == generations


def test_second_run_without_paths_reindexes_the_roots_of_the_first(
    docs: Path, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    build_index([docs], index)
    _write(docs / "village.txt", VILLAGE)
    report = build_index([], index)
    assert _counts(report) == (1, 0, 0, 2, 6, 1)
    assert _texts(index, "乡村振兴") == {("village.txt", VILLAGE.strip())}


def test_new_file_is_added_and_others_stay_searchable(docs: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index([docs], index)
    _write(docs / "village.txt", VILLAGE)
    report = build_index([docs], index)
    assert report.committed
    assert _counts(report) == (1, 0, 0, 2, 6, 1)
    assert _texts(index, "绿茶") == {("village.txt", VILLAGE.strip())}
    assert len(_texts(index, "网格")) == 2


def test_changed_file_replaces_its_passages(docs: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index([docs], index)
    _write(docs / "grid.txt", "网格员改为每周巡查两次。\n")
    report = build_index([docs], index)
    assert _counts(report) == (0, 1, 0, 1, 3, 1)
    assert _texts(index, "党支部") == set()
    assert _texts(index, "网格") == {("grid.txt", "网格员改为每周巡查两次。")}


def test_touched_file_with_same_content_is_unchanged_and_not_reanalysed(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "index"
    build_index([docs], index)
    _write(docs / "grid.txt", GRID)  # same bytes, new mtime

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged file was read into passages again")

    monkeypatch.setattr(batches, "read_passages", no_reading)
    report = build_index([docs], index)
    assert _counts(report) == (0, 0, 0, 2, 5, 0)
    assert len(_texts(index, "网格")) == 2
    # The new mtime was recorded: the next run does not even hash the file.
    assert not build_index([docs], index).committed


def test_deleted_file_loses_its_passages(docs: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index([docs], index)
    (docs / "tea.txt").unlink()
    report = build_index([docs], index)
    assert _counts(report) == (0, 0, 1, 1, 3, 0)
    assert _texts(index, "茶") == set()
    with Searcher.open(index) as searcher:
        assert searcher.stats().files == 1
        assert searcher.stats().passages == 3


def test_rebuild_starts_over_from_every_recorded_root(docs: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index([docs], index)
    other = tmp_path / "other"
    other.mkdir()
    _write(other / "village.txt", VILLAGE)
    report = build_index([other], index, rebuild=True)
    assert report.committed
    assert _counts(report) == (3, 0, 0, 0, 6, 6)
    assert _texts(index, "乡村") == {("village.txt", VILLAGE.strip())}
    assert len(_texts(index, "网格")) == 2
    with Searcher.open(index) as searcher:
        assert searcher.stats().roots == sorted([str(docs), str(other)])


def test_forget_drops_a_root_and_its_passages(docs: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    other = tmp_path / "other"
    other.mkdir()
    _write(other / "village.txt", VILLAGE)
    build_index([docs, other], index)
    report = build_index([], index, forget=[docs])
    assert report.committed and report.files_removed == 2
    assert _texts(index, "网格") == set()
    assert _texts(index, "乡村") == {("village.txt", VILLAGE.strip())}
    with Searcher.open(index) as searcher:
        assert searcher.stats().roots == [str(other)]


@pytest.mark.parametrize(
    ("name", "encoding", "prefix"),
    [
        ("gb18030.txt", "gb18030", b""),
        ("big5.txt", "cp950", b""),
        ("utf16.txt", "utf-16-le", b"\xff\xfe"),
        ("utf8bom.txt", "utf-8", b"\xef\xbb\xbf"),
    ],
)
def test_legacy_and_bom_encodings_are_searchable(
    tmp_path: Path, name: str, encoding: str, prefix: bytes
) -> None:
    source = tmp_path / "docs"
    source.mkdir()
    text = "防汛工作通知：各村要落實防汛責任，檢查堤壩和排水設施。"
    (source / name).write_bytes(prefix + text.encode(encoding))
    report = build_index([source], tmp_path / "index")
    assert report.skipped == []
    assert _texts(tmp_path / "index", "防汛责任") == {(name, text)}


def test_binary_file_is_skipped_with_a_one_line_reason(docs: Path, tmp_path: Path) -> None:
    binary = docs / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    warnings: list[str] = []
    report = build_index([docs], tmp_path / "index", warn=warnings.append)
    assert report.committed
    assert _counts(report) == (2, 0, 0, 0, 5, 5)
    assert len(report.skipped) == 1
    assert report.skipped[0].startswith(f"{binary}: ")
    assert "binary" in report.skipped[0]
    assert len(warnings) == 1
    assert "\n" not in warnings[0]
    assert str(binary) in warnings[0]
    assert len(_texts(tmp_path / "index", "网格")) == 2


def test_markdown_block_too_long_to_parse_whole_is_said_once_and_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "docs"
    source.mkdir()
    log = source / "log.md"
    log.write_text("# 日志\n\n```\n" + "网格巡查记录一条\n" * 400 + "```\n", encoding="utf-8")
    monkeypatch.setattr(markdown, "WINDOW_CHARS", 256)
    monkeypatch.setattr(markdown, "MAX_BLOCK_CHARS", 1024)
    warnings: list[str] = []
    report = build_index([source], tmp_path / "index", warn=warnings.append)
    said = "line 3: a Markdown block of over 1,024 characters is read in parts"
    assert warnings == [f"{log}: {said}"]
    assert report.skipped == []
    with Searcher.open(tmp_path / "index") as searcher:
        hits = searcher.search("巡查", limit=100, collapse=False).hits  # parts may repeat
    assert {hit.kind for hit in hits} == {"code"}
    assert sum(hit.text.count("巡查") for hit in hits) == 400


def test_missing_path_raises_document_read_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentReadError, match="no such file or directory"):
        build_index([tmp_path / "missing"], tmp_path / "index")


def test_searcher_opened_before_a_commit_keeps_answering(docs: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index([docs], index)
    with Searcher.open(index) as old:
        first = old.search("网格").hits
        # Several commits, the last ones compacting: every file the old reader opened is gone.
        for round_ in range(4):
            _write(docs / "grid.txt", GRID.replace("一次", f"{round_ + 2}次"))
            assert build_index([docs], index).committed
        assert not (index / "gen-1").exists()
        assert old.search("网格").hits == first
        assert {h.text for h in old.search("党支部").hits} == {"第三网格党支部每月召开议事会。"}
        assert {h.path for h in old.search("path:tea 茶").hits} == {str(docs / "tea.txt")}
        assert [h.text for h in old.document(first[0], "网格")] == [
            "网格员每天巡查本网格一次。",
            "第三网格党支部每月召开议事会。",
            "居民反映的问题当天上报。",
        ]
        assert old.stats().passages == 5
    assert _texts(index, '"巡查本网格"') == {("grid.txt", "网格员每天巡查本网格5次。")}


def test_results_stay_exact_after_compaction(tmp_path: Path) -> None:
    """Many edits of one file leave most rows dead; the re-pack keeps Whoosh and rows aligned."""
    source = tmp_path / "docs"
    source.mkdir()
    _write(source / "tea.txt", TEA)
    _write(source / "village.txt", VILLAGE)
    index = tmp_path / "index"
    build_index([source], index)
    final = ""
    for version in range(8):
        paragraphs = [f"第{version}版网格工作要点{i}：巡查{version * 10 + i}户。" for i in range(4)]
        final = "\n\n".join(paragraphs)
        _write(source / "grid.txt", final + "\n")
        report = build_index([source], index)
        assert report.committed
        assert report.passages == 3 + 4
        # After every run, each hit's stored text really holds the query, so row r is document r.
        with Searcher.open(index) as searcher:
            for query in ("网格", "巡查", "冻顶", "乡村", f"第{version}版"):
                result = searcher.search(query, limit=1000)
                assert result.hits, query
                for hit in result.hits:
                    assert fold_text(query) in fold_text(hit.text), (query, hit.text)
            assert searcher.stats().passages == 7
            assert searcher.stats().documents == 3
    (generation,) = index.glob("gen-*")
    assert Generation(generation).meta["rows"] < 3 + 8 * 4  # dead rows were re-packed
    with Searcher.open(index) as searcher:
        hits = searcher.search("网格", limit=1000).hits
        assert sorted(h.text for h in hits) == sorted(final.split("\n\n"))
        document = searcher.document(hits[0], "网格")
        assert [(h.paragraph, h.text) for h in document] == list(enumerate(final.split("\n\n"), 1))
        tea = searcher.search("冻顶", limit=10).hits
        assert [(Path(h.path).name, h.paragraph) for h in tea] == [("tea.txt", 2)]
        assert [h.text for h in searcher.document(tea[0])] == TEA.strip().split("\n\n")
        # Old versions are gone, from the search and from the text of record alike.
        assert searcher.search('"第0版"', limit=1000).hits == []


BIG = "\n\n".join(f"第{n}段：大文件独有的词语，编号{n}。" for n in range(1000))


def _failing_midway(monkeypatch: pytest.MonkeyPatch, name: str, after: int) -> None:
    """Reading the file `name` fails with an I/O error once `after` of its passages were read."""
    real = batches.read_passages

    def read_passages(path: Path, **kwargs: object) -> object:
        passages = real(path, **kwargs)
        if path.name != name:
            return passages

        def failing() -> object:
            for number, passage in enumerate(passages):
                if number == after:
                    raise DocumentReadError(f"{path}: cannot read: input/output error")
                yield passage

        return failing()

    monkeypatch.setattr(batches, "read_passages", read_passages)


def test_file_failing_midway_leaves_nothing_of_itself_and_the_rest_is_indexed(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "index"
    big = _write(docs / "big.txt", BIG)
    _failing_midway(monkeypatch, "big.txt", after=600)  # two batches of it were analysed
    warnings: list[str] = []
    report = build_index([docs], index, warn=warnings.append)
    assert report.committed
    assert report.skipped == [f"{big}: cannot read: input/output error"]
    assert warnings == [f"skipped {big}: cannot read: input/output error"]
    assert _counts(report) == (2, 0, 0, 0, 5, 5)
    assert _texts(index, "大文件独有") == set()
    with Searcher.open(index) as searcher:
        assert searcher.stats().files == 2
        assert searcher.stats().passages == 5
    monkeypatch.undo()
    # The next run reads it again, as a new file.
    assert _counts(build_index([docs], index)) == (1, 0, 0, 2, 1005, 1000)
    assert len(_texts(index, "大文件独有")) == 1000


def test_changed_file_failing_midway_leaves_nothing_of_its_new_text(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "index"
    big = _write(docs / "big.txt", BIG)
    build_index([docs], index)
    _write(docs / "big.txt", BIG.replace("大文件独有", "新版本才有"))
    _failing_midway(monkeypatch, "big.txt", after=700)
    report = build_index([docs], index)
    assert report.skipped == [f"{big}: cannot read: input/output error"]  # the fault fired
    assert report.passages_added == 0
    assert _texts(index, "新版本才有") == set()
    assert len(_texts(index, "网格")) == 2
    monkeypatch.undo()
    build_index([docs], index)
    assert len(_texts(index, "新版本才有")) == 1000
    assert _texts(index, "大文件独有") == set()


def test_progress_counts_bytes_read_up_to_the_total_within_large_files(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from searcher.ingest import decoding

    monkeypatch.setattr(decoding, "_CHUNK_BYTES", 4096)  # the big file is read in 10 or more
    _write(docs / "big.txt", BIG)
    calls: list[tuple[int, int]] = []
    build_index([docs], tmp_path / "index", progress=lambda *call: calls.append(call))
    total = sum(path.stat().st_size for path in docs.iterdir())
    assert {t for _, t in calls} == {total}
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1] == (total, total)
    assert len(calls) > 10


def test_issue_18_many_files_skipped_for_one_reason_are_summarised(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for number in range(100):
        (docs / f"{number:03}.txt").write_text("", encoding="utf-8")
    _write(docs / "grid.txt", GRID)
    warnings: list[str] = []
    report = build_index([docs], tmp_path / "index", warn=warnings.append)
    assert len(report.skipped) == 100
    assert len(warnings) == 21
    assert warnings[0] == f"skipped {docs / '000.txt'}: holds no text"
    assert warnings[-1] == "80 more skipped for the same reason: holds no text"


def test_issue_18_a_skipped_file_is_not_read_again_until_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    binary = docs / "sparse.txt"
    binary.write_bytes(b"\0" * 4096)
    _write(docs / "grid.txt", GRID)
    index = tmp_path / "index"
    assert len(build_index([docs], index).skipped) == 1
    hashed: list[Path] = []
    real_sha1 = batches.file_sha1
    monkeypatch.setattr(batches, "file_sha1", lambda path: hashed.append(path) or real_sha1(path))
    report = build_index([docs], index)
    assert (report.skipped, report.skipped_again, hashed) == ([], 1, [])
    binary.write_text("现在是文本了。", encoding="utf-8")
    report = build_index([docs], index)
    assert report.files_new == 1 and hashed == [binary]
    assert _texts(index, "文本") == {("sparse.txt", "现在是文本了。")}


def test_issue_18_a_new_root_is_remembered_even_when_it_adds_no_passage(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    _write(docs / "grid.txt", GRID)
    empty = tmp_path / "empty"
    empty.mkdir()
    index = tmp_path / "index"
    build_index([docs], index)
    assert build_index([empty], index).committed
    with Searcher.open(index) as searcher:
        assert searcher.stats().roots == [str(docs), str(empty)]
