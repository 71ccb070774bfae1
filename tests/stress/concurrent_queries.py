"""Stress: query without pause while `searcher index` commits over and over (rebuilds, which delete
every file of the previous state, and updates); every answer must come from a committed state and
no query may fail. The races this finds are a few in a thousand queries, too rare for a fast test.

    python tests/stress/concurrent_queries.py --commits 60
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

from checks import index_state

from searcher.cli.location import samples_dir


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commits", type=int, default=60)
    parser.add_argument("--readers", type=int, default=2, help="querying threads")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="searcher-race-"))
    docs, index_dir = work / "docs", work / "index"
    shutil.copytree(samples_dir(), docs)
    run = [sys.executable, "-m", "searcher", "index", str(docs), "--index", str(index_dir), "-q"]
    subprocess.run(run, check=True, stdout=subprocess.DEVNULL)
    states: set[object] = {index_state(index_dir)}  # every committed state, as readers see it
    seen: list[object] = []
    errors: list[str] = []
    done = threading.Event()

    def query() -> None:
        while not done.is_set():
            try:
                seen.append(index_state(index_dir))
            except Exception:  # noqa: BLE001 - every failure is reported below
                errors.append(traceback.format_exc())

    readers = [threading.Thread(target=query) for _ in range(args.readers)]
    for reader in readers:
        reader.start()
    rng = random.Random(6)
    started = time.monotonic()
    try:
        for number in range(args.commits):
            rebuild = number % 2 == 0
            if not rebuild:  # an update: one file changes
                path = rng.choice(sorted(docs.glob("*.txt")))
                path.write_text(path.read_text(errors="replace") + f"\n\n第{number}次修改。\n")
            subprocess.run(run + ["--rebuild"] * rebuild, check=True, stdout=subprocess.DEVNULL)
            states.add(index_state(index_dir))
    finally:
        done.set()
        for reader in readers:
            reader.join()
    third = [state for state in seen if state not in states]
    summary = {
        "commits": args.commits,
        "queries": len(seen) + len(errors),
        "failed queries": len(errors),
        "answers from no committed state": len(third),
        "seconds": round(time.monotonic() - started),
    }
    print(json.dumps(summary))
    for error in errors[:3]:
        print(error)
    shutil.rmtree(work)
    return 1 if errors or third else 0


if __name__ == "__main__":
    sys.exit(main())
