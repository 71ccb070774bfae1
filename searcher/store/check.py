"""`searcher check`: read every file of the committed state and say what is damaged.

Opening an index checks only sizes; this reads everything: the table of contents (without
running anything; its segments must be the generation's, which Whoosh reads through them), the
marker, and every file of the generation against its recorded checksum.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from searcher.errors import SearcherError
from searcher.store.checksums import damaged_files, read_sums
from searcher.store.commit import read_marker
from searcher.store.generation import open_generation
from searcher.store.layout import MARKER_FILE, META_FILE, generation_dir, latest_generation
from searcher.store.toc import read_toc, toc_name


@dataclass
class CheckReport:
    directory: Path
    generation: int | None = None
    files: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)  # one line each: what is damaged


def check_index(directory: Path) -> CheckReport:
    report = CheckReport(directory)
    if not read_marker(directory):
        report.problems.append(f"{MARKER_FILE} is missing or damaged")
    number = latest_generation(directory) if directory.is_dir() else None
    if number is None:
        report.problems.append("no committed table of contents")
        return report
    report.generation = number
    gen_dir = generation_dir(directory, number)
    try:
        _, segments = read_toc(directory, number)
    except SearcherError as err:
        report.problems.append(str(err).split(";")[0])
    else:
        listed = [(s.segid, s.first, s.end) for s in segments]
        expected = _generation_segments(gen_dir)
        if expected is not None and listed != expected:
            report.problems.append(
                f"{toc_name(number)} lists other segments than {gen_dir.name}"
                " (Whoosh would read it wrong)"
            )
    try:
        sums = read_sums(gen_dir)
    except (SearcherError, OSError) as err:
        report.problems.append(f"{gen_dir.name}: {str(err).split(';')[0]}")
        return report
    report.files = len(sums)
    report.bytes = sum(size for size, _ in sums.values())
    report.problems += [f"{gen_dir.name}/{name}" for name in damaged_files(gen_dir, sums)]
    if not report.problems:
        try:  # consistent as well as intact: what a query opens
            open_generation(directory).close()
        except SearcherError as err:
            report.problems.append(str(err).split(";")[0])
    return report


def _generation_segments(gen_dir: Path) -> list[tuple[str, int, int]] | None:
    """(name, first row, end row) of each segment meta.json lists (None if it is unreadable:
    the checksums then name it)."""
    try:
        meta = json.loads((gen_dir / META_FILE).read_bytes())
        return [(span["name"], span["first"], span["end"]) for span in meta["segments"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
