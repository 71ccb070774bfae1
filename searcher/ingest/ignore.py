"""What a walk leaves out, as ripgrep does: the patterns of ignore files in every folder walked,
hidden names, and --exclude globs. sources.py asks, folder by folder, as it walks.

The rules are recorded with the index (indexing/writer.py), so a later run applies the same.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from searcher.errors import IgnorePatternError, describe_os_error

# Read in this order within a folder, so a later file's patterns override an earlier one's, as
# ripgrep's .ignore overrides .gitignore; deeper folders override shallower ones.
IGNORE_FILES = (".gitignore", ".ignore", ".searcherignore")

# A pattern file, not a document: one this large is a mistake (or /dev/zero behind a link).
_MAX_IGNORE_FILE_BYTES = 1024 * 1024

_OnError = Callable[[Path, str], None]

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec


@dataclass(frozen=True)
class IgnoreRules:
    """How a walk chooses: what `searcher index --hidden/--no-ignore/--exclude` said."""

    hidden: bool = False  # walk hidden files and folders (names starting with a dot) too
    no_ignore: bool = False  # do not read ignore files
    exclude: tuple[str, ...] = ()  # gitignore-style globs, relative to each root

    def __post_init__(self) -> None:
        for glob in self.exclude:
            try:
                _spec([glob])
            except ValueError as err:
                raise IgnorePatternError(
                    f"--exclude {glob!r} is not a gitignore-style glob ({err})"
                ) from err

    def replaced(
        self,
        hidden: bool | None = None,
        no_ignore: bool | None = None,
        exclude: Sequence[str] | None = None,
    ) -> IgnoreRules:
        """These rules with what a run said instead (None: as they are). `exclude` replaces
        the list as a whole, so a run can drop a glob as well as add one."""
        return IgnoreRules(
            self.hidden if hidden is None else hidden,
            self.no_ignore if no_ignore is None else no_ignore,
            self.exclude if exclude is None else tuple(exclude),
        )

    def as_json(self) -> dict:
        return {"hidden": self.hidden, "no_ignore": self.no_ignore, "exclude": list(self.exclude)}

    @classmethod
    def from_json(cls, value: object) -> IgnoreRules:
        """The rules an index recorded; the defaults for one that recorded none (written before
        ignore rules existed), and without a glob that no longer compiles."""
        if not isinstance(value, dict):
            return cls()
        globs = value.get("exclude")
        if not isinstance(globs, list):
            globs = []
        kept = tuple(glob for glob in globs if isinstance(glob, str) and _compiles(glob))
        return cls(value.get("hidden") is True, value.get("no_ignore") is True, kept)


@dataclass(frozen=True)
class Folder:
    """A folder being walked: its path below the root and the patterns that apply in it.

    `specs` are (where the pattern file's folder starts in a root-relative path, its patterns),
    deepest first: the first that decides about a path, for or against, wins.
    """

    prefix: str  # "" for the root, else "a/b/"
    specs: tuple[tuple[int, GitIgnoreSpec], ...]
    excludes: GitIgnoreSpec | None

    def ignores(self, name: str, is_dir: bool) -> bool:
        """Whether the entry `name` of this folder is left out by an --exclude glob, else by
        the deepest ignore file with a pattern that matches it (a `!pattern` keeps it)."""
        specs = self.specs
        if not specs and self.excludes is None:  # no rule here: the walk pays nothing more
            return False
        path = f"{self.prefix}{name}/" if is_dir else f"{self.prefix}{name}"
        if self.excludes is not None and self.excludes.match_file(path):
            return True
        if not specs:
            return False
        for start, spec in specs[:-1]:
            include = spec.check_file(path[start:]).include
            if include is not None:
                return include
        # The last word needs no "undecided": match_file, at 2/3 of check_file's cost, is what
        # a folder with one ignore file above it (the usual case) pays per entry.
        start, spec = specs[-1]
        return spec.match_file(path[start:])


class IgnoreWalk:
    """The rules of one walk: each folder entered gets its own ignore files' patterns on top
    of those of the folders above it, up to the root; --exclude globs apply below every root."""

    def __init__(self, rules: IgnoreRules, on_error: _OnError) -> None:
        self.rules = rules
        self.on_error = on_error
        self._excludes = _spec(rules.exclude) if rules.exclude else None

    def root(self, directory: Path, ignore_files: Sequence[str]) -> Folder:
        """The root folder `directory`, which holds `ignore_files` (names of IGNORE_FILES)."""
        return self._folder(Folder("", (), self._excludes), "", directory, ignore_files)

    def enter(self, parent: Folder, directory: Path, ignore_files: Sequence[str]) -> Folder:
        """The folder `directory`, an entry of `parent`."""
        return self._folder(parent, f"{parent.prefix}{directory.name}/", directory, ignore_files)

    def _folder(
        self, parent: Folder, prefix: str, directory: Path, ignore_files: Sequence[str]
    ) -> Folder:
        spec = None
        if ignore_files and not self.rules.no_ignore:
            spec = _read_patterns(directory, ignore_files, self.on_error)
        specs = parent.specs if spec is None else ((len(prefix), spec), *parent.specs)
        return Folder(prefix, specs, self._excludes)


def _read_patterns(
    directory: Path, names: Sequence[str], on_error: _OnError
) -> GitIgnoreSpec | None:
    lines: list[str] = []
    for name in IGNORE_FILES:
        if name in names:
            lines += _read_lines(directory / name, on_error)
    if not lines:
        return None
    try:
        return _spec(lines)
    except ValueError:  # a line git would skip ("!", a lone backslash): skip it alone
        return _spec([line for line in lines if _compiles(line)])


def _read_lines(path: Path, on_error: _OnError) -> list[str]:
    try:
        # O_NONBLOCK: opening a FIFO named .gitignore would otherwise wait for a writer forever.
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                on_error(path, "ignore file is not a regular file; its patterns are not used")
                return []
            data = handle.read(_MAX_IGNORE_FILE_BYTES + 1)
    except OSError as err:
        on_error(path, f"ignore file not read ({describe_os_error(err)})")
        return []
    if len(data) > _MAX_IGNORE_FILE_BYTES:
        on_error(path, "ignore file over 1 MB; its patterns are not used")
        return []
    # As file names arrive (surrogateescape), so a pattern matches the name it was written for.
    return data.decode("utf-8", "surrogateescape").removeprefix("\ufeff").splitlines()


def _compiles(line: str) -> bool:
    try:
        _spec([line])
    except ValueError:
        return False
    return True


def _spec(lines: Sequence[str]) -> GitIgnoreSpec:
    """Compiled patterns. pathspec is imported on first use: a walk with no ignore file and
    no --exclude never pays its 10-20 ms import."""
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(lines)
