"""tokenizers.Segmenter: jieba words with code-point offsets, the same whichever backend runs,
cut with the user dictionary the Segmenter was built from."""

from __future__ import annotations

import json
import logging
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from searcher.analysis.normalize import fold_text
from searcher.analysis.tokenizers import (
    Segmenter,
    Token,
    backend_name,
    is_word,
    read_userdict,
)
from searcher.cli.location import samples_dir
from searcher.ingest.formats import read_passages

DATA_DIR = Path(__file__).parent / "data"
# 网格党建员 is made up: jieba's own dictionary cuts it 网格/党建/员.
USERDICT = (("网格党建员", 10, "n"),)
PLAIN = Segmenter()  # jieba's dictionary alone, as an index built without --userdict


def _folded_paragraphs() -> list[tuple[str, str]]:
    """(file:paragraph, folded text) of every passage of tests/data and the bundled samples."""
    files = sorted(DATA_DIR.iterdir()) + sorted(samples_dir().iterdir())
    return [
        (f"{path.name}:{passage.paragraph}", fold_text(passage.text))
        for path in files
        for passage in read_passages(path)
    ]


@pytest.fixture(scope="module")
def jieba_words() -> Callable[[str], list[Token]]:
    """The reference: Python jieba's default mode, HMM on, punctuation and spaces dropped."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return lambda text: [token for token in jieba.tokenize(text) if is_word(token[0])]


def test_rjieba_is_the_default_backend_when_installed() -> None:
    assert backend_name() == "rjieba"


def test_rjieba_and_jieba_cut_every_paragraph_alike(
    jieba_words: Callable[[str], list[Token]],
) -> None:
    paragraphs = _folded_paragraphs()
    assert len(paragraphs) > 100
    for name, text in paragraphs:
        assert PLAIN.cut(text) == jieba_words(text), name


@pytest.mark.parametrize(
    "text",
    [
        "编码统一用utf-8保存",  # rjieba alone glues "utf-8"
        "值班电话0571-86001234",
        "变量名max_size和版本1.a",
        "版本4.55与50%的用户",
        "罕见字㐀㐁好与𠀀字",  # CJK Extension A and B: jieba yields each alone
        "c++和c#都是语言",  # dictionary words with symbols stay whole
    ],
)
def test_cut_matches_jieba_where_rjieba_differs(
    text: str, jieba_words: Callable[[str], list[Token]]
) -> None:
    assert PLAIN.cut(text) == jieba_words(text)


def test_word_offsets_are_code_points_of_the_folded_text() -> None:
    text = fold_text("🙂网格员在𠀀村巡查iPhone15")
    tokens = PLAIN.cut(text)
    assert tokens
    for word, start, end in tokens:
        assert text[start:end] == word
    assert ("iphone15", len(text) - 8, len(text)) in tokens


def test_punctuation_emoji_and_spaces_are_not_words() -> None:
    words = [word for word, _, _ in PLAIN.cut(fold_text("网格，党建！ 🙂 …… 2024"))]
    assert words == ["网格", "党建", "2024"]


def test_segmenter_env_var_selects_python_jieba_with_the_same_words() -> None:
    # The reference implementation, chosen the way a user would, in a fresh process.
    script = (
        "import json, sys\n"
        "from searcher.analysis.tokenizers import Segmenter\n"
        "texts = json.load(sys.stdin)\n"
        "segmenter = Segmenter()\n"
        "print(json.dumps([segmenter.backend_name, [segmenter.cut(t) for t in texts]]))\n"
    )
    texts = [text for _, text in _folded_paragraphs()]
    env = dict(os.environ, SEARCHER_SEGMENTER="jieba")
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    backend, words = json.loads(done.stdout)
    assert backend == "jieba"
    assert words == [[list(token) for token in PLAIN.cut(text)] for text in texts]


def test_read_userdict_parses_word_frequency_and_tag() -> None:
    text = "网格党支部 50 nt\n青岚街道 ns\n\n  楼栋长  \n老街 7\n"
    assert read_userdict(text) == [
        ("网格党支部", 50, "nt"),
        ("青岚街道", None, "ns"),
        ("楼栋长", None, None),
        ("老街", 7, None),
    ]


def test_words_are_the_words_of_cut_without_offsets() -> None:
    segmenter = Segmenter()
    for name, text in _folded_paragraphs():
        assert segmenter.words(text) == [word for word, _, _ in segmenter.cut(text)], name


def test_segmenters_with_different_user_dictionaries_each_cut_with_their_own() -> None:
    plain, with_dict = Segmenter(), Segmenter(USERDICT)
    for _ in range(2):  # interleaved: neither cut leaves anything behind for the other
        assert with_dict.words("网格党建员巡查") == ["网格党建员", "巡查"]
        assert plain.words("网格党建员巡查") == ["网格", "党建", "员", "巡查"]
        assert [word for word, _, _ in with_dict.cut("网格党建员")] == ["网格党建员"]
        assert [word for word, _, _ in plain.cut("网格党建员")] == ["网格", "党建", "员"]


def test_segmenters_built_from_the_same_user_dictionary_share_the_loaded_library() -> None:
    first, second = Segmenter(USERDICT), Segmenter(list(USERDICT))
    assert first._backend() is second._backend()
    assert first._backend() is not Segmenter()._backend()


def test_a_pickled_segmenter_cuts_with_its_user_dictionary() -> None:
    segmenter = Segmenter(USERDICT)
    segmenter.cut("网格")  # loaded: the library itself is not pickled, the dictionary is
    copy = pickle.loads(pickle.dumps(segmenter))
    assert copy.userdict == USERDICT
    assert copy.words("网格党建员") == ["网格党建员"]


def test_building_a_segmenter_loads_no_library_until_the_first_cut() -> None:
    script = (
        "import sys\n"
        "from searcher.analysis.tokenizers import Segmenter\n"
        "segmenter = Segmenter([('网格党建员', 10, 'n')])\n"
        "loaded = lambda: sorted(m for m in ('jieba', 'rjieba') if m in sys.modules)\n"
        "before = loaded()\n"
        "words = segmenter.words('网格党建员')\n"
        "print(before, loaded(), words)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[] ['rjieba'] ['网格党建员']"
