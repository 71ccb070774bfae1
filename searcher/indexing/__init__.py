"""Files → passages → the index: Whoosh's stored passages plus our postings arrays.

Every module here that opens a Whoosh index imports this package first, so this is where
Whoosh's imports are trimmed for a fast `searcher query`.
"""

from __future__ import annotations

import functools
import sys
import types


def _spare_asyncio() -> None:
    """Let whoosh.reading's `from cached_property import cached_property` get functools' own.

    The cached_property package imports asyncio at its top (30-40 ms, an eighth of a fresh
    `searcher query`) only to support coroutine properties; Whoosh has one property, a plain
    one (SegmentReader.deleted_docs_set), for which functools.cached_property does the same.
    Whoosh is the package's only user here; if something imported it already, it stays.
    """
    if "cached_property" in sys.modules:
        return
    module = types.ModuleType("cached_property", "functools.cached_property, for Whoosh")
    module.cached_property = functools.cached_property
    sys.modules["cached_property"] = module


_spare_asyncio()
