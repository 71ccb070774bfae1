"""Pinyin: the toneless readings of indexed words (built with pypinyin at index time), and the
pure functions a query uses to read Latin letters as pinyin without any pinyin dictionary.

A reading is its syllables joined by spaces, toneless, ü written v: 数据库 → "shu ju ku",
绿 → "lv". Its key is the first letter of each syllable ("sjk"): full pinyin, initials and any mix
of the two typed for a word all share it, so one sorted table of keys serves them all
(store/pinyin_table.py). pypinyin is imported by the functions that build readings only: loading
its dictionaries costs ~0.5 s, which no query may pay.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache

# The words read: all Han characters, and no longer than this (a reading of a 16-character
# compound is never typed).
MAX_WORD_CHARS = 8

# Characters whose every reading is stored, for reading what a query types (typos.py): CJK
# Unified Ideographs and Extension A, the characters an IME offers.
_CHAR_RANGE = (0x3400, 0x9FFF)
_VOWELS = frozenset("aeiouv")
# A query token read as pinyin: letters, each syllable optionally followed by its tone digit.
_TOKEN = re.compile(r"(?:[a-zv]+[1-5]?)+")
# Initials a query may type for a syllable: one letter, or zh/ch/sh as typed (zh never matches z).
_INITIALS = frozenset("bpmfdtnlgkhjqxrzcsyw") | {"zh", "ch", "sh"}
_MAX_SPLITS = 24  # ways to cut one token into syllables, fewest pieces first


def is_pinyin_word(word: str) -> bool:
    """Whether an indexed word gets readings: Han characters only, not too long."""
    return 0 < len(word) <= MAX_WORD_CHARS and all("\u3400" <= char <= "\u9fff" for char in word)


def word_readings(words: list[str]) -> list[tuple[str, ...]]:
    """Readings of each word: a single character's every reading, a longer word's phrase reading
    (pypinyin's phrase dictionary picks 银行 yin hang, 重庆 chong qing). Words that are not
    is_pinyin_word() get none."""
    from pypinyin import Style, lazy_pinyin
    from pypinyin.constants import PHRASES_DICT

    chars = char_readings()
    readings: list[tuple[str, ...]] = []
    for word in words:
        if not is_pinyin_word(word):
            readings.append(())
        elif len(word) == 1:
            readings.append(chars.get(word, ()))
        elif all(len(chars.get(char, ())) == 1 for char in word):
            # Each character has one reading: lazy_pinyin would answer the same, 40 µs slower
            # (zh-laws: 18,230 of 47,665 words; 7,404 more are in the phrase dictionary).
            readings.append((" ".join(chars[char][0] for char in word),))
        elif word in PHRASES_DICT:
            readings.append((" ".join(_toneless(marked[0]) for marked in PHRASES_DICT[word]),))
        else:
            syllables = lazy_pinyin(word, style=Style.NORMAL, errors="ignore")
            ok = len(syllables) == len(word) and all(s.isalpha() for s in syllables)
            readings.append((" ".join(syllables),) if ok else ())
    return readings


@cache
def _toneless(marked: str) -> str:
    """A syllable with tone marks, toneless (ü as v); ~1,500 distinct ones are ever asked."""
    from pypinyin.contrib.tone_convert import to_normal

    return to_normal(marked)


@lru_cache(maxsize=1)
def char_readings() -> dict[str, tuple[str, ...]]:
    """Every toneless reading of every character in _CHAR_RANGE, most common first."""
    from pypinyin.pinyin_dict import pinyin_dict

    table: dict[str, tuple[str, ...]] = {}
    low, high = _CHAR_RANGE
    for code, marked in pinyin_dict.items():
        if low <= code <= high:
            found = (_toneless(syllable) for syllable in marked.split(","))
            kept = tuple(dict.fromkeys(s for s in found if _VOWELS & set(s) and s.isalpha()))
            if kept:
                table[chr(code)] = kept
    return table


@lru_cache(maxsize=1)
def common_chars() -> frozenset[str]:
    """The characters of GB 2312 (6,763): those an input method offers first."""
    found = set()
    for char in char_readings():
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            continue
        found.add(char)
    return frozenset(found)


def reading_key(reading: str) -> str:
    """The first letter of each syllable: "shu ju ku" → "sjk"."""
    return "".join(syllable[0] for syllable in reading.split(" "))


def syllables_of(readings: Iterable[str]) -> frozenset[str]:
    return frozenset(s for reading in readings for s in reading.split(" "))


# -------------------------------------------------------------------------------- queries


def toneless_token(token: str) -> str | None:
    """A query token as pinyin letters, tone digits dropped (wang2ge2 → wangge); None when it
    cannot be pinyin (other characters, or a digit that is not a tone)."""
    lowered = token.lower().replace("ü", "v").replace("u:", "v")
    if len(lowered) < 1 or not _TOKEN.fullmatch(lowered):
        return None
    return re.sub("[1-5]", "", lowered)


def split_syllables(letters: str, syllables: frozenset[str]) -> list[tuple[str, ...]]:
    """Ways to cut `letters` into pieces, each a whole syllable or the initial of one (a letter,
    or zh/ch/sh): fewest pieces first, then fewest initials; at most _MAX_SPLITS."""
    found = list(_splits(letters, syllables, {}))
    found.sort(key=lambda pieces: (len(pieces), sum(p not in syllables for p in pieces)))
    return found[:_MAX_SPLITS]


def joined_splits(
    part_splits: list[list[tuple[str, ...]]], syllables: frozenset[str]
) -> list[tuple[str, ...]]:
    """Ways to cut letters typed apart (shuju ku, xi an), given each part's split_syllables():
    a space is always a boundary between two pieces, so xi an is 西安, never 先. Ordered and
    cut short as split_syllables() is; one part's ways come back as they are."""
    if len(part_splits) == 1:
        return part_splits[0]
    found: list[tuple[int, int, tuple[str, ...]]] = [(0, 0, ())]
    for splits in part_splits:
        ordered = [(len(b), sum(p not in syllables for p in b), b) for b in splits]
        # The best ways of two parts are made of the best ways of each (the order adds up).
        joined = [(a + c, b + d, e + f) for a, b, e in found for c, d, f in ordered]
        found = sorted(joined, key=lambda way: (way[0], way[1]))[:_MAX_SPLITS]
    return [pieces for _, _, pieces in found]


def _splits(
    letters: str, syllables: frozenset[str], memo: dict[str, list[tuple[str, ...]]]
) -> Iterator[tuple[str, ...]]:
    if not letters:
        yield ()
        return
    if letters not in memo:
        ways: list[tuple[str, ...]] = []
        for end in range(min(len(letters), 6), 0, -1):
            piece = letters[:end]
            if piece in syllables or piece in _INITIALS:
                ways.extend((piece, *rest) for rest in _splits(letters[end:], syllables, memo))
            if len(ways) > 4 * _MAX_SPLITS:  # a long run of initials: enough ways already
                break
        memo[letters] = ways
    yield from memo[letters]


def is_single_piece(letters: str, syllables: frozenset[str]) -> bool:
    """Whether `letters` is one syllable or one initial (a piece of `shu ju ku` typed apart)."""
    return letters in syllables or letters in _INITIALS


def matches(pieces: tuple[str, ...], reading: str) -> bool:
    """Whether typed pieces spell a reading: each the whole syllable, or an initial it starts
    with (`z` and `zh` both start zhong; `zong` is another syllable)."""
    syllables = reading.split(" ")
    if len(syllables) != len(pieces):
        return False
    return all(
        piece == syllable or (piece in _INITIALS and syllable.startswith(piece))
        for piece, syllable in zip(pieces, syllables, strict=True)
    )
