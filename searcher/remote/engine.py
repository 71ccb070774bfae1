"""RemoteSearcher: search.Searcher's interface over an index that `searcher push` wrote.

    with RemoteSearcher.open("http://127.0.0.1:9200", "searcher") as s:
        result = s.search("网格", limit=10)

Queries are parsed as search/query.py parses them, with the user dictionary the push recorded, and
translated by dsl.py. Hits are built from the stored passage; their spans come from the same
highlighter as local hits (search/highlight.py), so offsets are code points into `text`, alike.
"""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING

import numpy as np

from searcher.analysis.analyzers import segmenter_cut
from searcher.analysis.normalize import fold_text
from searcher.analysis.tokenizers import Segmenter, read_userdict
from searcher.errors import QuerySyntaxError, RemoteError
from searcher.remote import dsl
from searcher.remote.connection import connect, requests, shown_url
from searcher.remote.mapping import recorded_push
from searcher.remote.vocabulary import RemoteVocabulary
from searcher.search.collapse import MAX_LOCATIONS, OVERFETCH, Group, group_rows, next_fetch
from searcher.search.engine import HighlightLiterals
from searcher.search.export import DEFAULT_INDEX_NAME
from searcher.search.highlight import match_spans, title_spans
from searcher.search.hits import Explanation, Hit, IndexStats, SearchResult, place_suffix
from searcher.search.query import ParsedQuery, parse_query

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

# Cardinality counts are exact below this many distinct values (OpenSearch's maximum).
_EXACT_COUNT = 40_000


class RemoteSearcher:
    def __init__(self, client: OpenSearch, index: str, record: dict) -> None:
        self._client = client
        self.index = index
        self.directory = f"{shown_url(client)}/{index}"  # what the front ends show as the index
        self._record = record
        self._segmenter = Segmenter(read_userdict(record.get("userdict") or ""))
        self._vocabulary = RemoteVocabulary(client, index)

    @classmethod
    def open(cls, url: str, index: str = DEFAULT_INDEX_NAME) -> RemoteSearcher:
        """Connect to an index that searcher push wrote; raises RemoteError's subclasses."""
        client = connect(url)
        with requests(client, index):
            record = recorded_push(client.indices.get_mapping(index=index), index)
        return cls(client, index, record)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> RemoteSearcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def parse(self, text: str) -> ParsedQuery:
        """`text` in the query syntax, cut as the pushed index was (see search/query.py)."""
        is_known = self._vocabulary.lookup(fold_text(text))
        # The pushed index has no frequencies at hand: runs it lacks are cut by the segmenter.
        # Every piece is matched literally, so the cut moves scores, never the passages found.
        return parse_query(text, is_known, segmenter_cut(self._segmenter))

    def search(
        self,
        text: str,
        limit: int = 10,
        require_all: bool = False,
        collapse: bool = True,
        sort: str = "relevance",
        group: bool = False,
    ) -> SearchResult:
        """As Searcher.search: ranked passages for `text`; `collapse` folds repeats into one.
        Sorting by date or path and one hit per document are the local engine's alone (the
        pushed passages carry no file dates), and are refused."""
        if sort != "relevance" or group:
            asked = f"--sort {sort}" if sort != "relevance" else "one hit per document (-g, -l)"
            raise RemoteError(f"{asked}: not available with --opensearch yet")
        started = time.perf_counter()
        query = self.parse(text)
        if collapse:
            found, groups = self._groups(query, limit, require_all)
            repeats = sum(len(group.repeats) for group in groups)
            total = found["total"]["value"] - repeats
        else:
            found = self._fetch(query, limit, require_all)
            groups = [Group(i) for i in range(len(found["hits"]))]
            total = found["total"]["value"]
        empty_filter = "" if total else self._empty_filter(query)
        literals = HighlightLiterals(query)
        docs = found["hits"]
        hits = [
            _hit(rank, docs[group.row], literals, [docs[i] for i in group.repeats])
            for rank, group in enumerate(groups[:limit], 1)
        ]
        all_words = (
            len(query.clauses) == 1
            or require_all
            or not hits
            or "all" in found["hits"][0].get("matched_queries", [])
        )
        took_ms = (time.perf_counter() - started) * 1000
        return SearchResult(text, hits, total, took_ms, all_words, empty_filter)

    def _fetch(self, query: ParsedQuery, size: int, require_all: bool) -> dict:
        body = dsl.search_body(query, size, require_all)
        with requests(self._client, self.index):
            # Word statistics of the whole index, as searcher's BM25 has them, not of each shard.
            answer = self._client.search(
                index=self.index, body=body, search_type="dfs_query_then_fetch"
            )
        return answer["hits"]

    def _groups(self, query: ParsedQuery, limit: int, require_all: bool) -> tuple[dict, list]:
        """As the local engine collapses: the best OVERFETCH × limit passages grouped by their
        folded text, more fetched while most are repeats. (OpenSearch's own field collapsing
        with inner hits for the repeats took 250-500 ms a query on 154 passages: it searches
        again for every group.)"""
        size = limit * OVERFETCH
        while size:
            found = self._fetch(query, size, require_all)
            digests = [doc["_source"]["text_digest"].encode() for doc in found["hits"]]
            groups = group_rows(np.arange(len(digests)), digests.__getitem__)
            size = next_fetch(size, len(groups), limit, len(digests))
        return found, groups

    def _empty_filter(self, query: ParsedQuery) -> str:
        """As the local engine says it: the first filter that matches nothing as typed; all of
        them when each matches something but not together; "" when none is to blame."""
        if not query.filters:
            return ""
        with requests(self._client, self.index):
            for found in query.filters:
                body = {"query": dsl.filter_query([found])}
                if not self._client.count(index=self.index, body=body)["count"]:
                    return found.typed
            body = {"query": dsl.filter_query(query.filters, query.excluded)}
            if self._client.count(index=self.index, body=body)["count"]:
                return ""  # the words matched nothing there, not the filters
        return " ".join(found.typed for found in query.filters)

    def document(self, hit: Hit, query: str | None = None) -> list[Hit]:
        """Every passage of the hit's document, in order, highlighted for `query`."""
        literals = HighlightLiterals(None)
        if query:
            try:
                literals = HighlightLiterals(self.parse(query))
            except QuerySyntaxError:
                pass  # nothing to highlight
        body = {
            "query": {"bool": {"filter": [{"term": {"id": hit.id}}, {"term": {"path": hit.path}}]}},
            "sort": [{"paragraph": "asc"}],
            "_source": dsl.SOURCE_FIELDS,
        }
        from opensearchpy import helpers

        with requests(self._client, self.index):
            docs = list(
                helpers.scan(self._client, query=body, index=self.index, preserve_order=True)
            )
        return [_hit(rank, doc, literals, score=0.0) for rank, doc in enumerate(docs, 1)]

    def context(self, hit: Hit, count: int) -> tuple[list[Hit], list[Hit]]:
        """As Searcher.context: up to `count` passages of the hit's document just before it,
        and just after it, unhighlighted (grep's -C)."""
        passages = self.document(hit)
        at = next((i for i, part in enumerate(passages) if part.row == hit.row), 0)
        before = passages[max(at - count, 0) : at] if count else []
        return before, passages[at + 1 : at + 1 + count]

    def explain(self, text: str, hit: Hit) -> Explanation:
        raise RemoteError(
            "--explain takes searcher's own score apart: not available with --opensearch"
        )

    def has_newer_generation(self) -> bool:
        """Never: a pushed index changes only by searcher push, and its hits stay valid."""
        return False

    def refresh(self) -> bool:
        return False

    def stats(self) -> IndexStats:
        body = {
            "size": 0,
            "track_total_hits": True,
            "aggs": {
                field: {"cardinality": {"field": field, "precision_threshold": _EXACT_COUNT}}
                for field in ("id", "path")
            },
        }
        with requests(self._client, self.index):
            answer = self._client.search(index=self.index, body=body)
            size = self._client.indices.stats(index=self.index, metric="store")
        record = self._record
        return IndexStats(
            directory=self.directory,
            documents=answer["aggregations"]["id"]["value"],
            passages=answer["hits"]["total"]["value"],
            files=answer["aggregations"]["path"]["value"],
            size_bytes=size["_all"]["primaries"]["store"]["size_in_bytes"],
            updated=float(record.get("pushed_at", 0.0)),
            roots=[str(record.get("source", ""))],
            analysis=dict(record.get("analysis", {})),
            segmenter=self._segmenter.backend_name,
        )


def _hit(
    rank: int,
    doc: dict,
    literals: HighlightLiterals,
    repeats: list[dict] | None = None,
    score: float | None = None,
) -> Hit:
    source = doc["_source"]
    text, title = source["text"], source["title"]
    if score is None:  # the bonuses of the tiers (dsl.BONUSES) are the order, not the score
        bonus = sum(dsl.BONUSES[name] for name in doc.get("matched_queries", ()))
        score = round(float(doc["_score"] or 0.0) - bonus, 4)
    return Hit(
        rank=rank,
        score=score,
        id=source["id"],
        path=source["path"],
        title=title,
        paragraph=source["paragraph"],
        line=source["line"],
        text=text,
        spans=match_spans(text, literals.text),
        title_spans=title_spans(title, literals.title),
        row=_row(doc["_id"]),
        meta=source.get("meta"),
        kind=source.get("kind", "text"),
        language=source.get("language", ""),
        page=source.get("page", 0),
        chapter=source.get("chapter", ""),
        ocr_confidence=source.get("ocr_confidence", 0.0),
        duplicates=len(repeats or ()),
        duplicate_locations=tuple(
            _location(other["_source"]) for other in (repeats or [])[:MAX_LOCATIONS]
        ),
    )


def _row(passage_id: str) -> int:
    """A number that stands for the passage as a local row does: the TUI finds the hit it opened
    among its document's passages by it. From the id, so the same passage has the same number."""
    return int.from_bytes(hashlib.blake2b(passage_id.encode(), digest_size=7).digest(), "big")


def _location(source: dict) -> str:
    """As search/collapse.location shows a passage's place."""
    path, doc_id = source["path"], source["id"]
    if doc_id != path:
        return f"{path}#{doc_id}"
    place = place_suffix(
        source["line"], source.get("page", 0), source.get("chapter", ""), source["paragraph"]
    )
    return path + place
