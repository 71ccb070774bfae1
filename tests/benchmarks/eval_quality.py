"""Search quality on the public sets in ../shared/corpus: ours beside the naive recipe.

Plain script (pytest does not collect it). A full run rewrites its section of
tests/benchmarks/results-quality.md (between the eval_quality markers; notes around it
stay); a partial one (--queries, --no-naive, --no-literal, --no-relevance) only prints.
    /tmp/probe/bin/python tests/benchmarks/eval_quality.py --index-root /tmp/quality-indexes
Relevance sets (cmrc2018-dev, drcd): full questions, script-converted questions and corpora, and
keyword variants. Literal recall (recall.py): random 1-6 character strings and bench_query.py's
query mix on a zh-laws subset, checked against a plain scan of title + text. Baseline: Whoosh +
jieba.analyse.ChineseAnalyzer, BM25F, OR-grouped query.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import opencc
from bench_query import sample_queries
from measure import write_section
from recall import literal_recall, literal_table, mix_recall, mix_table

from searcher.analysis.normalize import fold_text
from searcher.errors import IndexVersionError
from searcher.indexing.writer import build_index
from searcher.search import Searcher
from searcher.search.evaluation import (
    JudgedQuery,
    evaluate,
    metric_names,
    rank_metrics,
    read_qrels,
)

K = 10
METRICS = metric_names(K)
# From the corpus READMEs: jieba + rank_bm25 BM25Okapi on text (title + text in brackets), and the
# MRR@10 of the quick prototype.
REFERENCE = {
    "cmrc2018-dev": (
        [0.971, 0.956, 0.990, 0.992, 0.998],
        [0.978, 0.966, 0.994, 0.994, 0.998],
        0.986,
    ),
    "drcd": ([0.907, 0.862, 0.963, 0.976, 0.992], [0.908, 0.864, 0.964, 0.978, 0.992], 0.939),
}
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class QuerySet:
    name: str  # row label
    corpus: str  # key of the index the set is searched on
    judged: list[JudgedQuery]
    reference: str | None = None  # REFERENCE key when the README numbers apply


# -------------------------------------------------------------------------------- indexes


def ensure_ours(source: Path, directory: Path) -> Path:
    """Index `source` into `directory`, reusing an up-to-date index."""
    try:
        build_index([source], directory)
    except IndexVersionError:
        build_index([source], directory, rebuild=True)
    return directory


def ensure_naive(source: Path, directory: Path):  # noqa: ANN201 - a Whoosh index
    """The naive recipe: one Whoosh TEXT field analysed by jieba.analyse.ChineseAnalyzer."""
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields, index

    if index.exists_in(str(directory)):
        return index.open_dir(str(directory))
    directory.mkdir(parents=True, exist_ok=True)
    schema = fields.Schema(id=fields.ID(stored=True), text=fields.TEXT(analyzer=ChineseAnalyzer()))
    ix = index.create_in(str(directory), schema)
    with ix.writer(limitmb=256) as writer:
        for record in read_jsonl(source):
            writer.add_document(id=record["id"], text=record["text"])
    return ix


def naive_search(ix, query: str, limit: int | None) -> list[str]:  # noqa: ANN001 - Whoosh index
    """Document ids, best first, for the query parsed by Whoosh's QueryParser with OrGroup."""
    from whoosh.qparser import OrGroup, QueryParser

    parser = QueryParser("text", ix.schema, group=OrGroup)
    with ix.searcher() as searcher:
        results = searcher.search(parser.parse(query), limit=limit)
        return list(dict.fromkeys(hit["id"] for hit in results))


def evaluate_naive(ix, judged: list[JudgedQuery]) -> dict[str, float]:  # noqa: ANN001
    depth = 100
    totals = Counter()
    for item in judged:
        ranked = naive_search(ix, item.query, depth)
        totals.update(rank_metrics(ranked, item.relevant, K))
    return {name: totals[name] / len(judged) for name in METRICS}


# -------------------------------------------------------------------------------- query sets


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def converted(judged: list[JudgedQuery], config: str) -> list[JudgedQuery]:
    converter = opencc.OpenCC(config)
    return [JudgedQuery(q.qid, converter.convert(q.query), q.relevant) for q in judged]


# Words nobody types as a keyword: they ask (什么, 哪), or glue a sentence together (的, 是).
_NOT_KEYWORDS = frozenset(
    "什么 什么样 为什么 哪 哪个 哪一 哪些 哪里 哪儿 哪年 哪一年 哪位 哪种 谁 何 为何 如何 何时"
    " 何地 多少 多久 几 怎么 怎样 是否 吗 呢 的 了 是 在 和 与 及 或 被 把 有 由".split()
)


def keyword_variant(judged: list[JudgedQuery], corpus: list[dict], count: int) -> list[JudgedQuery]:
    """The `count` rarest words of each question (jieba on the simplified form, document frequency
    in the corpus, question and glue words left out), as written, in question order, joined by
    spaces: how people type keywords."""
    import jieba

    df: Counter[str] = Counter()
    for record in corpus:
        df.update(set(jieba.lcut(fold_text(record["text"]))))
    variant = []
    for item in judged:
        folded = fold_text(item.query)
        same_length = len(folded) == len(item.query)
        words = {}  # folded word → the word as written
        for word, start, end in jieba.tokenize(folded):
            if _WORD.search(word) and word not in _NOT_KEYWORDS and df[word] > 0:
                words.setdefault(word, item.query[start:end] if same_length else word)
        rarest = set(sorted(words, key=lambda w: (df[w], -len(w)))[:count])
        text = " ".join(written for word, written in words.items() if word in rarest)
        variant.append(JudgedQuery(item.qid, text or item.query, item.relevant))
    return variant


def query_sets(root: Path, limit: int | None) -> tuple[list[QuerySet], dict[str, Path]]:
    """The sets to run, and the corpus file behind each index key."""
    cmrc_dir, drcd_dir = root / "cmrc2018-dev", root / "drcd"
    cmrc = read_qrels(cmrc_dir / "queries.jsonl")[:limit]
    drcd = read_qrels(drcd_dir / "queries.jsonl")[:limit]
    cmrc_corpus = read_jsonl(cmrc_dir / "corpus.jsonl")
    drcd_corpus = read_jsonl(drcd_dir / "corpus.jsonl")
    sets = [
        QuerySet("cmrc2018-dev: questions", "cmrc", cmrc, "cmrc2018-dev"),
        QuerySet("cmrc2018-dev: questions → traditional (s2t)", "cmrc", converted(cmrc, "s2t")),
        QuerySet("cmrc2018-dev: questions vs corpus → traditional (s2t)", "cmrc-trad", cmrc),
        QuerySet("cmrc2018-dev: 3 rarest words", "cmrc", keyword_variant(cmrc, cmrc_corpus, 3)),
        QuerySet("cmrc2018-dev: 2 rarest words", "cmrc", keyword_variant(cmrc, cmrc_corpus, 2)),
        QuerySet("drcd: questions", "drcd", drcd, "drcd"),
        QuerySet("drcd: questions → simplified (t2s)", "drcd", converted(drcd, "t2s")),
        QuerySet("drcd: 3 rarest words", "drcd", keyword_variant(drcd, drcd_corpus, 3)),
        QuerySet("drcd: 2 rarest words", "drcd", keyword_variant(drcd, drcd_corpus, 2)),
    ]
    return sets, {"cmrc": cmrc_dir / "corpus.jsonl", "drcd": drcd_dir / "corpus.jsonl"}


def traditional_corpus(source: Path, target: Path) -> Path:
    """The corpus converted to traditional characters (OpenCC s2t), ids kept."""
    if not target.exists():
        converter = opencc.OpenCC("s2t")
        with open(target, "w", encoding="utf-8") as out:
            for record in read_jsonl(source):
                record = dict(record, title=converter.convert(record.get("title") or ""))
                record["text"] = converter.convert(record["text"])
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return target


class _Unchanged:
    def convert(self, text: str) -> str:
        return text


@contextlib.contextmanager
def opencc_folding_off() -> Iterator[None]:
    """Fold with NFKC and lower case only, here and in the index workers this process forks: the
    ablation that shows what OpenCC's t2s does (and that 后/後, 系/係/繫 do no harm)."""
    from searcher.analysis import normalize

    original = normalize._t2s
    normalize._t2s = _Unchanged
    try:
        yield
    finally:
        normalize._t2s = original


# -------------------------------------------------------------------------------- literal recall


def laws_subset(source: Path, megabytes: float) -> list[dict]:
    records, size = [], 0
    with open(source, encoding="utf-8") as handle:
        for line in handle:
            size += len(line.encode())
            if size > megabytes * 1e6:
                break
            records.append(json.loads(line))
    return records


# -------------------------------------------------------------------------------- report


def fmt(values: list[float]) -> str:
    return " | ".join(f"{v:.3f}" for v in values)


def relevance_table(results: list[tuple[QuerySet, dict, dict | None]]) -> list[str]:
    head = "| set | queries | system | " + " | ".join(METRICS) + " |"
    lines = [head, "|" + "---|" * (len(METRICS) + 3)]
    for qset, ours, naive in results:
        n = len(qset.judged)
        lines.append(f"| {qset.name} | {n} | **searcher** | {fmt([ours[m] for m in METRICS])} |")
        if naive is not None:
            lines.append(f"| | | naive | {fmt([naive[m] for m in METRICS])} |")
        if qset.reference:
            text, both, prototype = REFERENCE[qset.reference]
            lines.append(f"| | | jieba+BM25 (text) | {fmt(text)} | |")
            lines.append(f"| | | jieba+BM25 (title+text) | {fmt(both)} | |")
            lines.append(f"| | | prototype | {prototype:.3f} | | | | | |")
    return lines


def literal_section(args: argparse.Namespace) -> list[str]:
    laws = laws_subset(args.corpus_root / "zh-laws" / "corpus.jsonl", args.laws_mb)
    name = f"laws-{args.laws_mb:g}mb"
    laws_file = args.index_root / f"zh-{name}.jsonl"
    if not laws_file.exists():
        laws_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in laws))
    naive = None if args.no_naive else ensure_naive(laws_file, args.index_root / f"naive-{name}")
    ours = ensure_ours(laws_file, args.index_root / f"ours-{name}")
    search_naive = (lambda piece: set(naive_search(naive, piece, None))) if naive else None
    rows = literal_recall(laws, ours, search_naive, args.strings, args.seed)
    mix = mix_recall(laws, sample_queries(laws_file), ours)
    return [
        f"## Literal recall: {args.strings} strings of 1-6 characters, zh-laws first"
        f" {args.laws_mb:g} MB ({len(laws)} paragraphs), seed {args.seed}",
        "",
        "Recall against title + text: of the paragraphs whose folded title or folded text holds",
        "the string (a plain scan), the share in the result set of search(limit=10**7). The naive",
        "result set is Whoosh's for the OR-grouped query over the text alone, so a string cut into",
        "two words finds every paragraph holding either (recall, not precision, is measured).",
        "Word-first: of paragraphs holding the string in their text, share of (whole-word,",
        "substring-only) pairs where the whole-word one ranks first (title words count as words).",
        "Text-first: share of (string in the text, string only in the title) pairs where the",
        "first ranks first.",
        "",
        *literal_table(rows),
        "",
        f"## Recall on the query mix of bench_query.py (seed 5), same {args.laws_mb:g} MB",
        "",
        "Recall against title + text: a paragraph is expected when every element of the query (a",
        "word as typed, or a quoted phrase) occurs in its folded title or its folded text, each in",
        "one of the two; recall is its share in search(limit=10**7), default options and --all.",
        "Text-first: of the expected paragraphs, share of (every element in the text, some",
        "element only in the title) pairs where the first ranks first.",
        "",
        *mix_table(mix),
        "",
    ]


def relevance_results(args: argparse.Namespace) -> list[tuple[QuerySet, dict, dict | None]]:
    """Every relevance set (and the OpenCC ablation), each with ours and the naive figures."""
    cache = args.index_root
    sets, sources = query_sets(args.corpus_root, args.queries)
    sources["cmrc-trad"] = traditional_corpus(sources["cmrc"], cache / "cmrc2018-dev-s2t.jsonl")
    ours_dirs = {key: ensure_ours(src, cache / f"ours-{key}") for key, src in sources.items()}
    naive_ix = {}
    if not args.no_naive:
        naive_ix = {key: ensure_naive(src, cache / f"naive-{key}") for key, src in sources.items()}
    results = []
    for qset in sets:
        with Searcher.open(ours_dirs[qset.corpus]) as searcher:
            ours = evaluate(searcher, qset.judged, K).metrics
        naive = evaluate_naive(naive_ix[qset.corpus], qset.judged) if naive_ix else None
        results.append((qset, ours, naive))
        print(f"{qset.name}: MRR@{K} {ours[f'MRR@{K}']:.4f}", file=sys.stderr, flush=True)
    with opencc_folding_off():
        for qset in (sets[0], sets[5]):
            directory = ensure_ours(sources[qset.corpus], cache / f"ours-{qset.corpus}-no-opencc")
            with Searcher.open(directory) as searcher:
                ours = evaluate(searcher, qset.judged, K).metrics
            ablation = QuerySet(f"{qset.name}, OpenCC folding off (ablation)", "", qset.judged)
            results.append((ablation, ours, None))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-root", type=Path, default=Path("/work/shared/corpus"))
    parser.add_argument("--index-root", type=Path, required=True, help="Index cache directory.")
    parser.add_argument("--queries", type=int, default=None, help="First N queries of each set.")
    parser.add_argument("--laws-mb", type=float, default=10.0, help="zh-laws subset size.")
    parser.add_argument("--strings", type=int, default=300, help="Literal strings to sample.")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--no-naive", action="store_true", help="Skip the Whoosh baseline.")
    parser.add_argument("--no-literal", action="store_true", help="Skip the literal recall run.")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results-quality.md"))
    parser.add_argument(
        "--no-relevance", action="store_true", help="Skip the relevance sets (literal recall only)."
    )
    args = parser.parse_args()
    started = time.perf_counter()
    args.index_root.mkdir(parents=True, exist_ok=True)
    results = [] if args.no_relevance else relevance_results(args)
    literal = [] if args.no_literal else literal_section(args)
    command = "python tests/benchmarks/eval_quality.py " + " ".join(sys.argv[1:])
    report = [
        "# Search quality: searcher beside the naive recipe",
        "",
        f"Produced by `{command}` in {time.perf_counter() - started:.0f} s.",
        "Each question is searched as typed, default options; passages are collapsed into",
        "documents by id (best passage first). naive = Whoosh + jieba.analyse.ChineseAnalyzer,",
        "default BM25F, question parsed by QueryParser(group=OrGroup). jieba+BM25 and prototype",
        "rows are the reference numbers of the corpus READMEs and of issue #4. Converted sets use",
        "OpenCC (s2t, t2s); keyword sets hold the 2 or 3 rarest words of each question",
        "(keyword_variant). The ablation rows fold without OpenCC t2s, index and query alike.",
        "",
        *relevance_table(results),
        "",
        *literal,
    ]
    print("\n".join(report))
    partial = args.queries or args.no_naive or args.no_literal or args.no_relevance
    if partial:  # a partial run must not replace the full run's tables
        print(f"(a partial run: {args.out.name} left as it is)")
    else:
        write_section("eval_quality", "\n".join(report), args.out)


if __name__ == "__main__":
    main()
