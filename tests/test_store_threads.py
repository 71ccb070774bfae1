"""Threads opening an index at once: numpy's header parsing is serialised (store/npy.py)."""

from __future__ import annotations

import ast
import threading
import time
from pathlib import Path

import pytest
from small_index import index_of

from searcher.search import Searcher


def test_threads_opening_an_index_parse_array_headers_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # np.load reads headers with ast.literal_eval, which CPython 3.11 cannot run in two threads
    # at once (a SystemError, python/cpython#106905, seen under the concurrent-query stress
    # test). The parse is slowed down here so that threads not kept apart would overlap in it.
    index = index_of(tmp_path, {"a.txt": "社区网格员每天巡查。", "b.txt": "网格化管理。"})
    inside, most, lock = [0], [0], threading.Lock()
    real = ast.literal_eval

    def slow_literal_eval(node: object) -> object:
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.002)
        try:
            return real(node)
        finally:
            with lock:
                inside[0] -= 1

    monkeypatch.setattr(ast, "literal_eval", slow_literal_eval)
    errors: list[BaseException] = []

    def open_and_search() -> None:
        try:
            with Searcher.open(index) as searcher:
                assert searcher.search("网格").total == 2
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=open_and_search) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert most[0] == 1  # the slowed parse was entered by one thread at a time
