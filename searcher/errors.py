"""The one exception family. Raised in the core, translated into exit codes in cli/main.py."""

from __future__ import annotations


class SearcherError(Exception):
    """Something the user can fix. str(err) is one line: what went wrong and what to do."""


class IndexNotFoundError(SearcherError):
    """The directory holds no index."""


class IndexVersionError(SearcherError):
    """The index was written with other analysis settings or an older format: rebuild it."""


class IndexCorruptError(SearcherError):
    """The index files are damaged or incomplete."""


class IndexUntrustedError(SearcherError):
    """The index holds something an index never does (e.g. a pickle that would run code)."""


class NotAnIndexError(SearcherError):
    """A directory named as an index holds other files: never written to, never cleaned."""


class IndexLockedError(SearcherError):
    """Another process is writing to the index."""


class IndexWriteError(SearcherError):
    """The index could not be written (permissions, full disk); the previous state is kept."""


class IndexReadError(SearcherError):
    """The index files could not be read (permissions, I/O error)."""


class DocumentReadError(SearcherError):
    """A source file could not be read or holds no text."""


class FileAccessError(DocumentReadError):
    """Reading failed for a reason of the moment (permission, I/O, a change while it was read):
    the file is tried again on the next run, where one that is not text is not."""


class NoTextLayerError(DocumentReadError):
    """A PDF or image with no text to read without OCR (a scan): counted apart in the summary."""


class DocumentTimeoutError(DocumentReadError):
    """A document took longer than the time limit to read (a pathological file)."""


class OcrUnavailableError(DocumentReadError):
    """An image, and the OCR extra (searcher[ocr]) is not installed."""


class IgnorePatternError(SearcherError):
    """An --exclude glob is not a gitignore-style pattern."""


class WatchError(SearcherError):
    """The file-system events of the folders watched cannot be followed (searcher watch)."""


class QuerySyntaxError(SearcherError):
    """The query cannot be run as typed (for example it is empty)."""


class QrelsError(SearcherError):
    """A judged-queries file (for searcher eval) cannot be read or holds no judged query."""


def describe_os_error(err: OSError) -> str:
    """The OS error as a short lower-case phrase for a message: "permission denied"."""
    return (err.strerror or str(err) or type(err).__name__).lower()


class RemoteError(SearcherError):
    """An OpenSearch cluster (searcher push, query --opensearch) refused or failed a request."""


class RemoteUnreachableError(RemoteError):
    """No OpenSearch answered at the URL given."""


class RemoteIndexError(RemoteError):
    """The OpenSearch index is missing, or was not written by searcher push (its mapping
    differs)."""


class RemoteRejectedError(RemoteError):
    """OpenSearch rejected passages of a push; the others were written."""
