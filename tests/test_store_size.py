"""Issue 14: every passage is kept once, postings are packed, and the index stays a small multiple
of its text (≤ 3× on zh-laws, ≤ 4× on Markdown; results-speed.md). Format 6 made this generated
collection 8.7× its text."""

from __future__ import annotations

import random
import re
from pathlib import Path

from searcher.cli.location import samples_dir
from searcher.indexing.writer import build_index
from searcher.search import Searcher
from searcher.store.layout import index_size, latest_generation


def _collection(folder: Path) -> int:
    """200 files of paragraphs recombined from the bundled samples' sentences; returns bytes."""
    folder.mkdir()
    sources = sorted(samples_dir().glob("*.txt")) + sorted(samples_dir().glob("*.md"))
    text = "".join(path.read_text(encoding="utf-8", errors="ignore") for path in sources)
    sentences = [s.strip() for s in re.split(r"(?<=[。！？])", text) if len(s.strip()) > 8]
    rng = random.Random(3)
    total = 0
    for number in range(200):
        paragraphs = [
            "".join(rng.choice(sentences) for _ in range(rng.randint(2, 6)))
            for _ in range(rng.randint(5, 15))
        ]
        body = "\n\n".join(paragraphs) + "\n"
        (folder / f"doc-{number:03d}.txt").write_text(body, encoding="utf-8")
        total += len(body.encode())
    return total


def test_index_of_a_generated_collection_is_under_four_times_its_text(tmp_path: Path) -> None:
    text_bytes = _collection(tmp_path / "docs")
    build_index([tmp_path / "docs"], tmp_path / "index")
    assert index_size(tmp_path / "index") < 4 * text_bytes
    # The passage text is kept plain once, as the folded text for literal checks (the same
    # bytes here: these samples' sentences fold to themselves); nowhere else in the clear.
    with Searcher.open(tmp_path / "index") as searcher:
        hit = searcher.search("网格", limit=1).hits[0]
    sentence = max(re.split(r"[，。]", hit.text), key=len).encode()
    generation = tmp_path / "index" / f"gen-{latest_generation(tmp_path / 'index')}"
    holding = {p.name for p in generation.rglob("*") if p.is_file() and sentence in p.read_bytes()}
    assert holding == {"text.bin"}
