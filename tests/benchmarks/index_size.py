"""What each kind of file costs in an index: a table for results-speed.md.

    python tests/benchmarks/index_size.py INDEX_DIR [--text-mb MB]

Sums the newest generation's files by kind (a segment's files are added up over all segments,
e.g. every seg-*/gram_packed.bin is one line) and prints a Markdown table of MB, share of the
index and, with --text-mb, MB of index per MB of text.
"""

from __future__ import annotations

import argparse
import os
import re
from collections import Counter
from pathlib import Path


def sizes_by_kind(index_dir: Path) -> Counter[str]:
    """Bytes per file kind of the newest generation (plus the index directory's own files)."""
    numbers = [
        int(m.group(1)) for p in index_dir.iterdir() if (m := re.match(r"gen-(\d+)$", p.name))
    ]
    kinds: Counter[str] = Counter()
    for path in index_dir.iterdir():
        if path.is_file():
            kinds["(index directory: TOC, lock, marker)"] += path.stat().st_size
    generation = index_dir / f"gen-{max(numbers)}"
    for folder, _, names in os.walk(generation):
        inside_segment = Path(folder) != generation
        for name in names:
            kind = f"seg-*/{name}" if inside_segment else name
            kinds[kind] += os.stat(os.path.join(folder, name)).st_size
    return kinds


def table(kinds: Counter[str], text_mb: float | None) -> str:
    total = sum(kinds.values())
    lines = ["| file | MB | share | × text |", "|---|---:|---:|---:|"]
    for kind, size in kinds.most_common():
        ratio = f"{size / 1e6 / text_mb:.2f}" if text_mb else ""
        lines.append(f"| `{kind}` | {size / 1e6:.1f} | {size / total:.1%} | {ratio} |")
    ratio = f"**{total / 1e6 / text_mb:.2f}**" if text_mb else ""
    lines.append(f"| **total** | **{total / 1e6:.1f}** | 100% | {ratio} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--text-mb", type=float, help="MB of text indexed, for the × text column")
    args = parser.parse_args()
    print(table(sizes_by_kind(args.index), args.text_mb))


if __name__ == "__main__":
    main()
