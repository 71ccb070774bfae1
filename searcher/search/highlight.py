"""Where matches are in a passage, and which window of it to show: offsets only, no markup."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from searcher.analysis.normalize import Folded, fold
from searcher.search.hits import Span

# Hits share titles (the passages of one law, of one handbook section): each is folded once, not
# once a hit (7-9 µs each; the ten hits of 条例 on zh-laws all hold it in their titles).
_fold_title = lru_cache(maxsize=4096)(fold)


def match_spans(text: str, literals: Iterable[str]) -> tuple[Span, ...]:
    """Every occurrence of every folded literal in `text`, mapped back to `text`, merged."""
    return _spans(fold(text), literals)


def title_spans(title: str, literals: Iterable[str]) -> tuple[Span, ...]:
    """match_spans() of a title."""
    return _spans(_fold_title(title), literals)


def _spans(folded: Folded, literals: Iterable[str]) -> tuple[Span, ...]:
    found: list[tuple[int, int]] = []
    for literal in set(literals):
        if not literal:
            continue
        start = folded.text.find(literal)
        while start >= 0:
            found.append(folded.source_span(start, start + len(literal)))
            start = folded.text.find(literal, start + 1)
    merged: list[list[int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple(Span(start, end) for start, end in merged)


def best_window(length: int, spans: tuple[Span, ...], width: int) -> tuple[int, int]:
    """The [start, end) window of at most `width` characters holding the most matched characters,
    its ends outside every span: a snippet never shows half a match (`…库` of 数据库)."""
    if length <= width or not spans:
        return 0, min(length, width)
    best_start, best_cover = 0, -1
    for span in spans:
        # Try windows that start a little before each match, so it has some context on the left.
        start = max(0, min(span.start_char - width // 5, length - width))
        end = start + width
        cover = sum(max(0, min(end, s.end_char) - max(start, s.start_char)) for s in spans)
        if cover > best_cover:
            best_start, best_cover = start, cover
    return _whole_spans(best_start, best_start + width, spans)


def _whole_spans(start: int, end: int, spans: tuple[Span, ...]) -> tuple[int, int]:
    """[start, end) moved so that no span is cut: a span cut on the left is taken in whole (the
    window slides left to its start); one cut on the right is left out, unless the window would
    then hold no match (a match longer than the window is shown whole)."""
    for span in spans:  # ascending, not overlapping
        if span.start_char < start < span.end_char:
            start, end = span.start_char, end - (start - span.start_char)
            break
    for span in spans:
        if span.start_char < end < span.end_char:
            held = any(start <= s.start_char and s.end_char <= span.start_char for s in spans)
            end = span.start_char if held else span.end_char
            break
    return start, end
