"""Which words the pushed index holds, for cutting a query as the local engine cuts it.

parse_query asks `is_known(word)` of runs of Chinese characters (analysis.query_words); locally a
look-up in the vocabulary, here a term query. One request answers every candidate of a query at
once: each run of non-ASCII characters, and its substrings as long as a word can be (a quoted
phrase is cut into the longest known words), so a query costs one round trip, not dozens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from searcher.remote.connection import requests

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

_MAX_WORD = 8  # as analysis.analyzers._MAX_KNOWN_WORD: longer substrings are never asked
_MAX_RUN = 64  # longer runs go to the segmenter (analyzers._MAX_UNSEGMENTED)
_MAX_CANDIDATES = 2_000  # a pasted paragraph: the rest are asked one at a time, if ever


class RemoteVocabulary:
    def __init__(self, client: OpenSearch, index: str) -> None:
        self._client = client
        self._index = index

    def lookup(self, folded: str) -> Callable[[str], bool]:
        """is_known for a query whose folded text is `folded`."""
        candidates = _candidates(folded)
        known = self._held(candidates)
        asked = set(candidates)

        def is_known(word: str) -> bool:
            if word not in asked:
                asked.add(word)
                known.update(self._held([word]))
            return word in known

        return is_known

    def _held(self, words: list[str]) -> set[str]:
        if not words:
            return set()
        filters = {f"w{i}": {"term": {"bm25f_words": word}} for i, word in enumerate(words)}
        body = {"size": 0, "aggs": {"known": {"filters": {"filters": filters}}}}
        with requests(self._client, self._index):
            buckets = self._client.search(index=self._index, body=body)["aggregations"]
        counts = buckets["known"]["buckets"]
        return {word for i, word in enumerate(words) if counts[f"w{i}"]["doc_count"]}


def _candidates(folded: str) -> list[str]:
    found: dict[str, None] = {}
    run = ""
    for char in folded + " ":
        if ord(char) > 127 and not char.isspace():
            run += char
            continue
        if len(run) > 1:
            found[run] = None
            if len(run) <= _MAX_RUN:
                for start in range(len(run)):
                    for end in range(start + 2, min(len(run), start + _MAX_WORD) + 1):
                        found[run[start:end]] = None
        run = ""
    return list(found)[:_MAX_CANDIDATES]
