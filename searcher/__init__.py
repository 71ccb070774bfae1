"""searcher: full-text search for Chinese documents.

The package is layered, and data flows one way:

    analysis/  text → folded text and words (jieba), for passages and queries alike
    ingest/    files → passages: discovery, decoding, one module per format
    store/     the index on disk: layout, postings, generations, the commit (Whoosh)
    indexing/  the pipeline: ingest → analysis → store, on every core
    search/    query text → ranked hits with exact highlight spans
    cli/, tui/ presentation: Typer and Textual, thin layers over search/

ARCHITECTURE.md draws the same map; tests/test_layers.py checks it against the imports.

Scripts use the same API as the command line:

    from searcher import Searcher
    with Searcher.open("index") as s:
        for hit in s.search("网格", limit=10).hits:
            print(hit.path, hit.line, hit.text)

Importing this package is cheap: the names below load on first use.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["Searcher", "build_index", "__version__"]


def __getattr__(name: str) -> object:
    # PEP 562 lazy exports: `import searcher` must not pay for numpy or Whoosh.
    if name == "Searcher":
        from searcher.search.engine import Searcher

        return Searcher
    if name == "build_index":
        from searcher.indexing.writer import build_index

        return build_index
    raise AttributeError(f"module 'searcher' has no attribute {name!r}")
