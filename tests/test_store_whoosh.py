"""Stock Whoosh reading a searcher index through its codec (store/codec.py): open_dir, the query
parser, stored fields, highlights, Prefix, sorting, facets, key_terms; the same passages as
searcher finds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser
from whoosh.query import Prefix, QueryError, Term
from whoosh.searching import Searcher as WhooshSearcher

from searcher.analysis.normalize import fold_text
from searcher.analysis.tokenizers import Segmenter
from searcher.indexing.writer import build_index
from searcher.search import Searcher
from searcher.store.check import check_index
from searcher.store.codec import GenerationSegment
from searcher.store.generation import open_committed, open_generation
from searcher.store.layout import latest_generation
from searcher.store.toc import read_toc, write_toc
from searcher.store.whoosh_analysis import JiebaTokenizer
from searcher.store.whoosh_matcher import RowsMatcher

# Our own sentences, cut into files and paragraphs below: words repeat across files, some only
# inside longer words (网 in 网格, 互联网), some only in titles (议事规则), traditional and
# full-width forms among them.
SENTENCES = [
    "网格员每天巡查责任网格，记录居民反映的问题。",
    "社区议事会每月召开一次，讨论停车和垃圾分类。",
    "互联网医院开通了线上问诊，老人也能预约。",
    "網格化管理讓社區服務更加精細。",
    "防汛物资存放在仓库，钥匙由值班人员保管。",
    "垃圾分类宣传进楼道，志愿者挨家挨户讲解。",
    "养老服务中心提供助餐、助浴和日间照料。",
    "充电棚晚上十点后断电，请提前给电动车充电。",
    "ＷＩＦＩ密码贴在服务台，访客可以免费上网。",
    "茶文化讲座在图书馆三楼举行，欢迎报名。",
    "旧城改造方案公示期为三十天，居民可提意见。",
    "运动会设有拔河、跳绳和接力跑三个项目。",
    # jieba cuts 七时 as one word here, but 七 and 时 when it stands alone, as in a query.
    "楼道里的七时广播提醒大家倒垃圾。",
]


def _write_collection(docs: Path) -> None:
    docs.mkdir(parents=True, exist_ok=True)
    for number in range(4):
        body = "\n\n".join(SENTENCES[(number + k) % len(SENTENCES)] for k in range(8))
        (docs / f"记录{number}.txt").write_text(body + "\n", encoding="utf-8")
    (docs / "手册.md").write_text(
        "# 社区手册\n\n## 议事规则\n\n每月开一次会，会前公示议题。\n\n"
        "议事会七点开始，时间有变会另行通知。\n\n"
        "## 网格划分\n\n每户居民都有所属的单元。\n\n"
        "网格内的居民事务由网格统筹，大网格分为小网格，小网格再分到户，居民找居民。\n",
        encoding="utf-8",
    )
    records = [
        {"id": f"faq-{k}", "title": "常见问题", "text": SENTENCES[(3 * k) % len(SENTENCES)]}
        for k in range(6)
    ]
    lines = [json.dumps(record, ensure_ascii=False) for record in records]
    (docs / "faq.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def updated_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A collection indexed, then updated: a file added (a segment of its own), one changed
    and one deleted (their old passages dead rows)."""
    docs = tmp_path_factory.mktemp("whoosh-docs")
    _write_collection(docs)
    index_dir = tmp_path_factory.mktemp("whoosh-index")
    build_index([docs], index_dir)
    (docs / "新增.txt").write_text("新增的网格议题：楼道堆物清理。\n", encoding="utf-8")
    build_index([docs], index_dir)
    (docs / "记录1.txt").write_text("记录改写：网格员改为每周巡查两次。\n", encoding="utf-8")
    (docs / "记录2.txt").unlink()
    build_index([docs], index_dir)
    return index_dir


@pytest.fixture(scope="module")
def whoosh_searcher(updated_index: Path) -> Iterator[WhooshSearcher]:
    with whoosh_index.open_dir(str(updated_index)).searcher() as searcher:
        yield searcher


def _parsed(searcher: WhooshSearcher, text: str) -> set[int]:
    query = QueryParser("text", searcher.schema).parse(text)
    return {hit.docnum for hit in searcher.search(query, limit=None)}


_ALL = 100_000  # more passages than any collection here holds


def _searcher_rows(index_dir: Path, text: str) -> set[int]:
    with Searcher.open(index_dir) as searcher:
        result = searcher.search(text, limit=_ALL, require_all=True, collapse=False)
        return {hit.row for hit in result.hits}


def _query_words(index_dir: Path) -> list[str]:
    """Every word of the index's vocabulary, and every character of the collection."""
    generation = open_generation(index_dir)
    try:
        words = list(generation.words_from(""))
    finally:
        generation.close()
    chars = {fold_text(c) for sentence in SENTENCES for c in sentence if c.isalnum()}
    return words + sorted(chars)


def test_the_index_under_test_has_several_segments_and_dead_rows(updated_index: Path) -> None:
    generation = open_generation(updated_index)
    try:
        assert len(generation.meta["segments"]) > 1
        assert generation.meta["live_rows"] < generation.meta["rows"]
    finally:
        generation.close()


def test_open_dir_lists_the_generations_segments_with_their_dead_rows(updated_index: Path) -> None:
    generation = open_generation(updated_index)
    try:
        _, segments = read_toc(updated_index, latest_generation(updated_index))
        live = generation.array("row_live")
        assert [(s.segid, s.first, s.end) for s in segments] == [
            (span["name"], span["first"], span["end"]) for span in generation.meta["segments"]
        ]
        assert all(isinstance(segment, GenerationSegment) for segment in segments)
        assert [s.deleted_count() for s in segments] == [
            int((~live[s.first : s.end]).sum()) for s in segments
        ]
        ix = whoosh_index.open_dir(str(updated_index))
        assert ix.doc_count() == generation.meta["live_rows"]
        assert ix.doc_count_all() == generation.meta["rows"]
    finally:
        generation.close()


def test_every_one_word_query_finds_the_passages_searcher_finds(
    updated_index: Path, whoosh_searcher: WhooshSearcher
) -> None:
    words = _query_words(updated_index)
    assert len(words) > 100 and {"网", "网格", "wifi"} <= set(words)
    with Searcher.open(updated_index) as searcher:
        for word in words:
            result = searcher.search(word, limit=_ALL, require_all=True, collapse=False)
            assert _parsed(whoosh_searcher, word) == {hit.row for hit in result.hits}, word


def test_a_word_jieba_forms_only_in_context_finds_what_searcher_finds(
    updated_index: Path, whoosh_searcher: WhooshSearcher
) -> None:
    # The parser cannot know that the index holds 七时 as a word; the codec does, and matches it
    # whole, as searcher does, not as its pieces 七 and 时 (which another passage holds apart).
    assert Segmenter().words("七时") != ["七时"]
    pieces = _parsed(whoosh_searcher, "七 时")
    found = _parsed(whoosh_searcher, "七时")
    assert found == _searcher_rows(updated_index, "七时")
    assert found and found < pieces


@pytest.mark.parametrize(
    ("whoosh_query", "searcher_query"),
    [
        ("网格 居民", "网格 居民"),
        ("网 服务", "网 服务"),
        ("議事 规则", "議事 规则"),  # 规则 is only in a title path
        ("网格 OR 茶", "网格 OR 茶"),
        ("垃圾 OR 防汛 OR wifi", "垃圾 OR 防汛 OR wifi"),
        ("网格 NOT 巡查", "网格 -巡查"),
        ("社区 NOT 网", "社区 -网"),
        ("(网格 OR 养老) NOT 居民", "网格 OR 养老 -居民"),
        ("网格化管理", "网格化管理"),
        ("网格员居民", "网格员居民"),  # not a word of the index: cut, each word anywhere
        ("不存在的词语", "不存在的词语"),
    ],
)
def test_and_or_not_find_the_passages_searcher_finds(
    updated_index: Path, whoosh_searcher: WhooshSearcher, whoosh_query: str, searcher_query: str
) -> None:
    expected = _searcher_rows(updated_index, searcher_query)
    assert _parsed(whoosh_searcher, whoosh_query) == expected
    assert expected or whoosh_query == "不存在的词语"  # each other case finds something


@pytest.mark.parametrize(
    "text",
    ["title:规则", "title:社区手册", "网格 title:手册", "title:常见问题 title:问题", "title:网"],
)
def test_a_title_term_finds_the_passages_searcher_title_filter_finds(
    updated_index: Path, whoosh_searcher: WhooshSearcher, text: str
) -> None:
    expected = _searcher_rows(updated_index, text)
    assert expected and _parsed(whoosh_searcher, text) == expected


def test_a_title_term_leaves_out_passages_holding_the_word_only_in_their_text(
    whoosh_searcher: WhooshSearcher,
) -> None:
    in_title = _parsed(whoosh_searcher, "title:网格")
    anywhere = _parsed(whoosh_searcher, "网格")
    assert in_title and in_title < anywhere
    assert all("网格" in whoosh_searcher.stored_fields(row)["title"] for row in in_title)


def test_dead_rows_are_never_found_nor_counted_and_changed_text_is(
    updated_index: Path, whoosh_searcher: WhooshSearcher
) -> None:
    generation = open_generation(updated_index)
    try:
        live = np.array(generation.array("row_live"))
        # A deleted file's passages held 互联网: they are not in its document frequency.
        dead = [r for r in np.flatnonzero(~live) if "互联网" in generation.stored_fields(r)["text"]]
    finally:
        generation.close()
    assert dead
    found = _parsed(whoosh_searcher, "互联网")
    assert found and all(live[row] for row in found)
    assert whoosh_searcher.doc_frequency("text", "互联网") == len(found)
    rewritten = _parsed(whoosh_searcher, "网格员")
    paths = {Path(whoosh_searcher.stored_fields(row)["path"]).name for row in rewritten}
    assert "记录1.txt" in paths and "记录2.txt" not in paths  # changed, deleted
    assert _parsed(whoosh_searcher, "楼道堆物") == _searcher_rows(updated_index, "楼道堆物")


def test_stored_fields_are_the_passages_searcher_shows(
    updated_index: Path, whoosh_searcher: WhooshSearcher
) -> None:
    hits = whoosh_searcher.search(QueryParser("text", whoosh_searcher.schema).parse("网格"))
    with Searcher.open(updated_index) as searcher:
        result = searcher.search("网格", limit=_ALL, require_all=True, collapse=False)
    shown = {hit.row: hit for hit in result.hits}
    assert len(hits) > 1
    for hit in hits:
        expected = shown[hit.docnum]
        assert (hit["doc_id"], hit["path"], hit["title"]) == (
            expected.id,
            expected.path,
            expected.title,
        )
        assert (hit["paragraph"], hit["line"], hit["text"]) == (
            expected.paragraph,
            expected.line,
            expected.text,
        )


def test_the_analyzer_cuts_as_indexing_did_with_offsets_into_the_text_as_written() -> None:
    text = "網格化管理讓社區服務更加精細，ＷＩＦＩ密碼在服務台。"
    tokens = [
        (t.text, t.startchar, t.endchar) for t in JiebaTokenizer()(text, chars=True, mode="index")
    ]
    assert [word for word, _, _ in tokens] == Segmenter().words(fold_text(text))
    assert all(fold_text(text[start:end]) == word for word, start, end in tokens)
    assert ("wifi", 15, 19) in tokens


def test_the_query_parser_cuts_with_the_index_user_dictionary(tmp_path: Path) -> None:
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    (docs / "a.txt").write_text("棠梨县的梧桐巷社区很安静。\n", encoding="utf-8")
    userdict = tmp_path / "dict.txt"
    userdict.write_text("梧桐巷社区 10 n\n", encoding="utf-8")
    build_index([docs], index_dir, userdict=userdict)
    ix = whoosh_index.open_dir(str(index_dir))
    query = QueryParser("text", ix.schema).parse("梧桐巷社区")
    assert query == Term("text", "梧桐巷社区")
    with ix.searcher() as searcher:
        assert len(searcher.search(query)) == 1


def test_highlights_mark_the_query_words_in_the_text_as_written(
    whoosh_searcher: WhooshSearcher,
) -> None:
    hits = whoosh_searcher.search(QueryParser("text", whoosh_searcher.schema).parse("网格化"))
    assert hits
    marked = [hit.highlights("text") for hit in hits]
    # The traditional passage is found by its folded form and marked as written.
    assert any('<b class="match term0">網格化</b>' in text for text in marked)


def test_highlights_mark_the_words_of_a_run_the_index_does_not_hold_whole(
    whoosh_searcher: WhooshSearcher,
) -> None:
    hits = whoosh_searcher.search(QueryParser("text", whoosh_searcher.schema).parse("网格员居民"))
    marked = [hit.highlights("text") for hit in hits]
    assert marked and all("网格员</b>" in text and "居民</b>" in text for text in marked)


def test_prefix_matches_every_vocabulary_word_it_starts(
    updated_index: Path, whoosh_searcher: WhooshSearcher
) -> None:
    words = [w.decode() for w in whoosh_searcher.reader().expand_prefix("text", "网格")]
    assert words and all(word.startswith("网格") for word in words)
    expected: set[int] = set()
    for word in words:
        expected |= _searcher_rows(updated_index, word)
    found = {hit.docnum for hit in whoosh_searcher.search(Prefix("text", "网格"), limit=None)}
    assert found == expected
    assert _parsed(whoosh_searcher, "网格*") == expected


@pytest.mark.parametrize("field", ["path", "title"])
def test_results_sort_and_group_by_a_stored_column(
    whoosh_searcher: WhooshSearcher, field: str
) -> None:
    query = QueryParser("text", whoosh_searcher.schema).parse("居民")
    hits = whoosh_searcher.search(query, limit=None, sortedby=field)
    values = [hit[field] for hit in hits]
    assert len(set(values)) > 1 and values == sorted(values)
    backwards = whoosh_searcher.search(query, limit=None, sortedby=field, reverse=True)
    assert [hit[field] for hit in backwards] == sorted(values, reverse=True)
    groups = whoosh_searcher.search(query, limit=None, groupedby=field).groups(field)
    assert {value: sorted(docs) for value, docs in groups.items()} == {
        value: sorted(hit.docnum for hit in hits if hit[field] == value) for value in set(values)
    }


def test_key_terms_are_words_of_the_passages(whoosh_searcher: WhooshSearcher) -> None:
    hits = whoosh_searcher.search(QueryParser("text", whoosh_searcher.schema).parse("防汛"))
    docnums = [hit.docnum for hit in hits]
    terms = [term for term, _ in whoosh_searcher.key_terms(docnums, "text", numterms=5)]
    cut = {w for hit in hits for w in Segmenter().words(fold_text(hit["text"]))}
    assert terms and set(terms) <= cut


def test_a_phrase_is_refused_because_positions_are_not_kept(
    whoosh_searcher: WhooshSearcher,
) -> None:
    query = QueryParser("text", whoosh_searcher.schema).parse('"网格 居民"')
    with pytest.raises(QueryError):
        whoosh_searcher.search(query)


def test_an_open_whoosh_searcher_keeps_answering_after_a_commit(tmp_path: Path) -> None:
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    _write_collection(docs)
    build_index([docs], index_dir)
    with whoosh_index.open_dir(str(index_dir)).searcher() as searcher:
        before = _parsed(searcher, "网格")
        (docs / "记录0.txt").unlink()
        build_index([docs], index_dir)  # removes the generation this searcher reads
        assert _parsed(searcher, "网格") == before
    with whoosh_index.open_dir(str(index_dir)).searcher() as searcher:
        assert _parsed(searcher, "网格") == _searcher_rows(index_dir, "网格") != before


@pytest.mark.parametrize("text", ["网格", "居民 OR 社区", "网 NOT 巡查", "网格 居民"])
def test_the_best_few_are_the_top_of_the_full_ranking(
    whoosh_searcher: WhooshSearcher, text: str
) -> None:
    # Whoosh skips postings that cannot make the top few, bounded by each term's best weight
    # and shortest passage: the bounds must never cut a passage that belongs there.
    query = QueryParser("text", whoosh_searcher.schema).parse(text)
    everything = sorted(
        (hit.score for hit in whoosh_searcher.search(query, limit=None)), reverse=True
    )
    best = [hit.score for hit in whoosh_searcher.search(query, limit=3)]
    assert len(everything) > 3 and best == pytest.approx(everything[:3])


class _WeightPerLength:
    """A scorer whose score grows with the weight and falls with the length, as BM25's does."""

    def __init__(self, lengths: np.ndarray) -> None:
        self.lengths = lengths

    def supports_block_quality(self) -> bool:
        return True

    def score(self, matcher: RowsMatcher) -> float:
        return matcher.weight() / self.lengths[matcher.id()]

    def block_quality(self, matcher: RowsMatcher) -> float:
        return matcher.block_max_weight() / matcher.block_min_length()


def test_skipping_by_block_quality_never_skips_a_passage_that_scores_above_it() -> None:
    rng = np.random.default_rng(5)
    docs = np.sort(rng.choice(5000, 1000, replace=False))
    weights = rng.integers(1, 6, len(docs)).astype(np.float32)
    lengths = rng.integers(50, 200, 5000).astype(np.float32)
    scorer = _WeightPerLength(lengths)
    scores = weights / lengths[docs]
    skipped = []
    for threshold in np.quantile(scores, [0.5, 0.9, 0.99]):
        matcher = RowsMatcher(docs, weights, lengths[docs], ("text", b"x"), scorer)
        assert matcher.max_quality() >= scores.max()
        visited = []
        while matcher.is_active():
            matcher.skip_to_quality(threshold)
            if not matcher.is_active():
                break
            visited.append(matcher.id())
            matcher.next()
        assert set(docs[scores > threshold].tolist()) <= set(visited)
        skipped.append(len(docs) - len(visited))
    assert skipped[-1] > 0  # the test skips something


def test_a_generation_removed_under_whoosh_is_read_again_from_the_newer_table_of_contents(
    updated_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A commit between Whoosh reading the table of contents and the codec opening the generation
    # it names removes that generation: the codec says FileNotFoundError, and Whoosh's reader
    # reads the table of contents again.
    from searcher.store import codec

    failed = []

    def removed_once(directory: Path, number: int) -> object:
        if not failed:
            failed.append(number)
            raise FileNotFoundError(directory / f"gen-{number}")
        return open_committed(directory, number)

    monkeypatch.setattr(codec, "open_committed", removed_once)
    with whoosh_index.open_dir(str(updated_index)).searcher() as searcher:
        assert failed and _parsed(searcher, "网格") == _searcher_rows(updated_index, "网格")


def test_opening_a_generation_a_commit_removed_says_file_not_found(updated_index: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_committed(updated_index, latest_generation(updated_index) - 1)


def test_check_finds_a_table_of_contents_listing_other_segments(tmp_path: Path) -> None:
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    _write_collection(docs)
    build_index([docs], index_dir)
    assert check_index(index_dir).problems == []
    number = latest_generation(index_dir)
    schema, _ = read_toc(index_dir, number)
    write_toc(index_dir, number, schema, [])  # as a table of contents of older versions had it
    assert check_index(index_dir).problems == [
        f"_MAIN_{number}.toc lists other segments than gen-{number} (Whoosh would read it wrong)"
    ]
    build_index([], index_dir, rebuild=True)
    assert check_index(index_dir).problems == []
    assert whoosh_index.open_dir(str(index_dir)).doc_count() > 0


def test_a_used_up_term_bounds_no_score_when_a_union_asks_it() -> None:
    # Whoosh's union of a Prefix's terms asks a child for its block quality right after the
    # child's own skipping used it up (Prefix("网") on zh-laws raised IndexError there): past
    # the end, a term bounds nothing.
    lengths = np.array([10.0, 20.0, 30.0], np.float32)
    matcher = RowsMatcher(
        np.array([0, 2]),
        np.array([1.0, 3.0], np.float32),
        lengths[[0, 2]],
        ("text", b"x"),
        _WeightPerLength(lengths),
    )
    matcher.skip_to_quality(1.0)  # both blocks' bounds are below it: skipped to the end
    assert not matcher.is_active()
    assert matcher.block_max_weight() == 0.0
    assert matcher.block_quality() == 0.0
