"""The Whoosh schema of the index of record.

Whoosh keeps every passage as written (stored fields) and gives us its write lock and its atomic
table-of-contents commit. The word and n-gram postings live beside it in numpy arrays, one
generation per Whoosh generation (postings.py), because Whoosh indexes and scores a posting in
Python at about 16 µs each: 0.5 MB/s for words alone, where the arrays reach several MB/s. Each
generation also keeps a copy of the stored passages, so a query never imports Whoosh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from whoosh import fields

# A passage's Whoosh document number equals its row in the postings arrays: segments are never
# merged by Whoosh (commit(merge=False)); compaction re-adds every live passage in row order.
DOC_ID = "doc_id"
PATH = "path"
TITLE = "title"
PARAGRAPH = "paragraph"
LINE = "line"
TEXT = "text"
META = "meta"
# Only a code passage stores these (kind "code"; its language, if its fence names one): a text
# passage, nearly every one, is stored as before.
KIND = "kind"
LANGUAGE = "language"
# Only a passage of a document that is not a text file stores these: its PDF page, its EPUB
# chapter file, and the confidence of OCR that read it from an image.
PAGE = "page"
CHAPTER = "chapter"
OCR_CONFIDENCE = "ocr_confidence"


def make_schema() -> fields.Schema:
    from whoosh import fields  # here: queries read the field names, and never import Whoosh

    return fields.Schema(
        **{
            DOC_ID: fields.STORED,
            PATH: fields.STORED,
            TITLE: fields.STORED,
            PARAGRAPH: fields.STORED,
            LINE: fields.STORED,
            TEXT: fields.STORED,
            META: fields.STORED,
        }
    )
