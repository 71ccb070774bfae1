"""Text and JSON Lines output of hits. Text goes through Rich, which honours NO_COLOR.

JSON Lines wire format, one object per hit:
    {"rank", "score", "id", "path", "title", "paragraph", "line", "text", "highlights"}
`highlights` is a list of [start, end) offsets into `text`, in code points (not bytes).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from searcher.search import Hit, IndexStats, SearchResult, best_window

if TYPE_CHECKING:  # Rich is imported where used: `--json` and `batch` never pay its 15 ms
    from rich.console import Console
    from rich.text import Text

    from searcher.indexing.writer import IndexReport

FRAGMENT_CHARS = 100  # a passage longer than this is shown as the window with the most matches
MATCH_STYLE = "bold red"


def make_console(color: str, on_broken_pipe: Callable[[], None]) -> Console:
    """A Rich console for stdout: colour per --color (auto honours NO_COLOR and a pipe)."""
    from rich.console import Console

    force = {"always": True, "never": False}.get(color)
    console = Console(
        force_terminal=force,
        # "always" means it even where TERM=dumb would make Rich's detection drop every style.
        color_system="standard" if color == "always" else "auto",
        no_color=color == "never" or None,
        highlight=False,
        soft_wrap=False,
    )
    console.on_broken_pipe = on_broken_pipe
    return console


def hit_record(hit: Hit) -> dict[str, object]:
    return {
        "rank": hit.rank,
        "score": hit.score,
        "id": hit.id,
        "path": hit.path,
        "title": hit.title,
        "paragraph": hit.paragraph,
        "line": hit.line,
        "text": hit.text,
        "highlights": [[span.start_char, span.end_char] for span in hit.spans],
    }


# A file name's undecodable bytes arrive as lone surrogates (surrogateescape). As \\udcff escapes
# they keep the line valid UTF-8 and valid JSON, and json.loads gives the exact name back.
_SURROGATES = re.compile("[\ud800-\udfff]")


def json_line(record: dict[str, object]) -> str:
    line = json.dumps(record, ensure_ascii=False)
    return _SURROGATES.sub(lambda m: f"\\u{ord(m.group()):04x}", line)


def escaped(text: str) -> str:
    """Text for one line of a terminal: control characters and undecodable bytes as escapes."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    if "\udc80" <= ch <= "\udcff":  # an undecodable byte of a file name: show the byte
        return f"\\x{ord(ch) - 0xDC00:02x}"
    return ch.encode("unicode_escape", "backslashreplace").decode("ascii")


def display_path(path: str) -> str:
    """A path relative to the working directory when it lies below it, as a user would type it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    shown = path if relative.startswith("..") else relative
    # A newline or control character in a file name must not break the one-line layout.
    return escaped(shown)


def location(hit: Hit) -> str:
    if hit.id != hit.path:  # a JSONL record: its id says where it is
        return f"{display_path(hit.path)}#{escaped(hit.id)}"
    return f"{display_path(hit.path)}:{hit.line}"


def highlighted(hit: Hit, full: bool) -> Text:
    from rich.text import Text

    text = hit.text
    start, end = (0, len(text)) if full else best_window(len(text), hit.spans, FRAGMENT_CHARS)
    body = Text(text[start:end])
    for span in hit.spans:
        if span.end_char > start and span.start_char < end:
            body.stylize(
                MATCH_STYLE, max(span.start_char, start) - start, min(span.end_char, end) - start
            )
    if not full:
        body = Text.assemble("…" if start > 0 else "", body, "…" if end < len(text) else "")
    return body


def print_hits(console: Console, result: SearchResult, full: bool) -> None:
    from rich.text import Text

    for hit in result.hits:
        header = Text.assemble(
            (f"{hit.rank}. ", "bold"),
            (escaped(hit.title or Path(hit.path).name), "bold cyan"),
            "  ",
            (location(hit), "green"),
            (f"  score {hit.score:.2f}", "dim"),
        )
        console.print(header, soft_wrap=True)
        console.print(Text("   ").append_text(highlighted(hit, full)), soft_wrap=not full)
        console.print()


def summary(result: SearchResult) -> str:
    shown = len(result.hits)
    partial = "" if result.all_words else " (no passage holds every word; showing partial matches)"
    return f"{shown} of {result.total} matching passages in {result.took_ms:.1f} ms{partial}"


def index_summary(report: IndexReport, directory: Path) -> str:
    """The one line `searcher index` ends with: what changed, what the index holds, how long."""
    skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
    return (
        f"{report.files_new} new, {report.files_changed} changed, {report.files_removed} removed,"
        f" {report.files_unchanged} unchanged{skipped} files;"
        f" {report.passages} passages ({report.passages_added} added);"
        f" index {report.index_bytes / 1e6:.1f} MB in {directory}; {report.seconds:.1f} s"
    )


def stats_lines(stats: IndexStats) -> list[str]:
    import time

    return [
        f"index       {stats.directory}",
        f"documents   {stats.documents}",
        f"passages    {stats.passages}",
        f"files       {stats.files}",
        f"size        {stats.size_bytes / 1e6:.1f} MB",
        f"updated     {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(stats.updated))}",
        f"sources     {', '.join(display_path(r) for r in stats.roots) or '-'}",
        f"analysis    {json.dumps(stats.analysis, ensure_ascii=False, sort_keys=True)}",
        f"segmenter   {stats.segmenter}",
    ]
