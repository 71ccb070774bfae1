"""The Whoosh schema of the index of record, and the version of our on-disk format.

Whoosh keeps every passage as written (stored fields) and gives us its write lock and its atomic
table-of-contents commit. The word and n-gram postings live beside it in numpy arrays (postings.py),
one generation per Whoosh generation, because Whoosh indexes and scores a posting in Python at
about 16 µs each: 0.5 MB/s for words alone, where the arrays reach several MB/s.
"""

from __future__ import annotations

from whoosh import fields

FORMAT_VERSION = 1  # bump when the layout of a generation changes

# A passage's Whoosh document number equals its row in the postings arrays: segments are never
# merged by Whoosh (commit(merge=False)); compaction re-adds every live passage in row order.
ROW = "row"
DOC_ID = "doc_id"
PATH = "path"
TITLE = "title"
PARAGRAPH = "paragraph"
LINE = "line"
TEXT = "text"
META = "meta"


def make_schema() -> fields.Schema:
    return fields.Schema(
        **{
            ROW: fields.STORED,
            DOC_ID: fields.STORED,
            PATH: fields.STORED,
            TITLE: fields.STORED,
            PARAGRAPH: fields.STORED,
            LINE: fields.STORED,
            TEXT: fields.STORED,
            META: fields.STORED,
        }
    )
