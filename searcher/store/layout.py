"""Where each part of an index lives on disk, and the version of that layout.

An index directory holds Whoosh's table of contents and write lock, and one generation gen-<n>/
per Whoosh generation: the committed state of the index, read by every query (generation.py).
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

FORMAT_VERSION = 9  # bump when the layout changes; 5: no pickles, checksums, marker file;
# 6: each row's title (row_title.npy), where doc_title.npy gave each document's; title_chars.npy
# and title_grams.npy; 7: postings packed in blocks (packing.py), stored passages in zstandard
# blocks, the writer's row words compressed; 8: the pinyin table (pinyin_table.py);
# 9: the regional table (regional_table.py)
GENERATION_PREFIX = "gen-"
SEGMENT_PREFIX = "seg-"
META_FILE = "meta.json"
FILES_FILE = "files.json"
CHECKSUMS_FILE = "checksums.json"  # every file of the generation: [size, crc32] (checksums.py)
STORED_FILE = "stored.bin"  # a segment's stored passages, read, not mapped (stored.py)
STORED_BLOCKS_FILE = "stored_blocks.npy"  # where each block of stored.bin starts
# Says a directory is an index of ours (written before anything else), and which roots it holds.
MARKER_FILE = "searcher-index.json"

ROW_ARRAYS = ("row_ptr", "row_terms", "row_tfs", "row_len", "row_live", "row_doc", "row_file")
ROW_ARRAYS += ("row_chars", "row_title")
# The rows' words: read by the next build only, and kept compressed (arrays.py).
WRITER_ARRAYS = ("row_ptr", "row_terms", "row_tfs")
COMPRESSED_SUFFIX = ".npy.zst"
# What a reader maps when it opens (generation.py), every one, so that a commit deleting the
# generation later cannot take any away; and what only the next build reads. Named, not listed
# from the directory: a listing taken while a commit removes the directory misses files (seen
# under tests/stress/concurrent_queries.py). test_indexing_snapshot.py checks that these name
# every file a generation holds.
READER_FILES = (
    *(f"{name}.npy" for name in ROW_ARRAYS if name not in WRITER_ARRAYS),
    *("terms.bin", "term_ptr.npy", "term_order.npy", FILES_FILE),
    *("doc_ids.bin", "doc_id_ptr.npy", "title_chars.npy", "title_grams.npy"),
    # pinyin_table.PINYIN_FILES (named here too: layout imports nothing of ours)
    *("pinyin.bin", "pinyin_ptr.npy", "pinyin_terms.npy"),
    *("pinyin_chars.npy", "pinyin_char_ptr.npy", "pinyin_chars.bin"),
    "regional.txt",  # regional_table.REGIONAL_FILE
)
# The files of one family of postings (prefix "post" or "gram"), packed (packing.py), beside its
# ptr (postings per key, cumulated) and, for grams, keys.
PACKED_NAMES = ("packed.bin", "blocks.npy", "widths.npy", "values.npy", "sums.npy")


def packed_files(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}_{name}" for name in PACKED_NAMES)


SEGMENT_FILES = ("text.bin", "text_ptr.npy", STORED_BLOCKS_FILE)
SEGMENT_FILES += ("gram_keys.npy", "gram_ptr.npy", *packed_files("gram"))
SEGMENT_FILES += ("post_ptr.npy", *packed_files("post"))
WRITER_ONLY = frozenset({f"{name}{COMPRESSED_SUFFIX}" for name in WRITER_ARRAYS})
WRITER_ONLY |= {META_FILE, CHECKSUMS_FILE}
WRITER_ONLY |= {"titles.json"}  # the titles as written, for the next build's document table


def generation_dir(index_dir: Path, generation: int) -> Path:
    return index_dir / f"{GENERATION_PREFIX}{generation}"


def work_dir(out_dir: Path) -> Path:
    """Where a generation is written before it is renamed into place (removed if a run fails)."""
    return out_dir.with_name(out_dir.name + ".tmp")


# Whoosh's table of contents for its default index name (commit.py uses it too);
# test_store_generation.py checks that this agrees with Whoosh's own reading of the newest one.
TOC_NAME = re.compile(r"_MAIN_(\d+)\.toc")


def latest_generation(directory: Path) -> int | None:
    """The number of the newest committed table of contents, or None if there is none."""
    numbers = [int(m.group(1)) for name in os.listdir(directory) if (m := TOC_NAME.fullmatch(name))]
    return max(numbers, default=None)


def index_size(directory: Path) -> int:
    """Bytes on disk of everything in the index directory."""
    # os.walk, not rglob: a writer running meanwhile removes folders (its MAIN.tmp, old
    # generations) under our feet, and os.walk skips what vanished where rglob raises.
    total = 0
    for folder, _, names in os.walk(directory):
        for name in names:
            with contextlib.suppress(OSError):
                total += os.stat(os.path.join(folder, name)).st_size
    return total


def retry_while_committing(read: Callable[[], T], *also: type[Exception], attempts: int = 8) -> T:
    """read(), again while it fails because a commit removed what it was reading (every commit
    removes the previous generation and table of contents): the next attempt reads the new ones.
    `also`: other exceptions that mean the same."""
    for attempt in range(attempts):
        try:
            return read()
        except (FileNotFoundError, *also):
            if attempt == attempts - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable")
