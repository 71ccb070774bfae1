"""The Whoosh schema a searcher index's table of contents carries (read by whoosh.index.open_dir).

`text` and `title` are searchable through the codec (codec.py), cut by the index's jieba analyzer;
`title` and `path` sort and group; every stored field of a passage is there, so hits show them.
"""

from __future__ import annotations

from whoosh import columns, fields, query

from searcher.analysis.analyzers import segmented_query_words
from searcher.analysis.normalize import fold_text
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
_STORED_ONLY += (schema.KIND, schema.LANGUAGE, schema.PAGE, schema.CHAPTER, schema.OCR_CONFIDENCE)


class JiebaText(fields.TEXT):
    """A text field whose query words are parsed as searcher parses them.

    Searcher keeps a run of Chinese whole when the index holds it as a word, and cuts it
    otherwise; only the index knows which, so a run becomes one term and the codec decides
    (whoosh_terms.TextMatches). Where jieba would cut the run, its words are added as optional
    terms: they score nothing the run does not match, and Whoosh's highlighter marks them.
    """

    def self_parsing(self) -> bool:
        return True

    def parse_query(self, fieldname: str, qstring: str, boost: float = 1.0) -> query.Query:
        segmenter = self.analyzer.segmenter
        parts: list[query.Query] = []
        for run in segmented_query_words(fold_text(qstring), _whole, segmenter):
            term = query.Term(fieldname, run, boost=boost)
            words = segmented_query_words(run, _cut, segmenter)
            if words != [run]:
                term = query.AndMaybe(term, query.And([query.Term(fieldname, w) for w in words]))
            parts.append(term)
        if not parts:
            return query.NullQuery
        return parts[0] if len(parts) == 1 else query.And(parts)


def _whole(run: str) -> bool:
    return True


def _cut(run: str) -> bool:
    return False


def make_schema(userdict: tuple[UserWord, ...] = ()) -> fields.Schema:
    """The schema of an index whose text was cut with `userdict` (its user dictionary)."""
    analyzer = JiebaTokenizer(userdict)
    return fields.Schema(
        **{
            schema.TEXT: JiebaText(analyzer=analyzer, phrase=False, stored=True),
            schema.TITLE: JiebaText(analyzer=analyzer, phrase=False, stored=True, sortable=True),
            schema.PATH: StoredColumn(),
            **{name: fields.STORED() for name in _STORED_ONLY},
        }
    )
