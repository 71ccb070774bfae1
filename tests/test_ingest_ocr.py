"""OCR (ingest/ocr.py) with a stand-in for RapidOCR's engine: what searcher makes of the boxes an
engine returns. The engine itself is the optional extra's; its real run is in the closing note
of issue 12 and in tests/benchmarks/bench_documents.py's notes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import _run

from searcher.indexing import batches
from searcher.indexing.writer import build_index
from searcher.ingest import ocr
from searcher.ingest.formats import read_passages

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def _box(left: float, top: float, right: float, bottom: float) -> list[list[float]]:
    return [[left, top], [right, top], [right, bottom], [left, bottom]]


# What RapidOCR returns for a page: ([box, text, score], ...) and its timings.
PAGE = (
    [
        [_box(40, 30, 600, 70), "网格员 每周走访 辖区住户，", 0.98],
        [_box(40, 80, 400, 120), "对独居老人每周上门。", 0.96],
        [_box(420, 82, 600, 120), "Grid workers", 0.94],  # the same line, a box of its own
        [_box(700, 90, 720, 100), "·", 0.2],  # a speck: below the confidence kept
        [_box(40, 200, 600, 240), "发现 隐患 两小时内上报。", 0.9],  # after a wide gap
    ],
    [0.1, 0.2, 0.3],
)


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """RapidOCR stood in for, as if the extra were installed; the list holds what it read."""
    read: list[object] = []

    def engine(image: object) -> tuple:
        read.append(image)
        return PAGE

    monkeypatch.setattr(ocr, "_engine", lambda: engine)
    monkeypatch.setattr(ocr, "ocr_available", lambda: True)
    monkeypatch.setattr(batches, "ocr_available", lambda: True)
    return read


def test_image_lines_become_paragraphs_without_spaces_between_chinese(
    tmp_path: Path, fake_engine: list[object]
) -> None:
    path = tmp_path / "公告栏.png"
    path.write_bytes(PNG)
    passages = list(read_passages(path))
    assert fake_engine == [str(path)]
    assert [(p.title, p.line, p.page, p.text) for p in passages] == [
        ("公告栏", 0, 0, "网格员每周走访辖区住户，对独居老人每周上门。 Grid workers"),
        ("公告栏", 0, 0, "发现隐患两小时内上报。"),
    ]
    assert {p.ocr_confidence for p in passages} == {0.945}  # the mean of the boxes kept


def test_ocr_text_is_marked_in_json_output(tmp_path: Path, fake_engine: list[object]) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "公告栏.jpg").write_bytes(b"\xff\xd8\xff" + bytes(64))
    build_index([folder], tmp_path / "index")
    result = _run("query", "隐患", "--index", str(tmp_path / "index"), "--json")
    record = json.loads(result.stdout)
    assert (record["ocr"], record["ocr_confidence"], record["line"]) == (True, 0.945, None)
    assert record["paragraph"] == 2


def test_image_without_the_extra_says_how_to_enable_ocr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    path = tmp_path / "a.png"
    path.write_bytes(PNG)
    with pytest.raises(ocr.OcrUnavailableError) as caught:
        list(read_passages(path))
    assert str(caught.value) == f"{path}: {ocr.OCR_HINT}"
