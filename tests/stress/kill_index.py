"""Stress: SIGKILL `searcher index` at random moments, many times, and check nothing is lost.

Each round changes the corpus (or deletes the index, or asks for --rebuild), starts `searcher index`
in a real process, queries the index from a thread while it runs, and kills it with SIGKILL at a
random moment of its expected duration. Then: the workers are gone, the lock is free, the index
answers with the state before or the state after the run (never a mixture, never an error), and
the next `searcher index` completes the update and leaves no leftover files.

    python tests/stress/kill_index.py --kills 60 --corpus-mb 6
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from checks import alive, children, cli_query, index_state, leftovers, lock_is_free

ZH_LAWS = Path("/work/shared/corpus/zh-laws/corpus.jsonl")


def write_corpus(source: Path, megabytes: float, docs: Path) -> int:
    """One text file per law (title, then its paragraphs) from the first `megabytes` of
    zh-laws, ten folders; plus an empty file, skipped (with a warning) by every run."""
    with source.open("rb") as handle:
        lines = handle.read(int(megabytes * 1e6)).splitlines()[:-1]
    laws: dict[str, list[str]] = collections.defaultdict(list)
    for line in lines:
        record = json.loads(line)
        laws[record["title"]].append(record["text"])
    for number, (title, paragraphs) in enumerate(laws.items()):
        path = docs / f"d{number % 10}" / f"{number:04d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n")
    (docs / "000-empty.txt").write_bytes(b"")
    return len(laws)


def mutate(docs: Path, rng: random.Random) -> str:
    """Change 5% of the files, delete 2%, add as many new ones (made of others' paragraphs)."""
    files = sorted(docs.glob("d*/*.txt"))
    count = max(1, len(files) // 50)
    picked = rng.sample(files, 5 * count // 2 + 2 * count)
    changed, removed = picked[: 5 * count // 2], picked[5 * count // 2 :]
    for path in changed:
        text = path.read_text()
        path.write_text(text + "\n\n" + text[: rng.randrange(50, 500)] + "\n")
    sources = [p for p in files if p not in removed]
    for path in removed:
        path.unlink()
    for _ in range(len(removed)):
        parts = [rng.choice(sources).read_text()[:800] for _ in range(4)]
        name = docs / f"d{rng.randrange(10)}" / f"new-{rng.randrange(10**9)}.txt"
        name.write_text("\n\n".join(parts) + "\n")
    return f"{len(changed)} changed, {len(removed)} removed, {len(removed)} added"


def searcher(*args: str, **kwargs: object) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "searcher", *args], **kwargs)


class Watcher(threading.Thread):
    """Reads the index's state over and over while a run is going: what a user querying sees."""

    def __init__(self, index_dir: Path) -> None:
        super().__init__(daemon=True)
        self.index_dir = index_dir
        self.states: list[object] = []
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                state = index_state(self.index_dir) if self.index_dir.exists() else None
            except Exception as err:  # noqa: BLE001 - any error here is what we report
                self.errors.append(f"{type(err).__name__}: {err}")
                continue
            self.states.append(state)
            if state is None:
                time.sleep(0.01)  # no index yet: nothing to query, don't spin


# Moments of a run seen from outside, in order: the next generation's work directory gets its
# first postings file, the generation is renamed into place, Whoosh's TOC is (the commit).
PHASES = ("started", "writing postings", "generation in place", "committed")


def phase(index_dir: Path, generation: int) -> int:
    """How far the run writing `generation` has got (an index into PHASES)."""
    if (index_dir / f"_MAIN_{generation}.toc").exists():
        return 3
    if (index_dir / f"gen-{generation}").is_dir():
        return 2
    work = index_dir / f"gen-{generation}.tmp"
    try:
        if any(name.endswith(".npy") for name in os.listdir(work)):
            return 1
    except OSError:
        pass
    return 0


def committed_generation(index_dir: Path) -> int:
    names = os.listdir(index_dir) if index_dir.exists() else []
    tocs = [int(m.group(1)) for n in names if (m := re.fullmatch(r"_MAIN_(\d+)\.toc", n))]
    return max(tocs, default=0)


def run_round(op: str, index_dir: Path, docs: Path, target: tuple[int, float], log: Path) -> dict:
    """Run `op` and kill it `delay` seconds after it reaches PHASES[aim]."""
    aim, delay = target
    before = index_state(index_dir) if index_dir.exists() else None
    generation = committed_generation(index_dir) + 1
    args = ["index", str(docs), "--index", str(index_dir), "--quiet"]
    watcher = Watcher(index_dir)
    watcher.start()
    with log.open("w") as stderr:
        started = time.monotonic()
        proc = searcher(
            *args,
            *(["--rebuild"] if op == "rebuild" else []),
            stderr=stderr,
            stdout=subprocess.DEVNULL,
        )
        workers: list[int] = []
        reached = None  # when the run reached the phase we aim at
        while proc.poll() is None:
            now = time.monotonic()
            if reached is None and phase(index_dir, generation) >= aim:
                reached = now
            if reached is not None and now - reached >= delay:
                break
            workers = children(proc.pid) or workers
            time.sleep(0.002)
        ran_for = time.monotonic() - started
        at_phase = phase(index_dir, generation)
        killed = proc.poll() is None
        proc.kill()
        proc.wait()
    watcher.stop.set()
    watcher.join()
    deadline = time.monotonic() + 10
    while alive(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    orphans = alive(workers)
    lock_free = lock_is_free(index_dir) if index_dir.exists() else True
    problems = []
    state: object = "unreadable"
    try:  # what a user sees right after the kill: any exception is the failure we look for
        state = index_state(index_dir) if index_dir.exists() else None
        cli_query(index_dir, "条例")
    except Exception as err:  # noqa: BLE001
        problems.append(f"after the kill: {type(err).__name__}: {err}")
    complete_started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "searcher", *args], capture_output=True, text=True, timeout=600
    )
    complete_seconds = time.monotonic() - complete_started
    after = index_state(index_dir)
    if done.returncode != 0 or "Traceback" in done.stderr:
        problems.append(f"next run failed: {done.returncode} {done.stderr[-500:]}")
    if state not in (before, after):
        problems.append("killed run left a state that is neither the previous nor the next")
    if not set(watcher.states) <= {before, after}:
        problems.append("a query during the run saw a third state")
    problems += [f"query during the run: {error}" for error in watcher.errors]
    if orphans:
        problems.append(f"orphan workers {orphans}")
    if not lock_free:
        problems.append("lock still held after the kill")
    if "Traceback" in log.read_text():
        problems.append("traceback from the killed run")
    problems += [f"leftover {name}" for name in leftovers(index_dir)]
    return {
        "op": op,
        "delay": round(delay, 3),
        "phase": PHASES[at_phase] if killed else "had exited",
        "killed": killed,
        "ran_for": round(ran_for, 3),
        "committed": state == after and state != before,
        "kept_previous": state == before,
        "queries": len(watcher.states),
        "workers": len(workers),
        "complete_seconds": round(complete_seconds, 2),
        "problems": problems,
    }


def run_rounds(
    args: argparse.Namespace,
    rng: random.Random,
    docs: Path,
    index_dir: Path,
    log: Path,
    expected: dict[str, float],
    rounds: list[dict],
) -> None:
    ops = ["update", "rebuild", "update", "first build", "update"]
    while sum(r["killed"] for r in rounds) < args.kills:
        op = ops[len(rounds) % len(ops)]
        change = "-"
        if op == "first build":
            shutil.rmtree(index_dir)
        elif op == "update" or rng.random() < 0.5:
            change = mutate(docs, rng)
        # Half the kills land anywhere in the run (most of it is reading and analysing); the
        # other half aim at the short moments around the commit.
        aim = 0 if rng.random() < 0.5 else rng.choice((1, 2, 2, 3))
        delay = rng.uniform(0, 1.05 * expected[op]) if aim == 0 else rng.uniform(0, 0.02)
        result = run_round(op, index_dir, docs, (aim, delay), log)
        if not result["killed"] and aim == 0:  # it finished first: now we know how long it takes
            expected[op] = 0.5 * expected[op] + 0.5 * result["ran_for"]
        elif result["kept_previous"]:  # the next run did all the work
            expected[op] = 0.5 * expected[op] + 0.5 * result["complete_seconds"]
        rounds.append(result)
        status = "FAIL " + "; ".join(result["problems"]) if result["problems"] else "ok"
        print(
            f"{len(rounds):3d} {op:11s} {change:32s} kill {delay:5.2f} s after {PHASES[aim]!r}"
            f" ({result['phase']})"
            f" -> {'new state' if result['committed'] else 'previous state'};"
            f" {result['queries']} queries meanwhile; {status}",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=60, help="kills of a running index run")
    parser.add_argument("--corpus-mb", type=float, default=6.0, help="MB of zh-laws to index")
    parser.add_argument("--source", type=Path, default=ZH_LAWS)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="searcher-kill-"))
    docs, index_dir, log = work / "docs", work / "index", work / "stderr.log"
    laws = write_corpus(args.source, args.corpus_mb, docs)
    started = time.monotonic()
    first = searcher("index", str(docs), "--index", str(index_dir), "--quiet")
    assert first.wait() == 0, "the first build failed"
    # Expected duration of each kind of run, from its last complete run: kills land anywhere
    # in it, from interpreter start to the commit and the clean-up after it.
    expected = {"first build": time.monotonic() - started}
    expected["rebuild"] = expected["first build"]
    expected["update"] = expected["first build"] / 2
    print(
        f"corpus: {laws} files from {args.corpus_mb} MB of {args.source.name}; full build"
        f" {expected['first build']:.1f} s; work dir {work}",
        flush=True,
    )
    rounds: list[dict] = []
    try:
        run_rounds(args, rng, docs, index_dir, log, expected, rounds)
    finally:
        if not args.keep:
            shutil.rmtree(work)
    failures = [r for r in rounds if r["problems"]]
    summary = {
        "rounds": len(rounds),
        "kills": sum(r["killed"] for r in rounds),
        "kills_by_op": dict(collections.Counter(r["op"] for r in rounds if r["killed"])),
        "kills_by_phase": dict(collections.Counter(r["phase"] for r in rounds if r["killed"])),
        "killed_with_previous_state": sum(r["killed"] and r["kept_previous"] for r in rounds),
        "killed_after_commit": sum(r["killed"] and r["committed"] for r in rounds),
        "queries_during_runs": sum(r["queries"] for r in rounds),
        "failures": len(failures),
        "files": laws,
        "corpus_mb": args.corpus_mb,
        "seconds": round(time.monotonic() - started),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
