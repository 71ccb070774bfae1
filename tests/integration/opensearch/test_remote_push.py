"""searcher push against a live cluster: incremental, deletes what is gone, one line per error,
and the local index only read."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from typer.testing import CliRunner, Result

from searcher.cli.main import app
from searcher.indexing.writer import build_index
from searcher.remote import RemoteSearcher, push_index
from searcher.search import Searcher

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

FIRST = "网格员每天巡查一次。\n\n楼栋长收集居民意见。\n"
SECOND = "垃圾分类宣传进社区。\n"
THIRD = "充电棚夜间关闭。\n\n充电棚白天开放。\n"


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def _collection(tmp_path: Path) -> tuple[Path, Path]:
    docs, index = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    (docs / "first.txt").write_text(FIRST, encoding="utf-8")
    (docs / "second.txt").write_text(SECOND, encoding="utf-8")
    (docs / "third.txt").write_text(THIRD, encoding="utf-8")
    build_index([docs], index)
    return docs, index


def _files_digest(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        digest.update(str(path.relative_to(directory)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _texts(url: str, name: str, query: str) -> set[str]:
    with RemoteSearcher.open(url, name) as remote:
        return {hit.text for hit in remote.search(query, limit=100, collapse=False).hits}


def test_second_push_sends_only_what_changed_and_deletes_what_was_removed(
    client: OpenSearch, opensearch_url: str, index_name: str, tmp_path: Path
) -> None:
    docs, index = _collection(tmp_path)
    first = push_index(index, client, index_name, shards=2, replicas=1)
    assert (first.sent, first.deleted, first.unchanged, first.rejected) == (5, 0, 0, [])

    # One passage changed (the last of first.txt), a file removed (2 passages), one added.
    (docs / "first.txt").write_text(FIRST.replace("居民意见", "居民建议"), encoding="utf-8")
    (docs / "third.txt").unlink()
    (docs / "fourth.txt").write_text("议事会每月召开。\n", encoding="utf-8")
    build_index([], index)
    second = push_index(index, client, index_name)
    assert (second.sent, second.deleted, second.unchanged, second.rejected) == (2, 2, 2, [])
    assert _texts(opensearch_url, index_name, "居民") == {"楼栋长收集居民建议。"}
    assert _texts(opensearch_url, index_name, "充电棚") == set()
    assert _texts(opensearch_url, index_name, "议事会") == {"议事会每月召开。"}
    with Searcher.open(index) as local, RemoteSearcher.open(opensearch_url, index_name) as remote:
        assert remote.stats().passages == local.stats().passages == 4

    third = push_index(index, client, index_name)
    assert (third.sent, third.deleted, third.unchanged) == (0, 0, 4)


def test_push_prints_one_summary_line_and_only_reads_the_local_index(
    opensearch_url: str, index_name: str, tmp_path: Path
) -> None:
    _, index = _collection(tmp_path)
    before = _files_digest(index)
    result = _run(
        "push", "--opensearch", opensearch_url, "--index", str(index), "--name", index_name
    )
    assert result.exit_code == 0, result.stderr
    assert re.fullmatch(
        rf"{re.escape(opensearch_url)}/{index_name}: 5 passages sent, 0 deleted, 0 unchanged; "
        r"[0-9.]+ s\n",
        result.stdout,
    )
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    assert _files_digest(index) == before


def test_push_into_an_index_searcher_did_not_write_exits_2_in_one_line(
    client: OpenSearch, opensearch_url: str, index_name: str, tmp_path: Path
) -> None:
    client.indices.create(
        index=index_name, body={"mappings": {"properties": {"words": {"type": "keyword"}}}}
    )
    _, index = _collection(tmp_path)
    before = _files_digest(index)
    result = _run(
        "push", "--opensearch", opensearch_url, "--index", str(index), "--name", index_name
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"searcher: the OpenSearch index '{index_name}' was not written by searcher push; "
        "give another --name, or delete that index\n"
    )
    assert client.count(index=index_name)["count"] == 0
    assert _files_digest(index) == before


def test_rejected_passages_are_one_line_each_exit_2_and_go_again_on_the_next_push(
    client: OpenSearch, opensearch_url: str, index_name: str, tmp_path: Path
) -> None:
    docs, index = _collection(tmp_path)
    push_index(index, client, index_name)
    (docs / "second.txt").write_text("垃圾分类宣传进校园。\n", encoding="utf-8")
    build_index([], index)
    settings = client.indices.put_settings
    settings(index=index_name, body={"index.blocks.write": True})  # the fault: writes refused
    try:
        result = _run(
            "push", "--opensearch", opensearch_url, "--index", str(index), "--name", index_name
        )
    finally:
        settings(index=index_name, body={"index.blocks.write": False})
    assert result.exit_code == 2
    rejected, summary = result.stderr.splitlines()
    assert rejected.startswith(
        f"searcher: rejected passage {docs / 'second.txt'}/1: cluster_block_exception: "
    )
    assert summary == (
        "searcher: OpenSearch rejected 1 passage; the others were written, and the next push "
        "tries those again"
    )
    assert _texts(opensearch_url, index_name, "校园") == set()

    again = push_index(index, client, index_name)
    assert (again.sent, again.rejected) == (1, [])
    assert _texts(opensearch_url, index_name, "校园") == {"垃圾分类宣传进校园。"}
