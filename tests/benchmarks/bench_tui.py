"""Keystroke-to-results time of the TUI on the zh-laws corpus, measured headlessly (Textual pilot).

    python tests/benchmarks/bench_tui.py --index /tmp/lawix            # reuse an index
    python tests/benchmarks/bench_tui.py --max-mb 5                    # index the first 5 MB
    python tests/benchmarks/bench_tui.py --index /tmp/lawix --sort date --group   # other modes

Each query is typed key by key into the running app. The time measured runs from the app
receiving the last keystroke to the result list painted, minus the debounce the app waits on
purpose: what a user waits for once they stop typing. Written to results-tui.md beside this file.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from searcher.indexing.writer import build_index
from searcher.search import Searcher
from searcher.tui.app import SearchApp, make_app
from searcher.tui.session import DEBOUNCE_SECONDS

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "zh-laws" / "corpus.jsonl"
OUT = Path(__file__).with_name("results-tui.md")

# Mixed kinds: one character, common and rare words, several words, phrases, exclusion, OR,
# fields, traditional characters, Latin and digits, and queries that match nothing.
QUERIES = [
    "法",
    "的",
    "合同",
    "劳动合同",
    "人民法院",
    "网格",
    "知识产权",
    "个人信息保护",
    "劳动合同 解除",
    "环境 污染 责任",
    "国务院 批准",
    "土地 承包 经营权 流转",
    '"人民法院"',
    '"依照本法规定"',
    '"不得以任何形式"',
    "合同 -劳动",
    "犯罪 -死刑",
    "国务院 OR 省",
    "仲裁 OR 调解",
    "title:民法典",
    "title:条例 安全",
    "法院審理",
    "勞動合同",
    "GB 2760",
    "2020年",
    "第一百二十三条",
    "互联网 信息服务 管理办法 备案",
    "鲸鱼座",
    "xyzzy",
    "数据 出境 安全 评估",
]


def _subset(max_mb: float, directory: Path) -> Path:
    """The first `max_mb` MB of the corpus (whole lines), as a JSONL file."""
    limit = int(max_mb * 1_000_000)
    target = directory / "zh-laws-subset.jsonl"
    written = 0
    with CORPUS.open("rb") as source, target.open("wb") as out:
        for line in source:
            if written + len(line) > limit:
                break
            out.write(line)
            written += len(line)
    return target


async def _measure(
    app: SearchApp, size: tuple[int, int], sort: str = "relevance", group: bool = False
) -> tuple[float, list[dict]]:
    rows = []
    started = time.perf_counter()
    async with app.run_test(size=size) as pilot:
        if sort != "relevance" or group:  # as if s and d had been pressed (the TUI's keys)
            app.session.sort, app.session.group = sort, group
        while app.session.stats is None:  # the warm-up: index stats and the segmenter loaded
            await pilot.pause(0.005)
        ready_ms = (time.perf_counter() - started) * 1000
        for query in QUERIES:
            await pilot.press("ctrl+u")
            await pilot.pause(DEBOUNCE_SECONDS)
            await pilot.press(*query)
            deadline = time.perf_counter() + 30
            while app.timing is None or app.timing.query != query:
                if time.perf_counter() > deadline:
                    raise SystemExit(f"no results painted for {query!r} within 30 s")
                # Not pilot.pause(): it forces a screen update each time, which would paint
                # the results sooner than the app does by itself.
                await asyncio.sleep(0.002)
            timing = app.timing
            rows.append(
                {
                    "query": query,
                    "ms": (timing.painted_at - timing.typed_at - DEBOUNCE_SECONDS) * 1000,
                    "search_ms": timing.took_ms,
                    "cpu_ms": timing.cpu_ms,
                    "total": app.result.total if app.result else 0,
                    "shown": len(app.results.hits),
                }
            )
    return ready_ms, rows


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(round(fraction * (len(ordered) - 1))), len(ordered) - 1)]


def _report(index: Path, stats: str, ready_ms: float, rows: list[dict], command: str) -> str:
    latencies = [row["ms"] for row in rows]
    searches = [row["search_ms"] for row in rows]
    overheads = [row["ms"] - row["search_ms"] for row in rows]
    cpus = [row["cpu_ms"] for row in rows]
    lines = [
        "# TUI keystroke-to-results time",
        "",
        f"Index: `{index}` ({stats}). Terminal {SIZE[0]}×{SIZE[1]}, headless (Textual pilot),"
        f" {platform.python_implementation()} {platform.python_version()},"
        f" {platform.machine()}, a 2-core machine shared with other jobs"
        f" (load average {os.getloadavg()[0]:.1f} at the end).",
        f"Command: `{command}`",
        "",
        "Time from the last keystroke reaching the app to the result list painted, minus the"
        f" {DEBOUNCE_SECONDS * 1000:.0f} ms debounce; up to 200 hits listed per query.",
        "",
        "| measure | median | p95 | max |",
        "|---|---:|---:|---:|",
        f"| keystroke → results painted (ms) | {statistics.median(latencies):.1f}"
        f" | {_percentile(latencies, 0.95):.1f} | {max(latencies):.1f} |",
        f"| of which Searcher.search (ms) | {statistics.median(searches):.1f}"
        f" | {_percentile(searches, 0.95):.1f} | {max(searches):.1f} |",
        f"| the rest: the TUI (ms) | {statistics.median(overheads):.1f}"
        f" | {_percentile(overheads, 0.95):.1f} | {max(overheads):.1f} |",
        f"| CPU time of the app over that span (ms) | {statistics.median(cpus):.1f}"
        f" | {_percentile(cpus, 0.95):.1f} | {max(cpus):.1f} |",
        "",
        "The machine is shared, so wall times include waiting for a CPU; the CPU time (all"
        " threads, the debounce costs none) is what the same work needs on an idle machine,"
        " plus up to one 16 ms frame.",
        "",
        f"Start-up to index ready (stats and segmenter loaded): {ready_ms:.0f} ms;"
        " the search box takes keys before that.",
        "",
        "| query | passages | listed | search ms | keystroke → painted ms | CPU ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        query = row["query"].replace("|", "\\|")
        lines.append(
            f"| `{query}` | {row['total']:,} | {row['shown']} | {row['search_ms']:.1f}"
            f" | {row['ms']:.1f} | {row['cpu_ms']:.1f} |"
        )
    return "\n".join(lines) + "\n"


SIZE = (100, 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an index of zh-laws to reuse")
    parser.add_argument("--max-mb", type=float, help="index only this many MB of the corpus")
    parser.add_argument("--out", type=Path, default=OUT, help="markdown file to write")
    parser.add_argument("--sort", default="relevance", help="the order: relevance, date, path")
    parser.add_argument("--group", action="store_true", help="one result per document")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-tui-") as scratch:
        index = args.index
        if index is None:
            source = _subset(args.max_mb, Path(scratch)) if args.max_mb else CORPUS
            index = Path(scratch) / "index"
            print(f"indexing {source} …", file=sys.stderr)
            build_index([source], index)
        with Searcher.open(index) as searcher:
            info = searcher.stats()
            stats = f"{info.documents:,} documents, {info.passages:,} passages"
            history = Path(scratch) / "history.json"
            app = make_app(searcher, history_path=history, environ={})
            ready_ms, rows = asyncio.run(_measure(app, SIZE, args.sort, args.group))
    command = "python tests/benchmarks/bench_tui.py " + " ".join(sys.argv[1:])
    report = _report(index, stats, ready_ms, rows, command.strip())
    args.out.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
