"""Pinyin, typo and build-cost benchmark on zh-laws: the same words typed as Chinese (the
baseline, measured in the same run), as full pinyin, as initials, and with a homophone typo.

    python tests/benchmarks/bench_pinyin.py --index /tmp/laws-index     reuse (or build) an index

Words are drawn (seed 5) from the index's vocabulary, two to four characters, found in at least
3 passages. Measures warm latency (one process, index open, top 10 with highlighting, after one
warm-up query) and `searcher query` as a fresh process (whole wall time), and what the pinyin
table costs: its size on disk and the CPU time to read the vocabulary from scratch (what a full
build adds) and with every word already read (an update). Writes its table into
results-speed.md (section bench_pinyin) and prints it.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from bench_query import compile_package, searcher_command
from measure import CORPUS, machine_line, percentile, run, write_section
from pypinyin import Style, lazy_pinyin

from searcher.analysis.pinyin import char_readings, is_pinyin_word
from searcher.indexing.writer import build_index
from searcher.search import Searcher
from searcher.store.generation import open_generation
from searcher.store.pinyin_table import PINYIN_FILES, write_pinyin

SEED = 5


def sample_words(index: Path, count: int) -> list[str]:
    generation = open_generation(index)
    try:
        frequencies = generation.document_frequencies().tolist()
        words = [
            word
            for word, frequency in zip(generation.terms(), frequencies, strict=True)
            if is_pinyin_word(word) and 2 <= len(word) <= 4 and frequency >= 3
        ]
    finally:
        generation.close()
    return random.Random(SEED).sample(sorted(words), count)


ENGLISH = (
    "the of and to in is was for on that with as by at from his an are this be which or it had"
    " not but have were one all they she her their been has more when who will no would there"
    " if so can out up time about into than its only other some could new these two may first"
    " then do any like my now over such our man me even most made after also did many before"
    " must through back years where much your way well down should because each just those"
    " people how too little state good very make world still own see men work long get here"
    " between both life being under never day same another know while last might us great old"
    " year off come since against go came right used take three"
).split()


def variants(words: list[str]) -> dict[str, list[str]]:
    """Each word as typed, as full pinyin (also spaced after its first syllable), as
    initials, with one homophone typo; and as many pastes of English words."""
    table = char_readings()
    by_reading: dict[str, list[str]] = {}
    for char, readings in table.items():
        if char.isascii():
            continue
        by_reading.setdefault(readings[0], []).append(char)
    rng = random.Random(SEED)
    typos = []
    for word in words:
        at = rng.randrange(len(word))
        reading = lazy_pinyin(word, style=Style.NORMAL)[at]
        others = [c for c in by_reading.get(reading, []) if c != word[at]] or [word[at]]
        typos.append(word[:at] + rng.choice(others[:20]) + word[at + 1 :])
    readings = [lazy_pinyin(w, style=Style.NORMAL) for w in words]
    return {
        "Chinese (baseline)": words,
        "full pinyin": ["".join(syllables) for syllables in readings],
        # shu juku, wang ge: a space where the word does not end (search/pinyin.py joins them)
        "full pinyin, spaced after the first syllable": [
            f"{syllables[0]} {''.join(syllables[1:])}" for syllables in readings
        ],
        "initials": ["".join(s[0] for s in syllables) for syllables in readings],
        "homophone typo": typos,
        # Latin words that are not pinyin, as pasted English: each few are tried as one word.
        "12 English words": [
            " ".join(rng.choice(ENGLISH) for _ in range(12)) for _ in range(len(words))
        ],
    }


def warm(index: Path, queries: list[str]) -> list[float]:
    times = []
    with Searcher.open(index) as searcher:
        searcher.search("预热")
        for query in queries:
            started = time.perf_counter()
            searcher.search(query, limit=10)
            times.append((time.perf_counter() - started) * 1000)
    return times


def fresh(index: Path, queries: list[str]) -> list[float]:
    command = searcher_command()
    return [
        run([*command, "query", query, "--index", str(index), "--color", "never"]).wall_s * 1000
        for query in queries
    ]


def table_cost(index: Path) -> tuple[float, float, float]:
    """(MB of the pinyin files, CPU s to read the vocabulary from scratch, with all known)."""
    generation = open_generation(index)
    try:
        directory = generation.directory
        size = sum((directory / name).stat().st_size for name in PINYIN_FILES) / 1e6
        vocabulary = generation.terms()
        known = generation.pinyin().term_readings()
    finally:
        generation.close()
    costs = []
    for readings in ({}, known):
        with tempfile.TemporaryDirectory() as out:
            started = time.process_time()
            write_pinyin(Path(out), vocabulary, readings)
            costs.append(time.process_time() - started)
    return size, costs[0], costs[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="zh-laws index (built if absent)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--words", type=int, default=100, help="words per variant, warm")
    parser.add_argument("--fresh", type=int, default=20, help="of those, run as fresh processes")
    args = parser.parse_args()
    machine = machine_line()
    if not args.index.exists():
        build_index([args.corpus], args.index)
    compile_package()
    sets = variants(sample_words(args.index, args.words))
    lines = [
        "| queries (same words) | warm p50 / p95, ms | fresh `searcher query` p50 / p95, ms |",
        "|---|---|---|",
    ]
    for name, queries in sets.items():
        hot = warm(args.index, queries)
        cold = fresh(args.index, queries[: args.fresh])
        hot_ms = f"{percentile(hot, 50):.1f} / {percentile(hot, 95):.1f}"
        cold_ms = f"{percentile(cold, 50):.0f} / {percentile(cold, 95):.0f}"
        lines.append(f"| {name} ({len(queries)} / {len(cold)}) | {hot_ms} | {cold_ms} |")
        print(lines[-1], flush=True)
    size, scratch, kept = table_cost(args.index)
    report = "\n".join(
        [
            f"Produced by `python tests/benchmarks/bench_pinyin.py --index {args.index}`;"
            f" {machine}",
            "",
            *lines,
            "",
            f"Pinyin table of this index: {size:.2f} MB. Reading the whole vocabulary from scratch"
            f" (a full build, on one core): {scratch:.2f} CPU-s; with every word already read"
            f" (an update): {kept:.2f} CPU-s.",
        ]
    )
    write_section("bench_pinyin", report)
    print(report)


if __name__ == "__main__":
    main()
