"""Which files to index: walk the paths the user named, each file once, never looping, leaving
out what the ignore rules say (ignore.py) and hidden names.

The first step of indexing; formats.py reads what this finds.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from searcher.errors import describe_os_error
from searcher.ingest.documents import DOCUMENT_SUFFIXES, TEXT_SUFFIXES
from searcher.ingest.ignore import IGNORE_FILES, Folder, IgnoreRules, IgnoreWalk

SUPPORTED_SUFFIXES = TEXT_SUFFIXES + DOCUMENT_SUFFIXES

_OnError = Callable[[Path, str], None]


@dataclass(frozen=True)
class SourceFile:
    path: Path
    size: int
    mtime_ns: int


def discover_files(
    paths: Iterable[Path],
    on_error: _OnError,
    follow: bool = False,
    rules: IgnoreRules | None = None,
    on_ignored: Callable[[Path], None] | None = None,
) -> Iterator[SourceFile]:
    """Yield each file once, in path order: files named in `paths` whatever their suffix or
    the rules, and the files of folders named, without what `rules` leave out.

    Symbolic links inside a folder are not followed unless `follow` (as ripgrep): a link can
    lead out of the folder, to /etc or another user's files. Paths named explicitly are.
    `on_ignored` hears of each file or folder left out (a folder's contents are not walked).
    """
    named = [Path(path) for path in paths]
    walk = _Walk(IgnoreWalk(rules or IgnoreRules(), on_error), on_ignored, follow)
    walk.named_files = {key for path in named if (key := _file_key(path)) is not None}
    for root in named:
        yield from walk.root(root)


def _file_key(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None


class _Walk:
    """One walk over the named paths, each file yielded once, never looping."""

    def __init__(
        self, ignore: IgnoreWalk, on_ignored: Callable[[Path], None] | None, follow: bool
    ) -> None:
        self.ignore = ignore
        self.on_error = ignore.on_error
        self.on_ignored = on_ignored or (lambda path: None)
        self.follow = follow
        self.seen: set[tuple[int, int]] = set()  # (st_dev, st_ino): folders walked, files yielded
        # Files named explicitly, yielded as such: a folder's walk passes them by, so one that a
        # rule would leave out is neither lost nor counted as ignored.
        self.named_files: set[tuple[int, int]] = set()

    def root(self, path: Path) -> Iterator[SourceFile]:
        """A path named explicitly: a file whatever its suffix, a folder walked; links followed."""
        try:
            st = os.stat(path)
        except OSError as err:  # a missing argument, a dangling link
            self.on_error(path, describe_os_error(err))
            return
        key = (st.st_dev, st.st_ino)
        if key in self.seen:  # overlapping arguments
            return
        if stat.S_ISDIR(st.st_mode):
            self.seen.add(key)
            names, ignore_files = self._listing(path)
            yield from self._folder(path, self.ignore.root(path, ignore_files), names)
        elif not stat.S_ISREG(st.st_mode):
            self.on_error(path, "not a regular file")  # reading a FIFO would block forever
        else:
            self.seen.add(key)
            yield SourceFile(path=path, size=st.st_size, mtime_ns=st.st_mtime_ns)

    def _folder(self, top: Path, folder: Folder, names: list[str]) -> Iterator[SourceFile]:
        # A stack of sorted listings, not recursion: depth is unbounded, and depth-first over
        # name-sorted entries is exactly Path order ("a/b.txt" before "a.txt").
        stack = [(top, folder, iter(names))]
        while stack:
            directory, folder, entries = stack[-1]
            name = next(entries, None)
            if name is None:
                stack.pop()
                continue
            path = directory / name
            wanted = name.lower().endswith(SUPPORTED_SUFFIXES)
            try:
                st = os.stat(path) if self.follow else os.lstat(path)
            except OSError as err:
                if wanted:  # a dangling link, a file gone mid-walk
                    self.on_error(path, describe_os_error(err))
                continue
            key = (st.st_dev, st.st_ino)
            is_dir = stat.S_ISDIR(st.st_mode)
            if key in self.seen or key in self.named_files:  # a loop, a second name, a root
                continue
            if stat.S_ISLNK(st.st_mode) or not (is_dir or wanted):  # links are not followed
                continue
            if folder.ignores(name, is_dir):
                self.on_ignored(path)
            elif is_dir:
                self.seen.add(key)
                names, ignore_files = self._listing(path)
                stack.append((path, self.ignore.enter(folder, path, ignore_files), iter(names)))
            elif not stat.S_ISREG(st.st_mode):
                self.on_error(path, "not a regular file")
            else:
                self.seen.add(key)
                yield SourceFile(path=path, size=st.st_size, mtime_ns=st.st_mtime_ns)

    def _listing(self, directory: Path) -> tuple[list[str], list[str]]:
        """The sorted names to walk in `directory`, and the ignore files it holds. Hidden names
        are left out (and counted) unless the rules say --hidden."""
        names, ignore_files = [], []
        hidden = self.ignore.rules.hidden
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    name = entry.name
                    if name in IGNORE_FILES:
                        ignore_files.append(name)
                    if hidden or not name.startswith("."):
                        names.append(name)
                    elif self._counts_as_ignored(entry):
                        self.on_ignored(Path(entry.path))
        except OSError as err:
            self.on_error(directory, describe_os_error(err))
            return [], []
        return sorted(names), ignore_files

    def _counts_as_ignored(self, entry: os.DirEntry) -> bool:
        """Whether a hidden entry is a folder or a document (not one named explicitly), from
        the listing itself: no stat on most file systems."""
        try:
            if entry.is_dir(follow_symlinks=False):
                return True
            if not entry.name.lower().endswith(SUPPORTED_SUFFIXES):
                return False
            if self.named_files:
                st = entry.stat(follow_symlinks=False)
                return (st.st_dev, st.st_ino) not in self.named_files
        except OSError:  # gone meanwhile
            return False
        return True
