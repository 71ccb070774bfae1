"""Lines as a page lays them out → paragraphs as a reader reads them; shared by pdf.py and ocr.py.

A page gives lines with positions, broken wherever the layout ran out of width, in the middle of
a Chinese word as readily as between English ones. Paragraphs start where the gap between lines
grows or a line is indented after a sentence's end; their lines are joined with no space where
Chinese meets the break (else a query for a word across a line end would miss it), with one
between English words, and a word hyphenated at a line end is made whole again.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# Where a Chinese (or Japanese, Korean) character or full-width punctuation meets a line break,
# the break is no space.
_CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]"
)
# Compatibility characters some PDF fonts map their glyphs to: Kangxi and supplementary radicals
# (⼈ U+2F08 for 人), compatibility ideographs, Latin ligatures (ﬁ). NFKC gives the character
# meant; applied to these alone, so full-width punctuation (，) stays as written.
_COMPATIBLE = re.compile("[\u2e80-\u2fdf\uf900-\ufaff\ufb00-\ufb4f\U0002f800-\U0002fa1f]")
# What pdfium puts where it found a word hyphenated at a line end (the hyphen dropped).
_SOFT_BREAKS = "\x02\ufffe\u00ad"
_SENTENCE_END = tuple("。！？!?.；;：:”」』）)")
_PARAGRAPH_GAP = 1.45  # a gap this many times the page's usual line spacing starts a paragraph
_DIGITS = re.compile(r"\d+")
# A line that is a page number alone: "3", "- 3 -", "第 3 页", "3 / 12", "Page 3 of 12".
_PAGE_NUMBER = re.compile(
    r"[\s\-–—·•|]*(?:第|page)?\s*\d+\s*(?:页|頁)?\s*(?:(?:/|of|共)\s*\d+\s*页?)?[\s\-–—·•|]*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LaidLine:
    """A line of a page: its text and where it sits, in points from the page's bottom left."""

    text: str
    left: float
    right: float
    baseline: float  # the line's lowest point; lower on the page: smaller
    top: float = 0.0  # its highest point (a standard font not embedded has no heights: baseline)


def fold_compatible(text: str) -> str:
    """Compatibility characters (Kangxi radicals, ligatures) as the characters they stand for."""
    return _COMPATIBLE.sub(lambda match: unicodedata.normalize("NFKC", match.group()), text)


def join_lines(lines: Iterable[str]) -> str:
    """One paragraph from its lines: no space where Chinese meets the break, a hyphenated word
    whole again, one space between other words."""
    text = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not text:
            text = line
        elif text[-1] in _SOFT_BREAKS:
            text = text[:-1] + line
        elif text[-1] == "-" and text[-2:-1].isalpha() and line[0].islower():
            text = text[:-1] + line  # a word hyphenated at the line end
        elif _CJK.match(text[-1]) or _CJK.match(line[0]):
            text += line
        else:
            text += " " + line
    return fold_compatible(text.strip(_SOFT_BREAKS).replace("\x02", "").replace("\ufffe", ""))


def paragraphs(lines: list[LaidLine]) -> list[str]:
    """The paragraphs of a page's lines, in their order."""
    if not lines:
        return []
    gaps = [
        above.baseline - below.baseline
        for above, below in zip(lines, lines[1:], strict=False)
        if above.baseline - below.baseline > 0
    ]
    # The usual spacing: the lower quartile of the gaps, as the wider ones are what is looked for
    # (with few lines, a median would be one of them).
    spacing = sorted(gaps)[len(gaps) // 4] if gaps else 0.0
    margin = min(line.left for line in lines)
    groups: list[list[str]] = [[lines[0].text]]
    for above, below in zip(lines, lines[1:], strict=False):
        if _starts_paragraph(above, below, spacing, margin):
            groups.append([])
        groups[-1].append(below.text)
    return [text for group in groups if (text := join_lines(group))]


def _starts_paragraph(above: LaidLine, below: LaidLine, spacing: float, margin: float) -> bool:
    gap = above.baseline - below.baseline
    if gap <= 0 or (spacing and gap > _PARAGRAPH_GAP * spacing):
        return True  # a wider gap, or a jump up the page (the next column)
    # Indented after a sentence's end: the first line of a paragraph (two characters, in Chinese).
    width = (below.right - below.left) / max(len(below.text), 1)
    return above.text.rstrip().endswith(_SENTENCE_END) and below.left - margin > 1.5 * width


def repeated_lines(pages: list[list[LaidLine]]) -> set[str]:
    """Running headers and footers: the keys (repeated_key) of lines among the first or last two
    of a page that recur on most pages, page numbers included (their digits are not compared)."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for lines in pages:
        seen.update({repeated_key(line.text) for line in lines[:2] + lines[-2:]})
    return {key for key, count in seen.items() if count >= 2 and 2 * count > len(pages)}


def repeated_key(text: str) -> str:
    return _DIGITS.sub("#", "".join(text.split()))


def without_repeated(lines: list[LaidLine], repeated: set[str]) -> list[LaidLine]:
    """The page's lines less a running header or footer among its first or last two, and less
    a page number there (a one-page document has one too)."""
    edge = set(range(min(2, len(lines)))) | set(range(max(len(lines) - 2, 0), len(lines)))
    return [
        line
        for number, line in enumerate(lines)
        if number not in edge
        or not (repeated_key(line.text) in repeated or _PAGE_NUMBER.fullmatch(line.text))
    ]
