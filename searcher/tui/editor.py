"""The command that opens a file in the user's editor at a line: $VISUAL, then $EDITOR, then vi;
or a document (PDF, DOCX, EPUB, image) in a viewer: $SEARCHER_PDF_VIEWER for a PDF's page,
else the system's opener.

No Textual here; app.py calls run_editor() with the app suspended, run_viewer() without.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from searcher.errors import SearcherError

# Editors that take `--goto path:line` (VS Code and its forks) or `path:line` (Sublime Text);
# every other editor gets `+LINE path`, which vi, vim, nvim, nano, emacs, micro, kak and hx accept.
_GOTO_EDITORS = {"code", "code-insiders", "codium", "vscodium", "cursor", "windsurf"}
_COLON_EDITORS = {"subl", "sublime_text", "zed", "idea", "pycharm", "charm"}


def editor_command(path: str, line: int, environ: Mapping[str, str]) -> list[str]:
    """argv that opens `path` at `line`; raises SearcherError when there is no editor to run."""
    configured = environ.get("VISUAL") or environ.get("EDITOR") or ""
    try:
        editor = shlex.split(configured)
    except ValueError as err:
        raise SearcherError(f"cannot read the editor command {configured!r}: {err}") from err
    if not editor:
        fallback = shutil.which("vi")
        if fallback is None:
            raise SearcherError("no editor found; set $EDITOR, e.g. export EDITOR=nano")
        editor = [fallback]
    name = Path(editor[0]).name.removesuffix(".exe").lower()
    line = max(line, 1)
    if name in _GOTO_EDITORS:
        return [*editor, "--goto", f"{path}:{line}"]
    if name in _COLON_EDITORS:
        return [*editor, f"{path}:{line}"]
    return [*editor, f"+{line}", path]


def run_editor(argv: list[str], interactive: bool) -> str | None:
    """Run the editor and wait; a message if it could not run or failed. Never raises: the app
    must get its terminal back whatever happens. Not `interactive`: no terminal to hand over."""
    streams = {} if interactive else {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL}
    try:
        code = subprocess.call(argv, **streams)
    except OSError as err:
        return f"cannot run {argv[0]}: {err.strerror or err}; set $EDITOR to an editor you have"
    return f"{argv[0]} exited with status {code}" if code else None


def viewer_command(path: str, page: int, environ: Mapping[str, str]) -> list[str]:
    """argv that shows a document: a PDF at `page` with $SEARCHER_PDF_VIEWER, whose `{page}`
    (and `{path}`, else the path comes last) are filled in, e.g. `zathura --page={page}` or
    `evince --page-index={page}`; anything else with the system's opener, which takes no page."""
    configured = environ.get("SEARCHER_PDF_VIEWER", "") if page else ""
    if configured:
        try:
            words = shlex.split(configured)
        except ValueError as err:
            raise SearcherError(f"cannot read $SEARCHER_PDF_VIEWER {configured!r}: {err}") from err
        argv = [word.replace("{page}", str(page)).replace("{path}", path) for word in words]
        return argv if any("{path}" in word for word in words) else [*argv, path]
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    if shutil.which(opener) is None:
        raise SearcherError(
            f"no viewer found ({opener} is missing); set $SEARCHER_PDF_VIEWER, e.g."
            " export SEARCHER_PDF_VIEWER='zathura --page={page}'"
        )
    return [opener, path]


def run_viewer(argv: list[str]) -> str | None:
    """Start the viewer beside the app (a window of its own: the app keeps the terminal) and
    do not wait for it; a message if it could not start."""
    try:
        subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as err:
        return f"cannot run {argv[0]}: {err.strerror or err}; set $SEARCHER_PDF_VIEWER"
    return None
