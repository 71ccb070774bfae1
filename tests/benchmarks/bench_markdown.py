"""Markdown benchmark: is a newsletter-like collection indexed as the text people read?

    python tests/benchmarks/bench_markdown.py                     this checkout, ~5 MB
    python tests/benchmarks/bench_markdown.py --tree /tmp/md-base  another checkout of searcher

Generates a deterministic collection (a seed; written to a temporary folder, never committed) of
weekly community newsletters in Markdown: front matter, headings (ATX and setext), image-only
lines, links, bold, tables, fenced code, HTML bits and the same boilerplate lines in every issue.
Then it reads every passage as the indexer does and builds an index in a child process, and
prints: the share of passages with no text of their own (image-only or empty), the share holding
Markdown syntax, index MB per MB of Markdown and indexing MB/s; then reads one file of the issues
end to end, repeated to --big-mb MB, for its memory. Code passages are code, kept as written: the
generated code holds none of the syntax counted, so every passage is counted alike. Each run
prints one column; results-markdown.md holds the table before and after issue 11.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from measure import PYTHON, Run, dir_mb, machine_line, run

REPO = Path(__file__).resolve().parents[2]

_PLACES = "青岚街道 松风社区 梧桐里 南河湾 东篱小区 石桥村 北苑 杏花巷 枫林社区 荷塘街".split()
_PEOPLE = "网格员 楼栋长 志愿者 物业经理 社区医生 退休教师 居民代表 图书管理员 社工 老党员".split()
_ACTS = (
    "组织了一次 牵头开展了 认真讨论了 及时上报了 走访调查了 公开征集了 联合举办了 重新梳理了"
).split()
_THINGS = (
    "垃圾分类宣传 楼道堆物清理 独居老人探访 防汛物资清点 电动车充电桩安装 社区图书角建设"
    " 停车位划线 健康义诊 消防通道巡查 邻里节活动 旧衣物回收 雨污管网改造 儿童托管服务"
).split()
_RESULTS = (
    "居民反响热烈 问题已经基本解决 下周还将继续推进 相关费用由街道统筹 现场秩序良好"
    " 参与人数比上月增加了三成 后续情况将在下期通报 意见已经转交有关部门"
).split()
_HEADINGS = "封面故事 社区动态 便民提示 言论 工具推荐 图片新闻 一周数据 读者来信 活动预告".split()
_WORDS = "网格 议事 巡查 上报 调解 服务 台账 走访 宣传 考核 物业 楼栋".split()
_TOOLS = "随手拍 网格通 邻里圈 社区议事厅 便民地图 报修助手 垃圾分类查询 图书借阅".split()
_LANGS = ("python", "bash", "json", "")
_BOILERPLATE = (
    "本周刊每周二发布，欢迎居民投稿，来稿请注明姓名和所在网格。",
    "免责声明：本刊内容仅供参考，具体安排以街道正式通知为准。",
)


class _Issue:
    """One newsletter issue as Markdown lines, built from a seeded random generator."""

    def __init__(self, rng: random.Random, number: int) -> None:
        self.rng = rng
        self.number = number
        self.lines: list[str] = []

    def sentence(self) -> str:
        r = self.rng
        text = (
            f"{r.choice(_PLACES)}的{r.choice(_PEOPLE)}{r.choice(_ACTS)}{r.choice(_THINGS)}，"
            f"{r.choice(_RESULTS)}。"
        )
        if r.random() < 0.3:
            text += f"**{r.choice(_WORDS)}工作**要做细做实。"
        if r.random() < 0.3:
            word = r.choice(_THINGS)
            text += (
                f"详见[{word}说明](https://news.example.org/{self.number}/{r.randrange(1000)})。"
            )
        if r.random() < 0.1:
            text += f'<span style="color:red">{r.choice(_WORDS)}提醒</span>：请相互转告。'
        if r.random() < 0.1:
            text += "报名请带好身份证&amp;户口簿。"
        return text

    def paragraph(self) -> None:
        self.lines += ["".join(self.sentence() for _ in range(self.rng.randint(1, 4))), ""]

    def image(self) -> None:
        alt = self.rng.choice(["", "", "现场照片", "图"])
        name = f"{self.rng.getrandbits(48):x}.webp"
        self.lines += [f"![{alt}](https://cdn.example.org/img/{name})", ""]

    def table(self) -> None:
        r = self.rng
        self.lines += ["| 名称 | 用途 | 链接 |", "| --- | --- | --- |"]
        for _ in range(r.randint(2, 5)):
            tool = r.choice(_TOOLS)
            use = f"{r.choice(_THINGS)}时使用，**{r.choice(_WORDS)}**更方便"
            self.lines.append(f"| {tool} | {use} | [下载](https://apps.example.org/{tool}) |")
        self.lines.append("")

    def code(self) -> None:
        r = self.rng
        lang = r.choice(_LANGS)
        body = {
            "python": [f"total = count_{r.randrange(99)}(items)", "print(total)"],
            "bash": [f"curl -s https://api.example.org/grid/{r.randrange(99)}", "echo done"],
            "json": [json.dumps({"grid": r.randrange(99), "status": "ok"})],
            "": [f"报修电话 8{r.randrange(10**6):06d}"],
        }[lang]
        self.lines += [f"```{lang}", *body, "```", ""]

    def html(self) -> None:
        src = f"https://cdn.example.org/img/{self.rng.getrandbits(40):x}.png"
        self.lines += [f'<div align="center"><img src="{src}" width="600"></div>', ""]

    def section(self, level: int) -> None:
        r = self.rng
        name = r.choice(_HEADINGS)
        if level <= 2 and r.random() < 0.3:  # setext
            self.lines += [name, ("=" if level == 1 else "-") * 8, ""]
        else:
            self.lines += [f"{'#' * level} {name}", ""]
        for _ in range(r.randint(2, 7)):
            pick = r.random()
            if pick < 0.45:
                self.paragraph()
            elif pick < 0.70:
                self.image()
            elif pick < 0.78:
                self.table()
            elif pick < 0.86:
                self.code()
            elif pick < 0.93:
                self.html()
            else:
                self.lines += [f"- {self.sentence()}", f"- {self.sentence()}", ""]

    def text(self) -> str:
        r = self.rng
        date = f"2024-{1 + self.number % 12:02d}-{1 + self.number % 28:02d}"
        self.lines = ["---", f"title: 社区周刊第{self.number}期", f"date: {date}", "---", ""]
        self.lines += [f"# 社区周刊（第 {self.number} 期）", ""]
        self.image()
        self.paragraph()
        for _ in range(r.randint(6, 14)):
            self.section(r.choice((2, 2, 3)))
        self.lines += ["---", "", *(f"{line}\n" for line in _BOILERPLATE)]
        return "\n".join(self.lines) + "\n"


def write_collection(folder: Path, target_mb: float, seed: int) -> float:
    """Write issues into `folder` until they hold `target_mb` MB; returns the MB written."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    written, number = 0, 0
    while written < target_mb * 1e6:
        number += 1
        data = _Issue(rng, number).text().encode("utf-8")
        (folder / f"weekly-{number:04d}.md").write_bytes(data)
        written += len(data)
    return written / 1e6


# What a reader never sees in text: emphasis, link or image syntax, an HTML tag, an entity.
MARKUP = re.compile(r"\*\*|\]\(|!\[|</?[a-zA-Z][^>]*>|&[a-z]+;")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_WORD = re.compile(r"[^\W_]")

_COUNT_PASSAGES = """
import json, sys
from pathlib import Path
from searcher.ingest import read_passages
for path in sorted(Path(sys.argv[1]).glob("*.md")):
    for p in read_passages(path):
        print(json.dumps([p.text, getattr(p, "kind", "text")], ensure_ascii=False))
"""


def passage_shares(folder: Path, env: dict[str, str]) -> dict[str, float]:
    """Read every passage as the indexer does (in the tree under test) and count the bad ones."""
    out = subprocess.run(
        [PYTHON, "-c", _COUNT_PASSAGES, str(folder)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    passages = [json.loads(line) for line in out.splitlines()]
    empty = sum(not _WORD.search(_IMAGE.sub("", text)) for text, _ in passages)
    markup = sum(bool(MARKUP.search(text)) for text, _ in passages)
    code = sum(kind == "code" for _, kind in passages)
    total = max(len(passages), 1)
    return {
        "passages": len(passages),
        "empty": empty / total,
        "markup": markup / total,
        "code": code,
    }


def snippet_share(index_dir: Path, env: dict[str, str], queries: list[str]) -> tuple[int, float]:
    """(hits, share holding Markdown syntax) of the top 10 of each query (the whole passages)."""
    hits = bad = 0
    for query in queries:
        for record in _query(index_dir, env, query)[0]:
            hits += 1
            bad += bool(MARKUP.search(record["text"]))
    return hits, bad / max(hits, 1)


def _query(index_dir: Path, env: dict[str, str], query: str, limit: int = 10) -> tuple[list, int]:
    """(hits as JSON, how many passages match) of one query."""
    args = [PYTHON, "-m", "searcher", "query", query, "--index", str(index_dir), "-n", str(limit)]
    hits = subprocess.run([*args, "--json"], env=env, capture_output=True, text=True).stdout
    summary = subprocess.run(args, env=env, capture_output=True, text=True).stderr
    total = re.match(r"\d+ of (\d+) matching", summary)  # said on stderr, without --json
    return [json.loads(line) for line in hits.splitlines()], int(total[1]) if total else 0


_READ_ONE = """
import sys
from pathlib import Path
from searcher.ingest import read_passages
print(sum(1 for _ in read_passages(Path(sys.argv[1]), on_error=lambda *_: None)))
"""


def read_big_file(folder: Path, big_mb: float, env: dict[str, str]) -> tuple[float, Run]:
    """The collection's files end to end, repeated up to `big_mb` MB in one file, and a child
    process reading its passages: (MB, the run)."""
    big = folder.parent / "big.md"
    files = sorted(folder.glob("*.md"))
    written = 0
    with open(big, "wb") as out:
        while written < big_mb * 1e6:
            for path in files:
                written += out.write(path.read_bytes())
    reading = run([PYTHON, "-c", _READ_ONE, str(big)], env=env)
    big.unlink()
    return written / 1e6, reading


def measure(tree: Path, mb: float, seed: int, big_mb: float) -> list[tuple[str, str]]:
    """The benchmark's rows for one checkout of searcher."""
    env = {**os.environ, "PYTHONPATH": str(tree.resolve())}
    with tempfile.TemporaryDirectory(prefix="searcher-bench-md-") as work:
        folder, index_dir = Path(work) / "weekly", Path(work) / "index"
        mb = write_collection(folder, mb, seed)
        files = len(list(folder.glob("*.md")))
        print(f"{files} files, {mb:.2f} MB of Markdown in {folder}", flush=True)
        shares = passage_shares(folder, env)
        args = [PYTHON, "-m", "searcher", "index", str(folder), "--index", str(index_dir), "-q"]
        build = run(args, env=env)
        hits, snippets = snippet_share(index_dir, env, QUERIES)
        _, opinion = _query(index_dir, env, "title:言论")
        size = dir_mb(index_dir)
        rows = [
            ("collection", f"{files} files, {mb:.2f} MB"),
            ("passages (of which code)", f"{shares['passages']} ({shares['code']})"),
            ("image-only or empty passages", f"{shares['empty']:.1%}"),
            ("passages holding Markdown syntax", f"{shares['markup']:.1%}"),
            ("top-10 hits of 5 queries holding Markdown syntax", f"{snippets:.1%} of {hits}"),
            ("passages found by `title:言论`", str(opinion)),
            ("index MB per MB of Markdown", f"{size / mb:.2f}"),
            ("indexing MB/s, wall", f"{mb / build.wall_s:.2f}"),
            ("indexing CPU s, all processes", f"{build.cpu_s:.1f}"),
            ("indexing peak RSS of the largest process, MB", f"{build.max_rss_mb:.0f}"),
        ]
        if big_mb:
            big, reading = read_big_file(folder, big_mb, env)
            rows += [
                (f"one {big:.0f} MB file: reading its passages, CPU s", f"{reading.cpu_s:.1f}"),
                (f"one {big:.0f} MB file: reading, peak RSS MB", f"{reading.max_rss_mb:.0f}"),
            ]
    return rows


QUERIES = ["网格", "社区 服务", "go", "图", "言论"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=REPO, help="checkout of searcher to measure")
    parser.add_argument("--mb", type=float, default=5.0, help="size of the collection")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--big-mb", type=float, default=50.0, help="one large file (0: none)")
    options = parser.parse_args()
    rows = measure(options.tree, options.mb, options.seed, options.big_mb)
    commit = subprocess.run(
        ["git", "-C", str(options.tree), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"\n{options.tree} @ {commit}; {machine_line()}; queries: {', '.join(QUERIES)}\n")
    print(f"| | {commit} |\n|---|---:|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    sys.exit(main())
