"""normalize.fold(): width, case and traditional→simplified folding, with a map back to the text."""

from __future__ import annotations

import re

import opencc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searcher.analysis.normalize import fold, fold_text
from searcher.analysis.tokenizers import Segmenter

# Text as users write it: simplified and traditional Han, full-width letters and digits, ASCII,
# punctuation of both widths, emoji, every kind of space, combining marks and ligatures.
_HAN = "网格党支部的是一个人后来关系發後來關係這個們國說時會對臺灣茶乾隆干燥髮头發"
_FULL_WIDTH = "ＡＢＣＸＹＺａｂｃｘｙｚ０１２３４５６７８９！？（），．：；＠＃％＆＊＋－／＝"
_PUNCTUATION = "，。、；：？！“”‘’《》【】（）…—·"
_EMOJI = ["🙂", "🍜", "🌳", "👍🏽", "❤️", "🇨🇳"]
_SPACES = [" ", "\u3000", "\t", "\n", "\u00a0", "\u2003"]
_COMBINING = ["\u0301", "\u0308", "\u20dd", "e\u0301", "a\u030a"]
_LIGATURES = ["ﬁ", "ﬂ", "ﬀ", "ﬃ", "ﬄ", "ﬆ"]

mixed_text = st.lists(
    st.one_of(
        st.sampled_from(_HAN),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.sampled_from(_FULL_WIDTH),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.sampled_from(_PUNCTUATION),
        st.sampled_from(_EMOJI),  # some are several code points: skin tone, flag, variation
        st.sampled_from(_SPACES),
        st.sampled_from(_COMBINING),
        st.sampled_from(_LIGATURES),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_text)
def test_every_folded_word_maps_back_to_source_text_that_folds_to_it(text: str) -> None:
    folded = fold(text)
    for word, start, end in Segmenter().cut(folded.text):
        assert folded.text[start:end] == word
        source_start, source_end = folded.source_span(start, end)
        assert 0 <= source_start < source_end <= len(text)
        assert fold_text(text[source_start:source_end]) == word


@settings(max_examples=300, deadline=None)
@given(mixed_text)
def test_word_offsets_slice_the_folded_text(text: str) -> None:
    folded = fold_text(text)
    for word, start, end in Segmenter().cut(folded):
        assert folded[start:end] == word


@settings(max_examples=200, deadline=None)
@given(mixed_text, st.data())
def test_any_folded_span_maps_back_to_whole_source_characters(
    text: str, data: st.DataObject
) -> None:
    folded = fold(text)
    start = data.draw(st.integers(0, len(folded.text)))
    end = data.draw(st.integers(start, len(folded.text)))
    source_start, source_end = folded.source_span(start, end)
    assert 0 <= source_start <= source_end <= len(text)
    if end > start:
        # The source slice folds to at least the folded span (more when a ligature is cut in two).
        assert folded.text[start:end] in fold_text(text[source_start:source_end])


def test_full_width_letters_and_digits_fold_to_ascii_lower_case() -> None:
    assert fold_text("ＡＢＣ１２３") == "abc123"
    assert fold_text("ｉＰｈｏｎｅ１５") == "iphone15"


def test_ideographic_space_folds_to_ascii_space() -> None:
    assert fold_text("网格\u3000党建") == "网格 党建"


def test_traditional_folds_to_simplified() -> None:
    assert fold_text("後來") == "后来"
    assert fold_text("關係") == "关系"
    assert fold_text("臺灣茶") == "台湾茶"


def test_fold_keeps_length_and_needs_no_map_for_plain_chinese() -> None:
    folded = fold("老住戶和新居民之間的關係")
    assert len(folded.text) == len(folded.source)
    assert folded.source_span(3, 5) == (3, 5)


def test_ligature_expands_and_its_offsets_point_at_the_ligature() -> None:
    folded = fold("ﬁle网格")
    assert folded.text == "file网格"
    assert folded.source_span(0, 4) == (0, 3)  # "file" comes from "ﬁle"
    assert folded.source_span(4, 6) == (3, 5)  # "网格" keeps its place after the expansion


def test_no_character_folds_to_nothing() -> None:
    """fold() tells a text folded in place by its length alone: that holds only while every
    character folds to at least one (NFKC and lower case, on this Python's Unicode tables)."""
    vanishing = [
        code
        for code in range(0x110000)
        if not 0xD800 <= code <= 0xDFFF and not fold_text(chr(code))
    ]
    assert vanishing == []


def test_a_text_with_an_expanding_character_seen_before_still_gets_its_map() -> None:
    fold("ﬁ")  # learnt
    folded = fold("网格ﬁ格")
    assert folded.text == "网格fi格"
    assert folded.source_span(2, 4) == (2, 3)
    assert folded.source_span(4, 5) == (3, 4)


# What folding drops, as one regex: a run of spaces or tabs between a Chinese character and a
# Latin letter or digit, either way round (normalize.py finds the runs, then their neighbours).
_BOUNDARY = re.compile(
    r"(?<=[\u4e00-\u9fff])[ \t]+(?=[a-z0-9])|(?<=[a-z0-9])[ \t]+(?=[\u4e00-\u9fff])"
)


@given(st.text(alphabet="网格第期数据库a z09 \t-.#", max_size=40))
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_spaces_between_chinese_and_latin_or_digits_and_only_those_are_dropped(
    text: str,
) -> None:
    # Every character of the alphabet folds to itself, so the regex sees what fold() sees.
    assert fold_text(text) == _BOUNDARY.sub("", text)
    assert fold(text).text == fold_text(text)


_CJK = "".join(map(chr, [*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000), *range(0xF900, 0xFB00)]))


def test_opencc_t2s_keeps_the_length_of_every_cjk_character() -> None:
    # fold() relies on t2s keeping offsets; its tables ship compiled, so test the converter itself.
    converted = opencc.OpenCC("t2s").convert(_CJK)
    assert len(converted) == len(_CJK)
    assert converted != _CJK  # it did convert: 後 → 后 is among them


_TRADITIONAL = "後來關係發展頭髮乾隆著麼係繫臺灣網路資訊聯鬱蔥"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(list(_TRADITIONAL)), max_size=40))
def test_opencc_t2s_keeps_the_length_of_traditional_phrases(chars: list[str]) -> None:
    # Phrase entries (頭髮 → 头发, 乾隆 stays) are the ones that could change a length.
    text = "".join(chars)
    assert len(opencc.OpenCC("t2s").convert(text)) == len(text)


def test_fold_keeps_undecodable_file_name_bytes_instead_of_failing() -> None:
    # os.fsdecode turns a name's invalid UTF-8 bytes into lone surrogates; path: filters fold paths.
    name = "/docs/a\udcffb/後來.txt"
    assert fold(name).text == name
