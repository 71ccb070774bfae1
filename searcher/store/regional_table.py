"""The regional table of a generation: how other regions write the vocabulary's words.

Written with each generation (segments.write_generation), read whole by the first query that
looks a form up (20 kB on zh-laws: 1,232 forms of 47,741 words):
  regional.txt   a line per form, sorted: the form, folded, then a tab and each word of the
                 vocabulary it stands for, tab-separated ("资料库\t数据库"); its first line is
                 the number of vocabulary words read so far.
The forms come from OpenCC's phrase conversions (analysis.regional.word_forms), run here so
that no query loads a converter (15–300 ms). An update converts only the words first seen since.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from searcher.analysis.normalize import fold_text
from searcher.analysis.regional import word_forms
from searcher.errors import IndexCorruptError

REGIONAL_FILE = "regional.txt"
_CHUNK = 8192  # words a worker converts at a time
_MOST_FORMS = 3  # forms a query gets per typed text: each word's first few


@dataclass(frozen=True)
class RegionalPairs:
    """What a build keeps of the generation before: its forms and how many words it read."""

    read: int = 0  # vocabulary words [0, read) were converted
    pairs: tuple[tuple[str, str], ...] = ()  # (form, word)


def write_regional(
    out_dir: Path, vocabulary: list[str], known: RegionalPairs, map_tasks: Callable = map
) -> None:
    """The table of `vocabulary`: the forms of `known`, and those of the words after them,
    converted on the workers."""
    new = vocabulary[known.read :]
    chunks = [new[at : at + _CHUNK] for at in range(0, len(new), _CHUNK)]
    pairs = set(known.pairs)
    for found in map_tasks(word_forms, chunks):
        pairs.update(found)
    words: dict[str, list[str]] = {}
    for form, word in sorted(pairs):
        words.setdefault(form, []).append(word)
    lines = [str(len(vocabulary))] + ["\t".join([form, *found]) for form, found in words.items()]
    (out_dir / REGIONAL_FILE).write_text("\n".join(lines), encoding="utf-8")


class RegionalTable:
    """Forms → the vocabulary's words they stand for; `blob(name)` gives the mapped file."""

    def __init__(self, blob: Callable[[str], object]) -> None:
        self._blob = blob
        self._lines: dict[str, str] | None = None
        self._longest = 0
        self._read = 0

    def forms(self, text: str) -> list[str]:
        """`text` folded as other regions write it: each form the table holds in it (the longest
        at each place, left to right) replaced by the words it stands for; none when it holds no
        form. The contract of analysis.regional.regional_forms, answered from the table."""
        table = self._table()
        folded = fold_text(text)
        found: list[tuple[int, int, tuple[str, ...]]] = []
        at = 0
        while at < len(folded):
            for end in range(min(len(folded), at + self._longest), at + 1, -1):
                if folded[at:end] in table:
                    found.append((at, end, self._words_of(folded[at:end])))
                    at = end
                    break
            else:
                at += 1
        forms: dict[str, None] = {}
        for number in range(min(_MOST_FORMS, max((len(w) for *_, w in found), default=0))):
            parts, last = [], 0
            for start, end, several in found:
                parts += [folded[last:start], several[min(number, len(several) - 1)]]
                last = end
            forms["".join(parts) + folded[last:]] = None
        forms.pop(folded, None)
        return list(forms)

    def pairs(self) -> RegionalPairs:
        """Every (form, word), for the next build, which keeps them."""
        table = self._table()
        pairs = tuple((form, word) for form in table for word in self._words_of(form))
        return RegionalPairs(self._read, pairs)

    def _words_of(self, form: str) -> tuple[str, ...]:
        words = tuple(self._table()[form].split("\t"))
        if not all(words):
            raise _damaged()
        return words

    def _table(self) -> dict[str, str]:
        """Form → its words, tab-separated: split only for the forms a query holds (a fresh
        query read the whole table in 3 ms when every line was split, 1 now)."""
        if self._lines is None:
            try:
                head, *lines = bytes(self._blob(REGIONAL_FILE)).decode("utf-8").split("\n")
                self._read = int(head)
                table = dict(line.split("\t", 1) for line in lines)
            except ValueError as error:  # UnicodeDecodeError is one; so is a line with no tab
                raise _damaged() from error
            if "" in table:
                raise _damaged()
            self._longest = max(map(len, table), default=0)
            self._lines = table
        return self._lines


def _damaged() -> IndexCorruptError:
    return IndexCorruptError(
        "the index's regional table is damaged; run: searcher check, then searcher index --rebuild"
    )
