"""A small index built at test time from a few texts: {file name: text} under root/docs."""

from __future__ import annotations

from pathlib import Path

from searcher.indexing.writer import build_index


def index_of(root: Path, texts: dict[str, str]) -> Path:
    """Write `texts` as files of root/docs, index them into root/index, return the index."""
    docs = root / "docs"
    docs.mkdir()
    for name, text in texts.items():
        (docs / name).write_text(text, encoding="utf-8")
    build_index([docs], root / "index")
    return root / "index"
