"""Query history for the TUI: earlier queries, newest last, kept across runs in a JSON file.

No Textual here: the search box asks this for older and newer entries. The caller picks the file
(make_app's history_path); a missing or corrupt one is an empty history, never past `limit` entries.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

HISTORY_LIMIT = 200


class QueryHistory:
    """Earlier queries, oldest first, without repeats (a query run again moves to the end)."""

    def __init__(self, path: Path, limit: int = HISTORY_LIMIT) -> None:
        self.path = path
        self.limit = limit
        self.entries: list[str] = _read(path)[-limit:]

    def add(self, query: str) -> None:
        """Remember `query` as the newest entry and save the file; raises OSError if unwritable."""
        query = query.strip()
        if not query or (self.entries and self.entries[-1] == query):
            return
        if query in self.entries:
            self.entries.remove(query)
        self.entries.append(query)
        del self.entries[: -self.limit]
        self._write()

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        temporary.write_text(
            json.dumps({"queries": self.entries}, ensure_ascii=False, indent=0), encoding="utf-8"
        )
        # Replace in one step, so another running TUI never reads half a file.
        os.replace(temporary, self.path)


def _read(path: Path) -> list[str]:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return []  # no history yet, or a file we cannot use: start afresh
    queries = record.get("queries") if isinstance(record, dict) else None
    if not isinstance(queries, list):
        return []
    return [query for query in queries if isinstance(query, str) and query.strip()]


class HistoryCursor:
    """Walks the history from newest to oldest (↑) and back (↓), as a shell does."""

    def __init__(self, entries: list[str]) -> None:
        self._entries = entries
        self._position = len(entries)  # len(entries) means "past the newest": the empty box

    def older(self) -> str | None:
        if self._position == 0:
            return None
        self._position -= 1
        return self._entries[self._position]

    def newer(self) -> str:
        """The next newer entry, or "" once past the newest one."""
        self._position = min(self._position + 1, len(self._entries))
        if self._position == len(self._entries):
            return ""
        return self._entries[self._position]
