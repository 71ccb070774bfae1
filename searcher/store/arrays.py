"""Arrays only the next build reads, kept compressed: a .npy file in one zstandard frame.

The words of every row (row_ptr, row_terms, row_tfs: term ids and weighted counts) let an update
build postings without analysing unchanged passages again, but no query reads them. As plain
.npy files they were 51 MB of zh-laws' index; compressed at level 1 they are about 11 MB and
cost about a second to write.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import zstandard

from searcher.errors import IndexCorruptError
from searcher.store.npy import load_array

_LEVEL = 1


def save_compressed(path: Path, array: np.ndarray) -> None:
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header,
        {
            "descr": np.lib.format.dtype_to_descr(array.dtype),
            "fortran_order": False,
            "shape": array.shape,
        },
    )
    compressor = zstandard.ZstdCompressor(level=_LEVEL, write_checksum=True)
    with open(path, "wb") as target, compressor.stream_writer(target) as stream:
        stream.write(header.getvalue())
        stream.write(np.ascontiguousarray(array).data)


def load_compressed(path: Path) -> np.ndarray:
    try:
        data = zstandard.ZstdDecompressor().decompressobj().decompress(path.read_bytes())
        return load_array(io.BytesIO(data))
    except (zstandard.ZstdError, ValueError) as err:
        raise IndexCorruptError(
            f"the index's {path.name} is damaged ({err});"
            " run: searcher check, then searcher index --rebuild"
        ) from err
