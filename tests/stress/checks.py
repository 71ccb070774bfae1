"""Checks shared by tests/test_reliability.py and the stress scripts: the committed state a reader
sees, leftovers on disk, the lock, orphan processes; random queries and what their answers must be.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from searcher.analysis.normalize import fold_text
from searcher.analysis.regional import regional_forms, word_forms
from searcher.errors import IndexNotFoundError, QuerySyntaxError
from searcher.search import Searcher

# Words that jieba keeps whole, so every hit must hold the word itself.
PROBES = ("管理", "社区", "工作", "条例", "服务", "文化")


@dataclass(frozen=True)
class IndexState:
    """One committed state, as readers see it: mixing two states changes at least one field."""

    files: frozenset[tuple[str, str]]  # (path, sha1) of every indexed file
    passages: int
    totals: tuple[int, ...]  # matching passages of each probe word


def index_state(index_dir: Path, probes: tuple[str, ...] = PROBES) -> IndexState | None:
    """The state a reader sees now; None while no index was ever committed.

    Any error other than "no index yet" propagates: after a crash, that is the failure we look
    for. Every hit must hold its query word, in its text or its title.
    """
    try:
        searcher = Searcher.open(index_dir)
    except IndexNotFoundError:
        return None
    with searcher:
        totals = []
        for word in probes:
            result = searcher.search(word, limit=50)
            forms = _forms(word)
            for hit in result.hits:
                if not any(form in fold_text(f"{hit.title}\n{hit.text}") for form in forms):
                    raise AssertionError(f"hit {hit.path}:{hit.line} lacks {word!r}: {hit.text!r}")
            totals.append(result.total)
        passages = searcher.stats().passages
        # The manifest of the very generation this searcher answers from (a second open could
        # see a newer commit and report a mixture that no reader ever saw).
        files = frozenset((f["path"], f["sha1"]) for f in searcher._gen.files())
    return IndexState(files, passages, tuple(totals))


def cli_query(index_dir: Path, word: str, timeout: float = 60) -> list[dict]:
    """`searcher query WORD --json` in a real process: exit 0/1 and JSON hits holding the word
    (in text or title), or exit 2 with a one-line error when no index was committed yet (then []
    is returned)."""
    run = subprocess.run(
        [sys.executable, "-m", "searcher", "query", word, "--index", str(index_dir), "--json"],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if run.returncode == 2:
        assert "Traceback" not in run.stderr and len(run.stderr.splitlines()) == 1, run.stderr
        assert "no index" in run.stderr or "is empty" in run.stderr, run.stderr
        return []
    assert run.returncode in (0, 1), (run.returncode, run.stderr)
    assert "Traceback" not in run.stderr, run.stderr
    hits = [json.loads(line) for line in run.stdout.splitlines()]
    forms = _forms(word)
    for hit in hits:
        assert any(form in fold_text(f"{hit['title']}\n{hit['text']}") for form in forms), hit
    return hits


def _forms(word: str) -> list[str]:
    """The word folded and its regional forms (社区 → Taiwan's 社群), as a query at query time
    (remote) or the index's table (local) finds them."""
    folded = fold_text(word)
    table = [other for form, other in word_forms([folded]) if form == folded]
    return [folded, *regional_forms(word), *table]


def leftovers(index_dir: Path) -> list[str]:
    """Names in the index directory that the committed state does not use: half-written
    generations or tables of contents, stale generations, anything else."""
    names = sorted(os.listdir(index_dir))
    tocs = [n for n in names if re.fullmatch(r"_MAIN_\d+\.toc", n)]
    if len(tocs) != 1:
        return [f"tables of contents: {tocs}"]
    generation = int(tocs[0][len("_MAIN_") : -len(".toc")])
    kept = (tocs[0], "MAIN_WRITELOCK", f"gen-{generation}", "searcher-index.json")
    extra = [name for name in names if name not in kept]
    if generation > 0 and f"gen-{generation}" not in names:
        extra.append(f"missing gen-{generation}")
    return extra


def lock_is_free(index_dir: Path) -> bool:
    """Whether a writer could take Whoosh's lock now (no process, orphan or not, holds it)."""
    path = index_dir / "MAIN_WRITELOCK"
    if not path.exists():
        return True
    fd = os.open(path, os.O_WRONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing drops the lock if we took it
    return True


def children(pid: int) -> list[int]:
    """Live child processes of `pid` (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry))
    return found


def alive(pids: list[int]) -> list[int]:
    """Those of `pids` still running (zombies count as gone: they hold no files or locks)."""
    living = []
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if stat.rsplit(")", 1)[1].split()[0] != "Z":
            living.append(pid)
    return living


# ---------------------------------------------------------------------------- fuzzed queries

_SYNTAX = (
    *'" “ ” - OR or AND NOT ( ) [ ] { } title: path: TITLE: -title: title:"'.split(),
    *": * ? ~ ^ + ! || / '".split(),
    *("\\", "　", " ", "\t", "\n", "\r", "\x00", "\x1b[31m", "\u200b", "\ufeff"),
)
_WORDS = ("网格", "管理", "社区", "臺灣", "ｗａｎｇ", "茶", "2024", "abc", "Ａ", "🍵", "条例")


def long_query(seed: int, longest: int) -> str:
    """500 to `longest` characters mixing CJK, ASCII, syntax, spaces and control characters."""
    rng = random.Random(seed)
    length = rng.choice((500, longest // 4, longest))
    pieces = []
    while sum(map(len, pieces)) < length:
        kind = rng.random()
        if kind < 0.4:
            pieces.append(chr(rng.randrange(0x4E00, 0x9FFF)))
        elif kind < 0.6:
            pieces.append(rng.choice(_SYNTAX))
        elif kind < 0.7:
            pieces.append(rng.choice(_WORDS))
        elif kind < 0.8:
            pieces.append(chr(rng.randrange(0, 0x110000)))  # any code point, surrogates too
        else:
            pieces.append(chr(rng.randrange(0x20, 0x7F)))
    return "".join(pieces)[:length]


def queries(longest: int = 10_000, short_per_long: int = 3) -> st.SearchStrategy[str]:
    """Random query text: any Unicode (surrogates and control characters included), operators,
    quotes, brackets, field prefixes; one in `short_per_long + 1` is `longest` characters or
    less (a 10,000-character query takes about 0.6 s even on the sample index)."""
    piece = st.one_of(
        st.sampled_from(_SYNTAX),
        st.sampled_from(_WORDS),
        st.text(max_size=8),
        st.characters(codec=None, categories=["Cc", "Cs", "Co", "Cn", "Zl", "Zp", "Mn", "Sk"]),
    )
    short = st.lists(piece, max_size=24).map("".join)
    long = st.integers(0, 2**32).map(lambda seed: long_query(seed, longest))
    return st.one_of(*[short] * short_per_long, long)


def check_search(searcher: Searcher, query: str, require_all: bool = False) -> None:
    """The query API answers, or refuses with a one-line QuerySyntaxError; never anything else."""
    try:
        result = searcher.search(query, limit=10, require_all=require_all)
    except QuerySyntaxError as err:
        assert str(err) and "\n" not in str(err), repr(str(err))
        return
    assert len(result.hits) <= 10 and result.total >= len(result.hits)
    for hit in result.hits:
        for span in hit.spans:
            assert 0 <= span.start_char < span.end_char <= len(hit.text), (span, len(hit.text))
        for span in hit.title_spans:
            assert 0 <= span.start_char < span.end_char <= len(hit.title), (span, hit.title)


def check_cli_json(exit_code: int, stdout: str, stderr: str) -> None:
    """`searcher query --json`: exit 0 with JSON hits, 1 with none, 2 with one JSON error line."""
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert exit_code in (0, 1, 2), (exit_code, stderr)
    hits = [json.loads(line) for line in stdout.splitlines()]
    if exit_code == 0:
        assert hits
    elif exit_code == 1:
        assert not hits
    else:
        lines = stderr.splitlines()
        assert len(lines) == 1 and json.loads(lines[0])["error"], stderr
