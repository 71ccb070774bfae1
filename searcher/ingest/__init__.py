"""Files → passages: discovery, decoding, one module per format; no numpy, no Whoosh."""

from searcher.ingest.formats import read_passages
from searcher.ingest.lines import MAX_PASSAGE_CHARS
from searcher.ingest.passage import Passage
from searcher.ingest.sources import SUPPORTED_SUFFIXES, SourceFile, discover_files

__all__ = [
    "MAX_PASSAGE_CHARS",
    "SUPPORTED_SUFFIXES",
    "Passage",
    "SourceFile",
    "discover_files",
    "read_passages",
]
