"""Vocabulary: the words an index holds, each with the number of passages holding it.

It is what a query is cut with (analysis/frequency_cut.py), instead of a segmenter's dictionary,
and what spelling suggestions weigh words by. Read from a Generation by binary search over the
words in byte order, so a fresh query pays for the few words it looks up (about 25 µs each) and
not for the whole vocabulary: decoding zh-laws' words into a dict costs tens of milliseconds.
Only a long pasted text, which would look up thousands, loads them all (load_all()).
"""

from __future__ import annotations

from collections.abc import Iterator

from searcher.analysis.grams import unigram_key
from searcher.store.generation import Generation

MAX_WORD_CHARS = 16  # words longer than this are not looked for inside a query


class Vocabulary:
    """Word → document frequency of one generation, looked up lazily.

    vocabulary = Vocabulary(generation)
    vocabulary.frequency("网格")        # passages holding the word, 0 when it is not held
    "网格" in vocabulary
    vocabulary.words_at("网格管理", 0)  # [(2, 41), (4, 3)]: words starting there, by end
    """

    def __init__(self, generation: Generation) -> None:
        self._gen = generation
        self._size = generation.term_count()
        self._total: int | None = None
        self._frequencies: dict[str, int] = {}  # looked up so far (0: not held)
        self._all: dict[str, int] | None = None
        self._alone: dict[str, bool] = {}
        self._ranges: dict[str, tuple[int, int]] = {}  # first character → its words' positions

    def __len__(self) -> int:
        return self._size

    def __contains__(self, word: str) -> bool:
        return self.frequency(word) > 0

    @property
    def total(self) -> int:
        """The sum of every word's frequency (what a frequency is divided by)."""
        if self._total is None:
            self._total = self._gen.postings_total()
        return self._total

    def frequency(self, word: str) -> int:
        """How many passages hold `word` as a word (0 when the index does not hold it)."""
        if self._all is not None:
            return self._all.get(word, 0)
        found = self._frequencies.get(word)
        if found is None:
            term_id = self._gen.term_id(word)
            found = 0 if term_id is None else self._gen.document_frequency(term_id)
            self._frequencies[word] = found
        return found

    def stands_alone(self, char: str) -> bool:
        """Whether most passages holding `char` hold it as a word by itself (的, 是), not only
        inside longer words (子 of 孩子, 量子): such a character is a word of a query too."""
        if char not in self._alone:
            held = len(self._gen.gram_postings(unigram_key(char))[0])
            self._alone[char] = held > 0 and self.frequency(char) * 4 >= held
        return self._alone[char]

    def words_at(self, text: str, start: int) -> list[tuple[int, int]]:
        """(end, frequency) of every word text[start:end] the index holds, shortest first.

        Longer prefixes are searched only while some word starts with them: most positions of a
        query cost one or two binary searches."""
        if self._all is not None:
            stop = min(len(text), start + MAX_WORD_CHARS)
            found = ((end, self._all.get(text[start:end], 0)) for end in range(start + 1, stop + 1))
            return [(end, freq) for end, freq in found if freq]
        words: list[tuple[int, int]] = []
        low, high = self._char_range(text[start])
        for end in range(start + 1, min(len(text), start + MAX_WORD_CHARS) + 1):
            prefix = text[start:end].encode()
            low = self._lower_bound(prefix, low, high)
            if low == high:
                break
            term, term_id = self._gen.sorted_term(low)
            if not term.startswith(prefix):
                break
            if term == prefix:
                word = text[start:end]
                if word not in self._frequencies:
                    self._frequencies[word] = self._gen.document_frequency(term_id)
                words.append((end, self._frequencies[word]))
        return words

    def prefixed(self, prefix: str, limit: int) -> list[int] | None:
        """Term ids of the words starting with `prefix` (itself left out), or None when there are
        more than `limit`."""
        target = prefix.encode()
        position = self._lower_bound(target, 0, self._size)
        found: list[int] = []
        while position < self._size:
            term, term_id = self._gen.sorted_term(position)
            if not term.startswith(target):
                break
            if term != target:
                if len(found) == limit:
                    return None
                found.append(term_id)
            position += 1
        return found

    def items(self) -> Iterator[tuple[str, int]]:
        """Every word with its frequency, in UTF-8 byte order."""
        for position in range(self._size):
            term, term_id = self._gen.sorted_term(position)
            yield term.decode(), self._gen.document_frequency(term_id)

    def load_all(self) -> None:
        """Read every word and frequency at once: for texts that look up thousands of words."""
        if self._all is not None:
            return
        frequencies = self._gen.document_frequencies().tolist()
        self._all = dict(zip(self._gen.terms(), frequencies, strict=True))

    def _char_range(self, char: str) -> tuple[int, int]:
        """[low, high) of the positions of the words starting with `char`, in byte order."""
        found = self._ranges.get(char)
        if found is None:
            first = char.encode()
            low = self._lower_bound(first, 0, self._size)
            # No UTF-8 byte is 0xff: every word starting with `first` sorts below this.
            found = low, self._lower_bound(first + b"\xff", low, self._size)
            self._ranges[char] = found
        return found

    def _lower_bound(self, target: bytes, low: int, high: int) -> int:
        """The first position in [low, high) in byte order whose word is not below `target`
        (`high` when there is none)."""
        while low < high:
            middle = (low + high) // 2
            if self._gen.sorted_term(middle)[0] < target:
                low = middle + 1
            else:
                high = middle
        return low
