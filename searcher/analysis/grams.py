"""Character n-gram keys: every folded character (unigram) and every pair of neighbours (bigram).

They give literal matching: a passage contains a query string only if it holds all of the string's
bigrams (or its one character), so n-gram postings narrow the candidates and a plain check confirms.
A key is an integer: a unigram is its code point, a bigram packs two code points into 42 bits.
"""

from __future__ import annotations

import numpy as np

CODE_POINTS = 0x110000
_SHIFT = 21  # code points fit in 21 bits
_CHAR_MASK = (1 << _SHIFT) - 1
_BIGRAM_FLAG = 1 << (2 * _SHIFT)  # keeps bigram keys apart from unigram keys


def unigram_key(char: str) -> int:
    return ord(char)


def bigram_key(first: str, second: str) -> int:
    return _BIGRAM_FLAG | (ord(first) << _SHIFT) | ord(second)


def literal_keys(folded: str) -> list[int]:
    """The keys a passage must hold to contain `folded` literally (whitespace never indexed)."""
    chars = folded
    if len(chars) == 1:
        return [] if chars.isspace() else [unigram_key(chars)]
    keys = []
    for first, second in zip(chars, chars[1:], strict=False):
        if first.isspace() or second.isspace():
            continue
        keys.append(bigram_key(first, second))
    if not keys:  # only isolated characters between spaces: fall back to their unigrams
        keys = [unigram_key(char) for char in chars if not char.isspace()]
    return list(dict.fromkeys(keys))


def gram_keys(codepoints: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All unigram and bigram keys of many passages at once.

    `codepoints` is every passage's folded text end to end (uint32), `rows` the passage number of
    each code point. Returns (keys, rows) of equal length, unsorted, with repeats.
    """
    cps = codepoints.astype(np.uint64)
    visible = ~_is_space(codepoints)
    uni_keys = cps[visible]
    uni_rows = rows[visible]
    pair = visible[:-1] & visible[1:] & (rows[:-1] == rows[1:])
    bi_keys = np.uint64(_BIGRAM_FLAG) | (cps[:-1][pair] << np.uint64(_SHIFT)) | cps[1:][pair]
    bi_rows = rows[:-1][pair]
    return np.concatenate([uni_keys, bi_keys]), np.concatenate([uni_rows, bi_rows])


def split_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(is bigram, first code point, second code point) of each key; a unigram's first is 0."""
    bigram = (keys >> np.uint64(2 * _SHIFT)).astype(bool)
    first = np.where(bigram, (keys >> np.uint64(_SHIFT)) & np.uint64(_CHAR_MASK), 0)
    return bigram, first.astype(np.uint64), keys & np.uint64(_CHAR_MASK)


def join_keys(bigram: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The keys of split_keys() parts."""
    pairs = np.uint64(_BIGRAM_FLAG) | (first << np.uint64(_SHIFT)) | second
    return np.where(bigram, pairs, second)


def _is_space(codepoints: np.ndarray) -> np.ndarray:
    # The whitespace str.isspace() knows in the text we index (folding turned U+3000 into U+0020).
    space = (codepoints == 0x20) | ((codepoints >= 0x09) & (codepoints <= 0x0D))
    space |= (codepoints == 0x85) | (codepoints == 0xA0) | (codepoints == 0x1680)
    space |= (codepoints >= 0x2000) & (codepoints <= 0x200A)
    space |= (codepoints == 0x2028) | (codepoints == 0x2029) | (codepoints == 0x202F)
    space |= (
        (codepoints == 0x205F)
        | (codepoints == 0x3000)
        | (codepoints == 0x1C)
        | (codepoints == 0x1D)
    )
    space |= (codepoints == 0x1E) | (codepoints == 0x1F)
    return space
