"""Fault injection for the reliability tests: a crash at a named call, an OSError from a named call,
and file systems that refuse (read-only, full, no permission), all usable as root, where chmod
changes nothing. Targets are written "module:attribute" or "module:Class.attribute".
"""

from __future__ import annotations

import builtins
import errno
import importlib
import io
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _owner(target: str) -> tuple[object, str]:
    module_name, _, path = target.partition(":")
    owner: object = importlib.import_module(module_name)
    *classes, attribute = path.split(".")
    for name in classes:
        owner = getattr(owner, name)
    return owner, attribute


def _on_call(
    target: str, at: int, act: Callable[[], object], times: int | None = None
) -> tuple[object, str, Callable]:
    """(owner, attribute, replacement): the replacement calls act() at the at-th call and
    `times` - 1 more (None: every call from then on)."""
    owner, attribute = _owner(target)
    original = getattr(owner, attribute)
    calls = 0

    def replacement(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls >= at and (times is None or calls < at + times):
            act()
        return original(*args, **kwargs)

    return owner, attribute, replacement


def crash_during(run: Callable[[], object], target: str, at: int = 1) -> int:
    """Call run() in a forked child that dies at the at-th call of `target` the way SIGKILL kills:
    os._exit, no finally blocks, no atexit, no flushing. Returns the child's exit code: 137 when
    it died there, 0 when run() finished first."""
    pid = os.fork()
    if pid == 0:
        try:
            owner, attribute, replacement = _on_call(target, at, lambda: os._exit(137))
            setattr(owner, attribute, replacement)
            run()
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def raise_on_call(
    monkeypatch: pytest.MonkeyPatch,
    target: str,
    error: BaseException,
    at: int = 1,
    times: int | None = None,
) -> None:
    """`target` raises `error` at its at-th call and `times` - 1 more (None: from then on)."""

    def fail() -> None:
        raise error

    owner, attribute, replacement = _on_call(target, at, fail, times)
    monkeypatch.setattr(owner, attribute, replacement)


@contextmanager
def refused(
    monkeypatch: pytest.MonkeyPatch, under: Path, code: int, writes_only: bool, after: int = 0
) -> Iterator[None]:
    """Opening, creating, renaming or removing files at or under `under` fails with errno `code`
    (writes only, or reads too) from the (after+1)-th such call on: what a read-only mount
    (EROFS), a full disk (ENOSPC) or lost permissions (EACCES) do. A full disk still lets the
    existing lock file open, and mkdir of an existing directory says EEXIST, as the kernel does.
    """
    prefix = str(under)
    calls = 0

    def hit(path: object, writing: bool) -> bool:
        nonlocal calls
        if not isinstance(path, str | bytes | os.PathLike):
            return False  # a file descriptor
        name = os.fsdecode(os.path.abspath(path))
        if code == errno.ENOSPC and name.endswith("MAIN_WRITELOCK"):
            return False
        if name.startswith(prefix) and (writing or not writes_only):
            calls += 1
            return calls > after
        return False

    def error(path: object) -> OSError:
        return OSError(code, os.strerror(code), os.fsdecode(path))

    real_open, real_os_open = builtins.open, os.open

    def fake_open(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if hit(file, any(c in mode for c in "wax+")):
            raise error(file)
        return real_open(file, mode, *args, **kwargs)

    def fake_os_open(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if hit(path, bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))):
            raise error(path)
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(io, "open", fake_open)  # pathlib opens through io.open
    monkeypatch.setattr(os, "open", fake_os_open)
    for name in ("mkdir", "rename", "replace", "unlink", "rmdir"):
        real = getattr(os, name)

        def fake(
            path: object, *args: object, _real: Callable = real, _name: str = name, **kwargs: object
        ) -> object:
            if hit(path, True):
                if _name == "mkdir" and os.path.exists(path):
                    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), path)
                raise error(path)
            return _real(path, *args, **kwargs)

        monkeypatch.setattr(os, name, fake)
    try:
        yield
    finally:
        monkeypatch.undo()
