"""A passage → the stored fields the index keeps of it, made valid Unicode first.

Used where passages are batched (batches.py) and in the analysis workers, which read documents
(PDF, DOCX, EPUB) themselves (analysis_pool.py).
"""

from __future__ import annotations

import dataclasses

from searcher.ingest.passage import Passage
from searcher.oneline import LONE_SURROGATE, without_surrogates
from searcher.store import schema


def passage_fields(path: str, passage: Passage) -> dict[str, object]:
    """The stored fields of a passage, as the index keeps them."""
    fields: dict[str, object] = {
        schema.DOC_ID: passage.id,
        schema.PATH: path,
        schema.TITLE: passage.title,
        schema.PARAGRAPH: passage.paragraph,
        schema.LINE: passage.line,
        schema.TEXT: passage.text,
        schema.META: passage.meta,
    }
    if passage.kind != "text":
        fields[schema.KIND] = passage.kind
        if passage.language:
            fields[schema.LANGUAGE] = passage.language
    # A text file's passage stores none of these, so its stored fields are as before.
    if passage.page:
        fields[schema.PAGE] = passage.page
    if passage.chapter:
        fields[schema.CHAPTER] = passage.chapter
    if passage.ocr_confidence:
        fields[schema.OCR_CONFIDENCE] = passage.ocr_confidence
    return fields


def valid_passage(passage: Passage, path: str) -> Passage:
    """Lone surrogates (undecodable bytes in a file name, \\udXXX escapes in JSON) as U+FFFD:
    the segmenter, the folded-text blob and every terminal need valid Unicode. A text file's
    id is its path and stays exact; the path is escaped where it is shown."""
    meta = passage.meta or {}
    texts = (passage.title, passage.text, passage.id, passage.chapter, *meta.keys(), *meta.values())
    if not any(LONE_SURROGATE.search(text) for text in texts):
        return passage
    return dataclasses.replace(
        passage,
        title=without_surrogates(passage.title),
        text=without_surrogates(passage.text),
        id=passage.id if passage.id == path else without_surrogates(passage.id),
        chapter=without_surrogates(passage.chapter),
        meta={without_surrogates(k): without_surrogates(v) for k, v in meta.items()}
        or passage.meta,
    )
