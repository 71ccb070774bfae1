"""Stored passages as the index keeps them: one zlib-compressed JSON object per row.

Plain data, read without executing anything (an index from someone else is opened safely), and
written in the analysis workers so the indexing process only appends bytes.
"""

from __future__ import annotations

import json
import zlib

from searcher.errors import IndexCorruptError

_LEVEL = 3  # zlib level: 3 compresses zh-laws passages within 2% of level 6, twice as fast


def encode_stored(fields: dict[str, object]) -> bytes:
    # A path with undecodable bytes holds lone surrogates (surrogateescape): surrogatepass keeps
    # them byte for byte, and decode_stored() gives the same path back.
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8", "surrogatepass"), _LEVEL)


def decode_stored(blob: bytes) -> dict:
    try:
        fields = json.loads(zlib.decompress(blob).decode("utf-8", "surrogatepass"))
    except (zlib.error, UnicodeDecodeError, ValueError) as err:
        raise IndexCorruptError(
            f"a stored passage of the index is damaged ({type(err).__name__});"
            " run: searcher check, then searcher index --rebuild"
        ) from err
    if not isinstance(fields, dict):
        raise IndexCorruptError(
            "a stored passage of the index is damaged (not an object);"
            " run: searcher check, then searcher index --rebuild"
        )
    return fields
