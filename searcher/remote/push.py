"""push_index(): a local index → an OpenSearch index, incrementally.

Every live passage goes over as export.bulk_lines writes it, plus a digest of its stored fields
and of the analysis that cut it. A second push reads the digests the remote index holds (they are
the record of what was pushed, kept with the index itself), sends only passages whose digest
differs or is missing, and deletes those no longer live here. The local index is only read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from searcher.analysis.analyzers import TITLE_WEIGHT
from searcher.analysis.normalize import fold_text
from searcher.analysis.tokenizers import Segmenter, read_userdict
from searcher.errors import RemoteError
from searcher.remote.connection import requests
from searcher.remote.mapping import INDEX_FORMAT, index_body, recorded_push
from searcher.search.export import bulk_lines, passage_id
from searcher.store.generation import Generation, open_generation

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

Progress = Callable[[int, int], None]  # (passages sent or deleted, to send or delete)

CHUNK_PASSAGES = 500  # a bulk request; about 1 MB of Chinese text with its tokens
CHUNK_BYTES = 8 * 1024 * 1024  # below OpenSearch's default http.max_content_length of 100 MB
RETRIES_ON_429 = 6  # with backoff 1, 2, 4 … 30 s: a busy cluster gets about two minutes


@dataclass
class PushReport:
    index: str
    sent: int = 0  # passages written (new or changed)
    deleted: int = 0  # passages removed there because they are gone here
    unchanged: int = 0
    rejected: list[str] = field(default_factory=list)  # "passage id: reason", one each
    elapsed_s: float = 0.0


def push_index(
    index_dir: Path,
    client: OpenSearch,
    name: str,
    *,
    shards: int = 1,
    replicas: int = 1,
    replace: bool = False,
    progress: Progress | None = None,
) -> PushReport:
    """Make the OpenSearch index `name` hold exactly the live passages of `index_dir`."""
    started = time.perf_counter()
    generation = open_generation(index_dir)
    try:
        userdict = generation.meta.get("userdict") or ""
        analysis = generation.meta.get("analysis", {})
        local = _local_digests(generation, _fingerprint(analysis, userdict))
        record = {
            "format": INDEX_FORMAT,
            "source": str(index_dir),
            "userdict": userdict,
            "analysis": analysis,
            "passages": len(local),
        }
        with requests(client, name):
            remote = _prepare(client, name, shards, replicas, replace, record)
            report = PushReport(name)
            changed = [pid for pid, (_, digest) in local.items() if remote.get(pid) != digest]
            gone = [pid for pid in remote if pid not in local]
            report.unchanged = len(local) - len(changed)
            segmenter = Segmenter(read_userdict(userdict))
            actions = _actions(generation, name, segmenter, local, changed, gone)
            with _made_ahead(actions) as ahead:
                _send(client, ahead, len(changed) + len(gone), report, progress)
            client.indices.refresh(index=name)
            record["pushed_at"] = time.time()
            client.indices.put_mapping(index=name, body={"_meta": {"searcher": record}})
    finally:
        generation.close()
    report.elapsed_s = time.perf_counter() - started
    return report


def _fingerprint(analysis: dict, userdict: str) -> bytes:
    """What, besides a passage's fields, decides the tokens pushed: a change resends them all."""
    return json.dumps([INDEX_FORMAT, analysis, userdict], sort_keys=True).encode()


def _local_digests(generation: Generation, fingerprint: bytes) -> dict[str, tuple[int, str]]:
    """passage id → (row, digest) of every live passage."""
    local: dict[str, tuple[int, str]] = {}
    for row in np.flatnonzero(generation.array("row_live")).tolist():
        fields = generation.stored_fields(row)
        digest = hashlib.blake2b(fingerprint, digest_size=16)
        digest.update(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode())
        local[passage_id(fields)] = (row, digest.hexdigest())
    return local


def _prepare(
    client: OpenSearch, name: str, shards: int, replicas: int, replace: bool, record: dict
) -> dict[str, str]:
    """Create the index if it is missing (or replaced); else check it is ours and read the
    digests it holds: passage id → digest."""
    if client.indices.exists(index=name):
        if not replace:
            recorded_push(client.indices.get_mapping(index=name), name)
            return _remote_digests(client, name)
        client.indices.delete(index=name)
    client.indices.create(index=name, body=index_body(shards, replicas, record))
    return {}


def _remote_digests(client: OpenSearch, name: str) -> dict[str, str]:
    from opensearchpy import helpers

    query = {"query": {"match_all": {}}, "_source": False, "docvalue_fields": ["digest"]}
    return {
        hit["_id"]: hit.get("fields", {}).get("digest", [""])[0]
        for hit in helpers.scan(client, query=query, index=name, size=5000)
    }


def _actions(
    generation: Generation,
    name: str,
    segmenter: Segmenter,
    local: dict[str, tuple[int, str]],
    changed: list[str],
    gone: list[str],
) -> Iterator[dict]:
    titles: dict[str, tuple[str, str]] = {}
    for pid in changed:
        row, digest = local[pid]
        fields = generation.stored_fields(row)
        _, source_line = bulk_lines(fields, name, segmenter, titles)
        source = json.loads(source_line)
        title_words = source["title_words"]
        repeated = " ".join([title_words] * int(TITLE_WEIGHT)) if title_words else ""
        source["bm25f_words"] = f"{source['words']} {repeated}".strip()
        source["digest"] = digest
        source["path_folded"] = fold_text(source["path"])
        folded = source["text_folded"].encode("utf-8", "surrogatepass")
        source["text_digest"] = hashlib.blake2b(folded, digest_size=16).hexdigest()
        yield {"_op_type": "index", "_index": name, "_id": pid, "_source": source}
    for pid in gone:
        yield {"_op_type": "delete", "_index": name, "_id": pid}


@contextlib.contextmanager
def _made_ahead(actions: Iterator[dict]) -> Iterator[Iterator[dict]]:
    """The actions, made by a thread of their own up to a bulk request ahead: cutting passages,
    most of a push's CPU, goes on while the cluster indexes the request before. The thread has
    stopped when the block ends (it reads the generation, which is closed after)."""
    made: queue.Queue = queue.Queue(maxsize=CHUNK_PASSAGES)
    stop = threading.Event()
    failed: list[BaseException] = []

    def make() -> None:
        try:
            for action in actions:
                while not stop.is_set():
                    try:
                        made.put(action, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
        except BaseException as err:  # noqa: BLE001 - raised again in the consuming thread
            failed.append(err)
        finally:
            made.put(_DONE)

    def taken() -> Iterator[dict]:
        while (action := made.get()) is not _DONE:
            yield action
        if failed:
            raise failed[0]

    thread = threading.Thread(target=make, name="push-actions", daemon=True)
    thread.start()
    try:
        yield taken()
    finally:
        stop.set()
        while thread.is_alive():  # unblock a put that waits for room
            with contextlib.suppress(queue.Empty):
                made.get(timeout=0.1)
        thread.join()


_DONE: dict = {}


def _send(
    client: OpenSearch,
    actions: Iterator[dict],
    total: int,
    report: PushReport,
    progress: Progress | None,
) -> None:
    """Bulk requests of CHUNK_PASSAGES; a 429 (the cluster is busy) is retried with backoff;
    a passage rejected for any other reason is reported and the rest go on."""
    from opensearchpy import helpers

    done = 0
    results = helpers.streaming_bulk(
        client,
        actions,
        chunk_size=CHUNK_PASSAGES,
        max_chunk_bytes=CHUNK_BYTES,
        raise_on_error=False,
        max_retries=RETRIES_ON_429,
        initial_backoff=1,
        max_backoff=30,
    )
    for ok, item in results:
        ((operation, answer),) = item.items()
        done += 1
        if ok:
            report.sent += operation == "index"
            report.deleted += operation == "delete"
        elif operation == "delete" and answer.get("status") == 404:
            report.deleted += 1  # already gone there
        else:
            report.rejected.append(f"{answer.get('_id')}: {_rejection(answer)}")
        if progress is not None:
            progress(done, total)
    if done != total:
        raise RemoteError(f"the bulk load ended after {done} of {total} passages; push again")


def _rejection(answer: dict) -> str:
    error = answer.get("error")
    if isinstance(error, dict):
        return f"{error.get('type')}: {' '.join(str(error.get('reason')).split())}"
    return f"status {answer.get('status')}: {error}"
