"""Fold text for matching: NFKC (full-width → half-width), lower case, traditional → simplified,
no spaces between Chinese and Latin letters or digits.

Both the indexed text and the query go through fold(), so they meet in one form. Folding keeps a map
from folded code points back to the text as written, so highlights land on the original characters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Chinese characters, as folding and query parsing tell them from Latin letters and digits:
# CJK Unified Ideographs, Extension A, compatibility ideographs, Extensions B-G.
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
_HAN_LOWEST = min(lo for lo, _ in HAN_RANGES)


def is_han(char: str) -> bool:
    """Whether one character is Chinese (HAN_RANGES)."""
    code = ord(char)
    # Latin letters, digits and punctuation are below every range: answered without the loop.
    return code >= _HAN_LOWEST and any(lo <= code <= hi for lo, hi in HAN_RANGES)


def spaced_apart(left: str, right: str) -> bool:
    """Whether a space between these two characters is one folding drops: Chinese beside a
    Latin letter or digit, in either order. (Not a regex: compiling a class of 28,000
    characters takes 2 ms, at every start of a fresh `searcher query`.)"""
    return (is_han(left) and _is_latin(right)) or (_is_latin(left) and is_han(right))


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


_SPACES = re.compile("[ \t]+")


@dataclass(frozen=True)
class Folded:
    """Folded text plus, when lengths differ, the source offset of every folded position."""

    text: str
    source: str
    # to_source[i] is the offset in `source` of folded character i; len(text) + 1 entries.
    # None means folding kept every character in place (the common case).
    to_source: tuple[int, ...] | None = None

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the folded text to the source text."""
        if self.to_source is None:
            return start, end
        if end <= start:
            return self.to_source[start], self.to_source[start]
        # Every folded character comes from exactly one source character.
        return self.to_source[start], self.to_source[end - 1] + 1


@lru_cache(maxsize=1)
def _t2s():  # noqa: ANN202 - the OpenCC converter type is not exported
    import opencc

    return opencc.OpenCC("t2s")


class _FoldTable(dict):
    """Code point → its folded string, for str.translate, learnt as each character is first
    seen: NFKC for all 1.1 M code points up front would cost about a second at start-up. Every
    character seen is kept, folded or not: translate then finds each one, where a character
    missing from its table costs a lookup error, and no passage needs a set of its characters
    to find the new ones (the two took 13% of an index build's CPU)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = unicodedata.normalize("NFKC", chr(code)).lower()
        return folded


_TABLE = _FoldTable()


def fold(text: str) -> Folded:
    """Fold `text` for matching, keeping a map back to it."""
    folded, in_place = _fold_chars(text)
    spaces = _boundary_spaces(folded)
    if not spaces:
        return Folded(folded, text, None if in_place else _expanded(text))
    # Spaces between Chinese and Latin letters or digits are left out: "第 300 期" and "第300期",
    # "Python 教程" and "Python教程" fold alike, and a match maps back over the spaces.
    to_source = list(range(len(text) + 1)) if in_place else list(_expanded(text))
    kept_text: list[str] = []
    kept_map: list[int] = []
    last = 0
    for start, end in spaces:
        kept_text.append(folded[last:start])
        kept_map.extend(to_source[last:start])
        last = end
    kept_text.append(folded[last:])
    kept_map.extend(to_source[last:])
    return Folded("".join(kept_text), text, tuple(kept_map))


def _fold_chars(text: str) -> tuple[str, bool]:
    """`text` folded character by character (and by OpenCC's phrases), and whether every
    character kept its place."""
    folded = text.translate(_TABLE)
    # A character folds to one or more (ﬁ → fi), never to none (checked for every code point in
    # the tests): the lengths are equal only when each kept its place.
    in_place = len(folded) == len(text)
    # OpenCC's t2s tables map every phrase to one of equal length (checked in the tests), so this
    # step keeps offsets; the length check guards against a future table that does not.
    try:
        simplified = _t2s().convert(folded)
    except UnicodeEncodeError:  # lone surrogates (a file name's undecodable bytes): no t2s
        simplified = folded
    if len(simplified) == len(folded):
        folded = simplified
    return folded, in_place


def _expanded(text: str) -> tuple[int, ...]:
    """to_source of text folded character by character (some fold to several)."""
    to_source: list[int] = []
    for offset, char in enumerate(text):
        to_source.extend([offset] * len(_TABLE[ord(char)]))
    to_source.append(len(text))
    return tuple(to_source)


def fold_text(text: str) -> str:
    """The folded text alone, for queries and keys that need no way back."""
    folded = _fold_chars(text)[0]
    spaces = _boundary_spaces(folded)
    if not spaces:
        return folded
    ends = [0, *(at for span in spaces for at in span), len(folded)]
    return "".join(folded[start:end] for start, end in zip(ends[::2], ends[1::2], strict=True))


def _boundary_spaces(folded: str) -> list[tuple[int, int]]:
    """The runs of spaces and tabs between a Chinese character and a Latin letter or digit (in
    either order), [start, end) each. Runs found first, then their neighbours looked at: one
    regex with lookbehinds on both sides tried every position, 6.5 µs a zh-laws passage."""
    if folded.isascii() or (" " not in folded and "\t" not in folded):
        return []  # no Chinese character, or no space
    found = []
    for run in _SPACES.finditer(folded):
        start, end = run.span()
        if start == 0 or end == len(folded):
            continue
        if spaced_apart(folded[start - 1], folded[end]):
            found.append((start, end))
    return found
