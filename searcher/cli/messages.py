"""What the command line says on stderr: `searcher: <message>`, one line each, or under --json one
JSON object per error. stdout carries results only.
"""

from __future__ import annotations

import json
import os
import sys


def say(line: str) -> None:
    """`line` on stderr, flushed, so it lands after the results already printed to a shared pipe."""
    print(line, file=sys.stderr, flush=True)


def notice(message: str) -> None:
    """A warning or a note: `searcher: <message>`."""
    say(f"searcher: {message}")


def report_error(message: str, as_json: bool) -> None:
    """An error in one line: {"error": message} for a --json reader, else `searcher: <message>`."""
    if as_json:
        say(json.dumps({"error": message}, ensure_ascii=False))
    else:
        notice(message)


def discard_stdout() -> None:
    """Point stdout at /dev/null, once its reader has gone, so flushing it at exit cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a file (a test runner's buffer)
        pass
