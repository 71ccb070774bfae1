"""Cut folded text into jieba words, with code-point offsets into the folded text.

jieba is the reference segmenter; rjieba (jieba-rs) gives the same words about 10× faster and loads
its dictionary in ~115 ms instead of jieba's ~1.3 s, so it is used whenever it is installed.
Nothing is imported until the first cut: a query that needs no segmenting never pays for it.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Callable, Iterable
from functools import lru_cache

Token = tuple[str, int, int]  # (word, start, end): offsets in code points of the folded text

# A user dictionary entry in jieba's format: word, optional frequency, optional part-of-speech tag.
UserWord = tuple[str, int | None, str | None]


@lru_cache(maxsize=1 << 16)
def is_word(token: str) -> bool:
    """Whether a token is searchable as a word: it holds a letter or digit (CJK are letters)."""
    # Cached: tokens repeat, and the generator cost 0.5 µs a token, a quarter of indexing's
    # analysis time (zh-laws: 68 tokens a passage); a cache hit costs under 0.1 µs.
    return any(char.isalnum() for char in token)


@lru_cache(maxsize=1)
def backend_name() -> str:
    """'rjieba' or 'jieba'; SEARCHER_SEGMENTER=jieba forces the reference implementation."""
    if os.environ.get("SEARCHER_SEGMENTER") == "jieba":
        return "jieba"
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return "jieba"
    return "rjieba"


# The user dictionary of the index being written or searched. Each dictionary gets a segmenter
# of its own, so two indexes in one process (a test run, the TUI) never see each other's words.
_active_userdict: tuple[UserWord, ...] = ()


@lru_cache(maxsize=8)
def _segmenter(userdict: tuple[UserWord, ...]):  # noqa: ANN202 - rjieba or jieba, same methods
    """An object with tokenize(), cut() and add_word(): the library's default, or a new one."""
    if backend_name() == "rjieba":
        import rjieba

        segmenter = rjieba.Jieba() if userdict else rjieba
    else:
        import logging  # imported here: the rjieba and query paths never need it (3 ms)

        import jieba

        jieba.setLogLevel(logging.WARNING)  # jieba prints its dictionary loading on stderr
        segmenter = jieba.Tokenizer() if userdict else jieba.dt
    for word, freq, tag in userdict:
        segmenter.add_word(word, freq, tag)
    return segmenter


def _tokenize_fn() -> Callable[[str], Iterable[Token]]:
    return _segmenter(_active_userdict).tokenize


def use_userdict(words: Iterable[UserWord]) -> None:
    """Cut with these user dictionary words from now on (index and query must agree)."""
    global _active_userdict
    _active_userdict = tuple(words)


def read_userdict(text: str) -> list[UserWord]:
    """Parse jieba's user dictionary format: `word [freq] [tag]` per line."""
    words: list[UserWord] = []
    for line in text.splitlines():
        parts = line.strip().split()
        if not parts:
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        words.append((parts[0], freq, tag))
    return words


def word_list(folded: str) -> list[str]:
    """The words of cut_words(folded), in order, without their offsets.

    For indexing, which needs none: rjieba's cut() skips building them, 28 µs a zh-laws passage
    where tokenize() takes 55 µs (the same words: checked on 21,476 passages).
    """
    segmenter = _segmenter(_active_userdict)
    if backend_name() == "rjieba" and not _RJIEBA_DIFFERS.search(folded):
        return [word for word in segmenter.cut(folded) if is_word(word)]
    return [word for word, _, _ in cut_words(folded)]


def cut_words(folded: str) -> list[Token]:
    """jieba default-mode words (HMM on) of folded text, without whitespace and punctuation."""
    tokenize = _tokenize_fn()
    if backend_name() == "rjieba" and _RJIEBA_DIFFERS.search(folded):
        return _as_jieba(tokenize, folded)
    return [token for token in tokenize(folded) if is_word(token[0])]


# rjieba 0.2.2 parts from jieba in two ways. It treats CJK outside U+4E00..U+9FD5 (Extension A
# and B, U+9FD6..) as Han, where jieba yields each such character alone and cuts the text on
# either side separately. And it glues letters and digits across . - _ where jieba's HMM fallback
# splits them ("utf-8", "0571-86001234", "1.a"; jieba: "utf" "-" "8"). Only text holding one of
# these is re-cut; other text pays one regex search (1 µs a passage).
_JIEBA_HAN = "\u4e00-\u9fd5"
_OTHER_HAN = "\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RJIEBA_DIFFERS = re.compile(f"[a-zA-Z0-9][._\\-][a-zA-Z0-9]|[{_OTHER_HAN}]")
_SEPARATOR = re.compile(r"(?<=[a-zA-Z0-9])[._\-](?=[a-zA-Z0-9])")
_OTHER_HAN_CHAR = re.compile(f"[{_OTHER_HAN}]")
_JIEBA_BLOCK = re.compile(r"([a-zA-Z0-9+#&._%\-]+)")  # jieba's re_han_default, less the Han
_JIEBA_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")  # jieba finalseg's re_skip
_HAS_JIEBA_HAN = re.compile(f"[{_JIEBA_HAN}]")


def _split_other_han(tokenize: Callable[[str], Iterable[Token]], text: str) -> list[Token]:
    """Tokens of `text`, cut separately on either side of each character jieba leaves alone."""
    tokens: list[Token] = []
    start = 0
    for match in _OTHER_HAN_CHAR.finditer(text):
        at = match.start()
        if at > start:
            tokens.extend((w, s + start, e + start) for w, s, e in tokenize(text[start:at]))
        tokens.append((match.group(), at, at + 1))
        start = at + 1
    if start < len(text):
        tokens.extend((w, s + start, e + start) for w, s, e in tokenize(text[start:]))
    return tokens


def _as_jieba(tokenize: Callable[[str], Iterable[Token]], text: str) -> list[Token]:
    """cut_words() with rjieba's tokens re-cut the way jieba would cut them.

    Only the few tokens around a separator are looked at, not every token in Python: on
    cmrc2018, where 35% of passages hold a "4.5" or "utf-8", cut_words() is about 10% slower.
    """
    tokens = _split_other_han(tokenize, text) if _OTHER_HAN_CHAR.search(text) else tokenize(text)
    words = [token for token in tokens if is_word(token[0])]
    starts = [token[1] for token in words]
    glued = {bisect.bisect_right(starts, m.start()) - 1 for m in _SEPARATOR.finditer(text)}
    for at in sorted(glued - {-1}, reverse=True):  # from the end: earlier positions stay valid
        word, start, _ = words[at]
        if "-" in word or "_" in word or "." in word:
            words[at : at + 1] = _jieba_pieces(word, start)
    return words


def _jieba_pieces(word: str, start: int) -> list[Token]:
    """The words jieba's HMM fallback cuts a token into (finalseg's re_skip)."""
    if (
        _HAS_JIEBA_HAN.search(word)
        or _JIEBA_SKIP.fullmatch(word)
        or _segmenter(_active_userdict).has_word(word)
    ):
        return [(word, start, start + len(word))]
    pieces: list[Token] = []
    for block in _JIEBA_BLOCK.split(word):
        if _JIEBA_BLOCK.fullmatch(block):
            parts = [part for part in _JIEBA_SKIP.split(block) if part]
        else:
            parts = list(block)  # jieba yields a character outside its classes alone
        for part in parts:
            if is_word(part):
                pieces.append((part, start, start + len(part)))
            start += len(part)
    return pieces
