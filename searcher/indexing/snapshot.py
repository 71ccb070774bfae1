"""The committed state of an index, opened for reading without importing Whoosh.

A commit writes gen-<n>/ completely, then Whoosh renames its table of contents _MAIN_<n>.toc into
place (store.py). So the highest-numbered table of contents names a complete generation, and a
reader needs only that number: a generation holds everything a query reads, and importing Whoosh
would cost a fresh `searcher query` about 65 ms. A commit running meanwhile may remove what we are
opening: we retry. Once opened, every file is mapped, and outlives a later commit's removal.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from pathlib import Path

from searcher.analysis.analyzers import ANALYSIS_VERSION
from searcher.errors import IndexCorruptError, IndexNotFoundError, IndexReadError, IndexVersionError
from searcher.indexing.generation import Generation
from searcher.indexing.postings import FORMAT_VERSION, generation_dir

_OPEN_RETRIES = 5
# Whoosh's table of contents for its default index name (store.py uses it too);
# test_indexing_snapshot.py checks that this agrees with Whoosh's own reading of the newest one.
TOC_NAME = re.compile(r"_MAIN_(\d+)\.toc")


def latest_generation(directory: Path) -> int | None:
    """The number of the newest committed table of contents, or None if there is none."""
    numbers = [int(m.group(1)) for name in os.listdir(directory) if (m := TOC_NAME.fullmatch(name))]
    return max(numbers, default=None)


def open_snapshot(directory: Path) -> Generation:
    """The newest committed generation of the index in `directory`, every file mapped."""
    try:
        generation = _open(directory)
    except FileNotFoundError as err:
        missing = os.path.relpath(err.filename or "?", directory)
        raise IndexCorruptError(
            f"the index in {directory} is missing {missing};"
            f" run: searcher index --rebuild --index {directory} PATH..."
        ) from err
    except ValueError as err:  # json.JSONDecodeError and numpy's header errors
        raise IndexCorruptError(
            f"the index in {directory} is damaged ({err});"
            f" run: searcher index --rebuild --index {directory} PATH..."
        ) from err
    except OSError as err:
        reason = (err.strerror or str(err)).lower()
        raise IndexReadError(f"cannot read the index in {directory}: {reason}") from err
    return generation


def _open(directory: Path) -> Generation:
    for attempt in range(_OPEN_RETRIES):
        number = latest_generation(directory) if directory.is_dir() else None
        if number is None:
            raise IndexNotFoundError(
                f"no index in {directory}; run: searcher index PATH --index {directory}"
            )
        if number == 0:  # created, never committed
            raise IndexNotFoundError(f"the index in {directory} is empty; run: searcher index PATH")
        try:
            generation = Generation(generation_dir(directory, number))
        except FileNotFoundError:
            # A writer committed after we listed the directory and removed this generation.
            if attempt == _OPEN_RETRIES - 1 or latest_generation(directory) == number:
                raise
            time.sleep(0.05 * (attempt + 1))
            continue
        meta = generation.meta
        if (
            meta.get("format") != FORMAT_VERSION
            or meta.get("analysis", {}).get("version") != ANALYSIS_VERSION
        ):
            generation.close()
            raise IndexVersionError(
                f"the index in {directory} was built by another version of searcher;"
                f" run: searcher index --rebuild --index {directory}"
            )
        rows = meta.get("rows")
        bounds = [0] + [b for s in generation.segments for b in (s.first, s.end)] + [rows]
        if len(generation.array("row_live")) != rows or bounds[::2] != bounds[1::2]:
            raise IndexCorruptError(
                f"the index in {directory} is inconsistent;"
                f" run: searcher index --rebuild --index {directory} PATH..."
            )
        return generation
    raise AssertionError("unreachable")


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
