"""Latin letters read as pinyin: a query word such as `wangge`, `wg`, `wgeguanli` or `shu ju ku`
also finds the Chinese words it spells, from the index's pinyin table (store/pinyin_table.py).

A typed token stays an alternative of its own clause, and the words it spells are added beside it
(OR): a passage holding the letters as typed ranks first (engine.py), then passages holding what
they spell. A token is cut into syllables and initials (analysis.pinyin.split_syllables); the
words of each cut are found by key, fewest syllables first, most frequent first. Tokens typed
apart read as one where an indexed word spans them (shuju ku, shu juku: 数据库) unless each is a
word of its own (wangge guanli: 网格 管理); a space is always a boundary between syllables.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from searcher.analysis.pinyin import (
    MAX_WORD_CHARS,
    is_single_piece,
    joined_splits,
    matches,
    split_syllables,
    toneless_token,
)
from searcher.search.query import Clause, ParsedQuery, Unit
from searcher.store.generation import Generation

MAX_READINGS = 8  # Chinese words (or runs of words) a token stands for, most frequent first
# Typed as initials, a token stands for far more words (wg: 诬告, 网格, 违规…), the commonest of
# which each cost a search: fewer are kept. zh-laws, rmzf with 16: 570 ms warm (loaded machine).
MAX_INITIALS_READINGS = 4
# A reading's scores count (its frequency / the commonest reading's) ** this: guanli is 管理
# before 惯例, which BM25 alone would put first for its rarity.
READING_WEIGHT_POWER = 0.5
_MAX_WORDS = 3  # a token spells at most this many words in a row (wanggeguanli: 网格 管理)
_MAX_LETTERS = 32  # a longer token is not pinyin anybody types
_MAX_JOINED = 4  # runs typed apart that one word may span (shu juku, shu ju ku: one run)
_LATIN = re.compile(r"[a-z0-9]+")
_LATIN_TYPED = re.compile(r"[A-Za-z0-9]+")
_PIECES_KEPT = 4096  # spellings a reader keeps (a warm TUI or batch asks again)


class PinyinReader:
    def __init__(self, generation: Generation) -> None:
        self._gen = generation
        self._words: dict[tuple[str, ...], list[tuple[int, str]]] = {}
        self._cuts: dict[str, list[tuple[str, ...]]] = {}  # a typed part's split_syllables()

    def read(self, query: ParsedQuery) -> ParsedQuery:
        """The query, each clause typed in pinyin given the words it spells as alternatives;
        clauses typed apart that spell one word read as one (shu ju ku, shuju ku: 数据库)."""
        if not any(_letters(clause) for clause in query.clauses):
            return query  # no Latin word: the table is not even looked at
        # SZY, NBA: written in capitals, an abbreviation, not pinyin initials.
        capitals = {word.lower() for word in _LATIN_TYPED.findall(query.text) if word.isupper()}
        spell = _Spelling(self, capitals)
        clauses: list[Clause] = []
        changed = False
        for group in _joined(_runs(query.clauses, self._syllables(), capitals), spell):
            spelled = spell.run(group)
            if not spelled:
                clauses.extend(group)
                continue
            typed = group[0].alternatives[0]
            if len(group) > 1:  # shu ju ku: the three as typed are one alternative
                words = tuple(word for clause in group for word in clause.alternatives[0].words)
                typed = Unit(" ".join(words), words)
            letters = "".join(_letters(clause) or "" for clause in group)
            top = max(frequency for _, frequency in spelled)
            readings = tuple(
                Unit("".join(words), words, reading=letters, weight=_weight(frequency, top))
                for words, frequency in spelled
            )
            clauses.append(Clause((typed, *readings)))
            changed = True
        return replace(query, clauses=tuple(clauses)) if changed else query

    def spelled(self, parts: tuple[str, ...]) -> list[tuple[tuple[str, ...], int]]:
        """Runs of words that `parts` (toneless pinyin, typed apart: ("shuju", "ku")) spell,
        best first, each with the frequency of its rarest word."""
        if sum(map(len, parts)) > _MAX_LETTERS:
            return []
        found: dict[tuple[str, ...], tuple[int, int, int]] = {}
        splits = self._splits(parts)
        whole = [pieces for pieces in splits if all(p in self._syllables() for p in pieces)]
        # Whole syllables where they spell something (xian: 先, 西安), else initials too; one
        # word where any cut spells one, else runs of words (wanggeguanli: 网格 管理).
        limit = MAX_READINGS
        for group in (whole, splits):
            for depth in (1, _MAX_WORDS):
                for order, pieces in enumerate(group):
                    for words, frequency in self._cover(pieces, depth):
                        rank = (len(words), order, -frequency)
                        if words not in found or rank < found[words]:
                            found[words] = rank
                if found:
                    break
            if found:
                break
            limit = MAX_INITIALS_READINGS  # initials: many words share them, keep the commonest
        best = sorted(found, key=found.__getitem__)[:limit]
        return [(words, -found[words][2]) for words in best]

    def spells_one_word(self, parts: tuple[str, ...]) -> bool:
        """Whether whole syllables of `parts` spell one word of the index: what joins parts
        typed apart (shuju ku). Initials are not joined across a space: a few letters apart
        (sj ku) spell words in too many ways, and a pasted English text would look up each
        few of its words (12 English words: parse 0.8 ms before joins, 2.7 with initials,
        1.2 without; results-speed.md)."""
        if sum(map(len, parts)) > _MAX_LETTERS:
            return False
        syllables = self._syllables()
        whole = [[c for c in self._split(part) if syllables.issuperset(c)] for part in parts]
        if not all(whole):
            return False
        cuts = joined_splits(whole, syllables)
        return any(len(cut) <= MAX_WORD_CHARS and self._spelling(cut) for cut in cuts)

    def _splits(self, parts: tuple[str, ...]) -> list[tuple[str, ...]]:
        """Ways to cut `parts` into syllables and initials, a space always between two."""
        return joined_splits([self._split(part) for part in parts], self._syllables())

    def _split(self, part: str) -> list[tuple[str, ...]]:
        """split_syllables() of one typed part, found once."""
        if part not in self._cuts:
            if len(self._cuts) >= _PIECES_KEPT:
                self._cuts.clear()
            self._cuts[part] = split_syllables(part, self._syllables())
        return self._cuts[part]

    def _cover(self, pieces: tuple[str, ...], depth: int) -> list[tuple[tuple[str, ...], int]]:
        """(words, frequency of the rarest) spelling `pieces`: one word if any does, else a
        word then the rest, at most `depth` words, each of two characters or more (runs of
        single characters spell anything: ditie as 的 是 额)."""
        one = [((word,), frequency) for frequency, word in self._spelling(pieces)]
        if one or depth == 1:
            return one[:MAX_READINGS]
        found: list[tuple[tuple[str, ...], int]] = []
        for cut in range(len(pieces) - 2, 1, -1):
            heads = self._spelling(pieces[:cut])[:4]
            if not heads:
                continue
            for rest, rest_frequency in self._cover(pieces[cut:], depth - 1)[:4]:
                found += [((word, *rest), min(f, rest_frequency)) for f, word in heads]
            if found:
                break
        return found

    def _spelling(self, pieces: tuple[str, ...]) -> list[tuple[int, str]]:
        """(frequency, word) of the index's words spelled by `pieces`, most frequent first."""
        if pieces not in self._words:
            if len(self._words) >= _PIECES_KEPT:
                self._words.clear()
            key = "".join(piece[0] for piece in pieces)
            terms = {
                term
                for reading, term in self._gen.pinyin().with_key(key)
                if matches(pieces, reading)
            }
            words = [(self._gen.document_frequency(t), self._gen.term_word(t)) for t in terms]
            self._words[pieces] = sorted((w for w in words if w[0]), reverse=True)
        return self._words[pieces]

    def _syllables(self) -> frozenset[str]:
        return self._gen.pinyin().syllables()


def _weight(frequency: int, top: int) -> float:
    return (max(frequency, 1) / max(top, 1)) ** READING_WEIGHT_POWER


def _letters(clause: Clause) -> str | None:
    """The toneless pinyin letters of a clause typed as one Latin word, else None."""
    if len(clause.alternatives) != 1:
        return None
    unit = clause.alternatives[0]
    if unit.phrase or unit.title_only or unit.reading or len(unit.words) != 1:
        return None
    if not _LATIN.fullmatch(unit.literal) or unit.literal.isdigit():
        return None
    return toneless_token(unit.literal)


def _runs(
    clauses: tuple[Clause, ...], syllables: frozenset[str], capitals: set[str]
) -> list[list[Clause]]:
    """The clauses, a run of single syllables typed apart (shu ju ku) grouped as one."""
    runs: list[list[Clause]] = []
    for clause in clauses:
        single = _single(clause, syllables, capitals)
        if single and runs and _single(runs[-1][-1], syllables, capitals):
            runs[-1].append(clause)
        else:
            runs.append([clause])
    return runs


def _single(clause: Clause, syllables: frozenset[str], capitals: set[str]) -> bool:
    letters = _letters(clause)
    if letters is None or clause.alternatives[0].literal in capitals:
        return False
    return is_single_piece(letters, syllables)


def _joined(runs: list[list[Clause]], spell: _Spelling) -> list[list[Clause]]:
    """The runs, those a word spans joined (see _Spelling.spans): the fewest groups, and of
    as few, the longest first."""
    # fewest[i]: how few groups runs[i:] make, and where the first of them ends
    fewest = [(0, len(runs))] * (len(runs) + 1)
    for start in reversed(range(len(runs))):
        best = (fewest[start + 1][0] + 1, start + 1)  # the run alone
        for end in range(start + 2, min(len(runs), start + _MAX_JOINED) + 1):
            count = fewest[end][0] + 1
            if count <= best[0] and spell.spans(runs[start:end]):
                best = (count, end)
        fewest[start] = best
    groups: list[list[Clause]] = []
    start = 0
    while start < len(runs):
        end = fewest[start][1]
        groups.append([clause for run in runs[start:end] for clause in run])
        start = end
    return groups


class _Spelling:
    """What the Latin runs of one query spell (PinyinReader.spelled), each asked once."""

    def __init__(self, reader: PinyinReader, capitals: set[str]) -> None:
        self._reader, self._capitals = reader, capitals
        self._found: dict[tuple[str, ...], list[tuple[tuple[str, ...], int]]] = {}

    def run(self, clauses: list[Clause]) -> list[tuple[tuple[str, ...], int]]:
        """What the clauses typed apart spell as one, best first; [] if they are not all
        Latin words or one is in capitals."""
        parts = self._parts(clauses)
        if not parts or sum(map(len, parts)) < 2:
            return []
        if parts not in self._found:
            self._found[parts] = self._reader.spelled(parts)
        return self._found[parts]

    def spans(self, runs: list[list[Clause]]) -> bool:
        """Whether the runs, typed apart, spell one word together (shuju ku: 数据库), unless
        each is a word of two characters or more on its own (wangge guanli: 网格 管理, as the
        user typed the space between them)."""
        if all(_a_word(self.run(run)) for run in runs):
            return False
        clauses = [clause for run in runs for clause in run]
        parts = self._parts(clauses)
        if not parts or not self._reader.spells_one_word(parts):
            return False
        spelled = self.run(clauses)
        return bool(spelled) and len(spelled[0][0]) == 1

    def _parts(self, clauses: list[Clause]) -> tuple[str, ...]:
        """The clauses' pinyin letters, () unless each is a Latin word not in capitals."""
        parts = tuple(_letters(clause) or "" for clause in clauses)
        typed = [clause.alternatives[0].literal for clause in clauses]
        if not all(parts) or any(word in self._capitals for word in typed):
            return ()
        return parts


def _a_word(spelled: list[tuple[tuple[str, ...], int]]) -> bool:
    """Whether a run's best reading is a word of its own: words, or a word of 2+ characters."""
    return bool(spelled) and (len(spelled[0][0]) > 1 or len(spelled[0][0][0]) > 1)


def interpretation(
    query: ParsedQuery, rows: list[int], folded: Callable[[int], bytes]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(letters as typed, words) of each clause read as pinyin whose words the hits (`rows`,
    best first) hold: the words of the first hit holding them and not the letters as typed."""
    read = [clause for clause in query.clauses if any(u.reading for u in clause.alternatives)]
    if not read or not rows:
        return (), ()
    texts = [folded(row) for row in rows]
    typed_as: list[str] = []
    shown: list[str] = []
    for clause in read:
        typed = [unit for unit in clause.alternatives if not unit.reading]
        spelled = [unit for unit in clause.alternatives if unit.reading]
        for text in texts:
            if any(_holds(text, unit) for unit in typed):
                continue
            found = next((unit for unit in spelled if _holds(text, unit)), None)
            if found is not None:
                typed_as.append(typed[0].literal)
                shown.append(" ".join(found.words))
                break
    return tuple(typed_as), tuple(shown)


def _holds(text: bytes, unit: Unit) -> bool:
    return all(literal.encode() in text for literal in unit.literals)
