"""The OpenSearch index that `searcher push` writes: its mapping, and what it records of the push.

The token fields come pre-cut (search/export.py), so a `whitespace` analyzer sees our tokens: the
same words and character n-grams that searcher's own index holds. Three fields are ours besides
the export's: `bm25f_words` (the passage's words, then its title's words TITLE_WEIGHT times: the
bag of words searcher's BM25F scores, so that Lucene's BM25 over it ranks alike), `digest` (what
an incremental push compares), `path_folded` (path: filters fold the path, as the local engine
does) and `text_digest` (passages of one folded text collapse into one hit). The mapping's
`_meta.searcher` records the push: the format, the local index it came from, its user dictionary
(queries are cut with it) and when.
"""

from __future__ import annotations

from searcher.errors import RemoteIndexError

# Bump when a field changes: a push to an index of another format asks for --replace.
INDEX_FORMAT = 1

_WORDS = {"type": "text", "analyzer": "whitespace"}
_GRAMS = {"type": "text", "analyzer": "whitespace"}  # lengths count: BM25 over characters
_KEYWORD = {"type": "keyword"}
_STORED = {"type": "keyword", "index": False, "doc_values": False}

PROPERTIES: dict[str, dict] = {
    "id": _KEYWORD,
    "path": _KEYWORD,
    "path_folded": _KEYWORD,
    "title": _STORED,
    "title_folded": _KEYWORD,
    "paragraph": {"type": "integer"},
    "line": {"type": "integer", "index": False},
    "text": {"type": "text", "index": False},
    "text_folded": {"type": "text", "index": False},
    "folded_to_source": {"type": "integer", "index": False, "doc_values": False},
    "words": _WORDS,
    "title_words": _WORDS,
    "bm25f_words": _WORDS,
    "unigrams": _GRAMS,
    "bigrams": _GRAMS,
    "kind": _KEYWORD,
    "language": _KEYWORD,
    # A PDF's page, an EPUB's chapter file, OCR's confidence (search/export.py): shown only.
    "page": {"type": "integer", "index": False},
    "chapter": {"type": "keyword", "index": False},
    "ocr_confidence": {"type": "float", "index": False},
    "meta": {"type": "object", "enabled": False},
    "digest": _KEYWORD,
    "text_digest": _KEYWORD,
}


def index_body(shards: int, replicas: int, record: dict) -> dict:
    """The settings and mapping of a new index; `record` goes into `_meta.searcher`."""
    return {
        "settings": {"index": {"number_of_shards": shards, "number_of_replicas": replicas}},
        "mappings": {
            "dynamic": "strict",
            "_meta": {"searcher": record},
            "properties": PROPERTIES,
        },
    }


def recorded_push(mappings: dict, index: str) -> dict:
    """`_meta.searcher` of an index's mapping (the answer of indices.get_mapping), checked to be
    one searcher push wrote in this format."""
    mapping = next(iter(mappings.values()), {}).get("mappings", {})
    record = mapping.get("_meta", {}).get("searcher")
    if not isinstance(record, dict):
        raise RemoteIndexError(
            f"the OpenSearch index {index!r} was not written by searcher push; "
            "give another --name, or delete that index"
        )
    if record.get("format") != INDEX_FORMAT:
        raise RemoteIndexError(
            f"the OpenSearch index {index!r} has format {record.get('format')}, this searcher "
            f"writes {INDEX_FORMAT}; run: searcher push --replace"
        )
    missing = sorted(set(PROPERTIES) - set(mapping.get("properties", {})))
    if missing:
        raise RemoteIndexError(
            f"the OpenSearch index {index!r} lacks the fields {', '.join(missing)}; "
            "run: searcher push --replace"
        )
    return record
