"""The OpenSearch client: made from a URL, its failures turned into our one-line errors."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from searcher.errors import RemoteError, RemoteIndexError, RemoteUnreachableError

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

# A request that takes longer is a cluster in trouble; a bulk chunk of 500 passages takes < 1 s.
TIMEOUT_S = 60


def connect(url: str) -> OpenSearch:
    """A client for the cluster at `url` (http://host:port, user:password@ allowed)."""
    try:
        # opensearch-py loads in ~0.3 s: only the commands that talk to a cluster pay for it.
        from opensearchpy import OpenSearch
    except ImportError as err:
        raise RemoteError(
            "talking to OpenSearch needs opensearch-py; run: pip install 'searcher[opensearch]'"
        ) from err
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError(f"not an OpenSearch URL: {url!r}; give one like http://127.0.0.1:9200")
    return OpenSearch(
        hosts=[url if "://" in url else f"http://{url}"],
        timeout=TIMEOUT_S,
        max_retries=2,
        retry_on_timeout=True,
    )


def shown_url(client: OpenSearch) -> str:
    """The cluster's address as a message shows it, without a password."""
    host = client.transport.hosts[0]
    return f"{'https' if host.get('use_ssl') else 'http'}://{host['host']}:{host['port']}"


@contextlib.contextmanager
def requests(client: OpenSearch, index: str) -> Iterator[None]:
    """Turn the client's exceptions inside the block into RemoteError subclasses."""
    from opensearchpy import exceptions

    try:
        yield
    except exceptions.ConnectionError as err:
        raise RemoteUnreachableError(
            f"cannot reach OpenSearch at {shown_url(client)}: {_reason(err)}; "
            "is the cluster running? (tests/integration/opensearch/node.sh start)"
        ) from err
    except exceptions.NotFoundError as err:
        raise RemoteIndexError(
            f"no index {index!r} at {shown_url(client)}; run: searcher push --opensearch URL "
            f"--name {index}"
        ) from err
    except exceptions.TransportError as err:
        raise RemoteError(
            f"OpenSearch at {shown_url(client)} answered {err.status_code}: {_reason(err)}"
        ) from err


def _reason(err: Exception) -> str:
    """The cause in one line: OpenSearch's own reason when it gave one."""
    info = getattr(err, "info", None)
    if isinstance(info, dict):
        error = info.get("error")
        if isinstance(error, dict):
            # "all shards failed" says little; the first shard's own reason says why.
            causes = [c for c in error.get("root_cause") or () if isinstance(c, dict)]
            cause = causes[0] if causes else error
            return str(cause.get("reason") or cause.get("type"))
    if isinstance(info, Exception):
        return " ".join(str(info).split())[:200]
    return " ".join(str(getattr(err, "error", err)).split())[:200]
