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
from searcher.oneline import escaped


def index_paths(
    paths: list[Path],
    index: Path | None,
    *,
    rebuild: bool,
    wait_seconds: float,
    userdict: Path | None,
    quiet: bool,
    forget: list[Path],
    follow: bool,
) -> IndexReport:
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
            forget=forget,
            follow=follow,
        )
    print(index_summary(report, location.directory))
    return report


def check_index_dir(index: Path | None) -> bool:
    """`searcher check`: what is damaged, one line each, and how to repair it; True if any."""
    from searcher.store.check import check_index

    directory = resolve_index_dir(index).directory
    report = check_index(directory)
    shown = escaped(str(directory))
    if not report.problems:
        print(f"{shown}: {report.files} files, {report.bytes / 1e6:.1f} MB checked; no damage")
        return False
    for problem in report.problems:
        notice(f"damaged: {problem}")
    notice(
        f"the index at {shown} is damaged; repair it with: searcher index --rebuild --index {shown}"
    )
    return True


def index_summary(report: IndexReport, directory: Path) -> str:
    """The one line `searcher index` ends with: what changed, what the index holds, how long."""
    skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
    if report.skipped_again:
        skipped += f", {report.skipped_again} skipped as before"
    if report.missing_roots:
        skipped += f", {len(report.missing_roots)} folders missing (kept)"
    return (
        f"{report.files_new} new, {report.files_changed} changed, {report.files_removed} removed,"
        f" {report.files_unchanged} unchanged{skipped} files;"
        f" {report.passages} passages ({report.passages_added} added);"
        f" index {report.index_bytes / 1e6:.1f} MB in {directory}; {report.seconds:.1f} s"
    )
