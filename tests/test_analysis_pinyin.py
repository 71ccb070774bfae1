"""analysis/pinyin.py: readings of words (pypinyin, build time) and reading typed pinyin."""

from __future__ import annotations

from searcher.analysis.pinyin import (
    is_pinyin_word,
    joined_splits,
    matches,
    reading_key,
    split_syllables,
    toneless_token,
    word_readings,
)

SYLLABLES = frozenset("wang ge guan li shu ju ku xi an xian san shan jiao zhong".split())


def test_a_polyphone_in_a_word_reads_as_the_phrase_and_alone_every_way() -> None:
    assert word_readings(["银行", "重庆", "行"]) == [
        ("yin hang",),
        ("chong qing",),
        ("xing", "hang", "heng"),
    ]


def test_readings_are_toneless_with_v_for_u_umlaut() -> None:
    assert word_readings(["绿色", "女"]) == [("lv se",), ("nv", "ru")]


def test_words_with_latin_letters_or_digits_get_no_reading() -> None:
    assert not is_pinyin_word("5g网络")
    assert word_readings(["python", "第3期"]) == [(), ()]


def test_a_key_is_the_first_letter_of_each_syllable() -> None:
    assert reading_key("shu ju ku") == "sjk"


def test_tone_digits_are_dropped_and_other_text_is_not_pinyin() -> None:
    assert toneless_token("wang2ge2") == "wangge"
    assert toneless_token("Lü4se4") == "lvse"
    assert toneless_token("c++") is None
    assert toneless_token("ge7") is None


def test_a_token_is_cut_into_syllables_before_initials() -> None:
    assert split_syllables("wangge", SYLLABLES)[0] == ("wang", "ge")
    assert ("xian",) in split_syllables("xian", SYLLABLES)
    assert ("xi", "an") in split_syllables("xian", SYLLABLES)
    assert split_syllables("wg", SYLLABLES) == [("w", "g")]
    assert ("w", "ge", "guan", "li") in split_syllables("wgeguanli", SYLLABLES)


def test_a_space_typed_is_always_a_boundary_between_syllables() -> None:
    def joined(*parts: str) -> list[tuple[str, ...]]:
        return joined_splits([split_syllables(part, SYLLABLES) for part in parts], SYLLABLES)

    assert ("xian",) not in joined("xi", "an") and joined("xi", "an")[0] == ("xi", "an")
    assert joined("shuju", "ku")[0] == ("shu", "ju", "ku")
    assert ("shu", "j", "ku") in joined("shuj", "ku")
    assert joined("xian") == split_syllables("xian", SYLLABLES)


def test_zh_ch_sh_match_as_typed() -> None:
    assert matches(("san", "jiao"), "san jiao")
    assert not matches(("san", "jiao"), "shan jiao")
    assert matches(("sh", "j"), "shan jiao")
    assert not matches(("sh", "j"), "san jiao")
    assert matches(("s", "j"), "shan jiao")  # a first letter stands for any initial
    assert not matches(("zong",), "zhong")
