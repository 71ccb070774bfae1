"""Names on one line of a terminal or a message: every layer shows paths and ids this way.

A file name may hold a newline or a control character, and its undecodable bytes arrive as lone
surrogates (surrogateescape): all are shown as escapes (\\n, \\xff), never sent as they are.
"""

from __future__ import annotations

import json
import os
import re

# A file name's undecodable bytes arrive as lone surrogates (surrogateescape); JSON escapes in
# files can make them too. No encoder, segmenter or terminal takes them as they are.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def escaped(text: str, keep: str = "") -> str:
    """`text` with control characters and undecodable bytes as escapes, except those in `keep`
    (a passage keeps its line breaks), the rest as it is."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch in keep else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    if "\udc80" <= ch <= "\udcff":  # an undecodable byte of a file name: show the byte
        return f"\\x{ord(ch) - 0xDC00:02x}"
    return ch.encode("unicode_escape", "backslashreplace").decode("ascii")


def shown_path(path: str) -> str:
    """A path as a user would type it: relative below the working directory, else with ~ for
    the home folder, escaped."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        relative = path
    if not relative.startswith(".."):
        return escaped(relative)
    home = os.path.expanduser("~")
    if home not in ("", "/") and path.startswith(home + os.sep):
        return escaped("~" + path[len(home) :])
    return escaped(path)


def shown_dir(path: os.PathLike[str] | str) -> str:
    """A directory as shown_path shows it, with ./ before a relative one: "no index at ./index"
    reads as a place, where "no index at index" does not."""
    shown = shown_path(os.fspath(path))
    if os.path.isabs(shown) or shown.startswith(("~", "./", "../")) or shown in (".", ".."):
        return shown
    return f"./{shown}"


def without_surrogates(text: str) -> str:
    """`text` with each lone surrogate as U+FFFD, as text decoded with errors="replace" shows it."""
    return LONE_SURROGATE.sub("\ufffd", text)


def json_line(value: object) -> str:
    """`value` as one line of JSON, UTF-8 as written; lone surrogates as \\udcXX escapes keep
    the line valid UTF-8 and valid JSON, and json.loads gives the exact name back."""
    line = json.dumps(value, ensure_ascii=False)
    return LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", line)
