"""Search quality a user relies on: common characters, numbers, question words, userdicts."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from searcher.cli.main import app
from searcher.errors import IndexVersionError
from searcher.indexing.writer import build_index
from searcher.search import Searcher
from searcher.search.query import ParsedQuery
from searcher.store.generation import open_generation

# 朔风驿 (an invented place name) is cut 朔风/驿 by jieba's own dictionary; the user dictionary
# makes it one word. It occurs in no other test data, so adding it to the segmenter of the test
# process changes nothing else.
USERDICT = "朔风驿 10 ns\n"
OTHER_USERDICT = "朔风驿 10 ns\n驿道 5\n"
PLACES = "旅人在朔风驿歇脚，喝了一碗热汤。\n\n北方的朔风吹过驿道，驿站早已荒废。\n"


def _texts(result: object) -> list[str]:
    return [hit.text for hit in result.hits]


# ---------------------------------------------------------------------------- common characters


@pytest.mark.parametrize("query", ["的", "了", "是", "的了是"])
def test_query_of_only_common_characters_returns_ranked_passages(
    sample_index: Path, query: str
) -> None:
    with Searcher.open(sample_index) as searcher:
        result = searcher.search(query, limit=10)
    assert len(result.hits) == 10
    assert result.total > 10
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert all(set(query) <= set(hit.text) for hit in result.hits)  # holds every one typed
    assert all(hit.spans for hit in result.hits)


@pytest.mark.parametrize(
    ("question", "subject"),
    [("冻顶乌龙是什么茶", "臺灣茶文化札記"), ("助餐卡是什么", "助餐")],
)
def test_question_words_do_not_outweigh_the_words_that_name_the_subject(
    sample_index: Path, question: str, subject: str
) -> None:
    # 什么 occurs in few sample passages (a reading note holds it), so its IDF is high; yet the
    # passages that answer rarely hold it. Counted in full, it put the reading note second.
    with Searcher.open(sample_index) as searcher:
        hits = searcher.search(question, limit=2).hits
    assert all(subject in hit.title or subject in hit.text for hit in hits)


# ---------------------------------------------------------------------------- numbers


def test_number_finds_itself_inside_longer_numbers_and_before_a_measure_word(
    data_index: Path,
) -> None:
    with Searcher.open(data_index) as searcher:
        texts = _texts(searcher.search("5201", limit=50))
    assert any("5201个" in text for text in texts)
    assert any("5201314" in text for text in texts)


def test_decimal_number_is_searchable_and_highlighted_whole(data_index: Path) -> None:
    with Searcher.open(data_index) as searcher:
        hits = searcher.search("4.55", limit=10).hits
    assert hits
    top = hits[0]
    assert "4.55" in top.text
    assert [top.text[s.start_char : s.end_char] for s in top.spans] == ["4.55"]


# ---------------------------------------------------------------------------- user dictionary


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two indexes of the same text: with the user dictionary, and without."""
    root = tmp_path_factory.mktemp("userdict")
    docs = root / "docs"
    docs.mkdir()
    (docs / "places.txt").write_text(PLACES, encoding="utf-8")
    userdict = root / "words.txt"
    userdict.write_text(USERDICT, encoding="utf-8")
    build_index([docs], root / "plain")
    build_index([docs], root / "with-dict", userdict=userdict)
    return {"docs": docs, "userdict": userdict, "plain": root / "plain", "dict": root / "with-dict"}


def _score_in_fresh_process(index: Path, query: str) -> float:
    """The top score as a new process computes it: only what the index stores can shape it."""
    result = subprocess.run(
        [sys.executable, "-m", "searcher", "query", query, "--index", str(index), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[0])["score"]


def test_userdict_is_stored_with_the_index(places: dict[str, Path]) -> None:
    with Searcher.open(places["dict"]) as searcher:
        analysis = searcher.stats().analysis
    assert analysis["userdict_sha1"] == hashlib.sha1(USERDICT.encode()).hexdigest()
    with Searcher.open(places["plain"]) as searcher:
        assert searcher.stats().analysis["userdict_sha1"] is None


def test_userdict_word_is_indexed_as_one_word(places: dict[str, Path]) -> None:
    def vocabulary_has(index: Path, word: str) -> bool:
        return open_generation(index).term_id(word) is not None

    assert vocabulary_has(places["dict"], "朔风驿")
    assert not vocabulary_has(places["plain"], "朔风驿")  # jieba alone cuts 朔风 / 驿
    with Searcher.open(places["dict"]) as searcher:
        hit = searcher.search("朔风驿", limit=1).hits[0]
    assert hit.text[hit.spans[0].start_char : hit.spans[0].end_char] == "朔风驿"


def test_one_index_userdict_never_leaks_into_another(
    places: dict[str, Path], tmp_path: Path
) -> None:
    # In one process: index with the dictionary, then without it; then search both in turn.
    build_index([places["docs"]], tmp_path / "dict-first", userdict=places["userdict"])
    build_index([places["docs"]], tmp_path / "plain-after")
    query = "朔风驿歇脚"
    plain_after = tmp_path / "plain-after"
    with Searcher.open(plain_after) as plain, Searcher.open(places["dict"]) as with_dict:
        plain_score = plain.search(query, limit=1).hits[0].score
        dict_score = with_dict.search(query, limit=1).hits[0].score
        assert plain.search(query, limit=1).hits[0].score == plain_score
    assert plain_score == pytest.approx(_score_in_fresh_process(places["plain"], query), abs=1e-3)
    assert dict_score == pytest.approx(_score_in_fresh_process(places["dict"], query), abs=1e-3)
    assert dict_score != pytest.approx(plain_score, abs=1e-3)


def test_userdict_is_applied_at_query_time_in_a_new_process(places: dict[str, Path]) -> None:
    # Not a word of the index, so the query is cut at query time: 朔风驿/歇脚 with the
    # dictionary, 朔风/驿/歇脚 without; a new process must cut it as the index did.
    query = "朔风驿歇脚"
    with Searcher.open(places["dict"]) as searcher:
        expected = searcher.search(query, limit=1).hits[0].score
    assert _score_in_fresh_process(places["dict"], query) == pytest.approx(expected, abs=1e-3)
    assert _score_in_fresh_process(places["plain"], query) != pytest.approx(expected, abs=1e-3)


def test_indexing_again_without_userdict_keeps_the_stored_one(
    places: dict[str, Path], tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "places.txt").write_text(PLACES, encoding="utf-8")
    index = tmp_path / "index"
    build_index([docs], index, userdict=places["userdict"])
    (docs / "more.txt").write_text("朔风驿外有一条驿道。", encoding="utf-8")
    build_index([docs], index)
    with Searcher.open(index) as searcher:
        assert searcher.stats().analysis["userdict_sha1"] is not None
        assert searcher.search("驿道", limit=5).total == 2


def test_indexing_with_another_userdict_tells_the_user_to_rebuild(
    places: dict[str, Path], tmp_path: Path
) -> None:
    index = tmp_path / "index"
    build_index([places["docs"]], index, userdict=places["userdict"])
    other = tmp_path / "other.txt"
    other.write_text(OTHER_USERDICT, encoding="utf-8")
    with pytest.raises(IndexVersionError, match="--rebuild"):
        build_index([places["docs"]], index, userdict=other)
    result = CliRunner().invoke(
        app,
        ["index", str(places["docs"]), "--index", str(index), "--userdict", str(other), "-q"],
        env={"SEARCHER_INDEX": None},
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "searcher index --rebuild" in result.stderr
    build_index([places["docs"]], index, userdict=other, rebuild=True)
    with Searcher.open(index) as searcher:
        sha1 = searcher.stats().analysis["userdict_sha1"]
    assert sha1 == hashlib.sha1(OTHER_USERDICT.encode()).hexdigest()


# 网格党建员 (made up) is one word of the user dictionary; jieba's own cuts it 网格/党建/员. A
# query is cut with the vocabulary of the index searched: one word in the index built with the
# dictionary, three in the other, and never a segmenter's dictionary at query time.
DUTY = "社区网格党建员负责巡查。\n"


@pytest.fixture(scope="module")
def duty_indexes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("duty")
    docs = root / "docs"
    docs.mkdir()
    (docs / "duty.txt").write_text(DUTY, encoding="utf-8")
    words = root / "words.txt"
    words.write_text("网格党建员 10 n\n", encoding="utf-8")
    build_index([docs], root / "with-dict", userdict=words)
    build_index([docs], root / "plain")
    return {"dict": root / "with-dict", "plain": root / "plain"}


def _words(query: ParsedQuery) -> list[str]:
    return [word for clause in query.clauses for unit in clause.alternatives for word in unit.words]


def test_two_searchers_open_together_each_cut_with_their_own_vocabulary(
    duty_indexes: dict[str, Path],
) -> None:
    query = "网格党建员"
    with (
        Searcher.open(duty_indexes["dict"]) as with_dict,
        Searcher.open(duty_indexes["plain"]) as plain,
    ):
        for _ in range(2):  # interleaved: neither leaves its vocabulary behind for the other
            assert _words(with_dict.parse(query)) == ["网格党建员"]
            assert _words(plain.parse(query)) == ["网格", "党建", "员"]
            # Either way the passage holds it: a cut changes scores, never what matches.
            assert [hit.text for hit in with_dict.search(query).hits] == [DUTY.strip()]
            assert [hit.text for hit in plain.search(query).hits] == [DUTY.strip()]


def test_searchers_in_two_threads_never_cut_with_each_others_vocabulary(
    duty_indexes: dict[str, Path],
) -> None:
    cuts: dict[str, set[tuple[str, ...]]] = {"dict": set(), "plain": set()}

    def search_often(name: str) -> None:
        with Searcher.open(duty_indexes[name]) as searcher:
            for _ in range(300):
                cuts[name].add(tuple(_words(searcher.parse("网格党建员巡查"))))

    threads = [threading.Thread(target=search_often, args=(name,)) for name in cuts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cuts == {"dict": {("网格党建员", "巡查")}, "plain": {("网格", "党建", "员", "巡查")}}
