"""A Whoosh codec over the index's own generation, so stock Whoosh reads a searcher index.

The table of contents (toc.py) lists one GenerationSegment per segment of the committed generation
(seg-<first row>/): rows [first, end) are the segment's Whoosh documents 0..end-first. Whoosh
reaches the generation only through this codec, and the codec only through generation.py's
reader API, so what the fast engine reads is what Whoosh reads. It is read-only: indexing stays
with the numpy pipeline (a Whoosh writer on the index is not supported).
"""

from __future__ import annotations

from pathlib import Path

from whoosh.codec.base import Codec, Segment

from searcher.store.generation import Generation, open_committed
from searcher.store.whoosh_docs import GenerationDocs
from searcher.store.whoosh_terms import GenerationTerms, TextMatches

INDEX_NAME = "MAIN"  # Whoosh's default index name


class GenerationHandle:
    """Generation `number`, opened once for the readers of all its segments, then shared.

    Every GenerationSegment of one table of contents holds the same handle (pickle keeps shared
    references), so a MultiReader maps the generation once and matches a word once.
    """

    def __init__(self, number: int) -> None:
        self.number = number
        self._generation: Generation | None = None
        self._matches: TextMatches | None = None
        self._users = 0

    def __getstate__(self) -> dict:
        return {"number": self.number}

    def __setstate__(self, state: dict) -> None:
        number = state.get("number")
        if type(number) is not int:  # from a table of contents anyone may have written
            raise ValueError("a generation number")
        self.__init__(number)

    def acquire(self, folder: str) -> tuple[Generation, TextMatches]:
        """The generation and its word matcher; FileNotFoundError if a commit removed it (Whoosh's
        reader then reads the newer table of contents)."""
        if self._generation is None or self._matches is None:
            self._generation = open_committed(Path(folder), self.number)
            self._matches = TextMatches(self._generation)
        self._users += 1
        return self._generation, self._matches

    def release(self) -> None:
        self._users -= 1
        if self._users == 0 and self._generation is not None:
            self._generation.close()
            self._generation = self._matches = None


class GenerationSegment(Segment):
    """Rows [first, end) of a generation, as one Whoosh segment."""

    def __init__(
        self, handle: GenerationHandle, name: str, first: int, end: int, dead: int
    ) -> None:
        self.indexname = INDEX_NAME
        self.segid = name
        self.compound = False
        self.handle = handle
        self.first, self.end, self.dead = first, end, dead

    def __setstate__(self, state: dict) -> None:
        # Only plain numbers and names: a table of contents can come from anyone.
        ints = [state.get(key) for key in ("first", "end", "dead")]
        if (
            not all(type(value) is int for value in ints)
            or not isinstance(state.get("segid"), str)
            or not isinstance(state.get("handle"), GenerationHandle)
        ):
            raise ValueError("a segment of a searcher index")
        self.__init__(state["handle"], state["segid"], *ints)

    def codec(self) -> GenerationCodec:
        return GenerationCodec()

    def doc_count_all(self) -> int:
        return self.end - self.first

    def deleted_count(self) -> int:
        return self.dead

    def deleted_docs(self) -> list[int]:
        raise NotImplementedError("read deletions through a reader (ix.reader().deleted_docs())")

    def is_deleted(self, docnum: int) -> bool:
        raise NotImplementedError("read deletions through a reader (ix.reader().is_deleted())")

    def delete_document(self, docnum: int, delete: bool = True) -> None:
        raise NotImplementedError("a searcher index is written by searcher, not by Whoosh")

    def should_assemble(self) -> bool:
        return False


class GenerationCodec(Codec):
    """Readers of a GenerationSegment's rows; writing is searcher's (indexing/)."""

    def terms_reader(self, storage: object, segment: GenerationSegment) -> GenerationTerms:
        generation, matches = segment.handle.acquire(storage.folder)
        return GenerationTerms(generation, matches, segment.first, segment.end, segment.handle)

    def per_document_reader(self, storage: object, segment: GenerationSegment) -> GenerationDocs:
        generation, _ = segment.handle.acquire(storage.folder)
        return GenerationDocs(generation, segment.first, segment.end, segment.handle)

    def per_document_writer(self, storage: object, segment: object) -> None:
        raise NotImplementedError("a searcher index is written by searcher, not by Whoosh")

    def field_writer(self, storage: object, segment: object) -> None:
        raise NotImplementedError("a searcher index is written by searcher, not by Whoosh")

    def new_segment(self, storage: object, indexname: str) -> None:
        raise NotImplementedError("a searcher index is written by searcher, not by Whoosh")


def whoosh_segments(generation: Generation, number: int) -> list[GenerationSegment]:
    """The segments a table of contents lists for generation `number`."""
    handle = GenerationHandle(number)
    live = generation.array("row_live")
    spans = [(span["name"], span["first"], span["end"]) for span in generation.meta["segments"]]
    return [
        GenerationSegment(handle, name, first, end, int(end - first - live[first:end].sum()))
        for name, first, end in spans
    ]
