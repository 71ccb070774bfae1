"""Relevance evaluation: judged queries (qrels) → ranked documents → MRR, recall and nDCG.

Each query is searched exactly as a user would type it (default options). Passages are ranked,
then collapsed into documents by their id, each document taking the rank of its best passage: a
document counts once, however many passages or records carry its id (an index written before ids
were made unique can hold one id twice), so recall and nDCG never pass 1.
`searcher eval` and tests/benchmarks/eval_quality.py are the callers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from searcher.errors import QrelsError, QuerySyntaxError
from searcher.search.engine import Searcher

RECALL_CUTOFFS = (1, 5, 10, 100)


@dataclass(frozen=True)
class JudgedQuery:
    qid: str
    query: str
    relevant: frozenset[str]  # ids of the relevant documents


@dataclass(frozen=True)
class QueryResult:
    """How one query ranked: the first relevant rank and its metrics."""

    qid: str
    query: str
    ranked: tuple[str, ...]  # document ids, best first, at most max(k, 100)
    first_relevant: int | None  # 1-based rank of the first relevant document, None if not found
    metrics: dict[str, float]
    error: str | None = None  # the query could not be run (e.g. only punctuation)


@dataclass(frozen=True)
class Evaluation:
    k: int
    metrics: dict[str, float]  # means over the judged queries
    queries: list[QueryResult] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        """The overall metrics as aligned `name value` lines."""
        lines = [f"{'queries':<9} {len(self.queries)}"]
        lines += [f"{name:<9} {value:.4f}" for name, value in self.metrics.items()]
        failed = sum(1 for result in self.queries if result.error)
        if failed:
            lines.append(f"{'errors':<9} {failed} (queries with nothing to search; scored 0)")
        return lines

    def record(self) -> dict[str, object]:
        """JSON form: {"k", "queries", "metrics", "per_query": [{"qid", "query", "first_relevant",
        "metrics", "ranked": the k best document ids, "error" when the query could not run}]}."""
        per_query = []
        for result in self.queries:
            item: dict[str, object] = {
                "qid": result.qid,
                "query": result.query,
                "first_relevant": result.first_relevant,
                "metrics": {name: round(value, 6) for name, value in result.metrics.items()},
                "ranked": list(result.ranked[: self.k]),
            }
            if result.error:
                item["error"] = result.error
            per_query.append(item)
        return {
            "k": self.k,
            "queries": len(self.queries),
            "metrics": {name: round(value, 6) for name, value in self.metrics.items()},
            "per_query": per_query,
        }


def metric_names(k: int) -> list[str]:
    return [f"MRR@{k}", *(f"R@{n}" for n in RECALL_CUTOFFS), f"nDCG@{k}"]


def read_qrels(path: Path) -> list[JudgedQuery]:
    """Judged queries from JSON Lines: {"qid", "query", "relevant": [doc ids]} per line.

    Lines whose `relevant` list is empty are not judged and are left out.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        reason = getattr(err, "strerror", None) or err
        raise QrelsError(f"cannot read judged queries from {path}: {reason}") from err
    judged = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        judged_query = _parse_line(line, number, path)
        if judged_query.relevant:
            judged.append(judged_query)
    if not judged:
        raise QrelsError(
            f'{path} holds no judged query; each line needs {{"qid", "query", "relevant": [ids]}}'
        )
    return judged


def _parse_line(line: str, number: int, path: Path) -> JudgedQuery:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise QrelsError(f"{path} line {number}: not valid JSON ({err.msg})") from err
    if not isinstance(record, dict) or not isinstance(record.get("query"), str):
        raise QrelsError(f'{path} line {number}: expected an object with a "query" string')
    relevant = record.get("relevant", [])
    if isinstance(relevant, str):
        relevant = [relevant]
    if not isinstance(relevant, list):
        raise QrelsError(f'{path} line {number}: "relevant" must be a list of document ids')
    qid = record.get("qid", number)
    return JudgedQuery(
        qid=str(qid), query=record["query"], relevant=frozenset(str(doc) for doc in relevant)
    )


def rank_metrics(ranked: Sequence[str], relevant: Iterable[str], k: int) -> dict[str, float]:
    """MRR@k, recall at RECALL_CUTOFFS and nDCG@k (binary relevance) of one ranking; a
    document ranked twice counts at its first rank only."""
    relevant = set(relevant)
    ranked = _first_of_each(ranked)
    gains = [1.0 if doc in relevant else 0.0 for doc in ranked]
    metrics: dict[str, float] = {}
    first = next((rank for rank, gain in enumerate(gains, 1) if gain), None)
    metrics[f"MRR@{k}"] = 1.0 / first if first is not None and first <= k else 0.0
    for cutoff in RECALL_CUTOFFS:
        metrics[f"R@{cutoff}"] = sum(gains[:cutoff]) / len(relevant)
    dcg = sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains[:k], 1))
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    metrics[f"nDCG@{k}"] = dcg / ideal
    return metrics


def evaluate(searcher: Searcher, judged: Iterable[JudgedQuery], k: int = 10) -> Evaluation:
    """Search every judged query and average its metrics."""
    depth = max(k, max(RECALL_CUTOFFS))
    results = []
    for item in judged:
        error = None
        try:
            ranked = searcher.ranked_document_ids(item.query, depth)
        except QuerySyntaxError as err:  # a query with nothing to search scores zero
            ranked, error = [], str(err)
        metrics = rank_metrics(ranked, item.relevant, k)
        first = next((r for r, doc in enumerate(ranked, 1) if doc in item.relevant), None)
        results.append(QueryResult(item.qid, item.query, tuple(ranked), first, metrics, error))
    names = metric_names(k)
    count = max(len(results), 1)
    means = {name: sum(r.metrics[name] for r in results) / count for name in names}
    return Evaluation(k, means, results)


def _first_of_each(ranked: Sequence[str]) -> list[str]:
    """The ids in order, each at its first (best) rank only."""
    return list(dict.fromkeys(ranked))
