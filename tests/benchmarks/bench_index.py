"""Indexing benchmark: ours against the naive recipe (naive.py), in the same run.

    python tests/benchmarks/bench_index.py                  the whole zh-laws corpus (~10 min)
    python tests/benchmarks/bench_index.py --max-mb 5       a quick run on the first 5 MB

Measures a full build of the JSONL corpus (MB of text per second, wall, CPU, peak RSS, size on
disk), then the corpus split into one Markdown file per law: first build, a no-op re-run, and a
re-run after changing 1% of the files. Every build is a child process. Writes its table into
results-speed.md (section bench_index) and prints it.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from measure import (
    CORPUS,
    PYTHON,
    Run,
    corpus_subset,
    dir_mb,
    machine_line,
    ratio,
    run,
    split_by_law,
    write_section,
)

NAIVE = str(Path(__file__).with_name("naive.py"))


def searcher_index(paths: list[Path], index_dir: Path, rebuild: bool = False) -> Run:
    args = [PYTHON, "-m", "searcher", "index", *map(str, paths), "--index", str(index_dir), "-q"]
    return run(args + (["--rebuild"] if rebuild else []))


def naive(*args: object) -> Run:
    return run([PYTHON, NAIVE, *map(str, args)])


def change_one_percent(folder: Path) -> int:
    """Append a paragraph to every 100th file (at least one); returns how many changed."""
    files = sorted(folder.glob("*.md"))
    chosen = files[::100] or files[:1]
    for path in chosen:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write("\n第九百九十九条 本条为基准测试新增的段落，用于检验增量索引。\n")
    return len(chosen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--max-mb", type=float, help="use the first N MB of text")
    parser.add_argument(
        "--naive-max-mb",
        type=float,
        help="the naive full build on a smaller subset (it indexes ~0.26 MB/s); default: same",
    )
    parser.add_argument("--work", type=Path, help="working directory (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the indexes for bench_query")
    parser.add_argument("--no-write", action="store_true", help="print, don't update the file")
    options = parser.parse_args()

    work = options.work or Path(tempfile.mkdtemp(prefix="searcher-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus, text_mb = corpus_subset(options.corpus, options.max_mb, work)
    naive_max = options.naive_max_mb if options.naive_max_mb is not None else options.max_mb
    naive_corpus, naive_mb = corpus_subset(options.corpus, naive_max, work)
    print(f"corpus: {corpus} ({text_mb:.1f} MB of text); naive: {naive_mb:.1f} MB", flush=True)
    machine = machine_line()

    ours_dir, naive_dir = work / "ours-jsonl", work / "naive-jsonl"
    for directory in (ours_dir, naive_dir):
        shutil.rmtree(directory, ignore_errors=True)
    ours = searcher_index([corpus], ours_dir, rebuild=True)
    print(f"ours full build: {ours.wall_s:.1f} s", flush=True)
    base = naive("build", naive_dir, naive_corpus)
    print(f"naive full build: {base.wall_s:.1f} s", flush=True)

    folder = work / "laws"
    shutil.rmtree(folder, ignore_errors=True)
    files = split_by_law(corpus, folder)
    ours_folder, naive_folder = work / "ours-folder", work / "naive-folder"
    for directory in (ours_folder, naive_folder):
        shutil.rmtree(directory, ignore_errors=True)
    folder_runs: dict[str, tuple[Run, Run]] = {}
    folder_runs["first build"] = (
        searcher_index([folder], ours_folder),
        naive("folder", naive_folder, folder),
    )
    folder_runs["no-op re-run"] = (
        searcher_index([folder], ours_folder),
        naive("folder", naive_folder, folder),
    )
    changed = change_one_percent(folder)
    folder_runs[f"after changing {changed} files (1%)"] = (
        searcher_index([folder], ours_folder),
        naive("folder", naive_folder, folder),
    )
    print("folder runs done", flush=True)

    same = naive_mb == text_mb
    naive_note = "" if same else f" (naive on the first {naive_mb:.1f} MB)"
    ours_speed, naive_speed = text_mb / ours.wall_s, naive_mb / base.wall_s
    same_wall = ratio(ours.wall_s, base.wall_s, False) if same else ""
    same_size = ratio(dir_mb(ours_dir), dir_mb(naive_dir), False) if same else ""
    rows = [
        "| | ours | naive | ours vs naive |",
        "|---|---:|---:|---:|",
        f"| full build, MB of text/s{naive_note} | {ours_speed:.2f} | {naive_speed:.2f}"
        f" | {ratio(ours_speed, naive_speed, True)} |",
        f"| full build, wall s | {ours.wall_s:.1f} | {base.wall_s:.1f} | {same_wall} |",
        f"| full build, CPU s (all processes) | {ours.cpu_s:.1f} | {base.cpu_s:.1f} | |",
        f"| full build, peak RSS of the largest process, MB | {ours.max_rss_mb:.0f}"
        f" | {base.max_rss_mb:.0f} | |",
        f"| full build, peak memory of all processes together (PSS), MB | {ours.tree_pss_mb:.0f}"
        f" | {base.tree_pss_mb:.0f} | |",
        f"| index size, MB | {dir_mb(ours_dir):.0f} | {dir_mb(naive_dir):.0f} | {same_size} |",
    ]
    for label, (mine, theirs) in folder_runs.items():
        rows.append(
            f"| {files} files: {label}, wall s | {mine.wall_s:.2f} | {theirs.wall_s:.2f}"
            f" | {ratio(mine.wall_s, theirs.wall_s, False)} |"
        )
    rows.append(
        f"| {files} files: index size, MB | {dir_mb(ours_folder):.0f}"
        f" | {dir_mb(naive_folder):.0f} | |"
    )
    table = "\n".join(rows)
    markdown = (
        f"### Indexing ({text_mb:.1f} MB of text, {corpus.name})\n\n"
        f"`python tests/benchmarks/bench_index.py"
        f"{f' --max-mb {options.max_mb:g}' if options.max_mb else ''}"
        f"{f' --naive-max-mb {naive_max:g}' if naive_max != options.max_mb else ''}`"
        f" — {machine}\n\n{table}\n"
    )
    print(markdown)
    if not options.no_write:
        write_section("bench_index", markdown)
    if not options.keep and options.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
