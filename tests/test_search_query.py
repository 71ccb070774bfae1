"""parse_query(): the user's query syntax → folded literals and words, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.analysis.frequency_cut import cut_by_frequency
from searcher.errors import QuerySyntaxError
from searcher.search.query import ParsedQuery, Unit, parse_query

# The words of a small index's vocabulary, each held by one passage.
VOCABULARY = frozenset("网格 党建 教程 网格党支部 管理 防汛 后来 关系 数据库 资料库".split())


def _parse(text: str, known: frozenset[str] = VOCABULARY) -> ParsedQuery:
    def words_at(run: str, start: int) -> list[tuple[int, int]]:
        return [(end, 1) for end in range(start + 1, len(run) + 1) if run[start:end] in known]

    return parse_query(
        text, known.__contains__, lambda run: cut_by_frequency(run, words_at, len(known))
    )


def _literals(query: ParsedQuery) -> list[list[str]]:
    """Each clause as the literals of its alternatives."""
    return [[unit.literal for unit in clause.alternatives] for clause in query.clauses]


def test_each_word_is_a_required_clause() -> None:
    query = _parse("网格 党建")
    assert _literals(query) == [["网格"], ["党建"]]
    assert query.excluded == () and query.paths == ()


def test_a_chunk_of_several_words_is_cut_and_kept_as_typed_for_a_bonus() -> None:
    query = _parse("Python教程")
    assert _literals(query) == [["python"], ["教程"]]
    assert query.chunks == ("python教程",)


def test_a_word_the_index_knows_is_not_cut() -> None:
    assert _literals(_parse("网格党支部", frozenset({"网格党支部"}))) == [["网格党支部"]]


def test_quoted_phrase_is_one_literal_unit() -> None:
    (clause,) = _parse('"网格党支部"').clauses
    (unit,) = clause.alternatives
    assert unit.phrase
    assert unit.literals == ("网格党支部",)


def test_quoted_phrase_is_scored_with_the_longest_words_the_index_holds() -> None:
    known = frozenset({"损坏", "或者", "迟延", "交付", "迟延交付"})
    (clause,) = _parse('"损坏或者迟延交付货物"', known).clauses
    # Matched as typed; scored with the index's own words, left to right, longest first, and
    # single characters where it holds none, so no segmenter has to load.
    assert clause.alternatives[0] == Unit(
        "损坏或者迟延交付货物", ("损坏", "或者", "迟延交付", "货", "物"), phrase=True
    )


def test_full_width_quotes_make_a_phrase_too() -> None:
    (clause,) = _parse("“後來”", frozenset({"后来"})).clauses
    assert clause.alternatives[0] == Unit("后来", ("后来",), phrase=True)


def test_unbalanced_quote_runs_to_the_end() -> None:
    (clause,) = _parse('"网格 党').clauses
    assert clause.alternatives[0].literal == "网格 党"
    assert clause.alternatives[0].phrase


def test_minus_excludes_a_word_or_a_phrase() -> None:
    query = _parse('茶 -党支部 -"网格 党"')
    assert _literals(query) == [["茶"]]
    assert [(unit.literal, unit.phrase) for unit in query.excluded] == [
        ("党支部", False),
        ("网格 党", True),
    ]


def test_or_joins_neighbours_into_one_clause() -> None:
    assert _literals(_parse("茶 OR 网格")) == [["茶", "网格"]]
    assert _literals(_parse("a OR b OR c 网格")) == [["a", "b", "c"], ["网格"]]


def test_lowercase_or_is_a_word() -> None:
    assert _literals(_parse("茶 or 网格")) == [["茶"], ["or"], ["网格"]]


@pytest.mark.parametrize("text", ["OR 网格", "网格 OR", "OR OR 网格"])
def test_lone_or_is_dropped(text: str) -> None:
    assert _literals(_parse(text)) == [["网格"]]


def test_title_and_path_filters() -> None:
    query = _parse("title:网格 path:Samples/GB 防汛")
    assert [(u.literal, u.title_only) for c in query.clauses for u in c.alternatives] == [
        ("网格", True),
        ("防汛", False),
    ]
    assert query.paths == ("samples/gb",)


def test_query_text_is_folded_like_indexed_text() -> None:
    assert _literals(_parse("後來 ＡＢＣ 關係")) == [["后来"], ["abc"], ["关系"]]


def test_emoji_or_punctuation_alone_is_matched_literally() -> None:
    (clause,) = _parse("🙂").clauses
    assert clause.alternatives[0] == Unit("🙂", (), phrase=True)


def test_control_characters_separate_words() -> None:
    assert _literals(_parse("网格\x07党建\x00")) == [["网格"], ["党建"]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the query is empty; type a word or a phrase to search for"),
        ('""', "the query is empty; type a word or a phrase to search for"),
        ("OR", "the query is empty; type a word or a phrase to search for"),
        ("-网格", "the query only excludes or filters; add a word to search for"),
        ("path:samples", "the query only excludes or filters; add a word to search for"),
    ],
)
def test_nothing_to_search_raises_query_syntax_error(text: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        _parse(text)
    assert str(caught.value) == message


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from('"“”-: ORtilepah网格茶🙂！\u3000\tＡ\x00'), max_size=20))
def test_any_text_parses_or_raises_query_syntax_error(text: str) -> None:
    try:
        query = _parse(text)
    except QuerySyntaxError:
        return
    assert query.clauses
    for clause in query.clauses:
        for unit in clause.alternatives:
            assert unit.literal and all(unit.literals)


def test_a_run_is_cut_into_the_index_words_on_the_most_frequent_path() -> None:
    frequencies = {"网格": 50, "格管": 1, "管理": 80}

    def words_at(run: str, start: int) -> list[tuple[int, int]]:
        found = (
            (end, frequencies.get(run[start:end], 0)) for end in range(start + 1, len(run) + 1)
        )
        return [(end, freq) for end, freq in found if freq]

    assert cut_by_frequency("网格管理员", words_at, 1000) == [("网格",), ("管理",), ("员",)]


def test_a_run_the_index_does_not_hold_is_cut_into_its_characters() -> None:
    assert _literals(_parse("卡马克")) == [["卡"], ["马"], ["克"]]
