"""The same query finds the same passages, with the same highlights, locally and in OpenSearch."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from searcher.analysis.normalize import fold_text
from searcher.analysis.tokenizers import Segmenter
from searcher.cli.main import app
from searcher.remote import RemoteSearcher
from searcher.remote.dsl import search_body
from searcher.search import Hit, Searcher

# Each piece of the query syntax, on the bundled samples: single characters, words, words inside
# longer words, phrases across word boundaries, several words, OR, exclusions, title:, path:,
# traditional forms, full-width and ASCII.
QUERIES = [
    "的",
    "网",
    "网格",
    "管理",
    "网格化管理",
    "乡村振兴",
    '"管理工作"',
    '"格化管"',
    "网格 管理",
    "社区 居民 服务",
    "网格 OR 充电",
    "社区 -网格",
    '社区 -"网格员"',
    "title:手册 管理",
    "title:手册",
    "path:faq 社区",
    "path:充电棚 充电",
    "臺灣",
    "茶文化",
    "ＡＢＣ",
    "abc",
    "2024",
    "title:不存在的标题 网格",
    "path:nowhere 社区",
    "title:手册 path:faq 网格",  # each filter matches some passages, together none
    "title:手册 量子纠缠",  # the filter matches, the words do not
    "-网格 title:手册 管理",
]


@pytest.fixture(scope="module")
def both(opensearch_url: str, pushed_samples: str, sample_index: Path) -> Iterator[tuple]:
    with (
        Searcher.open(sample_index) as local,
        RemoteSearcher.open(opensearch_url, pushed_samples) as remote,
    ):
        yield local, remote


def _key(hit: Hit) -> tuple[str, str, int]:
    return hit.path, hit.id, hit.paragraph


@pytest.mark.parametrize("query", QUERIES)
def test_query_matches_the_same_passages_with_the_same_highlights(
    both: tuple[Searcher, RemoteSearcher], query: str
) -> None:
    local, remote = both
    mine = local.search(query, limit=1000, collapse=False)
    theirs = remote.search(query, limit=1000, collapse=False)
    assert theirs.total == mine.total
    assert {_key(hit) for hit in theirs.hits} == {_key(hit) for hit in mine.hits}
    spans = {_key(hit): (hit.spans, hit.title_spans) for hit in mine.hits}
    assert {_key(hit): (hit.spans, hit.title_spans) for hit in theirs.hits} == spans
    assert (theirs.all_words, theirs.empty_filter) == (mine.all_words, mine.empty_filter)


@pytest.mark.parametrize(
    "query", ["网格 管理", "社区 居民 服务", "充电 -网格", "网格 OR 充电 居民"]
)
def test_all_words_only_matches_the_same_passages(
    both: tuple[Searcher, RemoteSearcher], query: str
) -> None:
    local, remote = both
    mine = local.search(query, limit=1000, require_all=True, collapse=False)
    theirs = remote.search(query, limit=1000, require_all=True, collapse=False)
    assert 0 < theirs.total == mine.total
    assert {_key(hit) for hit in theirs.hits} == {_key(hit) for hit in mine.hits}


def test_a_pasted_text_matches_the_same_passages(
    both: tuple[Searcher, RemoteSearcher],
) -> None:
    local, remote = both
    passages = local.search("的", limit=1000, collapse=False).hits
    pasted = "".join(hit.text for hit in sorted(passages, key=lambda h: -len(h.text))[:5])
    # The fault: more terms than OpenSearch takes with every part of the score, so the
    # translation falls back to BM25 over the words for scoring (matching is unchanged).
    assert len(search_body(remote.parse(pasted), 10, False)["query"]["bool"]["should"]) == 1
    mine = local.search(pasted, limit=1000, collapse=False)
    theirs = remote.search(pasted, limit=1000, collapse=False)
    assert theirs.total == mine.total > 0
    assert {_key(hit) for hit in theirs.hits} == {_key(hit) for hit in mine.hits}


def test_a_query_beyond_what_opensearch_takes_is_one_line_exit_2(
    opensearch_url: str, pushed_samples: str
) -> None:
    many = " ".join(chr(0x4E00 + i) for i in range(0, 3000, 2))  # 1,500 different characters
    result = CliRunner().invoke(
        app, ["query", many, "--opensearch", opensearch_url, "--name", pushed_samples]
    )
    assert result.exit_code == 2
    assert re.fullmatch(
        r"searcher: the query is too long for OpenSearch \([0-9,]+ terms, at most 1,024\); "
        r"shorten it, or search it in the local index\n",
        result.stderr,
    )


def test_one_word_ranks_whole_words_then_inner_matches_then_titles_as_locally(
    both: tuple[Searcher, RemoteSearcher],
) -> None:
    # The tiers are an order both engines keep exactly; only the order within a tier is BM25's.
    segmenter = Segmenter([])  # the samples have no user dictionary
    for query in ("管理", "工作", "文化"):
        for engine in both:
            hits = engine.search(query, limit=1000, collapse=False).hits
            tiers = [_tier(segmenter, hit, query) for hit in hits]
            assert tiers == sorted(tiers), (query, type(engine).__name__)
            assert set(tiers) == {0, 1, 2}, "each tier must be there for the order to say much"


def _tier(segmenter: Segmenter, hit: Hit, word: str) -> int:
    """0: the text holds the word, and it is a whole jieba word of the text or the title (as
    BM25F counts words); 1: the text holds it inside longer words; 2: only the title holds it."""
    folded = fold_text(hit.text)
    if word not in folded:
        return 2
    words = segmenter.words(folded) + segmenter.words(fold_text(hit.title))
    return 0 if word in words else 1
