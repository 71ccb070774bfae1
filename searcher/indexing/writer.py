"""build_index(): bring an index up to date with files on disk, in one atomic commit.

The run takes the write lock, compares the files with the manifest of the current generation
(size and mtime, then content hash), analyses the passages of new and changed files on every core,
writes the next generation, then commits (store/commit.py). That rename is the commit point: a
run that fails or is killed before it leaves the previous state intact.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from searcher.analysis.analyzers import analysis_settings
from searcher.analysis.tokenizers import UserWord, read_userdict
from searcher.errors import (
    DocumentReadError,
    IndexVersionError,
    IndexWriteError,
    describe_os_error,
)
from searcher.indexing.analysis_pool import AnalysisPool, PoolStalledError
from searcher.indexing.batches import (
    EXTRACT_SECONDS,
    BatchOrigins,
    Progress,
    batches,
    files_to_read,
    placed,
    read_jobs,
)
from searcher.indexing.report import IndexReport
from searcher.indexing.rows import FileJob, RowsBuilder
from searcher.ingest.ignore import IgnoreRules
from searcher.ingest.ocr import OCR_HINT
from searcher.ingest.sources import discover_files
from searcher.oneline import escaped, shown_dir
from searcher.store.commit import IndexStore, PendingCommit, write_marker
from searcher.store.generation import Generation
from searcher.store.layout import FORMAT_VERSION
from searcher.store.segments import Rows, write_generation

__all__ = ["IndexReport", "build_index"]

Warn = Callable[[str], None]
_WARNINGS_PER_KIND = 20


@dataclass
class _Run:
    """One locked run: where it writes, who analyses, and what it reports."""

    store: IndexStore
    pending: PendingCommit
    pool: AnalysisPool
    report: IndexReport
    warn: Warn
    progress: Progress | None
    follow: bool = False
    extract_seconds: float = EXTRACT_SECONDS  # the time limit for reading one document
    # What this run said of the ignore rules, applied to those the index recorded.
    ignore_given: Callable[[IgnoreRules], IgnoreRules] = lambda recorded: recorded
    rules: IgnoreRules = IgnoreRules()  # the rules of this run, once the recorded ones are read
    warned: Counter[str] = field(default_factory=Counter)  # warnings by kind

    def ignored(self, path: Path) -> None:
        self.report.ignored += 1

    def skip(self, path: Path, reason: str) -> None:
        """A file (or a JSONL line) not indexed: said on stderr, the first few of each reason;
        100,000 empty files are one line each for 20 of them, then one line for the rest."""
        self.report.skipped.append(f"{path}: {reason}")
        self.warn_some(
            f"skipped for the same reason: {re.sub(r'[0-9]+', 'N', reason)}",
            f"skipped {escaped(str(path))}: {reason}",
        )

    def repeated_id(self, message: str) -> None:
        self.warn_some("ids already used, indexed under a qualified id", message)

    def warn_some(self, kind: str, message: str) -> None:
        """The first few warnings of a kind, one line each; summarise_warnings() counts the rest."""
        self.warned[kind] += 1
        if self.warned[kind] <= _WARNINGS_PER_KIND:
            self.warn(message)

    def summarise_warnings(self) -> None:
        for kind, count in self.warned.items():
            if count > _WARNINGS_PER_KIND:
                self.warn(f"{count - _WARNINGS_PER_KIND:,} more {kind}")

    def note(self, path: Path, message: str) -> None:
        """Something about a file that is indexed all the same: said, not counted as skipped."""
        self.warn(f"{escaped(str(path))}: {message}")


def build_index(
    paths: Sequence[Path | str],
    index_dir: Path | str,
    *,
    rebuild: bool = False,
    wait_seconds: float = 0.0,
    userdict: Path | None = None,
    warn: Warn | None = None,
    progress: Progress | None = None,
    forget: Sequence[Path | str] = (),
    follow: bool = False,
    hidden: bool | None = None,
    no_ignore: bool | None = None,
    exclude: Sequence[str] | None = None,
    extract_seconds: float = EXTRACT_SECONDS,
    workers: int | None = None,
) -> IndexReport:
    """Index `paths` (files and directories) into `index_dir`, and remember them as its roots.

    No paths: update every root the index holds (rebuild: rebuild them all). `forget`: drop
    those roots and their passages. A recorded root that is missing, unreadable or suddenly
    empty (an unmounted disk) is skipped with a warning and its passages are kept.

    The ignore rules (ingest/ignore.py) are recorded with the index: `hidden` (walk hidden
    names), `no_ignore` (read no ignore file) and `exclude` (globs, relative to each root;
    replaces the recorded list) change them, None keeps what the index recorded. A change
    walks every root again, so what the new rules leave out leaves the index.

    A document (PDF, DOCX, EPUB, image) that takes longer than `extract_seconds` to read is
    skipped, as a file that cannot be read.

    `workers`: analysis processes (None: one per core; 1: in this process, which for a file or
    two is quicker than starting them: `searcher watch`).
    """
    started = time.perf_counter()
    index_dir = Path(index_dir)
    report = IndexReport()
    warn = warn or (lambda message: None)
    roots = _resolved(paths)
    for root in roots:
        if not root.exists():
            raise DocumentReadError(f"{escaped(str(root))}: no such file or directory")
    forgotten = _resolved(forget)
    IgnoreRules(exclude=tuple(exclude or ()))  # a bad glob is an error before any work
    userdict_text = _read_userdict(userdict)
    store = IndexStore.open_or_create(index_dir)
    # Workers start before the lock is taken, so none of them can ever hold it (analysis_pool).
    pool = AnalysisPool(_userdict_words(userdict_text, store), workers)
    try:
        with store.write_lock(wait_seconds, warn) as pending:
            run = _Run(store, pending, pool, report, warn, progress, follow, extract_seconds)
            run.ignore_given = lambda recorded: recorded.replaced(hidden, no_ignore, exclude)
            try:
                store.clean_up(pending)
                _update(run, roots, rebuild, forgotten, userdict_text)
                run.summarise_warnings()
            except BaseException:
                store.discard_uncommitted(pending)  # under the lock: a half-written generation
                raise
    except OSError as err:
        raise IndexWriteError(
            f"could not update the index at {shown_dir(index_dir)}: {describe_os_error(err)};"
            " the previous index is unchanged"
        ) from err
    except KeyboardInterrupt as err:
        err.add_note(_interrupted(report))  # the CLI prints it: what was done before Ctrl+C
        raise
    finally:
        pool.close()
    report.index_bytes = store.size_bytes()
    report.seconds = time.perf_counter() - started
    return report


def _update(
    run: _Run, given: list[Path], rebuild: bool, forget: list[Path], userdict_text: str | None
) -> None:
    """The locked part of a run: read, analyse, write the next generation, commit."""
    current = None if rebuild else run.store.current_generation(run.pending)
    # A rebuild starts over, but from the roots and user dictionary of the index it replaces,
    # read as plain JSON however damaged the rest is.
    known = current.meta if current is not None else run.store.known_settings(run.pending)
    if userdict_text is None:
        userdict_text = known.get("userdict")
    settings = analysis_settings(_sha1(userdict_text.encode()) if userdict_text else None)
    _check_settings(current, settings, run.store.directory)
    recorded = [Path(root) for root in known.get("roots", [])]
    roots = [r for r in _merged(recorded + given) if not any(_within(r, f) for f in forget)]
    if not roots and not forget:
        raise DocumentReadError("name at least one file or folder to index")
    recorded_rules = IgnoreRules.from_json(known.get("ignore"))
    run.rules = run.ignore_given(recorded_rules)
    builder = RowsBuilder.start(current, run.pending.directory, rebuild, run.repeated_id)
    new_rules = run.rules != recorded_rules
    # New rules and new roots are recorded, whatever files they change.
    builder.changed |= new_rules or [str(r) for r in roots] != known.get("roots", [])
    for path in [p for p in builder.files if any(_within(Path(p), f) for f in forget)]:
        builder.remove_file(path)
        run.report.files_removed += 1
    # Every root is walked again under new rules, so what they leave out leaves the index.
    everything = rebuild or new_rules or not (given or forget)
    scan = roots if everything else _merged(given + [r for r in roots if _inside(r, given)])
    failed = _add_files(run, builder, _present(run, builder, scan))
    _remember_skipped(builder, failed)
    run.report.roots = [str(root) for root in roots]
    if not builder.changed and current is not None:
        run.report.passages = builder.live_rows
        run.store.discard_uncommitted(run.pending)  # nothing to commit: drop the work directory
        return
    meta = {
        "format": FORMAT_VERSION,
        "analysis": settings,
        "roots": run.report.roots,
        "userdict": userdict_text,
        "next_file": builder.next_file,
        "skipped": builder.skipped,
        "ignore": run.rules.as_json(),
        "updated": time.time(),
    }
    _commit(run, builder, failed, meta)


def _add_files(run: _Run, builder: RowsBuilder, roots: list[Path]) -> list[FileJob]:
    """Read what changed under `roots` and add its analysed passages; the files whose reading
    failed midway are returned."""
    sources = list(
        discover_files(roots, run.skip, follow=run.follow, rules=run.rules, on_ignored=run.ignored)
    )
    to_read = files_to_read(builder, sources, roots, run.report)
    run.report.files_to_read = len(to_read)
    failed: list[FileJob] = []
    jobs = read_jobs(builder, to_read, run.skip, run.report, run.progress, failed, run.note)
    origins = BatchOrigins()
    tasks = batches(jobs, origins, failed, run.extract_seconds)
    # A document's reading ends by its time limit, unless stuck inside one call into PDFium.
    stall = 2 * run.extract_seconds + 10 if run.extract_seconds > 0 else None
    try:
        for results in run.pool.map(tasks, stall):
            items = origins.pop()
            for job, passage, result in placed(
                items, results, run.skip, run.report, failed, run.note
            ):
                builder.add(job, passage, result)
    except PoolStalledError:
        [(job, _), *_] = origins.pop()
        raise IndexWriteError(
            f"{escaped(str(job.source.path))}: reading it took over {stall:g} s and did not stop;"
            " leave it out (searcher index --exclude) and run again. The previous index is"
            " unchanged"
        ) from None
    if run.report.images_without_ocr:
        count = run.report.images_without_ocr
        run.warn(f"{count} image{'s' if count > 1 else ''} not read: {OCR_HINT}")
    return failed


def _commit(run: _Run, builder: RowsBuilder, failed: list[FileJob], meta: dict) -> None:
    rows, files, docs = builder.finish()
    files = _retract(rows, files, failed)
    write_generation(run.pending.directory, rows, meta, files, docs, map_tasks=run.pool.map_tasks)
    run.pending.commit()
    run.report.committed = True
    run.report.passages = int(rows.row_live.sum())
    try:  # after the commit point: a failure here leaves the new state standing
        run.store.remove_stale_generations(keep=run.pending.generation)
        # Beside the generation, where a rebuild finds them even if everything else is damaged.
        write_marker(run.store.directory, {"roots": meta["roots"], "ignore": meta["ignore"]})
    except OSError as err:
        run.warn(
            f"the update was committed, but tidying up failed ({describe_os_error(err)});"
            " the next run finishes it"
        )


def _remember_skipped(builder: RowsBuilder, failed: list[FileJob]) -> None:
    for job in failed:
        if job.failed and job.added == 0:
            source = job.source
            builder.skipped[str(source.path)] = [source.size, source.mtime_ns, job.failed]
            builder.changed = True


def _retract(rows: Rows, files: list[dict], failed: list[FileJob]) -> list[dict]:
    """The manifest without the files whose reading failed after some of their passages were
    added; those rows die. The next run reads such a file again, as a new one. (Their documents
    are in the segment this run writes, which Whoosh cannot delete from before it is committed:
    they stay in the record, dead to every reader, until the next re-pack.)"""
    numbers = [job.number for job in failed if job.number >= 0]
    if not numbers:
        return files
    rows.row_live[np.isin(rows.row_file, numbers)] = False
    return [entry for entry in files if entry["number"] not in numbers]


def _resolved(paths: Sequence[Path | str]) -> list[Path]:
    """Real paths, so a folder reached through a symbolic link is indexed once."""
    return _merged([Path(os.path.realpath(path)) for path in paths])


def _merged(roots: list[Path]) -> list[Path]:
    """Sorted, without repeats or folders inside other roots. A file inside a folder root stays
    a root of its own while it is there: named explicitly, it is indexed even where the
    folder's ignore rules leave it out (gone, its folder's walk says so, as of any file)."""
    unique = sorted(set(roots))
    return [
        root
        for root in unique
        if not any(_under(root, other) for other in unique) or root.is_file()
    ]


def _under(path: Path, root: Path) -> bool:
    """Whether `path` is inside `root` (not `root` itself)."""
    return path != root and path.is_relative_to(root)


def _within(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


def _inside(path: Path, roots: list[Path]) -> bool:
    """Whether `path` is inside one of `roots`: a file named explicitly before, inside a folder
    named now, is walked as a root of its own again."""
    return any(_under(path, root) for root in roots)


def _present(run: _Run, builder: RowsBuilder, roots: list[Path]) -> list[Path]:
    """The roots to walk. One that is missing, unreadable, or holds no file any more while the
    index holds some of it (a disk not mounted) is skipped, its passages kept."""
    present = []
    for root in roots:
        reason = _unreachable(root, builder)
        if reason is None:
            present.append(root)
            continue
        run.report.missing_roots.append(str(root))
        run.warn(
            f"{escaped(str(root))} {reason}; its passages are kept"
            f" (searcher index --forget {escaped(str(root))} drops them)"
        )
    return present


def _unreachable(root: Path, builder: RowsBuilder) -> str | None:
    try:
        if not root.is_dir():
            return None if root.exists() else "is missing"
        with os.scandir(root) as entries:
            empty = next(entries, None) is None
    except OSError as err:
        return f"cannot be read ({describe_os_error(err)})"
    if empty and any(Path(path).is_relative_to(root) for path in builder.files):
        return "is empty (a disk not mounted?)"
    return None


def _interrupted(report: IndexReport) -> str:
    read = report.files_new + report.files_changed
    if report.committed:
        return f"the update was committed ({read} files read, {report.passages} passages)"
    return (
        f"stopped after reading {read} of {report.files_to_read} files;"
        " nothing was committed, the index is as it was"
    )


def _check_settings(current: Generation | None, settings: dict, index_dir: Path) -> None:
    if current is None:
        return
    if current.meta.get("format") != FORMAT_VERSION or current.meta.get("analysis") != settings:
        raise IndexVersionError(
            f"the index at {shown_dir(index_dir)} was built by another version or with other"
            " analysis settings (user dictionary, segmenter);"
            f" run: searcher index --rebuild --index {shown_dir(index_dir)}"
        )


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


# jieba's own dictionary is 5 MB; a user dictionary ten times that is not one (/dev/zero is).
_MAX_USERDICT_BYTES = 50 * 1024 * 1024


def _read_userdict(path: Path | None) -> str | None:
    """The user dictionary's text: a regular file (a FIFO would block forever) under a cap."""
    if path is None:
        return None
    shown = escaped(str(path))
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise DocumentReadError(f"the user dictionary {shown} is not a regular file")
            data = handle.read(_MAX_USERDICT_BYTES + 1)
    except OSError as err:
        raise DocumentReadError(
            f"cannot read the user dictionary {shown}: {describe_os_error(err)}"
        ) from err
    if len(data) > _MAX_USERDICT_BYTES:
        raise DocumentReadError(f"the user dictionary {shown} is over 50 MB: not a dictionary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DocumentReadError(f"the user dictionary {shown} is not UTF-8 text") from err


def _userdict_words(text: str | None, store: IndexStore) -> list[UserWord]:
    if text is None:
        text = store.stored_userdict()
    return read_userdict(text) if text else []
