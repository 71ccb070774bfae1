"""push and query --opensearch without a cluster: one-line errors, and a bulk load that a busy
cluster (429) slows down but does not break. The tests against a live cluster are in
tests/integration/opensearch/."""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from searcher.cli.main import app
from searcher.errors import QuerySyntaxError
from searcher.remote import push_index
from searcher.remote.connection import connect
from searcher.remote.dsl import search_body
from searcher.search import Searcher
from searcher.search.query import Clause, Filter, ParsedQuery, Unit


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_push_to_a_cluster_that_is_not_there_exits_2_in_one_line(sample_index: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    result = _run("push", "--opensearch", url, "--index", str(sample_index))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"searcher: cannot reach OpenSearch at {url}: ")
    assert result.stderr.endswith("(tests/integration/opensearch/node.sh start)\n")
    assert result.stderr.count("\n") == 1 and result.stdout == ""


def test_query_against_a_cluster_that_is_not_there_exits_2_in_one_line() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    result = _run("query", "网格", "--opensearch", url)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"searcher: cannot reach OpenSearch at {url}: ")
    assert result.stderr.count("\n") == 1


def test_index_and_opensearch_together_exit_2(sample_index: Path) -> None:
    result = _run("query", "网格", "--index", str(sample_index), "--opensearch", "http://x:9200")
    assert (result.exit_code, result.stderr) == (
        2,
        "searcher: give --index or --opensearch, not both\n",
    )


def test_a_url_that_is_no_opensearch_url_exits_2(sample_index: Path) -> None:
    result = _run("push", "--opensearch", "ftp://host/x", "--index", str(sample_index))
    assert (result.exit_code, result.stderr) == (
        2,
        "searcher: not an OpenSearch URL: 'ftp://host/x'; give one like http://127.0.0.1:9200\n",
    )


def test_without_the_client_installed_push_says_how_to_get_it(
    sample_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "opensearchpy", None)  # import opensearchpy now fails
    result = _run("push", "--opensearch", "http://127.0.0.1:9200", "--index", str(sample_index))
    assert (result.exit_code, result.stderr) == (
        2,
        "searcher: talking to OpenSearch needs opensearch-py; run: pip install "
        "'searcher[opensearch]'\n",
    )


class _BusyCluster(BaseHTTPRequestHandler):
    """Just enough of OpenSearch for a first push; the first bulk request is answered 429 for
    every passage, as a cluster whose write queue is full answers."""

    bulk_requests: list[int] = []  # passages in each bulk request received
    broken = False  # answer every bulk request with a server error instead

    def do_HEAD(self) -> None:  # noqa: N802 - the index does not exist yet
        self._answer(404, None)

    def do_PUT(self) -> None:  # noqa: N802 - create the index, then record the push in _meta
        self._read()
        self._answer(200, {"acknowledged": True})

    def do_POST(self) -> None:  # noqa: N802
        body = self._read()
        if not self.path.startswith("/_bulk"):  # _refresh
            self._answer(200, {"_shards": {"total": 1, "successful": 1, "failed": 0}})
            return
        actions = [json.loads(line) for line in body.splitlines()[::2]]
        if self.broken:
            self.bulk_requests.append(len(actions))
            self._answer(500, {"error": {"type": "exception", "reason": "disk broke"}})
            return
        busy = not self.bulk_requests
        self.bulk_requests.append(len(actions))
        items = [
            {"index": {"_id": action["index"]["_id"], "status": 429 if busy else 201}}
            for action in actions
        ]
        self._answer(200, {"took": 1, "errors": busy, "items": items})

    def _read(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def busy_cluster() -> Iterator[str]:
    _BusyCluster.bulk_requests = []
    _BusyCluster.broken = False
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BusyCluster)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_passages_a_busy_cluster_refuses_with_429_are_sent_again(
    busy_cluster: str, sample_index: Path
) -> None:
    client = connect(busy_cluster)
    report = push_index(sample_index, client, "samples")
    # The fault fired: the first request was refused whole, and the same passages went again.
    assert _BusyCluster.bulk_requests[0] == _BusyCluster.bulk_requests[1] > 0
    assert report.rejected == []
    with Searcher.open(sample_index) as local:
        assert report.sent == sum(_BusyCluster.bulk_requests[1:]) == local.stats().passages


def test_a_cluster_failing_mid_push_is_one_line_and_exit_2(
    busy_cluster: str, sample_index: Path
) -> None:
    _BusyCluster.broken = True
    result = _run("push", "--opensearch", busy_cluster, "--index", str(sample_index))
    assert _BusyCluster.bulk_requests  # the fault fired: a bulk request reached the cluster
    assert result.exit_code == 2
    assert result.stderr == (f"searcher: OpenSearch at {busy_cluster} answered 500: disk broke\n")


def test_a_filter_the_translation_does_not_know_is_refused_never_dropped() -> None:
    # Other filters may join title: and path: locally; dropping one would widen remote answers.
    word = Unit("网格", ("网格",))
    query = ParsedQuery(
        "网格 date:2024", (Clause((word,)),), filters=(Filter("date:2024", "date", ("2024",)),)
    )
    with pytest.raises(QuerySyntaxError, match="^date: filters cannot be searched in OpenSearch"):
        search_body(query, 10, False)
