"""The progress bar of `searcher index`: on stderr, only when it is a terminal."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

Progress = Callable[[int, int], None]  # (bytes read, bytes to read)


@contextlib.contextmanager
def progress_bar(quiet: bool, label: str = "indexing") -> Iterator[Progress | None]:
    """A callback that draws a bar once indexing reports progress; None when quiet or piped.
    `label` other than "indexing" counts items (push: passages), not bytes."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TimeRemainingColumn,
    )

    bar = Progress(
        label,
        BarColumn(),
        DownloadColumn() if label == "indexing" else MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = None

    def update(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task(label, total=total)
        bar.update(task, completed=done, total=total)

    try:
        yield update
    finally:
        bar.stop()
