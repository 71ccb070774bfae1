"""Stress: an index on disk that lies, paths that disappear, inputs without an end (issue 18).

Every case runs the real `searcher` in a fresh process, many times with random variations, and
checks what a user relies on: no code runs from an index (a crafted pickle would create a file),
damage is found and named, `--rebuild` repairs it and answers as before, a root that vanished
keeps its passages, a directory of other files is never touched, and no input makes a process
grow without bound or print a traceback.

    python tests/stress/hostile.py --rounds 20
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path

from searcher.store.stored import StoredWriter

SEARCHER = str(Path(sys.executable).parent / "searcher")
TEXTS = [
    "第三网格党支部每月召开一次网格议事会，邀请楼栋长和居民代表商量公共事务。",
    "人民政府负责网格员的培训和考核，考核结果向社区公示。",
    "乡村振兴需要产业、人才、文化、生态和组织五个方面一起发力。",
    "防汛期间，各网格员要每天巡查低洼地带，发现险情立即上报。",
]


class Creates:
    """Unpickled, it would create its path."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple:
        return (open, (str(self.path), "w"))


# The largest peak RSS of a searcher process so far, and its command: RUSAGE_CHILDREN's maxrss is
# the largest of every child reaped, so a call after which it grew is the one that reached it.
_largest = {"MB": 0.0, "command": ""}


def run(
    *args: str, cwd: Path | None = None, stdin: object = None, feed: bytes | None = None
) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [SEARCHER, *args],
        cwd=cwd,
        stdin=stdin,
        input=feed,
        capture_output=True,
        timeout=300,
        check=False,
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if peak > _largest["MB"]:
        shown = [a if len(a) < 40 else f"<{len(a):,} characters>" for a in args]
        _largest.update(MB=peak, command=" ".join(["searcher", *shown]))
    return done


def one_line_error(done: subprocess.CompletedProcess) -> bool:
    err = done.stderr.decode(errors="replace")
    return done.returncode == 2 and "Traceback" not in err and err.strip() != ""


def make_docs(root: Path, rng: random.Random, files: int = 12) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for number in range(files):
        paragraphs = rng.sample(TEXTS, 2) + [f"编号{number}的记录。"]
        (root / f"{number}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    return root


def answers(index: Path) -> list[tuple]:
    queries = "网格\n人民政府\n乡村\n防汛\n"
    done = run("batch", "-i", str(index), "-n", "1000", feed=queries.encode())
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    return [(x["query"], sorted((h["path"], h["paragraph"]) for h in x["hits"])) for x in lines]


def generation(index: Path) -> Path:
    return max(index.glob("gen-*"), key=lambda p: int(p.name.split("-")[1]))


# ---------------------------------------------------------------------------- the cases


def crafted_pickles(work: Path, rng: random.Random) -> str | None:
    """A crafted pickle in the table of contents or the stored passages: nothing may run."""
    index = work / "index"
    run("index", str(make_docs(work / "docs", rng)), "-i", str(index))
    victim = work / "pwned"
    evil = pickle.dumps(Creates(victim), rng.choice([2, 4, 5]))
    where = rng.choice(["toc", "stored", "meta"])
    gen = generation(index)
    if where == "toc":
        toc = next(index.glob("_MAIN_*.toc"))
        data = toc.read_bytes()
        at = rng.randrange(12, len(data))
        toc.write_bytes(data[:at] + evil + data[at:])
    elif where == "stored":
        writer = StoredWriter(gen / "seg-0")  # well-formed blocks of crafted rows
        writer.add([evil] * json.loads((gen / "meta.json").read_text())["rows"])
        writer.close()
        sums = json.loads((gen / "checksums.json").read_text())
        for name in ("seg-0/stored.bin", "seg-0/stored_blocks.npy"):
            data = (gen / name).read_bytes()
            sums[name] = [len(data), zlib.crc32(data)]
        (gen / "checksums.json").write_text(json.dumps(sums))
    else:
        (gen / "meta.json").write_bytes(evil)
    for command in (["query", "网格"], ["index"], ["check"], ["stats"], ["export"]):
        done = run(*command, "-i", str(index))
        if victim.exists():
            return f"{where}: {command[0]} ran code from the index"
        if done.returncode not in (0, 1, 2) or b"Traceback" in done.stderr:
            return f"{where}: {command[0]} exited {done.returncode}: {done.stderr[-300:]!r}"
    rebuilt = run("index", "--rebuild", "-i", str(index))
    return None if rebuilt.returncode == 0 else f"{where}: rebuild failed: {rebuilt.stderr!r}"


def damage(work: Path, rng: random.Random) -> str | None:
    """Truncate, zero or flip a byte of a random file: check names it, an update refuses to
    build on it, and --rebuild answers exactly as before."""
    index = work / "index"
    run("index", str(make_docs(work / "docs", rng)), "-i", str(index))
    before = answers(index)
    gen = generation(index)
    victim = rng.choice([p for p in gen.rglob("*") if p.is_file() and p.stat().st_size > 0])
    data = bytearray(victim.read_bytes())
    how = rng.choice(["truncate", "zero", "flip"])
    if how == "truncate":
        data = data[: rng.randrange(len(data))]
    elif how == "zero":
        start = rng.randrange(len(data))
        data[start:] = bytes(len(data) - start)
    else:
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    if bytes(data) == victim.read_bytes():
        return None  # zeroing zeros changes nothing
    victim.write_bytes(bytes(data))
    name = victim.relative_to(index)
    checked = run("check", "-i", str(index))
    if victim.name != "checksums.json" and (
        checked.returncode != 2 or str(name).encode() not in checked.stderr
    ):
        return f"{how} {name}: check said {checked.returncode} {checked.stderr[-200:]!r}"
    updated = run("index", "-i", str(index))
    if updated.returncode == 0 and b"unchanged" in updated.stdout:
        return f"{how} {name}: an update called the damaged index unchanged"
    if not one_line_error(updated):
        return f"{how} {name}: update exited {updated.returncode} {updated.stderr[-200:]!r}"
    run("index", "--rebuild", "-i", str(index))
    return None if answers(index) == before else f"{how} {name}: rebuild answers differently"


def vanishing_roots(work: Path, rng: random.Random) -> str | None:
    """Two roots; one moved away or emptied: exit 2, its passages kept; all roots rebuilt."""
    index = work / "index"
    a, b = make_docs(work / "A", rng, 5), make_docs(work / "B", rng, 7)
    run("index", str(a), "-i", str(index))
    run("index", str(b), "-i", str(index))
    if json.loads(run("stats", "--json", "-i", str(index)).stdout)["passages"] != 36:
        return "two roots: not both indexed"
    if not run("index", "--rebuild", "-i", str(index)).stdout.startswith(b"12 new"):
        return "rebuild did not rebuild both roots"
    gone = rng.choice([a, b])
    if rng.random() < 0.5:
        gone.rename(work / "moved")
    else:
        shutil.rmtree(gone)
        gone.mkdir()  # a mount point whose disk is not mounted
    done = run("index", "-i", str(index))
    if done.returncode != 2 or b"passages are kept" not in done.stderr:
        return f"missing root: exit {done.returncode} {done.stderr!r}"
    stats = json.loads(run("stats", "--json", "-i", str(index)).stdout)
    return None if stats["passages"] == 36 else f"missing root: {stats['passages']} passages left"


def foreign_directory(work: Path, rng: random.Random) -> str | None:
    """A folder of the user's own files with names like an index's: refused, nothing removed."""
    folder = work / "folder"
    names = ["README.md", "gen-1/important.txt", "gen-2.tmp/x", "MAIN_photo.jpg", "_MAIN_1.toc.5"]
    names += [f"MAIN_{rng.getrandbits(64):016x}.seg", "MAIN.tmp/a.ctmp", "notes.txt"]
    for name in rng.sample(names, rng.randrange(2, len(names))):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("用户的文件", encoding="utf-8")
    if not any(p.name != "README.md" for p in folder.iterdir()):
        return None
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    done = run("index", str(make_docs(work / "docs", rng, 2)), "-i", str(folder))
    after = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    if before != after:
        return f"foreign directory changed: {sorted(set(before) ^ set(after))}"
    return None if one_line_error(done) else f"foreign directory: exit {done.returncode}"


def endless_inputs(work: Path, rng: random.Random) -> str | None:
    """/dev/zero and FIFOs as queries and user dictionaries; a huge query line."""
    index = work / "index"
    docs = make_docs(work / "docs", rng, 2)
    run("index", str(docs), "-i", str(index))
    fifo = work / "fifo"
    os.mkfifo(fifo)
    cases: list[Callable[[], subprocess.CompletedProcess]] = [
        lambda: run("batch", "-i", str(index), stdin=open("/dev/zero", "rb")),  # noqa: SIM115
        lambda: run("batch", "/dev/zero", "-i", str(index)),
        lambda: run("index", str(docs), "-i", str(index), "--userdict", "/dev/zero"),
        lambda: run("index", str(docs), "-i", str(index), "--userdict", str(fifo)),
        # One argument of argv takes 128 KB at most: 40,000 characters of three bytes.
        lambda: run("query", "网" * rng.randrange(10_001, 40_000), "-i", str(index)),
    ]
    for case in cases:
        done = case()
        if not one_line_error(done):
            return f"endless input: exit {done.returncode} {done.stderr[-200:]!r}"
    return None


def symlinks_out(work: Path, rng: random.Random) -> str | None:
    outside = work / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("机密的口令", encoding="utf-8")
    docs = make_docs(work / "docs", rng, 2)
    (docs / "etc").symlink_to(outside)
    (docs / "secret.md").symlink_to(outside / "secret.md")
    run("index", str(docs), "-i", str(work / "index"))
    found = run("query", "口令", "-i", str(work / "index"))
    return None if found.returncode == 1 else "a symlink out of the folder was followed"


CASES = {
    "crafted pickles": crafted_pickles,
    "damaged files": damage,
    "roots that vanish": vanishing_roots,
    "a directory of other files": foreign_directory,
    "inputs without an end": endless_inputs,
    "symlinks out of the folder": symlinks_out,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10, help="runs of each case")
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    failures = 0
    print("| case | runs | failures |\n|---|---:|---:|")
    for name, case in CASES.items():
        failed = []
        for _ in range(args.rounds):
            with tempfile.TemporaryDirectory() as tmp:
                problem = case(Path(tmp), rng)
            if problem:
                failed.append(problem)
        failures += len(failed)
        print(f"| {name} | {args.rounds} | {len(failed)} |")
        for problem in failed[:5]:
            print(f"|   {problem} | | |")
    print(f"\npeak RSS of any searcher process: {_largest['MB']:.0f} MB (`{_largest['command']}`)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
