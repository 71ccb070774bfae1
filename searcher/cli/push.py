"""`searcher push` around remote.push_index: which index, the progress bar, the report.

Each rejected passage is one line on stderr; the summary is the command's one line on stdout.
"""

from __future__ import annotations

from pathlib import Path

from searcher.cli.messages import notice
from searcher.cli.progress import progress_bar
from searcher.errors import RemoteRejectedError
from searcher.remote import PushReport, push_index
from searcher.remote.connection import connect, shown_url

# Beyond this many, rejected passages are counted, not listed: one cause usually rejects them all.
MAX_REJECTIONS_SHOWN = 20


def push(
    directory: Path,
    url: str,
    name: str,
    *,
    shards: int,
    replicas: int,
    replace: bool,
    quiet: bool,
) -> PushReport:
    """Push the index at `directory`; print the summary; raise if any passage was rejected."""
    client = connect(url)
    try:
        with progress_bar(quiet, label="pushing") as progress:
            report = push_index(
                directory,
                client,
                name,
                shards=shards,
                replicas=replicas,
                replace=replace,
                progress=progress,
            )
        where = f"{shown_url(client)}/{name}"
    finally:
        client.close()
    for line in report.rejected[:MAX_REJECTIONS_SHOWN]:
        notice(f"rejected passage {line}")
    print(
        f"{where}: {_passages(report.sent)} sent, {report.deleted} deleted, "
        f"{report.unchanged} unchanged; {report.elapsed_s:.1f} s"
    )
    if report.rejected:
        more = len(report.rejected) - MAX_REJECTIONS_SHOWN
        raise RemoteRejectedError(
            f"OpenSearch rejected {_passages(len(report.rejected))}"
            + (f" ({more} not listed)" if more > 0 else "")
            + "; the others were written, and the next push tries those again"
        )
    return report


def _passages(count: int) -> str:
    return f"{count:,} passage" + ("" if count == 1 else "s")
