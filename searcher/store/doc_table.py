"""The document table of a generation, by columns: each document's id; and the titles.

A row's document is row_doc[row], its title row_title[row]: a title is a passage's (a Markdown
section's "文档 › 一、网格"), so one document has many. Ids are UTF-8 end to end (doc_ids.bin,
doc_id_ptr.npy), titles are stored once each (titles.json): a dict per document cost ~430 bytes
of memory per JSONL record, and a JSON list of them took 300 ms to read on zh-laws; a reader now
reads one id, or the distinct titles, and nothing else.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable
from pathlib import Path

import numpy as np

IDS_FILE = "doc_ids.bin"
TITLES_FILE = "titles.json"
# Ids of files are their paths: undecodable bytes of a name are lone surrogates (surrogateescape),
# kept exact through UTF-8 with surrogatepass.
_ERRORS = "surrogatepass"


class DocTable:
    """Documents in the order they were first added, and every title; the builder's side."""

    def __init__(self) -> None:
        self._ids = bytearray()
        self._id_ptr = array("q", [0])
        self._titles: list[str] = []
        self._folded: list[str] = []
        self._title_number: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._id_ptr) - 1

    def add(self, doc_id: str) -> int:
        """Append a document; returns its number."""
        self._ids += doc_id.encode("utf-8", _ERRORS)
        self._id_ptr.append(len(self._ids))
        return len(self) - 1

    def title_number(self, title: str, fold: Callable[[str], str]) -> int:
        """The number of a title, added if it is new."""
        number = self._title_number.get(title)
        if number is None:
            number = self._title_number[title] = len(self._titles)
            self._titles.append(title)
            self._folded.append(fold(title))
        return number

    def ids(self, numbers: np.ndarray) -> list[str]:
        """The ids of the documents `numbers`."""
        ptr, ids = self._id_ptr, bytes(self._ids)
        return [ids[ptr[n] : ptr[n + 1]].decode("utf-8", _ERRORS) for n in numbers.tolist()]

    def kept(self, numbers: np.ndarray, titles: np.ndarray) -> DocTable:
        """A table of only the documents `numbers` and the titles `titles` (both ascending),
        each renumbered from 0."""
        table = DocTable()
        ptr = np.frombuffer(self._id_ptr, np.int64)
        ids = bytes(self._ids)
        for number in numbers.tolist():
            table._ids += ids[ptr[number] : ptr[number + 1]]
            table._id_ptr.append(len(table._ids))
        for number in titles.tolist():
            table._title_number[self._titles[number]] = len(table._titles)
            table._titles.append(self._titles[number])
            table._folded.append(self._folded[number])
        return table

    def write(self, directory: Path) -> None:
        (directory / IDS_FILE).write_bytes(bytes(self._ids))
        np.save(directory / "doc_id_ptr.npy", np.frombuffer(self._id_ptr, np.int64))
        titles = {"titles": self._titles, "folded": self._folded}
        text = json.dumps(titles, ensure_ascii=False)
        (directory / TITLES_FILE).write_bytes(text.encode("utf-8", _ERRORS))

    @classmethod
    def read(cls, directory: Path) -> DocTable:
        table = cls()
        table._ids = bytearray((directory / IDS_FILE).read_bytes())
        table._id_ptr = array("q", np.load(directory / "doc_id_ptr.npy").tobytes())
        titles = json.loads((directory / TITLES_FILE).read_bytes())
        table._titles, table._folded = titles["titles"], titles["folded"]
        table._title_number = {title: n for n, title in enumerate(table._titles)}
        return table


def document_id(ids: np.ndarray, id_ptr: np.ndarray, number: int) -> str:
    """The id of document `number`, from the mapped doc_ids.bin and doc_id_ptr.npy."""
    return bytes(ids[id_ptr[number] : id_ptr[number + 1]]).decode("utf-8", _ERRORS)


def folded_titles(titles_json: bytes) -> list[str]:
    """The distinct titles, folded, from titles.json; row_title.npy gives each row's."""
    return json.loads(titles_json)["folded"]
