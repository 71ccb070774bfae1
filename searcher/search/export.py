"""Export an index as OpenSearch/Elasticsearch bulk actions, with our analysis pre-applied.

For a collection that outgrows one machine: every live passage becomes two NDJSON lines, a bulk
action and a source document whose token fields are already cut the way searcher cuts them, so a
`whitespace` analyzer over there sees exactly our tokens (mapping and queries: see
tests/benchmarks/results-speed.md, "Scaling out to OpenSearch").

Source fields:
    id, path, title, paragraph, line   as in `searcher query --json` (but `line` 0, not null,
                                        in a PDF, DOCX or image)
    page, chapter, ocr_confidence       only a PDF's passage, an EPUB's, text read by OCR
    text                                the passage as written
    text_folded                         folded (NFKC, lower case, traditional → simplified)
    folded_to_source                    only when folding changed the length: offset in `text` of
                                        each folded code point, plus len(text) at the end
    title_folded                        the folded title: query words match a substring of it
    words, title_words                  jieba words of the folded passage / title, in order
    unigrams                            every non-space folded character, in order
    bigrams                             every pair of non-space neighbours, in order; "|" stands
                                        where whitespace breaks the text, so a phrase of bigrams
                                        never matches across it
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import numpy as np

from searcher.analysis.normalize import fold
from searcher.analysis.tokenizers import Segmenter, read_userdict
from searcher.oneline import json_line
from searcher.store import schema
from searcher.store.generation import open_generation

DEFAULT_INDEX_NAME = "searcher"
GAP = "|"  # stands between bigram runs that whitespace separates; never a bigram itself


def export_opensearch_bulk(
    index_dir: Path, out: TextIO, index_name: str = DEFAULT_INDEX_NAME
) -> int:
    """Write every live passage of the index as a bulk `index` action; returns how many."""
    generation = open_generation(index_dir)
    try:
        segmenter = Segmenter(read_userdict(generation.meta.get("userdict") or ""))
        count = 0
        titles: dict[str, tuple[str, str]] = {}
        for row in np.flatnonzero(generation.array("row_live")).tolist():
            fields = generation.stored_fields(row)
            action, source = bulk_lines(fields, index_name, segmenter, titles)
            out.write(action + "\n" + source + "\n")
            count += 1
        return count
    finally:
        generation.close()


def bulk_lines(
    fields: dict,
    index_name: str,
    segmenter: Segmenter,
    titles: dict[str, tuple[str, str]] | None = None,
) -> tuple[str, str]:
    """The action and source lines of one passage (its Whoosh stored fields), cut by the
    Segmenter of its index."""
    text = fields[schema.TEXT]
    title = fields[schema.TITLE]
    folded = fold(text)
    if titles is None:
        titles = {}
    if title not in titles:
        titles.clear()  # passages come grouped by title: one entry is enough
        title_folded = fold(title).text
        words = " ".join(word for word, _, _ in segmenter.cut(title_folded))
        titles[title] = (title_folded, words)
    source: dict[str, object] = {
        "id": fields[schema.DOC_ID],
        "path": fields[schema.PATH],
        "title": title,
        "paragraph": fields[schema.PARAGRAPH],
        "line": fields[schema.LINE],
        "text": text,
        "text_folded": folded.text,
    }
    if folded.to_source is not None:
        source["folded_to_source"] = list(folded.to_source)
    source["words"] = " ".join(word for word, _, _ in segmenter.cut(folded.text))
    source["title_folded"], source["title_words"] = titles[title]
    source["unigrams"] = " ".join(char for char in folded.text if not char.isspace())
    source["bigrams"] = " ".join(bigram_tokens(folded.text))
    if fields.get(schema.META):
        source["meta"] = fields[schema.META]
    # OpenSearch keeps one document per _id. Unique: an index gives each document its own id
    # (indexing/doc_ids.py qualifies a repeated one) and each passage of it its own paragraph.
    # An index written before that can repeat an id in one file: searcher index --rebuild.
    for key in (schema.KIND, schema.LANGUAGE, schema.PAGE, schema.CHAPTER, schema.OCR_CONFIDENCE):
        if key in fields:
            source[key] = fields[key]
    action = {"index": {"_index": index_name, "_id": passage_id(fields)}}
    return json_line(action), json_line(source)


def passage_id(fields: dict) -> str:
    """The document id of a passage over there: unique within an index (see bulk_lines)."""
    path, doc_id, paragraph = fields[schema.PATH], fields[schema.DOC_ID], fields[schema.PARAGRAPH]
    return f"{doc_id}/{paragraph}" if doc_id == path else f"{path}#{doc_id}/{paragraph}"


def bigram_tokens(folded: str) -> Iterator[str]:
    """Neighbouring pairs of non-space characters; GAP where whitespace breaks a run."""
    gap = False
    for first, second in zip(folded, folded[1:], strict=False):
        if first.isspace() or second.isspace():
            gap = True
            continue
        if gap:
            yield GAP
            gap = False
        yield first + second
