"""Plain text → passages: blocks between blank lines are paragraphs, or each line is one when
the file has no blank line between two lines of text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from searcher.ingest.lines import MORE, NEWLINE, NONSPACE, Line, Paragraph, Part, titled


def _blank_marked(lines: Iterable[Line]) -> Iterator[tuple[str, int, int, bool]]:
    """(part, end, number, blank): a line of whitespace only is blank, and comes whole."""
    held: list[str] = []  # the first parts of a long line, whitespace so far
    text_line = False  # the rest of a line already known to hold text
    for part, end, number in lines:
        if text_line:
            text_line = end == MORE
            yield part, end, number, False
            continue
        blank = NONSPACE.search(part) is None
        if end == MORE and blank:
            held.append(part)
            continue
        if held:
            held.append(part)
            part, held = "".join(held), []
        text_line = end == MORE
        yield part, end, number, blank


def has_blocks(lines: Iterable[Line]) -> bool:
    """Whether blank lines cut the text into two blocks or more."""
    seen_text = gap = False
    for _part, end, _number, blank in _blank_marked(lines):
        if not blank:
            if gap:
                return True
            seen_text = True
        elif seen_text and end == NEWLINE:
            gap = True
    return False


def text_parts(lines: Iterable[Line], title: str, by_line: bool) -> Iterator[Part]:
    """Blocks of lines between blank lines are paragraphs; by_line: no blank line separates two
    lines of text, so the file writes one paragraph per line."""
    paragraph: Paragraph | None = None
    newline = False  # the text added last ended its line
    for part, end, number, blank in _blank_marked(lines):
        if blank and (paragraph is None or end == NEWLINE):
            if paragraph is not None:
                yield from titled(title, paragraph.close())
                paragraph = None
            continue
        # Text; or the last line of the file, blank but without a newline: part of the block.
        if paragraph is None:
            paragraph, newline = Paragraph(number), False
        yield from titled(title, paragraph.add("\n" + part if newline else part))
        newline = end == NEWLINE
        if by_line and end != MORE:
            yield from titled(title, paragraph.close())
            paragraph = None
    if paragraph is not None:
        # A block ends at a blank line; the last one takes the file's final newline too, which
        # matters to where it is cut.
        yield from titled(title, paragraph.close("\n" if newline else ""))
