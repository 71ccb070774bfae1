"""Document ids, unique within an index: which live file holds each id, and what a repeat becomes.

A JSONL record's id is whatever its author wrote, so two records (in one file or in two) can
share one. Evaluation counts documents by id, and export names passages by it, so a repeated id
is qualified instead: the second "DOC_0" is indexed as "DOC_0#2", the next as "DOC_0#3".
"""

from __future__ import annotations

import numpy as np

from searcher.store.doc_table import DocTable
from searcher.store.segments import Rows

QUALIFIER = "#"  # between an id and the number that makes a repeat of it unique


class DocIds:
    """Each live document id → the number of the file that holds it.

    Ownership goes with the file: when a file is re-indexed or removed, its number is retired
    (file numbers are never reused), and the ids it held are free again. So re-indexing a file
    gives its records the ids they had, while the ids of other live files keep theirs.
    """

    def __init__(self, owners: dict[str, int]) -> None:
        self._owners = owners
        self._retired: set[int] = set()
        # The last n given to each repeated id: a file whose every record says "id": "1" takes
        # one look-up a record, not one for each repeat before it.
        self._last_suffix: dict[str, int] = {}

    @classmethod
    def of_rows(cls, rows: Rows, docs: DocTable) -> DocIds:
        """The ids of the live documents of `rows`, each with its file."""
        live = np.flatnonzero(rows.row_live)
        numbers, first = np.unique(rows.row_doc[live], return_index=True)
        files = rows.row_file[live][first]
        return cls(dict(zip(docs.ids(numbers), files.tolist(), strict=True)))

    def retire(self, file_number: int) -> None:
        """The file's rows are dead: its ids are free for whoever comes next."""
        self._retired.add(file_number)

    def owner(self, doc_id: str) -> int | None:
        """The number of the live file that holds `doc_id`, if any."""
        number = self._owners.get(doc_id)
        return None if number is None or number in self._retired else number

    def claim(self, doc_id: str, file_number: int) -> str:
        """The id a new document of `file_number` is indexed as: `doc_id` itself if no live
        document holds it, else `doc_id#n` with the next free n from 2."""
        indexed = doc_id
        if self.owner(doc_id) is not None:
            suffix = self._last_suffix.get(doc_id, 1)
            while self.owner(indexed) is not None:
                suffix += 1
                indexed = f"{doc_id}{QUALIFIER}{suffix}"
            self._last_suffix[doc_id] = suffix
        self._owners[indexed] = file_number
        return indexed
