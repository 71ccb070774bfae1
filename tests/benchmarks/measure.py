"""Shared pieces of the benchmarks: corpus subsets, timed child processes, result tables.

Not a test module (pytest collects test_*.py only). The bench_*.py scripts import it from their
own folder, so each runs with one command: python tests/benchmarks/bench_index.py --max-mb 5
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "zh-laws" / "corpus.jsonl"
RESULTS = Path(__file__).with_name("results-speed.md")
PYTHON = sys.executable


def corpus_subset(source: Path, max_mb: float | None, work: Path) -> tuple[Path, float]:
    """The first `max_mb` MB of paragraph text of a JSONL corpus (whole records), and its MB."""
    if max_mb is None:
        return source, _text_mb(source)
    out = work / f"corpus-{max_mb:g}mb.jsonl"
    if not out.exists():
        budget = max_mb * 1e6
        with open(source, encoding="utf-8") as lines, open(out, "w", encoding="utf-8") as sink:
            for line in lines:
                budget -= len(json.loads(line)["text"].encode())
                if budget < 0:
                    break
                sink.write(line)
    return out, _text_mb(out)


def _text_mb(path: Path) -> float:
    with open(path, encoding="utf-8") as lines:
        return sum(len(json.loads(line)["text"].encode()) for line in lines) / 1e6


def split_by_law(source: Path, out_dir: Path) -> int:
    """One Markdown file per law (the `title` of its records, in `id` order): '# title', then
    its paragraphs separated by blank lines. Returns the number of files."""
    laws: dict[str, tuple[str, list[str]]] = {}
    with open(source, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            doc = record["id"].split("-")[0]
            laws.setdefault(doc, (record["title"], []))[1].append(record["text"])
    out_dir.mkdir(parents=True, exist_ok=True)
    for doc, (title, paragraphs) in laws.items():
        name = re.sub(r"[\\/:*?\"<>|\s]+", "_", title)[:60] or "untitled"
        body = f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n"
        (out_dir / f"{doc}-{name}.md").write_text(body, encoding="utf-8")
    return len(laws)


@dataclass
class Run:
    """One child process: wall seconds, CPU seconds of it and its children, peak memory."""

    wall_s: float
    cpu_s: float
    max_rss_mb: float  # the largest single process of the tree (/usr/bin/time's %M)
    # The largest sum over the process and its descendants, sampled at 20 Hz, of their
    # proportional set size (PSS: a page shared by the forked workers counts once in all).
    tree_pss_mb: float
    tree_anon_mb: float  # the same for anonymous memory only (not memory-mapped index files)
    stdout: str
    returncode: int


def run(args: list[str], stdin: str | None = None, env: dict | None = None) -> Run:
    """Run a child process to completion and measure it."""
    before = os.times()
    started = time.perf_counter()
    child = subprocess.Popen(
        ["/usr/bin/time", "-f", "maxrss_kb=%M", *args],
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    peak = [0.0, 0.0]
    done = threading.Event()
    sampler = threading.Thread(target=_sample_tree, args=(child.pid, peak, done), daemon=True)
    sampler.start()
    out, err = child.communicate(stdin)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    after = os.times()
    if child.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(args)} exited {child.returncode}: {err.strip()[-2000:]}")
    max_rss = re.findall(r"maxrss_kb=(\d+)", err)
    return Run(
        wall_s=wall,
        cpu_s=(after.children_user - before.children_user)
        + (after.children_system - before.children_system),
        max_rss_mb=int(max_rss[-1]) / 1024 if max_rss else float("nan"),
        tree_pss_mb=peak[0],
        tree_anon_mb=peak[1],
        stdout=out,
        returncode=child.returncode,
    )


def _sample_tree(pid: int, peak: list[float], done: threading.Event) -> None:
    while not done.is_set():
        rss, anon = _tree_rss_mb(pid)
        peak[0], peak[1] = max(peak[0], rss), max(peak[1], anon)
        done.wait(0.05)


def _tree_rss_mb(pid: int) -> tuple[float, float]:
    pss = anon = 0
    for child in [pid, *_descendants(pid)]:
        try:
            with open(f"/proc/{child}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Pss_Anon:"):
                        anon += int(line.split()[1])
        except OSError:
            continue
    return pss / 1024, anon / 1024


def _descendants(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            children = [int(c) for c in handle.read().split()]
    except OSError:
        return []
    return children + [d for c in children for d in _descendants(c)]


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def ratio(ours: float, naive: float, higher_is_better: bool) -> str:
    if not ours or not naive or ours != ours or naive != naive:
        return ""
    value = ours / naive if higher_is_better else naive / ours
    return f"{value:.1f}×"


def machine_line() -> str:
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores, load average {load[0]:.1f} at the start;"
        f" Python {sys.version.split()[0]}; {time.strftime('%Y-%m-%d %H:%M')}"
    )


def write_section(name: str, markdown: str, results: Path = RESULTS) -> None:
    """Replace this benchmark's section of a results file (between its markers), keeping the
    rest: notes written by hand around the generated tables."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = results.read_text(encoding="utf-8") if results.exists() else "# Speed\n"
    block = f"{start}\n{markdown.strip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    results.write_text(text, encoding="utf-8")


def probe_checkout(checkout: Path, code: str, *args: str) -> object:
    """Run `code` (with `args` as sys.argv[1:]) in a child process importing another checkout's
    searcher (PYTHONPATH), from this folder so the current checkout is not imported; its last
    line of output is JSON, returned decoded."""
    here = Path(__file__).resolve().parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(checkout), str(here)])}
    done = subprocess.run(
        [PYTHON, "-c", code, *args], capture_output=True, text=True, env=env, cwd=here, check=False
    )
    if done.returncode:
        raise RuntimeError(f"{checkout}: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
