"""Regional vocabulary: keyword queries in the other region's words, beside the words as asked.

Plain script (pytest does not collect it); prints a markdown table for results-quality.md.
    python tests/benchmarks/eval_regional.py --index-root /tmp/quality-indexes
The keyword queries are eval_quality.py's (the 2 rarest words of each question). Each is
converted phrase by phrase with OpenCC: cmrc2018-dev (mainland) with s2twp, drcd (Taiwan) with
tw2sp. Two subsets: "phrases" keeps the queries whose phrase conversion differs from OpenCC's
plain script conversion (s2t, t2s), as issue 13 defines it; "words" only those whose conversion,
folded as searcher folds, differs from the query folded: there the region's *words* differ
(莱索托 → 賴索托, 紐西蘭 → 新西兰), not only its characters (台 → 臺). MRR@10 of the converted
queries should come within 0.02 of the same queries as asked. Last, whole questions as asked and
converted by script only (s2t, t2s), as in eval_quality.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import opencc
from eval_quality import ensure_ours, keyword_variant, read_jsonl

from searcher.analysis.normalize import fold_text
from searcher.search import Searcher
from searcher.search.evaluation import JudgedQuery, evaluate, read_qrels

K = 10
SETS = (("cmrc2018-dev", "s2twp", "s2t"), ("drcd", "tw2sp", "t2s"))


def regional_subset(
    judged: list[JudgedQuery], config: str, plain: str | None
) -> tuple[list[JudgedQuery], list[JudgedQuery]]:
    """(as asked, converted) for the queries whose phrases (against the `plain` conversion) or,
    without it, whose folded words the conversion changes."""
    converter = opencc.OpenCC(config)
    reference = opencc.OpenCC(plain) if plain else None
    asked, converted = [], []
    for item in judged:
        other = converter.convert(item.query)
        if reference is not None:
            differs = other != reference.convert(item.query)
        else:
            differs = fold_text(other) != fold_text(item.query)
        if differs:
            asked.append(item)
            converted.append(JudgedQuery(item.qid, other, item.relevant))
    return asked, converted


def mrr_pair(
    index: Path, first: list[JudgedQuery], second: list[JudgedQuery]
) -> tuple[float, float]:
    """MRR@K of two sets of queries on one index."""
    with Searcher.open(index) as searcher:
        before, after = (evaluate(searcher, q, K).metrics[f"MRR@{K}"] for q in (first, second))
    return before, after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-root", type=Path, default=Path("/work/shared/corpus"))
    parser.add_argument("--index-root", type=Path, required=True, help="Index cache directory.")
    parser.add_argument("--examples", type=int, default=5, help="Converted queries to show.")
    args = parser.parse_args()
    started = time.perf_counter()
    args.index_root.mkdir(parents=True, exist_ok=True)
    lines = [
        "| set | conversion | queries | MRR@10 as asked | MRR@10 converted | difference |",
        "|---|---|---|---|---|---|",
    ]
    examples = []
    for name, config, plain in SETS:
        folder = args.corpus_root / name
        corpus = read_jsonl(folder / "corpus.jsonl")
        keywords = keyword_variant(read_qrels(folder / "queries.jsonl"), corpus, 2)
        index = ensure_ours(folder / "corpus.jsonl", args.index_root / f"ours-{name}")
        for subset, reference in (("phrases", plain), ("words", None)):
            asked, converted = regional_subset(keywords, config, reference)
            before, after = mrr_pair(index, asked, converted)
            lines.append(
                f"| {name}: 2 rarest words, {subset} differ | {config} | {len(asked)}"
                f" | {before:.3f} | {after:.3f} | {after - before:+.3f} |"
            )
        pairs = zip(asked, converted, strict=True)
        examples += [f"{a.query} → {c.query}" for a, c in pairs][: args.examples]
        # Whole questions, converted by script only (s2t, t2s), as eval_quality.py does.
        questions = read_qrels(folder / "queries.jsonl")
        script = opencc.OpenCC(plain)
        whole = [JudgedQuery(q.qid, script.convert(q.query), q.relevant) for q in questions]
        before, after = mrr_pair(index, questions, whole)
        lines.append(
            f"| {name}: questions | {plain} | {len(questions)} | {before:.4f} | {after:.4f}"
            f" | {after - before:+.4f} |"
        )
    command = "python tests/benchmarks/eval_regional.py " + " ".join(sys.argv[1:])
    print(f"Produced by `{command}` in {time.perf_counter() - started:.0f} s.\n")
    print("\n".join(lines))
    print("\nExamples: " + "; ".join(examples))


if __name__ == "__main__":
    main()
