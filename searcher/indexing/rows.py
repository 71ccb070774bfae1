"""RowsBuilder: the next generation's rows, and the Whoosh documents that go with them.

Row r of the postings arrays is Whoosh document r. Rows are only ever appended; the rows of a
changed or vanished file are marked dead (and deleted in Whoosh). When dead rows pass a share of
the whole, the next run re-packs: it re-adds every live stored passage in order and clears Whoosh's
old segments in the same commit, so the two numberings stay equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from whoosh.writing import CLEAR, NO_MERGE, SegmentWriter

from searcher.analysis.normalize import fold_text
from searcher.errors import IndexCorruptError
from searcher.indexing import schema
from searcher.indexing.documents import Passage
from searcher.indexing.postings import Generation, Rows
from searcher.indexing.sources import SourceFile

_COMPACT_DEAD_FRACTION = 0.3


@dataclass
class FileJob:
    """A file read for this run: its passages, and the manifest entry it replaces, if any."""

    source: SourceFile
    sha1: str
    passages: list[Passage]
    old: dict | None = None
    number: int = -1  # file number, assigned when its first passage is added
    added: int = 0


@dataclass
class _Chunk:
    terms: list[np.ndarray] = field(default_factory=list)
    tfs: list[np.ndarray] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    lengths: list[float] = field(default_factory=list)
    docs: list[int] = field(default_factory=list)
    files: list[int] = field(default_factory=list)
    chars: list[int] = field(default_factory=list)
    text: list[bytes] = field(default_factory=list)


class RowsBuilder:
    def __init__(self, rows: Rows, files: dict[str, dict], docs: list[dict], meta: dict) -> None:
        self.rows = rows
        self.files = files  # path → manifest entry
        self.docs = docs
        self.next_file = int(meta.get("next_file", 0))
        self.clear = False  # commit with Whoosh's CLEAR: this run re-adds everything it keeps
        self.changed = False
        self._term_ids: dict[str, int] | None = None
        self._new_terms: list[str] = []
        self._new = _Chunk()
        self._last_doc: tuple[int, str] | None = None

    @classmethod
    def start(cls, current: Generation | None, writer: SegmentWriter, rebuild: bool) -> RowsBuilder:
        if current is None:
            builder = cls(Rows.empty(), {}, [], {})
            builder.clear = rebuild
            builder.changed = rebuild
            return builder
        rows = current.load_rows()
        whoosh_rows = sum(segment.doc_count_all() for segment in writer.segments)
        if rows.count != whoosh_rows:
            raise IndexCorruptError(
                "the index's Whoosh documents and postings disagree; run: searcher index --rebuild"
            )
        builder = cls(rows, {f["path"]: f for f in current.files()}, current.docs(), current.meta)
        if rows.count and 1 - rows.row_live.mean() > _COMPACT_DEAD_FRACTION:
            builder._compact(writer)
        return builder

    @property
    def next_row(self) -> int:
        return self.rows.count + len(self._new.lengths)

    @property
    def live_rows(self) -> int:
        return int(self.rows.row_live.sum()) + len(self._new.lengths)

    def unchanged(self, path: str, source: SourceFile) -> bool:
        old = self.files.get(path)
        return old is not None and old["size"] == source.size and old["mtime_ns"] == source.mtime_ns

    def touch(self, path: str, source: SourceFile) -> None:
        """Same content under a new mtime: only the manifest changes."""
        self.files[path] = dict(self.files[path], size=source.size, mtime_ns=source.mtime_ns)
        self.changed = True

    def remove_file(self, writer: SegmentWriter, path: str) -> None:
        entry = self.files.pop(path)
        dead = np.flatnonzero((self.rows.row_file == entry["number"]) & self.rows.row_live)
        if not self.clear:  # after a re-pack the old segments go anyway, and row numbers moved
            for row in dead.tolist():
                writer.delete_document(row)
        self.rows.row_live[dead] = False
        self.changed = True

    def add(self, writer: SegmentWriter, job: FileJob, passage: Passage, result: tuple) -> None:
        """Append one analysed passage: a Whoosh document and a row."""
        path = str(job.source.path)
        if job.number < 0:
            if path in self.files:
                self.remove_file(writer, path)
            job.number = self.next_file
            self.next_file += 1
            self.files[path] = {
                "number": job.number,
                "path": path,
                "size": job.source.size,
                "mtime_ns": job.source.mtime_ns,
                "sha1": job.sha1,
            }
            self.changed = True
        folded, words, length = result
        doc_key = (job.number, passage.doc_id)
        if doc_key != self._last_doc:
            self._last_doc = doc_key
            self.docs.append(
                {
                    "id": passage.doc_id,
                    "title": passage.title,
                    "file": job.number,
                    "title_folded": fold_text(passage.title),
                }
            )
        row = self.next_row
        writer.add_document(
            **{
                schema.ROW: row,
                schema.DOC_ID: passage.doc_id,
                schema.PATH: path,
                schema.TITLE: passage.title,
                schema.PARAGRAPH: passage.paragraph,
                schema.LINE: passage.line,
                schema.TEXT: passage.text,
                schema.META: passage.meta,
            }
        )
        new = self._new
        new.terms.append(np.fromiter((self._term_id(w) for w, _ in words), np.int32, len(words)))
        new.tfs.append(np.fromiter((tf for _, tf in words), np.float32, len(words)))
        new.counts.append(len(words))
        new.lengths.append(length)
        new.docs.append(len(self.docs) - 1)
        new.files.append(job.number)
        new.chars.append(len(folded))
        new.text.append(folded.encode())
        job.added += 1

    def _term_id(self, word: str) -> int:
        if self._term_ids is None:
            self._term_ids = {term: i for i, term in enumerate(self.rows.vocabulary)}
        term_id = self._term_ids.get(word)
        if term_id is None:
            term_id = len(self._term_ids)
            self._term_ids[word] = term_id
            self._new_terms.append(word)
        return term_id

    def finish(self) -> tuple[Rows, list[dict], list[dict]]:
        """The rows of the next generation, its file manifest and its document table."""
        old, new = self.rows, self._new
        vocabulary = old.vocabulary + self._new_terms
        order = sorted(range(len(vocabulary)), key=vocabulary.__getitem__)
        remap = np.empty(len(vocabulary), np.int32)
        remap[np.array(order, dtype=np.int64)] = np.arange(len(vocabulary), dtype=np.int32)
        new_terms = np.concatenate(new.terms) if new.terms else np.zeros(0, np.int32)
        all_terms = np.concatenate([old.row_terms, new_terms]).astype(np.int32)
        text_lengths = np.fromiter((len(t) for t in new.text), np.int64, len(new.text))
        rows = Rows(
            row_ptr=_extend_ptr(old.row_ptr, np.array(new.counts, np.int64)),
            row_terms=remap[all_terms] if len(all_terms) else all_terms,
            row_tfs=np.concatenate([old.row_tfs, *new.tfs]).astype(np.float32),
            row_len=np.concatenate([old.row_len, np.array(new.lengths, np.float32)]),
            row_live=np.concatenate([old.row_live, np.ones(len(new.lengths), bool)]),
            row_doc=np.concatenate([old.row_doc, np.array(new.docs, np.int32)]),
            row_file=np.concatenate([old.row_file, np.array(new.files, np.int32)]),
            row_chars=np.concatenate([old.row_chars, np.array(new.chars, np.int32)]),
            text_ptr=_extend_ptr(old.text_ptr, text_lengths),
            text=old.text + b"".join(new.text),
            vocabulary=[vocabulary[i] for i in order],
        )
        files = sorted(self.files.values(), key=lambda f: f["path"])
        return rows, files, self.docs

    def commit_whoosh(self, writer: SegmentWriter) -> None:
        writer.commit(mergetype=CLEAR if self.clear else NO_MERGE)

    def _compact(self, writer: SegmentWriter) -> None:
        """Re-pack live rows from 0; their Whoosh documents are re-added in the same order."""
        old = self.rows
        live = np.flatnonzero(old.row_live)
        reader = writer.reader()
        try:
            for new_row, row in enumerate(live.tolist()):
                fields = reader.stored_fields(row)
                fields[schema.ROW] = new_row
                writer.add_document(**fields)
        finally:
            reader.close()
        kept_docs, row_doc = np.unique(old.row_doc[live], return_inverse=True)
        self.docs = [self.docs[d] for d in kept_docs.tolist()]
        spans = [(old.row_ptr[r], old.row_ptr[r + 1]) for r in live.tolist()]
        text_spans = [(old.text_ptr[r], old.text_ptr[r + 1]) for r in live.tolist()]
        self.rows = Rows(
            row_ptr=_extend_ptr(np.zeros(1, np.int64), np.diff(old.row_ptr)[live]),
            row_terms=_gather(old.row_terms, spans, np.int32),
            row_tfs=_gather(old.row_tfs, spans, np.float32),
            row_len=old.row_len[live],
            row_live=np.ones(len(live), bool),
            row_doc=row_doc.astype(np.int32),
            row_file=old.row_file[live],
            row_chars=old.row_chars[live],
            text_ptr=_extend_ptr(np.zeros(1, np.int64), np.diff(old.text_ptr)[live]),
            text=b"".join(old.text[a:b] for a, b in text_spans),
            vocabulary=old.vocabulary,
        )
        self.clear = True
        self.changed = True


def _extend_ptr(ptr: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    return np.concatenate([ptr, ptr[-1] + np.cumsum(lengths, dtype=np.int64)]).astype(np.int64)


def _gather(values: np.ndarray, spans: list[tuple[int, int]], dtype: type) -> np.ndarray:
    if not spans:
        return np.zeros(0, dtype)
    return np.concatenate([values[a:b] for a, b in spans]).astype(dtype)
