"""searcher eval and search/evaluation.py: metrics checked by hand on a small qrels fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from searcher.cli.location import samples_dir
from searcher.cli.main import app
from searcher.errors import QrelsError
from searcher.indexing.writer import build_index
from searcher.search import Searcher
from searcher.search.evaluation import evaluate, metric_names, rank_metrics, read_qrels

RECIPE = str(samples_dir() / "家常食谱-番茄炖牛腩.txt")
GARBAGE = str(samples_dir() / "垃圾分类宣传稿.txt")
# Hand-checked on the sample collection:
#   q1 牛腩: only the recipe holds it → rank 1.
#   q2 垃圾分类: the campaign article (title and four passages) first, then faq-003 (大件垃圾,
#      垃圾桶: the words apart, no 垃圾分类) → rank 2.
#   q3 居住证明: faq-002 (title and text) above faq-001 (text only) → rank 1; the second
#      relevant id is in no index → recall 1/2.
#   q4 量子纠缠: nothing matches.
QRELS = [
    {"qid": "q1", "query": "牛腩", "relevant": [RECIPE]},
    {"qid": "q2", "query": "垃圾分类", "relevant": ["faq-003"]},
    {"qid": "q3", "query": "居住证明", "relevant": ["faq-002", "no-such-doc"]},
    {"qid": "q4", "query": "量子纠缠", "relevant": ["faq-002"]},
]
IDEAL_2 = 1 + 1 / 1.5849625007211563  # the ideal DCG of two relevant documents: 1 + 1/log2(3)
EXPECTED = {
    "MRR@10": (1 + 0.5 + 1 + 0) / 4,
    "R@1": (1 + 0 + 0.5 + 0) / 4,
    "R@5": (1 + 1 + 0.5 + 0) / 4,
    "R@10": (1 + 1 + 0.5 + 0) / 4,
    "R@100": (1 + 1 + 0.5 + 0) / 4,
    "nDCG@10": (1 + 1 / 1.5849625007211563 + 1 / IDEAL_2 + 0) / 4,
}


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"SEARCHER_INDEX": None})


@pytest.fixture()
def qrels(tmp_path: Path) -> Path:
    path = tmp_path / "queries.jsonl"
    path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in QRELS))
    return path


# ---------------------------------------------------------------------------- metrics


def test_rank_metrics_of_one_relevant_document_at_rank_two() -> None:
    metrics = rank_metrics(["a", "b", "c"], {"b"}, k=10)
    assert metrics["MRR@10"] == 0.5
    assert metrics["R@1"] == 0.0
    assert metrics["R@5"] == 1.0
    assert metrics["nDCG@10"] == pytest.approx(0.63093, abs=1e-5)  # 1 / log2(3)


def test_rank_metrics_of_two_relevant_documents_count_each_for_recall_and_ndcg() -> None:
    metrics = rank_metrics(["a", "b", "c"], {"a", "c"}, k=10)
    assert metrics["MRR@10"] == 1.0
    assert metrics["R@1"] == 0.5
    assert metrics["R@5"] == 1.0
    # (1 + 1/log2(4)) / (1 + 1/log2(3)) = 1.5 / 1.63093
    assert metrics["nDCG@10"] == pytest.approx(0.91972, abs=1e-5)


def test_rank_metrics_cut_mrr_and_ndcg_at_k_but_recall_at_100() -> None:
    ranked = [f"d{i}" for i in range(20)]
    metrics = rank_metrics(ranked, {"d12"}, k=10)
    assert metrics["MRR@10"] == 0.0
    assert metrics["nDCG@10"] == 0.0
    assert metrics["R@10"] == 0.0
    assert metrics["R@100"] == 1.0
    assert rank_metrics(ranked, {"d12"}, k=20)["MRR@20"] == pytest.approx(1 / 13)


def test_rank_metrics_count_a_document_ranked_twice_once_at_its_best_rank() -> None:
    metrics = rank_metrics(["b", "a", "b", "a", "c"], {"a"}, k=10)
    assert metrics["MRR@10"] == 0.5
    assert metrics["R@5"] == 1.0
    assert metrics["nDCG@10"] == pytest.approx(0.63093, abs=1e-5)  # a at rank 2 only


# ---------------------------------------------------------------------------- qrels file


def test_read_qrels_skips_queries_without_relevant_documents(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(
        '{"qid": 1, "query": "网格", "relevant": ["a"]}\n\n'
        '{"qid": 2, "query": "茶", "relevant": []}\n'
    )
    judged = read_qrels(path)
    assert [(q.qid, q.query, q.relevant) for q in judged] == [("1", "网格", frozenset({"a"}))]


def test_read_qrels_names_the_line_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"qid": 1, "query": "网格", "relevant": ["a"]}\n{oops\n')
    with pytest.raises(QrelsError, match="line 2: not valid JSON"):
        read_qrels(path)


# ---------------------------------------------------------------------------- evaluate


def test_evaluate_on_the_samples_gives_the_hand_checked_numbers(
    sample_index: Path, qrels: Path
) -> None:
    with Searcher.open(sample_index) as searcher:
        evaluation = evaluate(searcher, read_qrels(qrels))
    assert [r.first_relevant for r in evaluation.queries] == [1, 2, 1, None]
    assert evaluation.metrics == pytest.approx(EXPECTED)


def test_documents_are_ranked_by_their_best_passage_as_search_shows_them(
    sample_index: Path,
) -> None:
    with Searcher.open(sample_index) as searcher:
        for query in ["网格", "垃圾分类", "茶", "的"]:
            hits = searcher.search(query, limit=1000).hits
            shown = list(dict.fromkeys(hit.id for hit in hits))
            assert searcher.ranked_document_ids(query, 100) == shown[:100]


def test_a_query_with_nothing_to_search_scores_zero_and_says_why(
    sample_index: Path, tmp_path: Path
) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"qid": "x", "query": "   ", "relevant": ["faq-001"]}\n')
    with Searcher.open(sample_index) as searcher:
        evaluation = evaluate(searcher, read_qrels(path))
    assert evaluation.metrics["MRR@10"] == 0.0
    assert "empty" in (evaluation.queries[0].error or "")


# ---------------------------------------------------------------------------- searcher eval


def test_eval_prints_the_overall_metrics_and_exits_0(sample_index: Path, qrels: Path) -> None:
    result = _run("eval", str(qrels), "--index", str(sample_index))
    assert result.exit_code == 0
    expected = ["queries   4"] + [f"{name:<9} {value:.4f}" for name, value in EXPECTED.items()]
    assert result.stdout.splitlines() == expected


def test_eval_json_reports_every_query(sample_index: Path, qrels: Path) -> None:
    result = _run("eval", str(qrels), "--index", str(sample_index), "--json", "-k", "1")
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["k"] == 1
    assert record["queries"] == 4
    assert record["metrics"]["MRR@1"] == pytest.approx((1 + 0 + 1 + 0) / 4)
    per_query = {q["qid"]: q for q in record["per_query"]}
    assert per_query["q2"]["first_relevant"] == 2
    assert per_query["q2"]["ranked"] == [GARBAGE]
    assert per_query["q4"]["first_relevant"] is None
    assert per_query["q4"]["metrics"]["R@100"] == 0.0


def test_eval_of_an_unreadable_qrels_file_exits_2_with_one_line(
    sample_index: Path, tmp_path: Path
) -> None:
    result = _run("eval", str(tmp_path / "missing.jsonl"), "--index", str(sample_index))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("searcher: cannot read judged queries from ")


def test_eval_of_a_file_without_judged_queries_exits_2(sample_index: Path, tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"qid": 1, "query": "网格"}\n')
    result = _run("eval", str(path), "--index", str(sample_index))
    assert result.exit_code == 2
    assert "holds no judged query" in result.stderr


def test_issue_18_a_repeated_id_counts_once_in_eval(tmp_path: Path) -> None:
    """Two files with a record "DOC_0" each: eval said R@5 2.0000 and nDCG@10 1.6309."""
    docs = tmp_path / "docs"
    docs.mkdir()
    first = {"id": "DOC_0", "title": "网格管理", "text": "网格员每天巡查本网格。"}
    second = {"id": "DOC_0", "title": "议事会", "text": "第三网格党支部每月召开议事会，居民参加。"}
    for name, record in (("a.jsonl", first), ("b.jsonl", second)):
        (docs / name).write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    build_index([docs], tmp_path / "index")
    qrels = tmp_path / "queries.jsonl"
    qrels.write_text('{"qid": "q1", "query": "网格", "relevant": ["DOC_0"]}\n', encoding="utf-8")
    result = _run("eval", str(qrels), "--index", str(tmp_path / "index"), "--json")
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["metrics"] == {name: 1.0 for name in metric_names(10)}
    assert record["per_query"][0]["ranked"] == ["DOC_0", "DOC_0#2"]
