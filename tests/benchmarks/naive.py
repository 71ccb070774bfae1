"""The naive recipe a user finds online, the baseline of every benchmark figure.

Whoosh with jieba's ChineseAnalyzer on one TEXT field, the default writer, QueryParser and
Whoosh's highlighter. For a folder, the incremental recipe of Whoosh's documentation (store each
file's path and mtime; re-add what changed). Run as a script, it is one child process:

    python naive.py build INDEX_DIR corpus.jsonl      one document per JSONL record
    python naive.py folder INDEX_DIR FOLDER           one document per file, incremental
    python naive.py query INDEX_DIR 网格              what `searcher query` does, naively
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def schema():  # noqa: ANN201 - a whoosh Schema
    from jieba.analyse import ChineseAnalyzer
    from whoosh.fields import ID, STORED, TEXT, Schema

    return Schema(
        id=ID(stored=True, unique=True),
        title=STORED(),
        mtime=STORED(),
        content=TEXT(stored=True, analyzer=ChineseAnalyzer()),
    )


def build_jsonl(index_dir: Path, corpus: Path) -> None:
    from whoosh import index

    index_dir.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(index_dir), schema())
    writer = ix.writer()
    with open(corpus, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            writer.add_document(id=record["id"], title=record["title"], content=record["text"])
    writer.commit()


def index_folder(index_dir: Path, folder: Path) -> None:
    """Whoosh's documented incremental indexing: compare stored mtimes, re-add changed files."""
    from whoosh import index

    if not index.exists_in(str(index_dir)):
        index_dir.mkdir(parents=True, exist_ok=True)
        index.create_in(str(index_dir), schema())
    ix = index.open_dir(str(index_dir))
    paths = sorted(str(p) for p in folder.rglob("*.md"))
    with ix.searcher() as searcher:
        indexed = {fields["id"]: fields["mtime"] for fields in searcher.all_stored_fields()}
    writer = ix.writer()
    changed = False
    for path in set(indexed) - set(paths):
        writer.delete_by_term("id", path)
        changed = True
    for path in paths:
        mtime = os.path.getmtime(path)
        if indexed.get(path) == mtime:
            continue
        text = Path(path).read_text(encoding="utf-8")
        writer.update_document(id=path, title=Path(path).stem, mtime=mtime, content=text)
        changed = True
    if changed:
        writer.commit()
    else:
        writer.cancel()


class NaiveSearcher:
    """The index open, for warm queries: parse, search, highlight the top hits."""

    def __init__(self, index_dir: Path) -> None:
        from whoosh import index
        from whoosh.qparser import QueryParser

        self._ix = index.open_dir(str(index_dir))
        self._searcher = self._ix.searcher()
        self._parser = QueryParser("content", self._ix.schema)

    def search(self, text: str, limit: int = 10) -> list[tuple[str, str]]:
        query = self._parser.parse(text)
        hits = self._searcher.search(query, limit=limit)
        return [(hit["id"], hit.highlights("content")) for hit in hits]

    def close(self) -> None:
        self._searcher.close()


def main(argv: list[str]) -> int:
    command, index_dir = argv[0], Path(argv[1])
    if command == "build":
        build_jsonl(index_dir, Path(argv[2]))
    elif command == "folder":
        index_folder(index_dir, Path(argv[2]))
    elif command == "query":
        searcher = NaiveSearcher(index_dir)
        hits = searcher.search(" ".join(argv[2:]))
        for number, (doc_id, fragment) in enumerate(hits, 1):
            print(f"{number}. {doc_id}\n   {fragment}")
        return 0 if hits else 1
    else:
        raise SystemExit(f"unknown command {command}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
