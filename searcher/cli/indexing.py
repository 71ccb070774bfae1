"""`searcher index` around the library call: which directory, the progress bar, the summary.

Warnings and the progress bar go to stderr; the summary is the command's one line on stdout.
"""

from __future__ import annotations

import os
from pathlib import Path

from searcher.cli.location import (
    IndexLocation,
    has_index,
    holds_users_index,
    recorded_roots,
    require_index,
    resolve_index_dir,
    samples_dir,
)
from searcher.cli.messages import notice
from searcher.cli.progress import progress_bar
from searcher.errors import IndexNotFoundError
from searcher.indexing.writer import IndexReport, build_index
from searcher.oneline import shown_dir


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
    ignore: dict,
) -> IndexReport:
    """Index `paths` (none: those indexed before) into the --index directory; print the summary.

    `ignore`: build_index's hidden, no_ignore and exclude (None: as the index remembers)."""
    location = resolve_index_dir(index)
    if not paths:
        _require_index_to_update(location)
    elif not location.explicit and not holds_users_index(location.directory):
        forget = forget + _start_users_index(location, paths, quiet)
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
            **ignore,
        )
    print(index_summary(report, location.directory))
    return report


def _require_index_to_update(location: IndexLocation) -> None:
    """`searcher index` alone updates an index: where there is none, say how to start one."""
    if not location.explicit:
        require_index(location)
    elif not has_index(location.directory):
        shown = shown_dir(location.directory)
        raise IndexNotFoundError(
            f"no index at {shown} yet; start one with: searcher index PATH --index {shown}"
        )


def _start_users_index(location: IndexLocation, paths: list[Path], quiet: bool) -> list[Path]:
    """The first `searcher index PATH` at the default location: says where the user's index
    is made. Returns what to forget: the samples an earlier version indexed there on its own
    (unless they are named now)."""
    if not quiet:
        notice(f"creating your index at {shown_dir(location.directory)} (elsewhere: --index DIR)")
    samples = samples_dir()
    named = {os.path.realpath(path) for path in paths}
    held = recorded_roots(location.directory) == [str(samples)]
    return [samples] if held and str(samples) not in named else []


def check_index_dir(index: Path | None) -> bool:
    """`searcher check`: what is damaged, one line each, and how to repair it; True if any."""
    from searcher.store.check import check_index

    location = resolve_index_dir(index)
    require_index(location)
    directory = location.directory
    report = check_index(directory)
    shown = shown_dir(directory)
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
    if report.no_text_layer:  # counted among the skipped, said apart: OCR would read them
        skipped += f" ({report.no_text_layer} without a text layer)"
    if report.missing_roots:
        skipped += f", {len(report.missing_roots)} folders missing (kept)"
    if report.images_without_ocr:
        skipped += f", {report.images_without_ocr} images not read (no OCR)"
    ignored = f", {report.ignored} ignored" if report.ignored else ""
    return (
        f"{report.files_new} new, {report.files_changed} changed, {report.files_removed} removed,"
        f" {report.files_unchanged} unchanged{skipped} files{ignored};"
        f" {report.passages} passages ({report.passages_added} added);"
        f" {report.index_bytes / 1e6:.1f} MB index at {shown_dir(directory)};"
        f" {report.seconds:.1f} s"
    )
