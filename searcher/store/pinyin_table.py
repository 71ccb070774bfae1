"""The pinyin table of a generation: every reading of the vocabulary's words, and of characters.

Written with each generation (segments.write_generation), read by queries memory-mapped:
  pinyin.bin, pinyin_ptr.npy   the readings, ASCII ("shu ju ku"), end to end, sorted by key
                               (analysis.pinyin.reading_key: "sjk") then reading;
  pinyin_terms.npy             the term id of each reading (int32);
  pinyin_chars.npy             code points of the characters read (uint32, ascending): GB 2312's
                               and the vocabulary's, with
  pinyin_char_ptr.npy,         their readings, comma-separated, each ending ";" ("xing,hang,heng;"),
  pinyin_chars.bin             end to end: how a query reads the characters it types (typos).
A key's readings are found by binary search (~17 probes), so a query never loads the table.
Readings are computed once per word: an update keeps those of the words it already had.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from searcher.analysis.pinyin import (
    char_readings,
    common_chars,
    is_pinyin_word,
    reading_key,
    word_readings,
)

PINYIN_FILES = ("pinyin.bin", "pinyin_ptr.npy", "pinyin_terms.npy")
PINYIN_FILES += ("pinyin_chars.npy", "pinyin_char_ptr.npy", "pinyin_chars.bin")
_CHUNK = 4096  # words a worker reads at a time
_KEYS_KEPT = 4096  # keys whose readings a reader keeps (a warm TUI or batch asks again)

Readings = dict[int, tuple[str, ...]]  # term id → its readings


def write_pinyin(
    out_dir: Path,
    vocabulary: list[str],
    known: Readings,
    map_tasks: Callable = map,
) -> None:
    """The table of `vocabulary`; words in `known` (read from the generation before) keep
    their readings, the others are read now, in chunks on the workers."""
    new = [term for term in range(len(vocabulary)) if term not in known]
    new = [term for term in new if is_pinyin_word(vocabulary[term])]
    chunks = [new[at : at + _CHUNK] for at in range(0, len(new), _CHUNK)]
    readings = dict(known)
    # The characters' readings are a task too, the first: this process never loads pypinyin
    # (0.8 s) while the workers wait.
    used = "".join(sorted({char for word in vocabulary for char in word}))
    tasks = [("chars", used), *(("words", [vocabulary[t] for t in chunk]) for chunk in chunks)]
    answers = map_tasks(_read, tasks)
    chars = next(answers)
    for chunk, found in zip(chunks, answers, strict=True):
        readings.update(zip(chunk, found, strict=True))
    entries = sorted(
        (reading_key(reading), reading, term)
        for term, several in readings.items()
        for reading in several
    )
    texts = [reading.encode("ascii") for _, reading, _ in entries]
    _save_blob(out_dir, "pinyin.bin", "pinyin_ptr.npy", texts)
    terms = np.array([term for _, _, term in entries], np.int32)
    np.save(out_dir / "pinyin_terms.npy", terms, allow_pickle=False)
    codes = np.array([ord(char) for char, _ in chars], np.uint32)
    np.save(out_dir / "pinyin_chars.npy", codes, allow_pickle=False)
    # Each character's readings end with ";", so the syllables are read off the blob in one go.
    parts = [(",".join(found) + ";").encode("ascii") for _, found in chars]
    _save_blob(out_dir, "pinyin_chars.bin", "pinyin_char_ptr.npy", parts, np.int32)


def _read(task: tuple[str, object]) -> object:
    """A task of write_pinyin, run on a worker: ("words", words) → word_readings(words);
    ("chars", characters) → (character, readings) of those and of GB 2312, in order."""
    kind, payload = task
    if kind == "words":
        return word_readings(payload)  # type: ignore[arg-type]
    # The characters an input method offers first (GB 2312's 6,763) and those of the vocabulary:
    # a typo is typed with the one and meant as the other. All 27k of the range cost 0.5 MB.
    table = char_readings()
    held = {char for char in payload if char in table} | common_chars()  # type: ignore[union-attr]
    return sorted((char, table[char]) for char in held)


def _save_blob(
    out_dir: Path, blob: str, ptr_name: str, parts: list[bytes], dtype: type = np.int64
) -> None:
    """`parts` end to end in the file `blob`, their offsets in the array `ptr_name`."""
    (out_dir / blob).write_bytes(b"".join(parts))
    ptr = np.zeros(len(parts) + 1, dtype)
    np.cumsum([len(part) for part in parts], out=ptr[1:])
    np.save(out_dir / ptr_name, ptr, allow_pickle=False)


class PinyinTable:
    """Readings of a generation's words; `array(name)` and `blob(name)` give its mapped files."""

    def __init__(
        self, array: Callable[[str], np.ndarray], blob: Callable[[str], np.ndarray]
    ) -> None:
        self._ptr = array("pinyin_ptr")
        self._terms = array("pinyin_terms")
        self._text = memoryview(blob("pinyin.bin"))
        self._codes = array("pinyin_chars")
        self._char_ptr = array("pinyin_char_ptr")
        self._char_text = memoryview(blob("pinyin_chars.bin"))
        self._syllables: frozenset[str] | None = None
        self._by_key: dict[str, list[tuple[str, int]]] = {}  # with_key's answers so far

    def reading(self, entry: int) -> str:
        return bytes(self._text[int(self._ptr[entry]) : int(self._ptr[entry + 1])]).decode()

    def with_key(self, key: str) -> list[tuple[str, int]]:
        """(reading, term id) of every reading whose key is `key` ("sjk")."""
        if key not in self._by_key:
            if len(self._by_key) >= _KEYS_KEPT:
                self._by_key.clear()
            self._by_key[key] = list(self._with_key(key))
        return self._by_key[key]

    def _with_key(self, key: str) -> Iterator[tuple[str, int]]:
        lo, hi = 0, len(self._terms)
        while lo < hi:
            mid = (lo + hi) // 2
            if reading_key(self.reading(mid)) < key:
                lo = mid + 1
            else:
                hi = mid
        while lo < len(self._terms):
            reading = self.reading(lo)
            if reading_key(reading) != key:
                return
            yield reading, int(self._terms[lo])
            lo += 1

    def char_readings(self, char: str) -> tuple[str, ...]:
        """Every reading of one character (none for a character outside the table)."""
        code = ord(char)
        at = int(np.searchsorted(self._codes, code))
        if at == len(self._codes) or int(self._codes[at]) != code:
            return ()
        start, end = int(self._char_ptr[at]), int(self._char_ptr[at + 1])
        return tuple(bytes(self._char_text[start : end - 1]).decode().split(","))

    def syllables(self) -> frozenset[str]:
        """Every syllable a character reads as: what a typed token is cut into."""
        if self._syllables is None:
            text = bytes(self._char_text).decode().replace(",", " ").replace(";", " ")
            self._syllables = frozenset(text.split()) if text else frozenset()
        return self._syllables

    def term_readings(self) -> Readings:
        """Every word's readings (for the next build, which keeps them)."""
        found: dict[int, list[str]] = {}
        offsets = self._ptr.tolist()
        text = bytes(self._text).decode()
        for term, start, end in zip(self._terms.tolist(), offsets, offsets[1:], strict=False):
            found.setdefault(term, []).append(text[start:end])
        return {term: tuple(several) for term, several in found.items()}
