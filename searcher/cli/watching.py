"""`searcher watch` around indexing/watcher.py: which index, and a status line per commit.

Everything goes to stderr (stdout stays empty: watch prints no results). Ctrl+C ends it with
exit 130; build_index's commit is atomic, so the last commit stands.
"""

from __future__ import annotations

import time
from pathlib import Path

from searcher.cli.indexing import index_summary
from searcher.cli.location import has_index, resolve_index_dir
from searcher.cli.messages import notice
from searcher.errors import IndexNotFoundError
from searcher.indexing.report import IndexReport
from searcher.oneline import shown_dir


def watch_paths(paths: list[Path], index: Path | None, quiet: bool) -> None:
    """Index `paths` (none: the index's roots) into the --index directory, then follow them."""
    from searcher.indexing.watcher import watch_index

    directory = resolve_index_dir(index).directory
    if not paths and not has_index(directory):
        shown = shown_dir(directory)
        raise IndexNotFoundError(
            f"no index at {shown} yet; name what to watch: searcher watch PATH --index {shown}"
        )

    def ready(report: IndexReport) -> None:
        notice(index_summary(report, directory))
        roots = ", ".join(report.roots)
        notice(f"watching {roots} for changes; Ctrl+C stops")

    watch_index(
        paths,
        directory,
        on_ready=ready,
        on_commit=lambda report: notice(commit_status(report)),
        warn=None if quiet else notice,
    )


def commit_status(report: IndexReport) -> str:
    """The line a commit prints: when, what changed, what the index holds, how long it took."""
    return (
        f"{time.strftime('%H:%M:%S')} committed: {report.files_new} new,"
        f" {report.files_changed} changed, {report.files_removed} removed;"
        f" {report.passages} passages; {report.seconds:.2f} s"
    )
