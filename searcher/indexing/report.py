"""What an indexing run did: counted as it goes, printed by the CLI as the summary line."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class IndexReport:
    files_new: int = 0
    files_changed: int = 0
    files_removed: int = 0
    files_unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # "path: reason", one per file not indexed
    passages: int = 0  # live passages in the index after the run
    passages_added: int = 0
    index_bytes: int = 0
    seconds: float = 0.0
    committed: bool = False
    files_to_read: int = 0  # new or changed by size or mtime: what the run set out to read
    skipped_again: int = 0  # skipped in an earlier run and unchanged since: not read again
    ignored: int = 0  # files and folders the ignore rules or hidden names left out of the walk
    missing_roots: list[str] = field(default_factory=list)  # skipped, their passages kept
    roots: list[str] = field(default_factory=list)  # every root the index holds after the run
    no_text_layer: int = 0  # PDFs (and images) skipped for want of text: scans, without OCR
    images_without_ocr: int = 0  # images not read: the OCR extra is not installed
