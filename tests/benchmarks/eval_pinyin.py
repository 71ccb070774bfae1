"""Pinyin and homophone-typo queries on cmrc2018-dev: the 2 rarest words of each question (the
keyword queries of eval_quality.py) typed as toneless full pinyin, as initials, and with one
character of one word replaced by another character of the same toneless pinyin.

Plain script (pytest does not collect it). Writes the three query sets as qrels files into
--index-root (so `searcher eval FILE --index DIR` of any checkout can run them: the "before"
figures) and prints MRR@10 and recall of this checkout, and for typos how often the suggestion
is the original query where the typed word occurs nowhere in the collection.
    python tests/benchmarks/eval_pinyin.py --index-root /tmp/quality-indexes
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

from eval_quality import ensure_ours, keyword_variant, read_jsonl
from pypinyin import Style, lazy_pinyin

from searcher.analysis.pinyin import char_readings
from searcher.search import Searcher
from searcher.search.evaluation import JudgedQuery, evaluate, read_qrels

K = 10
_HAN = re.compile("[\u4e00-\u9fff]")


def pinyin_variant(judged: list[JudgedQuery], initials: bool) -> list[JudgedQuery]:
    """Each word as its toneless pinyin, syllables run together (or their first letters only),
    words apart: 莱索托 首都 → laisuotuo shoudu (lst sd)."""
    variant = []
    for item in judged:
        words = []
        for word in item.query.split():
            syllables = lazy_pinyin(word, style=Style.NORMAL)
            words.append("".join(s[0] if initials and s.isalpha() else s for s in syllables))
        variant.append(JudgedQuery(item.qid, " ".join(words), item.relevant))
    return variant


def typo_variant(
    judged: list[JudgedQuery], corpus_chars: Counter[str], seed: int
) -> list[JudgedQuery]:
    """One character of one word replaced by another of the same toneless reading (in context),
    picked among the collection's 20 most frequent such characters, as an input method offers
    common characters first. A query with no such character is left out."""
    by_reading: dict[str, list[str]] = {}
    table = char_readings()
    for char, _ in corpus_chars.most_common():
        if char in table:
            by_reading.setdefault(table[char][0], []).append(char)
    rng = random.Random(seed)
    variant = []
    for item in judged:
        words = item.query.split()
        places = [
            (w, c)
            for w, word in enumerate(words)
            for c, char in enumerate(word)
            if _HAN.match(char) and len(word) > 1
        ]
        rng.shuffle(places)
        for w, c in places:
            reading = lazy_pinyin(words[w], style=Style.NORMAL)[c]
            others = [ch for ch in by_reading.get(reading, [])[:20] if ch != words[w][c]]
            if others:
                word = words[w]
                words[w] = word[:c] + rng.choice(others) + word[c + 1 :]
                variant.append(JudgedQuery(item.qid, " ".join(words), item.relevant))
                break
    return variant


def suggestion_rate(
    searcher: Searcher, typos: list[JudgedQuery], originals: dict[str, str], text: str
) -> tuple[int, int, int]:
    """(queries whose typo word occurs nowhere in `text`, of those how many get the original
    query as suggestion, how many get any suggestion)."""
    absent = right = any_suggestion = 0
    for item in typos:
        original = originals[item.qid]
        changed = [t for t, o in zip(item.query.split(), original.split(), strict=True) if t != o]
        if any(word in text for word in changed):
            continue
        absent += 1
        suggestion = searcher.search(item.query, limit=1).suggestion
        any_suggestion += bool(suggestion)
        right += suggestion == original
    return absent, right, any_suggestion


def write_qrels(path: Path, judged: list[JudgedQuery]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for item in judged:
            record = {"qid": item.qid, "query": item.query, "relevant": sorted(item.relevant)}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-root", type=Path, default=Path("/work/shared/corpus"))
    parser.add_argument("--index-root", type=Path, required=True, help="Index cache directory.")
    parser.add_argument("--queries", type=int, default=None, help="First N queries.")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    started = time.perf_counter()
    root = args.corpus_root / "cmrc2018-dev"
    args.index_root.mkdir(parents=True, exist_ok=True)
    corpus = read_jsonl(root / "corpus.jsonl")
    judged = read_qrels(root / "queries.jsonl")[: args.queries]
    keywords = keyword_variant(judged, corpus, 2)
    text = "\n".join(f"{r.get('title') or ''}\n{r['text']}" for r in corpus)
    sets = {
        "2 rarest words": keywords,
        "as full pinyin": pinyin_variant(keywords, initials=False),
        "as initials": pinyin_variant(keywords, initials=True),
        "one homophone typo": typo_variant(keywords, Counter(text), args.seed),
    }
    index = ensure_ours(root / "corpus.jsonl", args.index_root / "ours-cmrc")
    lines = [
        "| cmrc2018-dev set | queries | MRR@10 | R@1 | R@10 | file |",
        "|---|---|---|---|---|---|",
    ]
    with Searcher.open(index) as searcher:
        for name, queries in sets.items():
            path = args.index_root / f"cmrc-{name.replace(' ', '-')}.jsonl"
            write_qrels(path, queries)
            metrics = evaluate(searcher, queries, K).metrics
            lines.append(
                f"| {name} | {len(queries)} | {metrics['MRR@10']:.3f} | {metrics['R@1']:.3f}"
                f" | {metrics['R@10']:.3f} | {path.name} |"
            )
            print(lines[-1], file=sys.stderr, flush=True)
        originals = {item.qid: item.query for item in keywords}
        absent, right, any_suggestion = suggestion_rate(
            searcher, sets["one homophone typo"], originals, text
        )
    print(f"Produced by `python tests/benchmarks/eval_pinyin.py {' '.join(sys.argv[1:])}`", end="")
    print(f" in {time.perf_counter() - started:.0f} s.\n")
    print("\n".join(lines))
    print(
        f"\nTypo word absent from the collection: {absent} queries; suggestion = the original"
        f" query: {right} ({right / max(absent, 1):.1%}); any suggestion: {any_suggestion}."
    )


if __name__ == "__main__":
    main()
