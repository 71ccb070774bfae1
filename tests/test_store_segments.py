"""Segments: an update writes its new rows and links the rest, and answers as a rebuild would.

The 14-round run of small updates is marked `slow` (8 rounds run by default): `pytest -m slow`.
"""

from __future__ import annotations

import math
import os
import random
from pathlib import Path

import pytest

from searcher.indexing.writer import build_index
from searcher.search import Searcher
from searcher.store.generation import Generation, open_generation
from searcher.store.segments import SEGMENT_RATIO

WORDS = "网格 巡查 居民 议事会 茶园 乡村 振兴 调研 报告 社区 服务 中心 物业 楼栋 党支部".split()
QUERIES = ("网格", "巡查 居民", '"乡村振兴"', "茶", "社区服务中心", "党支部 -物业", "第3")


def _paragraph(rng: random.Random, number: int) -> str:
    return f"第{number}条" + "".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))) + "。"


def _write_file(path: Path, rng: random.Random, paragraphs: int) -> None:
    text = "\n\n".join(_paragraph(rng, n) for n in range(paragraphs))
    old_ns = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text + "\n", encoding="utf-8")
    if old_ns:  # a same-size rewrite within the same tick must still be seen
        os.utime(path, ns=(old_ns + 10**9, old_ns + 10**9))


def _answers(index: Path) -> dict[str, list[tuple[float, str, str]]]:
    with Searcher.open(index) as searcher:
        return {
            query: sorted(
                (round(hit.score, 3), Path(hit.path).name, hit.text)
                for hit in searcher.search(query, limit=10_000).hits
            )
            for query in QUERIES
        }


def _segments(index: Path) -> list[tuple[int, int]]:
    return [(s.first, s.end) for s in open_generation(index).segments]


def test_an_update_links_the_old_segment_and_writes_a_new_one(tmp_path: Path) -> None:
    docs, index = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    rng = random.Random(1)
    for number in range(30):
        _write_file(docs / f"{number:02d}.txt", rng, 8)
    build_index([docs], index)
    [before] = index.glob("gen-*/seg-0/gram_packed.bin")
    inode = before.stat().st_ino
    _write_file(docs / "new.txt", rng, 3)
    build_index([docs], index)
    assert _segments(index) == [(0, 240), (240, 243)]
    [after] = index.glob("gen-*/seg-0/gram_packed.bin")
    assert after != before and after.stat().st_ino == inode  # the same file, not a copy
    assert _answers(index) == _answers_of_rebuild(docs, tmp_path / "rebuilt")


# 8 rounds merge segments 4 times, once three into one; 14 rounds, 5 times.
@pytest.mark.parametrize("rounds", [8, pytest.param(14, marks=pytest.mark.slow)])
def test_many_small_updates_keep_few_segments_and_answer_as_a_rebuild(
    tmp_path: Path, rounds: int
) -> None:
    docs, index = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    rng = random.Random(7)
    for number in range(40):
        _write_file(docs / f"{number:02d}.txt", rng, rng.randint(2, 10))
    build_index([docs], index)
    for round_number in range(rounds):
        names = sorted(p.name for p in docs.iterdir())
        action = round_number % 3
        if action == 0:
            _write_file(docs / f"added-{round_number}.txt", rng, rng.randint(1, 6))
        elif action == 1:
            _write_file(docs / rng.choice(names), rng, rng.randint(1, 6))
        else:
            (docs / rng.choice(names)).unlink()
        build_index([docs], index)
        segments = _segments(index)
        rows = Generation(next(index.glob("gen-*"))).meta["rows"]
        # Each segment holds at least SEGMENT_RATIO times the rows of the next: a log of them.
        assert len(segments) <= 1 + math.log(max(rows, 2), SEGMENT_RATIO), segments
        assert _answers(index) == _answers_of_rebuild(docs, tmp_path / f"rebuilt-{round_number}")


def _answers_of_rebuild(docs: Path, index: Path) -> dict[str, list[tuple[float, str, str]]]:
    build_index([docs], index)
    return _answers(index)
