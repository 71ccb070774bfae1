"""np.load, one file header at a time in a process.

np.load reads each .npy header with ast.literal_eval, and CPython 3.11's AST constructor keeps
its recursion depth in state that threads share: two threads opening arrays at once can fail
with "SystemError: AST constructor recursion depth mismatch" (python/cpython#106905). Seen under
tests/stress/concurrent_queries.py, whose reader threads open each new generation while the
main thread does; a TUI refreshes its searcher in a worker thread too. Every array of an index
is loaded through here.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import IO

import numpy as np

_HEADERS = threading.Lock()  # held while a header is parsed (a mapped load returns at once)


def load_array(source: Path | IO[bytes], mmap_mode: str | None = None) -> np.ndarray:
    """np.load(source, mmap_mode), no pickles, serialised with every other load."""
    with _HEADERS:
        return np.load(source, mmap_mode=mmap_mode, allow_pickle=False)
