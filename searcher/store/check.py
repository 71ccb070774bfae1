"""`searcher check`: read every file of the committed state and say what is damaged.

Opening an index checks only sizes; this reads everything: the table of contents (without
running anything), the marker, and every file of the generation against its recorded checksum.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from searcher.errors import SearcherError
from searcher.store.checksums import damaged_files, read_sums
from searcher.store.commit import read_marker
from searcher.store.generation import open_generation
from searcher.store.layout import MARKER_FILE, generation_dir, latest_generation
from searcher.store.toc import read_toc


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
    try:
        read_toc(directory, number)
    except SearcherError as err:
        report.problems.append(str(err).split(";")[0])
    gen_dir = generation_dir(directory, number)
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
