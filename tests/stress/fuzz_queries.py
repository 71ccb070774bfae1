"""Stress: 10,000 random queries through Searcher.search, 10,000 through `searcher query --json`
(CliRunner) and a few hundred through real processes: never a traceback, exit 0/1 (or 2 with one
line), valid JSON. The query strategy is checks.queries(); tests/test_reliability.py runs ~300.

    python tests/stress/fuzz_queries.py --examples 10000 --processes 200
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from checks import check_cli_json, check_search, queries
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from searcher.cli.location import samples_dir
from searcher.cli.main import app
from searcher.errors import QuerySyntaxError
from searcher.indexing.writer import build_index
from searcher.search import Searcher

# One query in ten is 500 to 10,000 characters long: each takes up to a second or so.
SHORT_PER_LONG = 9


def progress(outcomes: collections.Counter, channel: str) -> None:
    outcomes[f"{channel}: queries"] += 1
    if outcomes[f"{channel}: queries"] % 1000 == 0:
        print(f"  {channel}: {outcomes[f'{channel}: queries']} queries", flush=True)


def fuzz_api(index_dir: Path, examples: int, outcomes: collections.Counter) -> None:
    with Searcher.open(index_dir) as searcher:

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(text=queries(short_per_long=SHORT_PER_LONG), require_all=st.booleans())
        def one(text: str, require_all: bool) -> None:
            progress(outcomes, "api")
            check_search(searcher, text, require_all)
            try:
                hits = searcher.search(text, limit=1).hits
            except QuerySyntaxError:
                outcomes["api: refused (QuerySyntaxError)"] += 1
            else:
                outcomes["api: hits" if hits else "api: no hits"] += 1
            outcomes["api: long (> 400 chars)"] += len(text) > 400

        one()


def fuzz_cli(index_dir: Path, examples: int, outcomes: collections.Counter) -> None:
    runner = CliRunner()

    @settings(
        max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(text=queries(short_per_long=SHORT_PER_LONG))
    def one(text: str) -> None:
        progress(outcomes, "cli")
        result = runner.invoke(app, ["query", "--index", str(index_dir), "--json", "--", text])
        check_cli_json(result.exit_code, result.stdout, result.stderr)
        outcomes[f"cli: exit {result.exit_code}"] += 1

    one()


def as_argv(text: str) -> str:
    """What argv can carry: no NUL; an undecodable byte (surrogateescape, U+DC80..U+DCFF) goes
    through as that byte, but other lone surrogates exist in no byte string at all."""
    text = text.replace("\x00", " ")
    return re.sub("[\ud800-\udc7f\udd00-\udfff]", "\ufffd", text)


def fuzz_processes(index_dir: Path, examples: int, outcomes: collections.Counter) -> None:
    """Real processes, with the query as a user's shell would pass it (see as_argv)."""

    @settings(
        max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(text=queries(short_per_long=SHORT_PER_LONG))
    def one(text: str) -> None:
        progress(outcomes, "process")
        run = subprocess.run(
            [sys.executable, "-m", "searcher", "query", "--index", str(index_dir), "--json", "--"]
            + [as_argv(text)],
            capture_output=True,
            timeout=120,
        )
        # Strict decoding: the output must be valid UTF-8 whatever the query held.
        check_cli_json(run.returncode, run.stdout.decode("utf-8"), run.stderr.decode("utf-8"))
        outcomes[f"process: exit {run.returncode}"] += 1

    one()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=10_000, help="per channel (API, CLI)")
    parser.add_argument("--processes", type=int, default=200)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="searcher-fuzz-"))
    outcomes: collections.Counter = collections.Counter()
    started = time.monotonic()
    try:
        build_index([samples_dir()], work / "index")
        for name, run, count in (
            ("api", fuzz_api, args.examples),
            ("cli", fuzz_cli, args.examples),
            ("process", fuzz_processes, args.processes),
        ):
            if not count:
                continue
            channel_started = time.monotonic()
            run(work / "index", count, outcomes)
            seconds = time.monotonic() - channel_started
            print(f"{name}: {count} queries in {seconds:.0f} s", flush=True)
    finally:
        shutil.rmtree(work)
    print(json.dumps(dict(sorted(outcomes.items())), ensure_ascii=False))
    print(f"all passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
