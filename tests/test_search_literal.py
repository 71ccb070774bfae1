"""Literal matching: the passages holding a string and how often each holds it, exactly as their
folded text does, whether the count is read from the text or told by the postings (a Chinese
word the index holds, in titles too, inside longer words, across updates)."""

from __future__ import annotations

from pathlib import Path

from searcher.analysis.normalize import fold_text
from searcher.indexing.writer import build_index
from searcher.search.literal import LiteralMatcher
from searcher.search.titles import TitleMatcher
from searcher.store.generation import open_generation
from searcher.store.schema import TEXT

# 人民政府 and 人民法院 as words, repeated, inside longer words (最高人民法院), in headings,
# and with their bigrams apart as often as the word (人民和人民，民政和民政): every way the
# count of a string can differ from its word's weight or its rarest bigram's count.
_TEXTS = {
    "a.md": "# 人民政府工作\n\n人民政府应当公开。人民政府负责。\n\n"
    "人民政府审议，人民和人民，民政和民政，政府和政府。\n\n县人民政府发布人民政府令。\n",
    "b.md": "# 法院\n\n人民法院审理，政府配合。人民的政府。\n\n人民政府人民政府人民政府。\n",
    "c.md": "# 人民政府与人民政府\n\n人民政府。\n\n人民法院和人民法院院长。\n",
    "d.md": "没有这个词。人民的政府。人民。政府。\n\n人民法院和最高人民法院。\n\n"
    "人民法院审理。人民。民法。法院。\n",
}
_LITERALS = ["人民政府", "人民法院", "政府令", "人民政府令", "县人民政府", "法院院长", "人民的政府"]


def _expected(generation, literal: str) -> dict[int, int]:  # noqa: ANN001 - a Generation
    """Each live row's count of `literal` in its folded text, read with str.count."""
    live = generation.array("row_live")
    counts = {}
    for row in range(int(generation.meta["rows"])):
        if live[row]:
            found = fold_text(generation.stored_fields(row)[TEXT]).count(literal)
            if found:
                counts[row] = found
    return counts


def _found(matcher: LiteralMatcher, generation, literal: str) -> dict[int, int]:  # noqa: ANN001
    rows, counts = matcher.rows(literal)
    live = generation.array("row_live")
    return {int(r): int(c) for r, c in zip(rows, counts, strict=True) if live[r]}


def test_literal_rows_and_counts_are_the_texts_own(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in _TEXTS.items():
        (docs / name).write_text(text, encoding="utf-8")
    for number in range(12):  # enough rows that the update below gets a segment of its own
        filler = "\n\n".join(f"第{n}条 居民议事会每月召开。" for n in range(number, number + 4))
        (docs / f"filler{number}.md").write_text(filler, encoding="utf-8")
    index = tmp_path / "index"
    build_index([docs], index)
    # An update: a second segment, and the old rows of b.md dead in the first.
    (docs / "b.md").write_text("人民政府人民政府。人民政府令。\n\n人民法院。\n", encoding="utf-8")
    (docs / "e.md").write_text("# 人民法院\n\n人民法院判决。\n", encoding="utf-8")
    build_index([docs], index)
    generation = open_generation(index)
    try:
        assert len(generation.segments) == 2
        read: dict[str, int] = {}
        count_texts = generation.literal_counts

        def counted(needle: bytes, rows):  # noqa: ANN001, ANN202 - the generation's own
            read[needle.decode()] = read.get(needle.decode(), 0) + len(rows)
            return count_texts(needle, rows)

        generation.literal_counts = counted
        matcher = LiteralMatcher(generation, TitleMatcher(generation))
        for literal in _LITERALS:
            expected = _expected(generation, literal)
            assert expected, literal
            assert _found(matcher, generation, literal) == expected, literal
        # 人民政府's counts were told by its postings for some rows, not read from their text:
        # the shortcut ran (and agreed with the text above).
        assert read.get("人民政府", 0) < len(matcher.rows("人民政府")[0])
        # A string that is no word of the index is read for every candidate.
        assert read["人民的政府"] >= len(_expected(generation, "人民的政府"))
    finally:
        generation.close()


def test_a_word_found_inside_longer_words_is_counted_from_their_postings(tmp_path: Path) -> None:
    # 人民法院 mostly inside longer words of the index (最高人民法院, 高级人民法院): their
    # postings tell its count, so no text is read, and the counts are still the texts' own,
    # twice in a row where the same word holds it twice or beside the word itself.
    docs = tmp_path / "docs"
    docs.mkdir()
    paragraphs = ["最高人民法院审理了此案。"] * 6 + ["高级人民法院判决，最高人民法院复核。"] * 3
    paragraphs += ["人民法院受理后，最高人民法院指导。", "人民法院。"]
    (docs / "courts.md").write_text("\n\n".join(paragraphs), encoding="utf-8")
    index = tmp_path / "index"
    build_index([docs], index)
    generation = open_generation(index)
    try:
        assert generation.term_id("最高人民法院") is not None  # a word of the index, as assumed
        read: list[int] = []
        count_texts = generation.literal_counts

        def counted(needle: bytes, rows):  # noqa: ANN001, ANN202 - the generation's own
            read.append(len(rows))
            return count_texts(needle, rows)

        generation.literal_counts = counted
        matcher = LiteralMatcher(generation, TitleMatcher(generation))
        assert _found(matcher, generation, "人民法院") == _expected(generation, "人民法院")
        assert sum(read) == 0
    finally:
        generation.close()
