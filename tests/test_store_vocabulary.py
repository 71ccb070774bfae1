"""Vocabulary: an index's words and how many passages hold each, read without a segmenter."""

from __future__ import annotations

from pathlib import Path

from searcher.analysis.tokenizers import Segmenter
from searcher.indexing.writer import build_index
from searcher.store.generation import open_generation
from searcher.store.vocabulary import Vocabulary


def _index(tmp_path: Path, texts: list[str]) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for number, text in enumerate(texts):
        (folder / f"{number}.txt").write_text(text, encoding="utf-8")
    build_index([folder], tmp_path / "index")
    return tmp_path / "index"


def test_frequency_counts_the_passages_holding_a_word(tmp_path: Path) -> None:
    index = _index(tmp_path, ["图书馆开放。", "图书馆整理图书。", "今天下雨。"])
    generation = open_generation(index)
    try:
        vocabulary = Vocabulary(generation)
        assert vocabulary.frequency("图书馆") == 2
        assert vocabulary.frequency("图书") == 1  # twice in one passage: one passage
        assert vocabulary.frequency("卡马克") == 0
        assert "图书馆" in vocabulary and "卡马克" not in vocabulary
    finally:
        generation.close()


def test_words_at_lists_every_held_word_starting_there(tmp_path: Path) -> None:
    index = _index(tmp_path, ["图书馆开放。", "图书管理员整理图书。", "图"])
    generation = open_generation(index)
    try:
        vocabulary = Vocabulary(generation)
        assert vocabulary.words_at("图书馆员", 0) == [(1, 1), (2, 1), (3, 1)]
        assert vocabulary.words_at("图书馆员", 1) == []  # no word starts with 书
    finally:
        generation.close()


def test_items_and_load_all_agree_with_lookups(tmp_path: Path) -> None:
    texts = ["网格员走访居民。", "居民议事会。", "議事規則"]
    index = _index(tmp_path, texts)
    generation = open_generation(index)
    try:
        lazy, loaded = Vocabulary(generation), Vocabulary(generation)
        loaded.load_all()
        items = dict(lazy.items())
        words = {w for t in texts for w in Segmenter().words(t.replace("議事規則", "议事规则"))}
        assert words <= set(items)
        assert all(loaded.frequency(w) == f == lazy.frequency(w) for w, f in items.items())
        assert lazy.total == loaded.total == sum(items.values())
    finally:
        generation.close()


def test_words_holding_a_string_are_those_of_the_vocabulary_that_hold_it(tmp_path: Path) -> None:
    texts = ["图书馆馆长整理图书。", "图书管理员在图书馆。", "馆藏图书，书馆，馆书。", "哈哈哈哈。"]
    generation = open_generation(_index(tmp_path, texts))
    try:
        words = generation.terms()
        # The words lie end to end on disk: a string across two neighbours is held by none.
        across = [a[-1] + b[0] for a, b in zip(words, words[1:], strict=False)]
        across = [part for part in across if not any(part in word for word in words)]
        assert across
        for part in ["图书", "书馆", "馆", "哈哈", "图书馆馆长", *across]:
            expected = {
                (term, word.count(part))
                for term, word in enumerate(words)
                if part in word and len(word) > len(part)
            }
            assert set(generation.words_holding(part)) == expected, part
    finally:
        generation.close()
