"""Fault injection for the reliability tests: a crash at a named call, an OSError from a named call,
and file systems that refuse (read-only, full, no permission), all usable as root, where chmod
changes nothing. Targets are written "module:attribute" or "module:Class.attribute".

pause_at() is not a fault: it holds a child process inside its work until the test signals it.

Every fault proves it happened: crash_during() returns 137 only when the child died at the call,
and raise_on_call() and refused() are context managers that fail on exit if their fault never
fired, and count how often it did (Fault.fired) for the test to assert the exact number.
"""

from __future__ import annotations

import builtins
import errno
import importlib
import io
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


def _owner(target: str) -> tuple[object, str]:
    module_name, _, path = target.partition(":")
    owner: object = importlib.import_module(module_name)
    *classes, attribute = path.split(".")
    for name in classes:
        owner = getattr(owner, name)
    return owner, attribute


@dataclass
class Fault:
    """What an injected fault did so far: `calls` of its target seen, `fired` of them failed."""

    target: str
    calls: int = 0
    fired: int = 0


def _on_call(
    target: str, at: int, act: Callable[[], object], times: int | None = None
) -> tuple[object, str, Callable, Fault]:
    """(owner, attribute, replacement, fault): the replacement calls act() at the at-th call
    and `times` - 1 more (None: every call from then on), counting them in `fault`."""
    owner, attribute = _owner(target)
    original = getattr(owner, attribute)
    fault = Fault(target)

    def replacement(*args: object, **kwargs: object) -> object:
        fault.calls += 1
        if fault.calls >= at and (times is None or fault.calls < at + times):
            fault.fired += 1
            act()
        return original(*args, **kwargs)

    return owner, attribute, replacement, fault


def crash_during(run: Callable[[], object], target: str, at: int = 1) -> int:
    """Call run() in a forked child that dies at the at-th call of `target` the way SIGKILL kills:
    os._exit, no finally blocks, no atexit, no flushing. Returns the child's exit code: 137 when
    it died there, 0 when run() finished first."""
    pid = os.fork()
    if pid == 0:
        try:
            owner, attribute, replacement, _ = _on_call(target, at, lambda: os._exit(137))
            setattr(owner, attribute, replacement)
            run()
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


PAUSED = "paused in "  # what pause_at() writes to stderr, followed by the target


def pause_at(target: str, at: int = 1) -> None:
    """For good, in this process: the at-th call of `target` writes "paused in TARGET" to stderr
    and waits until a signal ends the wait (SIGINT raises KeyboardInterrupt there), or until
    stdin closes. For the child processes of signal tests (paused.py), never for the test's own."""

    def wait() -> None:
        print(f"{PAUSED}{target}", file=sys.stderr, flush=True)
        os.read(0, 1)

    owner, attribute, replacement, _ = _on_call(target, at, wait, times=1)
    setattr(owner, attribute, replacement)


@contextmanager
def raise_on_call(
    target: str, error: BaseException, at: int = 1, times: int | None = None
) -> Iterator[Fault]:
    """Within the block, `target` raises `error` at its at-th call and `times` - 1 more (None:
    from then on). Fails on leaving the block if it never raised: the test tested nothing."""

    def fail() -> None:
        raise error

    owner, attribute, replacement, fault = _on_call(target, at, fail, times)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(owner, attribute, replacement)
        yield fault
    assert fault.fired, f"{target} was called {fault.calls} times and never raised {error!r}"


class _Refusal:
    """Which file calls fail, and the failing stand-ins for open, os.open and friends."""

    def __init__(self, under: Path, code: int, writes_only: bool, after: int) -> None:
        self.prefix, self.code, self.writes_only, self.after = str(under), code, writes_only, after
        self.fault = Fault(f"file calls under {under}")
        self.real_open, self.real_os_open = builtins.open, os.open

    def hit(self, path: object, writing: bool) -> bool:
        if not isinstance(path, str | bytes | os.PathLike):
            return False  # a file descriptor
        name = os.fsdecode(os.path.abspath(path))
        if self.code == errno.ENOSPC and name.endswith("MAIN_WRITELOCK"):
            return False
        if not name.startswith(self.prefix) or not (writing or not self.writes_only):
            return False
        self.fault.calls += 1
        if self.fault.calls <= self.after:
            return False
        self.fault.fired += 1
        return True

    def error(self, path: object) -> OSError:
        return OSError(self.code, os.strerror(self.code), os.fsdecode(path))

    def open(self, file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if self.hit(file, any(c in mode for c in "wax+")):
            raise self.error(file)
        return self.real_open(file, mode, *args, **kwargs)

    def os_open(self, path: object, flags: int, *args: object, **kwargs: object) -> int:
        if self.hit(path, bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))):
            raise self.error(path)
        return self.real_os_open(path, flags, *args, **kwargs)

    def writer(self, name: str) -> Callable:
        real = getattr(os, name)

        def fake(path: object, *args: object, **kwargs: object) -> object:
            if self.hit(path, True):
                if name == "mkdir" and os.path.exists(path):
                    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), path)
                raise self.error(path)
            return real(path, *args, **kwargs)

        return fake


@contextmanager
def refused(under: Path, code: int, writes_only: bool, after: int = 0) -> Iterator[Fault]:
    """Within the block, opening, creating, renaming or removing files at or under `under` fails
    with errno `code` (writes only, or reads too) from the (after+1)-th such call on: what a
    read-only mount (EROFS), a full disk (ENOSPC) or lost permissions (EACCES) do. A full disk
    still lets the existing lock file open, and mkdir of an existing directory says EEXIST, as the
    kernel does. Fails on leaving the block if no call was refused.
    """
    refusal = _Refusal(under, code, writes_only, after)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(builtins, "open", refusal.open)
        patch.setattr(io, "open", refusal.open)  # pathlib opens through io.open
        patch.setattr(os, "open", refusal.os_open)
        for name in ("mkdir", "rename", "replace", "unlink", "rmdir"):
            patch.setattr(os, name, refusal.writer(name))
        yield refusal.fault
    fault = refusal.fault
    assert fault.fired, f"{fault.calls} file calls under {under}, none refused (after={after})"
