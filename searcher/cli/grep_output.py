"""The grep-style outputs of `searcher query`: -l (one location per matching document), -c (how
many passages match; per document with -l), -C N (neighbouring passages around each hit).

JSON Lines wire format:
    -l          {"rank", "path", "id", "matches"} per document, best first
    -c          {"count": passages} (with --group: {"count": documents})
    -l -c       as -l: "matches" is the count
    -C N        each hit's object (render.py) adds "context": {"before": [...], "after": [...]},
                each passage {"paragraph", "line", "text"} (a PDF's: "page", "line" null)
"""

from __future__ import annotations

from searcher.oneline import escaped, json_line, shown_path
from searcher.search import Hit, SearchResult


def document_location(hit: Hit) -> str:
    """Where a matching document is, as one line: its path, or path#id of a JSONL record."""
    shown = shown_path(hit.path)
    return f"{shown}#{escaped(hit.id)}" if hit.is_record else shown


def print_files(result: SearchResult, counts: bool, as_json: bool) -> None:
    """-l: each matching document once, best first; with -c, `location:matches`."""
    for hit in result.hits:
        if as_json:
            record = {"rank": hit.rank, "path": hit.path, "id": hit.id, "matches": hit.matches}
            print(json_line(record))
        else:
            print(f"{document_location(hit)}:{hit.matches}" if counts else document_location(hit))


def print_count(result: SearchResult, as_json: bool) -> None:
    """-c: the number of matching passages (documents, when grouped)."""
    count = result.documents if result.documents else result.total
    print(json_line({"count": count}) if as_json else count)


def context_record(before: list[Hit], after: list[Hit]) -> dict[str, object]:
    """-C N under --json: the hit's \"context\"."""
    return {"before": _records(before), "after": _records(after)}


def _records(hits: list[Hit]) -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    for hit in hits:
        record = {"paragraph": hit.paragraph, "line": hit.line or None, "text": hit.text}
        if hit.page:  # a PDF's passage: its page (it has no line)
            record["page"] = hit.page
        records.append(record)
    return records
