"""Whoosh's per-document reader over a generation: stored passages, lengths, deletions, columns.

A document is a row: its stored fields are the passage as indexed (generation.stored_fields), its
text field's length the BM25F length (row_len: words, title words weighted), and it is deleted
when row_live says so. Path and title are sortable columns, read from the stored passages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
from whoosh.codec.base import PerDocumentReader
from whoosh.columns import ColumnReader

from searcher.store import schema
from searcher.store.generation import Generation

COLUMN_FIELDS = (schema.PATH, schema.TITLE)  # stored strings that sort and group (fields.py)


class GenerationDocs(PerDocumentReader):
    """Rows [first, end) of a generation, as Whoosh documents 0..end-first."""

    def __init__(self, generation: Generation, first: int, end: int, handle: object) -> None:
        self._gen = generation
        self._first, self._end = first, end
        self._live = np.asarray(generation.array("row_live"))[first:end]
        self._lengths = np.asarray(generation.array("row_len"))[first:end]
        self._handle = handle

    def close(self) -> None:
        if self._handle is not None:
            self._handle.release()
            self._handle = None

    def doc_count(self) -> int:
        return int(np.count_nonzero(self._live))

    def doc_count_all(self) -> int:
        return self._end - self._first

    def has_deletions(self) -> bool:
        return not bool(self._live.all())

    def is_deleted(self, docnum: int) -> bool:
        return not bool(self._live[docnum])

    def deleted_docs(self) -> list[int]:
        return np.flatnonzero(~self._live).tolist()

    def all_doc_ids(self) -> list[int]:
        return np.flatnonzero(self._live).tolist()

    def doc_field_length(self, docnum: int, fieldname: str, default: float = 0) -> float:
        if fieldname == schema.TITLE:
            return 1.0  # title matches are unweighted (whoosh_terms.py)
        if fieldname != schema.TEXT:
            return default
        return float(self._lengths[docnum])

    def field_length(self, fieldname: str) -> float:
        if fieldname == schema.TITLE:
            return float(self.doc_count())
        if fieldname != schema.TEXT:
            return 0
        return float(self._lengths[self._live].sum(dtype=np.float64))

    def min_field_length(self, fieldname: str) -> float:
        return self._length_bound(fieldname, np.min)

    def max_field_length(self, fieldname: str) -> float:
        return self._length_bound(fieldname, np.max)

    def _length_bound(self, fieldname: str, bound: Callable[[np.ndarray], float]) -> float:
        if fieldname == schema.TITLE:
            return 1.0
        live = self._lengths[self._live]
        return float(bound(live)) if fieldname == schema.TEXT and len(live) else 0

    def stored_fields(self, docnum: int) -> dict:
        return self._gen.stored_fields(self._first + docnum)

    def supports_columns(self) -> bool:
        return True

    def has_column(self, fieldname: str) -> bool:
        return fieldname in COLUMN_FIELDS

    def list_columns(self) -> list[str]:
        return list(COLUMN_FIELDS)

    def column_reader(self, fieldname: str, column: object) -> ColumnReader:
        # Every passage of the segment is read once (~10 µs each): sorting or grouping a
        # large index pays that on its first use.
        values = [
            str(self.stored_fields(docnum).get(fieldname, "")).encode("utf-8", "surrogatepass")
            for docnum in range(self.doc_count_all())
        ]
        return StoredColumnReader(values)


class StoredColumnReader(ColumnReader):
    """A column of byte strings held in memory. Whoosh sorts by the values themselves, so keys
    compare across segments; in reverse through its ReversedColumnCategorizer (a VarBytesColumn
    is not reversible)."""

    def __init__(self, values: list[bytes]) -> None:
        self._values = values

    def __len__(self) -> int:
        return len(self._values)

    def __getitem__(self, docnum: int) -> bytes:
        return self._values[docnum]

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._values)
