"""`searcher watch` on a collection of 3,000+ files: how soon a save is searchable, the CPU it
uses while idle, and whether 500 files written at once are all indexed.

    python tests/benchmarks/bench_watch.py                 # 3,200 files from zh-laws
    python tests/benchmarks/bench_watch.py --files 5000 --saves 50

The collection is written to a temporary folder (3 zh-laws passages a file, 40 folders) and
indexed; then the real `searcher watch` runs as a subprocess. Each save writes a new file holding
a string found nowhere else, and the time runs from the write returning to a fresh Searcher
finding it (polled every 10 ms). Saves are 1.5 s apart, so each is its own commit. Idle CPU is the
watcher process's user + system time over 10 s with nothing changing (/proc/PID/stat). Written
to results-watch.md beside this file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from searcher.indexing.writer import build_index
from searcher.search import Searcher

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "zh-laws" / "corpus.jsonl"
OUT = Path(__file__).with_name("results-watch.md")
SEARCHER = Path(sys.executable).parent / "searcher"
POLL_SECONDS = 0.01
GIVE_UP_SECONDS = 60.0


def write_collection(folder: Path, files: int) -> None:
    """`files` text files of 3 zh-laws passages each (or generated text without the corpus)."""
    passages = _passages(files * 3)
    for number in range(files):
        sub = folder / f"d{number % 40:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        text = "\n\n".join(passages[number * 3 : number * 3 + 3])
        (sub / f"f{number:05d}.txt").write_text(text + "\n", encoding="utf-8")


def _passages(count: int) -> list[str]:
    if not CORPUS.exists():
        return [f"第{n}条 本规定自公布之日起施行，由有关部门负责解释。" for n in range(count)]
    found = []
    with CORPUS.open(encoding="utf-8") as corpus:
        for line in corpus:
            found.append(json.loads(line)["text"])
            if len(found) == count:
                break
    return found


def _total(index: Path, text: str) -> int:
    """Passages holding `text` as typed (a phrase: never a partial match)."""
    with Searcher.open(index) as searcher:
        return searcher.search(f'"{text}"', limit=1).total


def _wait_for(index: Path, text: str, count: int) -> float:
    """Seconds until `count` passages hold `text` (polled)."""
    started = time.perf_counter()
    while _total(index, text) < count:
        if time.perf_counter() - started > GIVE_UP_SECONDS:
            raise SystemExit(f"{text!r}: not searchable after {GIVE_UP_SECONDS:.0f} s")
        time.sleep(POLL_SECONDS)
    return time.perf_counter() - started


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _unique(number: int) -> str:
    """A string no zh-laws passage holds: 5 rare characters and the save's number."""
    return f"鼗鼙鼛鼜{number:03d}鼝"


def measure(folder: Path, index: Path, saves: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "SEARCHER_INDEX"}
    command = [str(SEARCHER), "watch", str(folder), "--index", str(index), "--quiet"]
    watcher = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    assert watcher.stderr is not None
    try:
        while "watching" not in watcher.stderr.readline():
            pass
        latencies = []
        for number in range(saves):
            path = folder / f"d{number % 40:02d}" / f"save{number:03d}.txt"
            path.write_text(f"保存测试{_unique(number)}。\n", encoding="utf-8")
            latencies.append(_wait_for(index, _unique(number), 1))
            time.sleep(1.5)
        time.sleep(2)
        cpu_before, wall_before = _cpu_seconds(watcher.pid), time.perf_counter()
        time.sleep(10)
        idle = (_cpu_seconds(watcher.pid) - cpu_before) / (time.perf_counter() - wall_before)
        bulk = folder / "bulk"
        bulk.mkdir()
        started = time.perf_counter()
        for number in range(500):
            (bulk / f"b{number:03d}.txt").write_text(f"批量鼗鼙{number:03d}号。\n", "utf-8")
        written = time.perf_counter() - started
        bulk_seconds = _wait_for(index, "批量鼗鼙", 500)
        bulk_found = _total(index, "批量鼗鼙")
    finally:
        watcher.terminate()
        watcher.wait()
    return {
        "latencies": latencies,
        "idle_cpu": idle,
        "bulk_written": written,
        "bulk_seconds": bulk_seconds,
        "bulk_found": bulk_found,
    }


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(round(fraction * (len(ordered) - 1))), len(ordered) - 1)]


def report(files: int, passages: int, found: dict, command: str) -> str:
    ms = [seconds * 1000 for seconds in found["latencies"]]
    return "\n".join(
        [
            "# searcher watch: save → searchable",
            "",
            f"Collection: {files:,} text files in 40 folders ({passages:,} passages, zh-laws text),"
            f" {platform.python_implementation()} {platform.python_version()},"
            f" {platform.machine()}, a 2-core machine shared with other jobs"
            f" (load average {os.getloadavg()[0]:.1f} at the end).",
            f"Command: `{command}`",
            "",
            "| measure | value |",
            "|---|---:|",
            f"| save → searchable, p50 over {len(ms)} saves (ms) | {statistics.median(ms):.0f} |",
            f"| save → searchable, p95 (ms) | {_percentile(ms, 0.95):.0f} |",
            f"| save → searchable, max (ms) | {max(ms):.0f} |",
            f"| CPU of the idle watcher (% of one core, 10 s) | {found['idle_cpu'] * 100:.2f} |",
            f"| 500 files written at once: written in (s) | {found['bulk_written']:.2f} |",
            f"| 500 files: all searchable after (s) | {found['bulk_seconds']:.2f} |",
            f"| 500 files: passages found | {found['bulk_found']} of 500 |",
            "",
            "Each save is a new file; a commit rescans the root folder the events fell in (a walk"
            " comparing sizes and modification times with the manifest), then writes the next"
            " generation: most of the latency is that commit, not the events (watchfiles yields a"
            " batch 50 ms after the last event).",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3200, help="files in the collection")
    parser.add_argument("--saves", type=int, default=50, help="saves timed")
    parser.add_argument("--out", type=Path, default=OUT, help="markdown file to write")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-watch-") as scratch:
        folder, index = Path(scratch) / "docs", Path(scratch) / "index"
        write_collection(folder, args.files)
        print(f"indexing {args.files} files …", file=sys.stderr)
        passages = build_index([folder], index).passages
        found = measure(folder, index, args.saves)
    command = "python tests/benchmarks/bench_watch.py " + " ".join(sys.argv[1:])
    text = report(args.files, passages, found, command.strip())
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
