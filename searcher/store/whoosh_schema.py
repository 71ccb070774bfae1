"""The Whoosh schema a searcher index's table of contents carries (read by whoosh.index.open_dir).

`text` and `title` are searchable through the codec (codec.py), cut by the index's jieba analyzer;
`title` and `path` sort and group; every stored field of a passage is there, so hits show them.
"""

from __future__ import annotations

from whoosh import columns, fields

from searcher.analysis.tokenizers import UserWord
from searcher.store import schema
from searcher.store.whoosh_analysis import JiebaTokenizer


class StoredColumn(fields.FieldType):
    """A stored string Whoosh can sort and group by (a column), not searchable."""

    def __init__(self) -> None:
        super().__init__(format=None, analyzer=None, stored=True)
        self.column_type = columns.VarBytesColumn()

    def to_column_value(self, value: object) -> bytes:
        return str(value).encode("utf-8", "surrogatepass")

    def from_column_value(self, value: bytes) -> str:
        return value.decode("utf-8", "surrogatepass")


_STORED_ONLY = (schema.DOC_ID, schema.PARAGRAPH, schema.LINE, schema.META)
_STORED_ONLY += (schema.KIND, schema.LANGUAGE)


def make_schema(userdict: tuple[UserWord, ...] = ()) -> fields.Schema:
    """The schema of an index whose text was cut with `userdict` (its user dictionary)."""
    analyzer = JiebaTokenizer(userdict)
    return fields.Schema(
        **{
            schema.TEXT: fields.TEXT(analyzer=analyzer, phrase=False, stored=True),
            schema.TITLE: fields.TEXT(analyzer=analyzer, phrase=False, stored=True, sortable=True),
            schema.PATH: StoredColumn(),
            **{name: fields.STORED() for name in _STORED_ONLY},
        }
    )
