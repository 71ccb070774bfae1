"""Which files to index: walk the paths the user named, each file once, never looping.

The first step of indexing; documents.py reads what this finds.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from searcher.errors import describe_os_error

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".jsonl", ".html", ".htm")

_OnError = Callable[[Path, str], None]


@dataclass(frozen=True)
class SourceFile:
    path: Path
    size: int
    mtime_ns: int


def discover_files(
    paths: Iterable[Path], on_error: _OnError, follow: bool = False
) -> Iterator[SourceFile]:
    """Yield each file once: explicit files whatever their suffix, directories in path order.

    Symbolic links inside a folder are not followed unless `follow` (as ripgrep): a link can
    lead out of the folder, to /etc or another user's files. Paths named explicitly are.
    """
    seen: set[tuple[int, int]] = set()  # (st_dev, st_ino) of directories walked and files yielded
    for root in paths:
        # A stack of sorted listings, not recursion: depth is unbounded, and depth-first over
        # name-sorted entries is exactly Path order ("a/b.txt" before "a.txt").
        stack = [iter([Path(root)])]
        while stack:
            path = next(stack[-1], None)
            if path is None:
                stack.pop()
                continue
            explicit = len(stack) == 1
            wanted = explicit or path.name.lower().endswith(SUPPORTED_SUFFIXES)
            try:
                st = os.stat(path) if explicit or follow else os.lstat(path)
            except OSError as err:
                if wanted:  # a missing argument, a dangling link, a file gone mid-walk
                    on_error(path, describe_os_error(err))
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen:  # a symlink loop, overlapping arguments, a second name for a file
                continue
            if stat.S_ISLNK(st.st_mode):  # not followed
                continue
            if stat.S_ISDIR(st.st_mode):
                seen.add(key)
                stack.append(iter(_listing(path, on_error)))
            elif not wanted:
                continue
            elif not stat.S_ISREG(st.st_mode):
                on_error(path, "not a regular file")  # reading a FIFO would block forever
            else:
                seen.add(key)
                yield SourceFile(path=path, size=st.st_size, mtime_ns=st.st_mtime_ns)


def _listing(directory: Path, on_error: _OnError) -> list[Path]:
    try:
        with os.scandir(directory) as entries:
            names = sorted(e.name for e in entries if not e.name.startswith("."))
    except OSError as err:
        on_error(directory, describe_os_error(err))
        return []
    return [directory / name for name in names]
