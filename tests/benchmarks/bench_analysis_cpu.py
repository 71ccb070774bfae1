"""CPU time of analysing zh-laws passages (fold, cut, words), the least of 3 runs: what indexing
spends per core, a figure the shared machine's load moves far less than a build's wall time.
Compare two checkouts by running each with its own code on the PYTHONPATH.

    python tests/benchmarks/bench_analysis_cpu.py LABEL [PASSAGES] [TEXT_FILE]

With TEXT_FILE, its paragraphs (between blank lines), repeated to PASSAGES, instead of zh-laws':
README.md and ARCHITECTURE.md are text mostly in English.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter

from searcher.analysis.analyzers import analyze_passage
from searcher.analysis.tokenizers import Segmenter

CORPUS = "/work/shared/corpus/zh-laws/corpus.jsonl"


def main() -> None:
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    texts = []
    if len(sys.argv) > 3:
        with open(sys.argv[3], encoding="utf-8") as text:
            paragraphs = [part.strip() for part in text.read().split("\n\n") if part.strip()]
        texts = (paragraphs * (count // len(paragraphs) + 1))[:count]
    else:
        with open(CORPUS, encoding="utf-8") as lines:
            for line in lines:
                if len(texts) >= count:
                    break
                texts.append(json.loads(line)["text"])
    segmenter = Segmenter()
    analyze_passage(texts[0], Counter(), segmenter)  # loads the segmenter
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for text in texts:
            analyze_passage(text, Counter(), segmenter)
        best = min(best, time.process_time() - started)
    megabytes = sum(len(text.encode()) for text in texts) / 1e6
    print(
        f"{sys.argv[1]}: {len(texts)} passages of {sys.argv[3] if len(sys.argv) > 3 else 'zh-laws'}"
        f" ({megabytes:.1f} MB): least CPU"
        f" {best:.2f} s, {megabytes / best:.2f} MB/s per core"
    )


if __name__ == "__main__":
    main()
