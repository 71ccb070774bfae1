"""Highlight spans land on the exact characters of the passage as written; windows hold matches."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from searcher.analysis.normalize import fold, fold_text
from searcher.search import Hit, Searcher, Span, best_window
from searcher.search.highlight import match_spans


def _occurrences(folded: str, literal: str) -> list[tuple[int, int]]:
    found, start = [], folded.find(literal)
    while literal and start >= 0:
        found.append((start, start + len(literal)))
        start = folded.find(literal, start + 1)
    return found


def _assert_spans_exact(hit: Hit, literals: list[str]) -> None:
    """Each span's text folds to query literals end to end, and every literal occurrence is lit,
    in the passage's text and in its title (a query word may match either)."""
    assert hit.spans or hit.title_spans, (hit.title, hit.text)
    _assert_exact(hit.text, hit.spans, literals)
    _assert_exact(hit.title, hit.title_spans, literals)


def _assert_exact(text: str, spans: tuple[Span, ...], literals: list[str]) -> None:
    folded_literals = [fold_text(literal) for literal in literals]
    previous_end = -1
    for span in spans:
        assert previous_end < span.start_char < span.end_char <= len(text)
        previous_end = span.end_char
        shown = fold_text(text[span.start_char : span.end_char])
        covered = [False] * len(shown)
        for literal in folded_literals:
            for start, end in _occurrences(shown, literal):
                covered[start:end] = [True] * (end - start)
        assert all(covered), (shown, folded_literals)
        assert any(shown.startswith(lit) for lit in folded_literals), shown
        assert any(shown.endswith(lit) for lit in folded_literals), shown
    lit = [False] * len(text)
    for span in spans:
        lit[span.start_char : span.end_char] = [True] * (span.end_char - span.start_char)
    folded = fold(text)
    for literal in folded_literals:
        for start, end in _occurrences(folded.text, literal):
            start, end = folded.source_span(start, end)
            assert all(lit[start:end]), (text, literal)


# ---------------------------------------------------------------------------- match_spans


def test_spans_of_a_traditional_passage_cover_the_traditional_characters() -> None:
    text = "十年前，這條街後來開了地鐵站。"
    spans = match_spans(text, ["后来"])
    assert [text[s.start_char : s.end_char] for s in spans] == ["後來"]


def test_spans_of_full_width_text_cover_the_full_width_characters() -> None:
    text = "产品型号：ＡＢＣ１２３。"
    spans = match_spans(text, ["abc123"])
    assert [text[s.start_char : s.end_char] for s in spans] == ["ＡＢＣ１２３"]


def test_spans_after_a_ligature_keep_their_place() -> None:
    text = "ﬁle 网格 ﬁle"
    spans = match_spans(text, ["file", "网格"])
    assert [text[s.start_char : s.end_char] for s in spans] == ["ﬁle", "网格", "ﬁle"]


def test_overlapping_and_touching_matches_merge_into_one_span() -> None:
    assert match_spans("第三网格党支部", ["网格", "格党", "支部"]) == (Span(2, 7),)
    assert match_spans("网格，党支部", ["网格", "支部"]) == (Span(0, 2), Span(4, 6))


def test_no_literal_no_span() -> None:
    assert match_spans("网格员", []) == ()
    assert match_spans("网格员", [""]) == ()


# ---------------------------------------------------------------------------- best_window


def test_short_text_is_shown_whole() -> None:
    assert best_window(30, (Span(3, 5),), 100) == (0, 30)


def test_window_holds_the_densest_cluster_of_matches() -> None:
    spans = (Span(10, 12), Span(500, 502), Span(520, 522), Span(540, 542))
    start, end = best_window(1000, spans, 100)
    assert end - start == 100
    assert start <= 500 and 542 <= end


def test_window_never_runs_past_the_end() -> None:
    start, end = best_window(150, (Span(148, 150),), 100)
    assert (start, end) == (50, 150)


def test_issue_11_a_match_cut_on_the_left_is_taken_in_whole() -> None:
    # The densest window is the last 100 characters, starting inside the match at 45-58.
    spans = (Span(45, 58), Span(130, 140))
    assert best_window(150, spans, 100) == (45, 145)


def test_issue_11_a_match_cut_on_the_right_is_left_out() -> None:
    # The densest window, 80-180, ends inside the match at 175-190.
    spans = (Span(100, 130), Span(175, 190))
    assert best_window(1000, spans, 100) == (80, 175)


def test_issue_11_a_match_longer_than_the_window_is_shown_whole() -> None:
    assert best_window(1000, (Span(300, 450),), 100) == (280, 450)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 400),
    st.lists(st.tuples(st.integers(0, 400), st.integers(1, 30)), min_size=1, max_size=12),
    st.integers(5, 120),
)
def test_issue_11_a_window_never_cuts_through_a_match(
    length: int, raw: list[tuple[int, int]], width: int
) -> None:
    spans: list[Span] = []
    for start, size in sorted(raw):  # ascending, not overlapping, inside the text
        start = max(start, spans[-1].end_char + 1) if spans else start
        if start + size <= length:
            spans.append(Span(start, start + size))
    assume(spans)
    start, end = best_window(length, tuple(spans), width)
    assert 0 <= start < end <= length
    for span in spans:
        assert not span.start_char < start < span.end_char
        assert not span.start_char < end < span.end_char
    longest_held = max(s.end_char - s.start_char for s in spans if start <= s.start_char < end)
    assert end - start <= width + longest_held


# ---------------------------------------------------------------------------- hits


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("後來", {"simplified.txt": ["后来"], "traditional.txt": ["後來"]}),
        ("关系", {"simplified.txt": ["关系"], "traditional.txt": ["關係"]}),
        ("ＡＢＣ", {"fullwidth.txt": ["ＡＢＣ"], "halfwidth-mixed.md": ["ABC"]}),
        (
            "iphone",
            {
                "fullwidth.txt": ["ｉＰｈｏｎｅ"] * 2,
                "halfwidth-mixed.md": ["iPhone"] * 2 + ["iphone"],
            },
        ),
    ],
)
def test_hit_spans_slice_the_characters_as_written(
    query: str, expected: dict[str, list[str]], data: Searcher
) -> None:
    hits = data.search(query, limit=10, collapse=False).hits  # simplified/traditional: one text
    shown = {Path(h.path).name: [h.text[s.start_char : s.end_char] for s in h.spans] for h in hits}
    assert shown == expected
    for hit in hits:
        _assert_spans_exact(hit, [query])


@pytest.mark.parametrize("query", ["网格", "茶", "格党", "２０２４", "Python教程", "防汛 责任"])
def test_every_span_of_every_hit_folds_to_query_text(query: str, samples: Searcher) -> None:
    literals = query.split() + [query]
    for hit in samples.search(query, limit=1000).hits:
        if all(fold_text(lit) not in fold_text(hit.text) for lit in literals):
            continue  # a passage holding only some of the query's words, e.g. "python"
        _assert_spans_exact(hit, literals + ["python", "教程"])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draw=st.data())
def test_phrase_query_spans_are_exact_in_every_hit(
    draw: st.DataObject, samples: Searcher, sample_passages: dict
) -> None:
    text = draw.draw(st.sampled_from(sorted(sample_passages.values())))
    length = draw.draw(st.integers(1, 6))
    start = draw.draw(st.integers(0, max(0, len(text) - length)))
    phrase = text[start : start + length].strip()
    assume(phrase and '"' not in phrase and "“" not in phrase and "”" not in phrase)
    hits = samples.search(f'"{phrase}"', limit=1000).hits
    assert hits
    for hit in hits:
        _assert_spans_exact(hit, [phrase])
