"""Whoosh's table of contents, _MAIN_<n>.toc: written with fsync, read without running code.

Its format is Whoosh's own (so `whoosh.index.open_dir` reads it): a header, the pickled schema,
the generation number and a pickled list of Whoosh segments, ours (codec.py): one per segment of
the generation. A pickle can run any code, and an index can come from anyone (a cloned folder's
./index/), so we read it with an unpickler that only builds schema, field, analyzer and format
classes and our two segment classes, and refuses everything else. Queries never read it: they
need only the number in its name (generation.py).
"""

from __future__ import annotations

import io
import os
import pickle
from pathlib import Path

from whoosh import analysis, columns, fields, formats
from whoosh.filedb.filestore import RamStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import TOC

from searcher.errors import IndexUntrustedError
from searcher.oneline import shown_dir
from searcher.store.codec import INDEX_NAME, GenerationHandle, GenerationSegment
from searcher.store.files import fsync_directory

_SAFE_BASES = (
    fields.Schema,
    fields.FieldType,
    analysis.Composable,
    formats.Format,
    columns.Column,
)
_SAFE_NAMES = {("collections", "defaultdict"), ("copyreg", "_reconstructor")}
_SAFE_NAMES |= {(cls.__module__, cls.__name__) for cls in (GenerationSegment, GenerationHandle)}
_SAFE_BUILTINS = {"object", "int", "float", "str", "bytes", "set", "frozenset", "dict", "list"}
_SAFE_BUILTINS |= {"tuple", "bool"}


def toc_name(generation: int) -> str:
    return f"_{INDEX_NAME}_{generation}.toc"


def write_toc(
    directory: Path, generation: int, schema: fields.Schema, segments: list[GenerationSegment]
) -> None:
    """Commit `generation`: its table of contents, fsynced, renamed into place, and the
    directory fsynced, so the rename survives a power cut."""
    ram = RamStorage()
    TOC(schema, segments, generation).write(ram, INDEX_NAME)
    data = ram.open_file(toc_name(generation)).read()
    final = directory / toc_name(generation)
    temp = final.with_name(final.name + ".tmp")
    with open(temp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, final)
    fsync_directory(directory)


def read_toc(directory: Path, generation: int) -> tuple[fields.Schema, list]:
    """(schema, Whoosh segments) of a table of contents; IndexUntrustedError if it holds
    anything but what an index legitimately does, or cannot be read."""
    path = directory / toc_name(generation)
    try:
        stream = StructFile(io.BytesIO(path.read_bytes()))
        for _ in range(3):  # the sizes of int, long and float
            stream.read_varint()
        if stream.read_int() != -12345:
            raise ValueError("byte order")
        stream.read_int()  # TOC version
        for _ in range(3):  # Whoosh's release
            stream.read_varint()
        schema = _SafeUnpickler(io.BytesIO(stream.read_string())).load()
        if stream.read_int() != generation:
            raise ValueError("generation number")
        stream.read_int()
        segments = _SafeUnpickler(stream.file).load()
    except _Refused as err:
        raise _untrusted(path, str(err)) from None
    except Exception as err:  # noqa: BLE001 - bytes from anyone: any failure means unreadable
        raise _untrusted(path, f"unreadable: {type(err).__name__}") from None
    if not isinstance(schema, fields.Schema) or not isinstance(segments, list):
        raise _untrusted(path, "not a table of contents")
    return schema, segments


class _Refused(Exception):
    pass


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        if (module, name) in _SAFE_NAMES or (module == "builtins" and name in _SAFE_BUILTINS):
            return super().find_class(module, name)
        if module.startswith(("whoosh.", "searcher.store.")):
            found = super().find_class(module, name)
            if isinstance(found, type) and issubclass(found, _SAFE_BASES):
                return found
        raise _Refused(f"it would load {module}.{name}")


def _untrusted(path: Path, detail: str) -> IndexUntrustedError:
    index_dir = path.parent
    return IndexUntrustedError(
        f"the index at {shown_dir(index_dir)} is not trustworthy ({path.name}: {detail});"
        " nothing in it was run. If it is yours, rebuild it:"
        f" searcher index --rebuild --index {shown_dir(index_dir)}"
    )
