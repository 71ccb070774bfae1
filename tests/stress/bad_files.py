"""Stress: index a tree full of bad files in a real process, then a 200 MB single-line file.

The tree holds binary files, empty files, partly invalid UTF-8, odd names (spaces, newlines, tabs,
invalid bytes, 255-byte names), symlink loops, dangling links, a FIFO, a device, a 300-level deep
tree, and files deleted or rewritten while the run reads them. Every good file must be indexed,
every bad one skipped with one warning line naming it, and the summary must count the skips.
The huge file must index with passages of at most MAX_PASSAGE_CHARS and bounded memory.

    python tests/stress/bad_files.py --huge-mb 200
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from checks import leftovers

from searcher.ingest.formats import MAX_PASSAGE_CHARS
from searcher.search import Searcher

ZH_LAWS = Path("/work/shared/corpus/zh-laws/corpus.jsonl")


def law_texts(source: Path, megabytes: float) -> list[str]:
    with source.open("rb") as handle:
        lines = handle.read(int(megabytes * 1e6)).splitlines()[:-1]
    return [json.loads(line)["text"] for line in lines]


def bad_tree(root: Path, texts: list[str], rng: random.Random) -> dict[str, list[Path]]:
    """Write the tree; return the files by what must happen to them."""
    good: list[Path] = []
    skipped: list[Path] = []

    def text_file(path: Path, body: str | bytes) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body if isinstance(body, bytes) else body.encode())
        return path

    for n in range(40):
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(100, 20_000)))
        skipped.append(text_file(root / "binary" / f"random-{n}.txt", b"\0" + raw))
        skipped.append(text_file(root / "empty" / f"empty-{n}.txt", b" \n\t" * (n % 3)))
        mixed = rng.choice(texts).encode() + bytes([0xFF, 0xC3, 0x80 + n % 60]) + b"\n\n"
        good.append(
            text_file(root / "mixed" / f"mixed-{n}.txt", mixed + rng.choice(texts).encode())
        )
    odd = ["with space", "new\nline", "tab\there", "quote\"'", "back\\slash", "emoji🍵", "a" * 250]
    for name in odd:
        good.append(text_file(root / "odd" / f"{name}.txt", rng.choice(texts)))
    for n in range(10):
        name = os.fsdecode(b"bytes-\xff\xfe-" + str(n).encode() + b".txt")
        good.append(text_file(root / "odd" / name, rng.choice(texts)))
    loops = root / "loops"
    loops.mkdir()
    (loops / "self").symlink_to(loops)
    (loops / "parent").symlink_to(root)
    (loops / "a.txt").symlink_to(loops / "b.txt")
    (loops / "b.txt").symlink_to(loops / "a.txt")  # a.txt → b.txt → a.txt: ELOOP
    (loops / "dangling.txt").symlink_to(loops / "nowhere.txt")
    skipped += [loops / "a.txt", loops / "b.txt", loops / "dangling.txt"]
    os.mkfifo(root / "fifo.txt")
    (root / "zero.txt").symlink_to("/dev/zero")
    skipped += [root / "fifo.txt", root / "zero.txt"]
    deep = root.joinpath(*[f"{level % 100:02d}" for level in range(300)])
    good.append(text_file(deep / "deep.txt", rng.choice(texts)))
    vanishing = [
        text_file(root / "vanish" / f"v-{n:03d}.txt", "\n\n".join(texts[:200])) for n in range(60)
    ]
    return {"good": good, "skipped": skipped, "vanishing": vanishing}


def index_bad_tree(work: Path, texts: list[str]) -> dict:
    rng = random.Random(6)
    root = work / "tree"
    root.mkdir()
    files = bad_tree(root, texts, rng)
    stop = threading.Event()

    def churn() -> None:
        """Delete or rewrite the vanish/ files while the run reads them."""
        for path in files["vanishing"]:
            if stop.is_set():
                return
            if rng.random() < 0.5:
                path.unlink()
            else:
                path.write_text(rng.choice(texts))
            time.sleep(0.02)

    proc = subprocess.Popen(
        [sys.executable, "-m", "searcher", "index", str(root), "--index", str(work / "index")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # The first warning comes once the walk is over and reading has begun: from then on, the
    # vanish/ files (read last) disappear or change between the walk and their reading.
    first = proc.stderr.readline()
    churner = threading.Thread(target=churn)
    churner.start()
    stdout, stderr = proc.communicate(timeout=1800)
    stderr = first + stderr
    stop.set()
    churner.join()
    out, err = stdout.decode("utf-8"), stderr.decode("utf-8")
    problems = []
    if proc.returncode != 0 or "Traceback" in err:
        problems.append(f"exit {proc.returncode}: {err[-2000:]}")
    warnings = err.splitlines()
    # Twenty warnings of a kind are named, then one line counts the rest ("searcher: 20 more
    # skipped for the same reason: …"); symbolic links are not followed without --follow, so
    # those are passed over without a word, as ripgrep does.
    pattern = re.compile(r"searcher: (\d+) more skipped for the same reason: .+")
    counted_more = sum(int(m.group(1)) for line in warnings if (m := pattern.fullmatch(line)))
    named = [line for line in warnings if not pattern.fullmatch(line)]
    unnamed = [
        str(path)
        for path in files["skipped"]
        if not (path.is_symlink() or path.parent.name == "loops")
        and not any(line.startswith(f"searcher: skipped {path}: ") for line in named)
    ]
    if len(unnamed) > counted_more:
        problems += [f"no warning for {shown!r}" for shown in unnamed]
    if any(not line.startswith("searcher: skipped ") for line in named):
        problems.append(f"unexpected stderr: {named}")
    skips = len(named) + counted_more
    counted = re.search(r", (\d+) skipped files", out)
    if not counted or int(counted.group(1)) != skips:
        problems.append(f"summary does not count the {skips} skips: {out!r}")
    with Searcher.open(work / "index") as searcher:
        indexed = {f["path"] for f in searcher._gen.files()}
    for path in files["good"]:
        if str(path) not in indexed:
            problems.append(f"not indexed: {path!r}")
    problems += [f"leftover {name}" for name in leftovers(work / "index")]
    return {
        "good files indexed": len(files["good"]),
        "bad files skipped with a warning": len(files["skipped"]),
        "files deleted or rewritten mid-run": len(files["vanishing"]),
        "warnings": len(warnings),
        "summary": out.strip(),
        "problems": problems,
    }


def index_huge_line(work: Path, texts: list[str], megabytes: int) -> dict:
    """One file, one line of `megabytes` MB, indexed in a real process; peak RSS measured."""
    docs = work / "huge"
    docs.mkdir()
    path = docs / "one-line.txt"
    target = megabytes * 1_000_000
    with path.open("w", encoding="utf-8") as handle:
        written = 0
        rng = random.Random(7)
        while written < target:
            chunk = "".join(rng.choice(texts).replace("\n", "") for _ in range(1000))
            handle.write(chunk)
            written += len(chunk.encode())
        handle.write("尾声独有的句子")
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "searcher", "index", str(docs), "--index", str(work / "huge-index")],
        capture_output=True,
        text=True,
        timeout=7200,
    )
    seconds = time.monotonic() - started
    # The largest resident set of any process we waited for: the parent or one analysis worker.
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    problems = [] if run.returncode == 0 else [f"exit {run.returncode}: {run.stderr[-2000:]}"]
    longest = 0
    with Searcher.open(work / "huge-index") as searcher:
        hits = searcher.search('"尾声独有的句子"').hits
        if len(hits) != 1:
            problems.append(f"the last sentence was found {len(hits)} times")
        lengths = searcher._gen.array("row_chars")
        longest = int(lengths.max())
        passages = len(lengths)
    if longest > MAX_PASSAGE_CHARS:
        problems.append(f"a passage of {longest} characters")
    return {
        "file MB": round(path.stat().st_size / 1e6),
        "passages": passages,
        "longest passage (chars)": longest,
        "index seconds": round(seconds),
        "peak RSS MB (largest process)": round(peak_mb),
        "summary": run.stdout.strip(),
        "problems": problems,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--huge-mb", type=int, default=200)
    parser.add_argument("--source", type=Path, default=ZH_LAWS)
    args = parser.parse_args()
    texts = law_texts(args.source, 3)
    work = Path(tempfile.mkdtemp(prefix="searcher-bad-files-"))
    try:
        results = {"bad tree": index_bad_tree(work, texts)}
        print(json.dumps(results["bad tree"], ensure_ascii=False, indent=1), flush=True)
        if args.huge_mb:
            results["huge line"] = index_huge_line(work, texts, args.huge_mb)
            print(json.dumps(results["huge line"], ensure_ascii=False, indent=1), flush=True)
    finally:
        shutil.rmtree(work)
    return 1 if any(result["problems"] for result in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
