"""What the search commands print: hits as text or JSON Lines, and the eval and stats reports.
Text is styled with plain ANSI codes (no Rich: importing it cost a fresh `searcher query`
15-35 ms), honouring --color, NO_COLOR, FORCE_COLOR and TERM.

JSON Lines wire format, one object per hit:
    {"rank", "score", "id", "path", "title", "paragraph", "line", "text", "highlights",
     "title_highlights"}
`highlights` is a list of [start, end) offsets into `text`, in code points (not bytes);
`title_highlights` the same into `title`. A code block of a Markdown file adds "kind": "code"
and, when its fence names one, "language". A passage of a PDF adds "page" (1-based) and has
"line": null; of a DOCX or an image, "line" is null and "paragraph" is the ¶N of its location;
of an EPUB, "chapter" is the chapter file in the book and "line" a line of it. Text read by OCR
adds "ocr": true and "ocr_confidence" (0-1). A hit standing for passages of the same text elsewhere
(collapsed, the default) adds "duplicates": how many, and "duplicate_locations": the first few
(up to 5) as "path:line" (or "path#id"), best first. With --group, "matches": the document's
matching passages; with --sort date, "modified": the file's time as indexed, "YYYY-MM-DD HH:MM".
-l, -c and -C are grep_output.py's; --explain adds "explain": {"tier", "parts": [...]}, each part
{"kind", "text", "score", "idf", "tf", "weight", "factor"} (search/hits.py: Explanation).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from searcher.cli.messages import say
from searcher.oneline import escaped, json_line, shown_dir, shown_path
from searcher.search import (
    Explanation,
    Hit,
    IndexStats,
    SearchResult,
    Span,
    best_window,
    place_suffix,
)

if TYPE_CHECKING:
    from searcher.search.evaluation import Evaluation

FRAGMENT_CHARS = 100  # a passage longer than this is shown as the window with the most matches

# Select Graphic Rendition codes of each part of a hit: (attributes, colour).
_STYLES = {
    "rank": ("1", ""),
    "title": ("1", "36"),
    "location": ("", "32"),
    "score": ("2", ""),
    "match": ("1", "31"),
    "context": ("2", ""),  # -C: neighbouring passages, dimmed
}


class Styler:
    """Wraps text in ANSI codes: every style, attributes only (NO_COLOR keeps bold), or none."""

    def __init__(self, color: str, stream: TextIO) -> None:
        environ = os.environ
        if color == "always":
            self.mode = "colour"
        elif color == "never":
            self.mode = "plain"
        elif not (environ.get("FORCE_COLOR") or _is_terminal(stream)):
            self.mode = "plain"
        elif environ.get("TERM") == "dumb" and not environ.get("FORCE_COLOR"):
            self.mode = "plain"
        else:
            self.mode = "attributes" if environ.get("NO_COLOR") else "colour"

    def __call__(self, text: str, style: str) -> str:
        if self.mode == "plain" or not text:
            return text
        attributes, colour = _STYLES[style]
        codes = ";".join(c for c in (attributes, colour if self.mode == "colour" else "") if c)
        return f"\x1b[{codes}m{text}\x1b[0m" if codes else text


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or fake stream
        return False


def hit_record(hit: Hit) -> dict[str, object]:
    record: dict[str, object] = {
        "rank": hit.rank,
        "score": hit.score,
        "id": hit.id,
        "path": hit.path,
        "title": hit.title,
        "paragraph": hit.paragraph,
        "line": hit.line or None,  # a PDF, DOCX or image has no lines
        "text": hit.text,
        "highlights": [[span.start_char, span.end_char] for span in hit.spans],
        "title_highlights": [[span.start_char, span.end_char] for span in hit.title_spans],
    }
    if hit.kind != "text":
        record["kind"] = hit.kind
        if hit.language:
            record["language"] = hit.language
    if hit.page:
        record["page"] = hit.page
    if hit.chapter:
        record["chapter"] = hit.chapter
    if hit.ocr_confidence:
        record["ocr"] = True
        record["ocr_confidence"] = hit.ocr_confidence
    if hit.duplicates:
        record["duplicates"] = hit.duplicates
        record["duplicate_locations"] = list(hit.duplicate_locations)
    if hit.matches:  # grouped by document
        record["matches"] = hit.matches
    if hit.modified:  # sorted by date
        record["modified"] = _date(hit.modified)
    return record


def highlighted(hit: Hit, full: bool, style: Styler) -> str:
    """The passage (or its best window) with every match styled; line breaks kept."""
    text = hit.text
    start, end = (0, len(text)) if full else best_window(len(text), hit.spans, FRAGMENT_CHARS)
    body = _styled(text, hit.spans, start, end, style, _body)
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def _styled(
    text: str,
    spans: tuple[Span, ...],
    start: int,
    end: int,
    style: Styler,
    shown: Callable[[str], str],
    plain: str | None = None,
) -> str:
    """text[start:end], each piece shown by `shown`: the spans in it styled as matches, the rest
    in style `plain` (or unstyled)."""

    def unmatched(piece: str) -> str:
        return style(shown(piece), plain) if plain else shown(piece)

    parts = []
    at = start
    for span in spans:  # ascending, not overlapping
        first, last = max(span.start_char, at), min(span.end_char, end)
        if first < last:
            parts += [unmatched(text[at:first]), style(shown(text[first:last]), "match")]
            at = last
    parts.append(unmatched(text[at:end]))
    return "".join(parts)


def _body(text: str) -> str:
    # A passage's own line breaks and tabs stay; any other control character (an escape
    # sequence in a document) is shown, never sent to the terminal.
    return escaped(text, keep="\n\t")


def print_result(result: SearchResult, full: bool, color: str, as_json: bool) -> None:
    """What `searcher query` prints: JSON Lines, or the styled hits, then the summary on stderr."""
    if as_json:
        for hit in result.hits:
            print(json_line(hit_record(hit)))
        if result.empty_filter:  # stdout carries hits only; why there are none goes to stderr
            say(summary(result))
    else:
        print_hits(result, full, Styler(color, sys.stdout))
        sys.stdout.flush()  # the hits before the summary, when both go to one pipe
        say(summary(result))
    sys.stdout.flush()


def print_hits(
    result: SearchResult,
    full: bool,
    style: Styler,
    context: dict[int, tuple[list[Hit], list[Hit]]] | None = None,
    explained: dict[int, Explanation] | None = None,
) -> None:
    """Each hit: its header, then its passage (or fragment); with `context` (-C), the
    neighbouring passages before and after it, dimmed; with `explained` (--explain), the
    parts of its score under it."""
    for hit in result.hits:
        header = (
            style(f"{hit.rank}. ", "rank")
            + _title(hit, style)
            + "  "
            + style(hit.location(), "location")
            + style(f"  score {hit.score:.2f}", "score")
            + (style(f"  also in {_places(hit.duplicates)}", "score") if hit.duplicates else "")
            + (style(f"  {_passages(hit.matches)} match", "score") if hit.matches else "")
            + (style(f"  modified {_date(hit.modified)}", "score") if hit.modified else "")
        )
        before, after = (context or {}).get(hit.rank, ([], []))
        lines = [header, *(_neighbour(other, style) for other in before)]
        lines += [f"   {highlighted(hit, full, style)}"]
        lines += [_neighbour(other, style) for other in after]
        if explained and hit.rank in explained:
            lines += [style(f"   {line}", "score") for line in explained[hit.rank].lines()]
        sys.stdout.write("\n".join(lines) + "\n\n")


def _neighbour(hit: Hit, style: Styler) -> str:
    """A passage around a hit (-C), dimmed, whole, with its line number (a PDF's page, p3; ¶N
    in a DOCX)."""
    place = place_suffix(hit.line, hit.page, "", hit.paragraph).removeprefix(":")
    return style(f"   {place}: {_body(hit.text)}", "context")


def _passages(count: int) -> str:
    return "1 passage" if count == 1 else f"{count} passages"


def _date(seconds: float) -> str:
    import time

    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds))


def _places(count: int) -> str:
    return "1 place" if count == 1 else f"{count} places"


def _title(hit: Hit, style: Styler) -> str:
    """The hit's title, its matches styled as in the passage; the file name if it has none."""
    if not hit.title:
        return style(escaped(Path(hit.path).name), "title")
    return _styled(hit.title, hit.title_spans, 0, len(hit.title), style, escaped, "title")


def summary(result: SearchResult) -> str:
    if result.empty_filter:
        took = f"{result.took_ms:.1f} ms"
        return f"0 matching passages in {took}: {result.empty_filter} matches nothing"
    shown = len(result.hits)
    partial = "" if result.all_words else " (no passage holds every word; showing partial matches)"
    order = (
        ", newest first" if result.sort == "date" else ", by path" if result.sort == "path" else ""
    )
    if result.documents:
        return (
            f"{shown} of {result.documents} matching documents ({result.total} passages)"
            f" in {result.took_ms:.1f} ms{order}{partial}"
        )
    return f"{shown} of {result.total} matching passages in {result.took_ms:.1f} ms{order}{partial}"


def print_evaluation(evaluation: Evaluation, as_json: bool) -> None:
    """What `searcher eval` prints: one JSON object, or a `name value` line per metric."""
    if as_json:
        print(json.dumps(evaluation.record(), ensure_ascii=False))
    else:
        print("\n".join(evaluation.summary_lines()))
    sys.stdout.flush()


def print_stats(stats: IndexStats, as_json: bool) -> None:
    """What `searcher stats` prints: one JSON object, or a line per property."""
    if as_json:
        print(json.dumps(dataclasses.asdict(stats), ensure_ascii=False))
    else:
        print("\n".join(_stats_lines(stats)))


def _stats_lines(stats: IndexStats) -> list[str]:
    import time

    return [
        f"index       {shown_dir(stats.directory)}",
        f"documents   {stats.documents}",
        f"passages    {stats.passages}",
        f"files       {stats.files}",
        f"size        {stats.size_bytes / 1e6:.1f} MB",
        f"updated     {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(stats.updated))}",
        f"sources     {', '.join(shown_path(r) for r in stats.roots) or '-'}",
        f"ignore      {_ignore_rules(stats.ignore)}",
        f"analysis    {json.dumps(stats.analysis, ensure_ascii=False, sort_keys=True)}",
        f"segmenter   {stats.segmenter}",
    ]


def _ignore_rules(rules: dict) -> str:
    """The rules the roots are walked with, and the `searcher index` options that set them."""
    no_ignore, hidden = rules.get("no_ignore"), rules.get("hidden")
    parts = [
        "ignore files not read (--no-ignore)" if no_ignore else "ignore files honoured",
        "hidden names indexed (--hidden)" if hidden else "hidden names skipped",
    ]
    if rules.get("exclude"):
        parts.append("--exclude " + " ".join(escaped(glob) for glob in rules["exclude"]))
    return ", ".join(parts)
