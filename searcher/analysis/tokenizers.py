"""Segmenter: cut folded text into jieba words, with code-point offsets into the folded text.

A Segmenter is built from an index's user dictionary and handed to whoever cuts for that index.
jieba is the reference segmenter; rjieba (jieba-rs) gives the same words about 10× faster and loads
its dictionary in ~115 ms instead of jieba's ~1.3 s, so it is used whenever it is installed.
Nothing is imported until the first cut: a query that needs no segmenting never pays for it.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Callable, Iterable
from functools import cache, lru_cache

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


class Segmenter:
    """Cuts folded text as jieba does, with one user dictionary (that of the index it serves).

    Whoever cuts text is handed the Segmenter of its index: the writer's analysis workers, the
    Searcher (built from the dictionary the index stores), the export. Two indexes in one process
    therefore never see each other's words. The library loads on the first cut, not before.
    """

    def __init__(self, userdict: Iterable[UserWord] = ()) -> None:
        self.userdict: tuple[UserWord, ...] = tuple(userdict)
        # Kept, not looked up in _backend's cache at every cut: hashing the userdict tuple costs
        # a pass over every entry, and a cut of a passage costs 28-55 µs.
        self._loaded: object | None = None

    def __repr__(self) -> str:
        return f"Segmenter({len(self.userdict)} user words)"

    def __reduce__(self) -> tuple[type[Segmenter], tuple[tuple[UserWord, ...]]]:
        return Segmenter, (self.userdict,)  # a loaded library does not pickle; it reloads there

    @property
    def backend_name(self) -> str:
        """'rjieba' or 'jieba' (see backend_name())."""
        return backend_name()

    def _backend(self):  # noqa: ANN202 - rjieba or jieba, same methods
        if self._loaded is None:
            self._loaded = _backend(self.userdict)
        return self._loaded

    def cut(self, folded: str) -> list[Token]:
        """jieba default-mode words (HMM on) of folded text, without whitespace and punctuation."""
        backend = self._backend()
        if backend_name() == "rjieba" and _han_patterns()[0].search(folded):
            return _as_jieba(backend, folded)
        return [token for token in backend.tokenize(folded) if is_word(token[0])]

    def words(self, folded: str) -> list[str]:
        """The words of cut(folded), in order, without their offsets.

        For indexing, which needs none: rjieba's cut() skips building them, 28 µs a zh-laws
        passage where tokenize() takes 55 µs (the same words: checked on 21,476 passages).
        """
        backend = self._backend()
        if backend_name() == "rjieba" and not _han_patterns()[0].search(folded):
            # isalnum() first: most words are letters alone, told by one C call where the
            # cached is_word costs twice as long (5 µs of a zh-laws passage's ~100).
            return [word for word in backend.cut(folded) if word.isalnum() or is_word(word)]
        return [word for word, _, _ in self.cut(folded)]


# One loaded library per distinct user dictionary, shared by every Segmenter built from it: a
# pure function of its argument. rjieba loads its dictionary in ~115 ms, jieba in ~1.3 s.
@lru_cache(maxsize=8)
def _backend(userdict: tuple[UserWord, ...]):  # noqa: ANN202 - rjieba or jieba, same methods
    """An object with tokenize(), cut() and add_word() (rjieba's has_word() too): the library's
    default segmenter when there is no user dictionary, else a new one holding its words."""
    if backend_name() == "rjieba":
        import rjieba

        backend = rjieba.Jieba() if userdict else rjieba
    else:
        import logging  # imported here: the rjieba and query paths never need it (3 ms)

        import jieba

        jieba.setLogLevel(logging.WARNING)  # jieba prints its dictionary loading on stderr
        backend = jieba.Tokenizer() if userdict else jieba.dt
    for word, freq, tag in userdict:
        backend.add_word(word, freq, tag)
    return backend


# rjieba 0.2.2 parts from jieba in two ways. It treats CJK outside U+4E00..U+9FD5 (Extension A
# and B, U+9FD6..) as Han, where jieba yields each such character alone and cuts the text on
# either side separately. And it glues letters and digits across . - _ where jieba's HMM fallback
# splits them ("utf-8", "0571-86001234", "1.a"; jieba: "utf" "-" "8"). Only text holding one of
# these is re-cut; other text pays one regex search (1 µs a passage).
_JIEBA_HAN = "\u4e00-\u9fd5"
_OTHER_HAN = "\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_SEPARATOR = re.compile(r"(?<=[a-zA-Z0-9])[._\-](?=[a-zA-Z0-9])")
_JIEBA_BLOCK = re.compile(r"([a-zA-Z0-9+#&._%\-]+)")  # jieba's re_han_default, less the Han
_JIEBA_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")  # jieba finalseg's re_skip


@cache
def _han_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(rjieba differs, a character outside jieba's Han, one inside it): compiled when text is
    first cut, not at import, for classes of thousands of characters take 2 ms each to compile
    and a query, which imports this module, cuts nothing."""
    return (
        re.compile(f"[a-zA-Z0-9][._\\-][a-zA-Z0-9]|[{_OTHER_HAN}]"),
        re.compile(f"[{_OTHER_HAN}]"),
        re.compile(f"[{_JIEBA_HAN}]"),
    )


def _split_other_han(tokenize: Callable[[str], Iterable[Token]], text: str) -> list[Token]:
    """Tokens of `text`, cut separately on either side of each character jieba leaves alone."""
    tokens: list[Token] = []
    start = 0
    for match in _han_patterns()[1].finditer(text):
        at = match.start()
        if at > start:
            tokens.extend((w, s + start, e + start) for w, s, e in tokenize(text[start:at]))
        tokens.append((match.group(), at, at + 1))
        start = at + 1
    if start < len(text):
        tokens.extend((w, s + start, e + start) for w, s, e in tokenize(text[start:]))
    return tokens


def _as_jieba(backend, text: str) -> list[Token]:  # noqa: ANN001 - an rjieba.Jieba or rjieba
    """Segmenter.cut() with rjieba's tokens re-cut the way jieba would cut them.

    Only the few tokens around a separator are looked at, not every token in Python: on
    cmrc2018, where 35% of passages hold a "4.5" or "utf-8", cut() is about 10% slower.
    """
    tokenize = backend.tokenize
    tokens = _split_other_han(tokenize, text) if _han_patterns()[1].search(text) else tokenize(text)
    words = [token for token in tokens if is_word(token[0])]
    starts = [token[1] for token in words]
    glued = {bisect.bisect_right(starts, m.start()) - 1 for m in _SEPARATOR.finditer(text)}
    for at in sorted(glued - {-1}, reverse=True):  # from the end: earlier positions stay valid
        word, start, _ = words[at]
        if "-" in word or "_" in word or "." in word:
            words[at : at + 1] = _jieba_pieces(backend, word, start)
    return words


def _jieba_pieces(backend, word: str, start: int) -> list[Token]:  # noqa: ANN001 - as _as_jieba
    """The words jieba's HMM fallback cuts a token into (finalseg's re_skip)."""
    if _han_patterns()[2].search(word) or _JIEBA_SKIP.fullmatch(word) or backend.has_word(word):
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
