"""A live OpenSearch cluster for the tests of searcher push and query --opensearch.

node.sh starts one (.ci/run does, before the tests). Without Java these tests are skipped and
say so; with Java but no cluster they are skipped too, unless SEARCHER_OPENSEARCH_REQUIRED is
set (.ci/run sets it): then a cluster that is not there fails them, so a green run means they ran.
"""

from __future__ import annotations

import os
import shutil
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

NODE_SCRIPT = Path(__file__).parent / "node.sh"
URL = os.environ.get("SEARCHER_OPENSEARCH_URL", "http://127.0.0.1:9200")


@pytest.fixture(scope="session")
def opensearch_url() -> str:
    required = bool(os.environ.get("SEARCHER_OPENSEARCH_REQUIRED"))
    if shutil.which("java") is None and not required:
        pytest.skip("no Java on this machine: the OpenSearch integration tests need a JDK 17")
    try:
        with urllib.request.urlopen(f"{URL}/_cluster/health", timeout=10) as answer:
            answer.read()
    except OSError as err:
        message = f"no OpenSearch at {URL} ({err}); start one: {NODE_SCRIPT} start"
        if required:
            pytest.fail(message)
        pytest.skip(message)
    return URL


@pytest.fixture(scope="session")
def client(opensearch_url: str) -> Iterator[OpenSearch]:
    from searcher.remote.connection import connect

    opened = connect(opensearch_url)
    yield opened
    opened.close()


@pytest.fixture
def index_name(client: OpenSearch) -> Iterator[str]:
    """A fresh OpenSearch index name, deleted after the test."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    client.indices.delete(index=name, ignore_unavailable=True)


@pytest.fixture(scope="session")
def pushed_samples(client: OpenSearch, sample_index: Path) -> Iterator[str]:
    """The sample collection pushed to an index of 2 shards and 1 replica (one on each node)."""
    from searcher.remote import push_index

    name = f"test-samples-{uuid.uuid4().hex[:8]}"
    push_index(sample_index, client, name, shards=2, replicas=1)
    yield name
    client.indices.delete(index=name, ignore_unavailable=True)
