"""`searcher index` around the library call: which directory, the progress bar, the summary.

Warnings and the progress bar go to stderr; the summary is the command's one line on stdout.
"""

from __future__ import annotations

from pathlib import Path

import typer

from searcher.cli.location import has_index, resolve_index_dir
from searcher.cli.messages import notice
from searcher.cli.progress import progress_bar
from searcher.indexing.writer import IndexReport, build_index


def index_paths(
    paths: list[Path],
    index: Path | None,
    *,
    rebuild: bool,
    wait_seconds: float,
    userdict: Path | None,
    quiet: bool,
) -> None:
    """Index `paths` (none: those indexed before) into the --index directory; print the summary."""
    location = resolve_index_dir(index)
    if not paths and not has_index(location.directory):
        raise typer.BadParameter("name at least one file or folder to index")
    with progress_bar(quiet) as progress:
        report = build_index(
            paths,
            location.directory,
            rebuild=rebuild,
            wait_seconds=wait_seconds,
            userdict=userdict,
            warn=None if quiet else notice,
            progress=progress,
        )
    print(index_summary(report, location.directory))


def index_summary(report: IndexReport, directory: Path) -> str:
    """The one line `searcher index` ends with: what changed, what the index holds, how long."""
    skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
    return (
        f"{report.files_new} new, {report.files_changed} changed, {report.files_removed} removed,"
        f" {report.files_unchanged} unchanged{skipped} files;"
        f" {report.passages} passages ({report.passages_added} added);"
        f" index {report.index_bytes / 1e6:.1f} MB in {directory}; {report.seconds:.1f} s"
    )
