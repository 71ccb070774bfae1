"""A Hit as Textual Content: text and title with the engine's spans highlighted, snippets and
locations.

The widgets (result_list, passage_view, document_view) build what they show from these. Styles
name theme variables, so matches follow the dark or light theme.
"""

from __future__ import annotations

import os

from rich.cells import cell_len
from textual.content import Content

from searcher.ingest.titles import SEPARATOR
from searcher.oneline import escaped
from searcher.search import Hit, Span, best_window, place_suffix

MATCH_STYLE = "bold $text-warning on $warning-muted"
CURRENT_MATCH_STYLE = "bold $background on $text-warning"  # the match n/N stopped at
# Neighbouring paragraphs around a passage. Not $text-muted: that is an "auto" colour, which a
# Content span draws at full strength.
CONTEXT_STYLE = "$foreground-muted"
LOCATION_STYLE = "$text-secondary"
_WINDOW_SPANS = 32

# Control characters other than newline would be dropped by Content and shift every offset after
# them; a space keeps offsets equal to the engine's code points.
_CONTROLS = {code: " " for code in [*range(0, 10), *range(11, 32), *range(0x7F, 0xA0)]}


def display_text(text: str) -> str:
    """`text` with control characters (but not newlines) as spaces: same length, same offsets."""
    return text.translate(_CONTROLS)


def highlighted(
    text: str,
    spans: tuple[Span, ...],
    start: int = 0,
    end: int | None = None,
    style: str = MATCH_STYLE,
) -> Content:
    """text[start:end] with every span that falls inside it styled."""
    end = len(text) if end is None else end
    content = Content(display_text(text[start:end]))
    for span in spans:
        if span.end_char > start and span.start_char < end:
            content = content.stylize(
                style, max(span.start_char, start) - start, min(span.end_char, end) - start
            )
    return content


def title_content(hit: Hit, start: int = 0) -> Content:
    """The hit's title path from `start` on one line (escaped), bold, its matches styled as in
    the passage."""
    title = hit.title
    pieces: list[tuple[str, str]] = []
    at = start
    for span in hit.title_spans:  # ascending, not overlapping
        if span.end_char <= start:
            continue
        pieces.append((escaped(title[at : max(span.start_char, at)]), "bold"))
        pieces.append((escaped(title[max(span.start_char, at) : span.end_char]), MATCH_STYLE))
        at = span.end_char
    pieces.append((escaped(title[at:]), "bold"))
    return Content.assemble(*pieces)


def title_fitted(hit: Hit, cells: int) -> Content:
    """The title path if it fits in `cells`, else its end: the section (the last › part), which
    tells rows of one document apart where the document title, repeated, would not."""
    whole = title_content(hit)
    if whole.cell_length <= cells:
        return whole
    cut = hit.title.rfind(SEPARATOR)
    if cut < 0:
        return whole.truncate(cells, ellipsis=True)
    section = Content.styled("…› ", "$foreground-muted") + title_content(hit, cut + len(SEPARATOR))
    return section.truncate(cells, ellipsis=True)


def tail(text: str, cells: int) -> str:
    """`text` if it fits in `cells` cells, else "…" and the end of it that does (a location
    keeps its line number)."""
    if cell_len(text) <= cells:
        return text
    taken = 0
    for start in range(len(text) - 1, -1, -1):
        taken += cell_len(text[start])
        if taken > cells - 1:
            return "…" + text[start + 1 :]
    return text


def snippet(hit: Hit, cells: int) -> Content:
    """One line of at most `cells` cells from the hit's passage, around its densest matches."""
    flat = hit.text.replace("\n", " ")
    if len(flat) <= cells and cell_len(flat) <= cells:
        return highlighted(flat, hit.spans)
    # best_window counts characters; CJK characters take two cells, so ask for half the cells:
    # the matches then sit near the left of the line whatever the script. It compares every
    # span with every other, so a passage with hundreds of matches (的) is judged on its first
    # _WINDOW_SPANS.
    start, _ = best_window(len(flat), hit.spans[:_WINDOW_SPANS], max(cells // 2, 8))
    if start < cells // 8:
        start = 0  # a few characters in: show the passage's own start instead of "…"
    body = highlighted(flat, hit.spans, start, start + cells)
    if start > 0:
        body = Content("…") + body
    return body.truncate(cells, ellipsis=True)


def short_location(hit: Hit) -> str:
    """File name and line (or #id of a JSONL record, or a document's place), for a result row."""
    name = escaped(os.path.basename(hit.path))
    if hit.is_record:
        return f"{name}#{escaped(hit.id)}"
    chapter = os.path.basename(hit.chapter)  # an EPUB's chapter file, not its folders in the book
    return name + escaped(place_suffix(hit.line, hit.page, chapter, hit.paragraph))


def repeats_line(hit: Hit) -> str:
    """Where else the hit's text is, for the preview: `also in 3 places: a.md:4, b.md:9, …`
    (the first few places the search keeps); "" for a passage found once."""
    if not hit.duplicates:
        return ""
    places = ", ".join(escaped(place) for place in hit.duplicate_locations)
    more = ", …" if hit.duplicates > len(hit.duplicate_locations) else ""
    count = "1 place" if hit.duplicates == 1 else f"{hit.duplicates} places"
    return f"also in {count}: {places}{more}"


def line_of(hit: Hit, offset: int) -> int:
    """The file line holding character `offset` of the passage (a record's text is one line)."""
    if hit.is_record:
        return hit.line
    return hit.line + hit.text.count("\n", 0, max(offset, 0))
