"""Extraction of PDF, DOCX and EPUB: throughput, share of the index build, and recall.

    python tests/benchmarks/bench_documents.py               # writes results-documents.md
    python tests/benchmarks/bench_documents.py --laws 10     # a quicker, smaller run

Documents are generated from known text (laws of the zh-laws corpus in ../shared, one document
per law; else the bundled samples' text files) by tests/document_writers.py: PDFs with the
standard CJK font STSong-Light (named, not embedded) and with a TrueType font embedded (the first
that reportlab can embed of `fc-list :lang=zh`), a DOCX and an EPUB of the same paragraphs.

- character recall: of the source's Chinese characters (counted with repeats), the share found
  in the extracted passages;
- sentence recall: of the source's sentences (cut at 。！？； and line breaks), the share a
  quoted-phrase query ("…") finds in its own document, through a real index; beside it, the
  share found in PDFium's raw page text, whose layout line breaks are what the joining in
  ingest/page_text.py removes;
- throughput: pages (PDF) or MB of source text per second of extraction, in one process;
- share of the build: `searcher index` time for the documents, against the same paragraphs as
  plain text files; the difference is what reading the formats costs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/: document_writers

from document_writers import (  # noqa: E402
    DocxDocument,
    DocxParagraph,
    EpubChapter,
    PdfPage,
    write_docx,
    write_epub,
    write_pdf,
)

from searcher.indexing.writer import build_index  # noqa: E402
from searcher.ingest.documents import DOCX, EPUB, PDF, read_document  # noqa: E402
from searcher.search import Searcher  # noqa: E402

REPO = HERE.parents[1]
LAWS = REPO.parent / "shared" / "corpus" / "zh-laws" / "corpus.jsonl"
RESULTS = HERE / "results-documents.md"
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
# A sentence ends at 。！？； or at a line break of the source (a list item), which a reader
# sees as a break, not as text a query would hold.
_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]")
_LINES_PER_PAGE = 34  # lines write_pdf fits above its page number at 18 points, with room to spare
_CHARS_PER_LINE = 30


def load_documents(laws: int) -> list[tuple[str, list[str]]]:
    """(title, paragraphs) of the first `laws` laws, else of the samples' text files."""
    if LAWS.exists():
        documents: dict[str, list[str]] = {}
        with open(LAWS, encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                if record["title"] not in documents and len(documents) == laws:
                    break
                documents.setdefault(record["title"], []).append(record["text"].strip())
        return [(title, [p for p in paragraphs if p]) for title, paragraphs in documents.items()]
    samples = REPO / "searcher" / "samples"
    return [
        (
            path.stem,
            [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()],
        )
        for path in sorted(samples.glob("*.txt"))
    ]


def pdf_pages(paragraphs: list[str]) -> list[PdfPage]:
    """Whole paragraphs packed onto pages as write_pdf lays them out (one that does not fit on
    a page starts the next)."""
    pages: list[PdfPage] = [PdfPage([])]
    used = 0
    for paragraph in paragraphs:
        lines = -(-len(paragraph) // _CHARS_PER_LINE) + 1
        if used and used + lines > _LINES_PER_PAGE:
            pages.append(PdfPage([]))
            used = 0
        pages[-1].paragraphs.append(paragraph)
        used += lines
    return pages


def embeddable_font() -> Path | None:
    """A Chinese TrueType font reportlab can embed, from fontconfig; None if there is none."""
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        listing = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    for line in sorted(listing.splitlines()):
        path = Path(line.split(":")[0].strip())
        try:
            TTFont("probe", str(path), subfontIndex=0)
        except Exception:  # noqa: BLE001 - CFF outlines and the like: try the next font
            continue
        return path
    return None


def write_corpus(
    documents: list[tuple[str, list[str]]], folder: Path, kind: str, font: Path | None
) -> int:
    """The documents as files of `kind` in `folder`; returns the number of PDF pages."""
    folder.mkdir(parents=True)
    pages = 0
    for number, (title, paragraphs) in enumerate(documents):
        name = f"{number:03d}"
        if kind in ("pdf-standard", "pdf-embedded"):
            laid = pdf_pages(paragraphs)
            pages += len(laid)
            embedded = font if kind == "pdf-embedded" else None
            write_pdf(folder / f"{name}.pdf", laid, title=title, font_file=embedded)
        elif kind == "docx":
            blocks = [DocxParagraph(text) for text in paragraphs]
            write_docx(folder / f"{name}.docx", DocxDocument(blocks, title=title))
        elif kind == "epub":
            half = max(len(paragraphs) // 2, 1)
            chapters = [
                EpubChapter("c1.xhtml", "上", paragraphs[:half]),
                EpubChapter("c2.xhtml", "下", paragraphs[half:] or ["。"]),
            ]
            write_epub(folder / f"{name}.epub", title, chapters)
        else:  # the same paragraphs as a text file: the baseline of the build time
            (folder / f"{name}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return pages


_KIND_OF = {"pdf-standard": PDF, "pdf-embedded": PDF, "docx": DOCX, "epub": EPUB}


def extracted(folder: Path, kind: str) -> tuple[dict[str, str], float]:
    """Each file's extracted text (passages joined by newlines), and the seconds it took."""
    texts = {}
    started = time.perf_counter()
    for path in sorted(folder.iterdir()):
        passages = read_document(path, _KIND_OF[kind])
        texts[path.stem] = "\n".join(passage.text for passage in passages)
    return texts, time.perf_counter() - started


def character_recall(documents: list[tuple[str, list[str]]], texts: dict[str, str]) -> float:
    found = total = 0
    for number, (_, paragraphs) in enumerate(documents):
        source = Counter(_CJK.findall("".join(paragraphs)))
        got = Counter(_CJK.findall(texts.get(f"{number:03d}", "")))
        total += sum(source.values())
        found += sum(min(count, got[ch]) for ch, count in source.items())
    return found / total if total else 1.0


def sentences(documents: list[tuple[str, list[str]]]) -> list[tuple[str, str]]:
    """(file stem, sentence) of every sentence a quoted query can ask for."""
    return [
        (f"{number:03d}", sentence.strip())
        for number, (_, paragraphs) in enumerate(documents)
        for paragraph in paragraphs
        for sentence in _SENTENCE.findall(paragraph)
        if '"' not in sentence and len(_CJK.findall(sentence)) >= 4
    ]


def sentence_recall(index: Path, asked: list[tuple[str, str]]) -> float:
    found = 0
    with Searcher.open(index) as searcher:
        for stem, sentence in asked:
            hits = searcher.search(f'"{sentence}"', limit=50).hits
            found += any(Path(hit.path).stem == stem for hit in hits)
    return found / len(asked) if asked else 1.0


def raw_sentence_recall(folder: Path, asked: list[tuple[str, str]]) -> float:
    """The share of sentences found verbatim in PDFium's page text, line breaks as laid out."""
    import pypdfium2

    raw = {}
    for path in sorted(folder.glob("*.pdf")):
        document = pypdfium2.PdfDocument(str(path))
        raw[path.stem] = "".join(
            document[i].get_textpage().get_text_range() for i in range(len(document))
        )
        document.close()
    return sum(sentence in raw.get(stem, "") for stem, sentence in asked) / max(len(asked), 1)


def elementtree_docx_seconds(folder: Path) -> float:
    """Seconds to read the paragraphs' text of word/document.xml alone, with zipfile and
    ElementTree: what docx2python costs over the least a DOCX reader must do."""
    import zipfile
    from xml.etree import ElementTree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    started = time.perf_counter()
    for path in sorted(folder.glob("*.docx")):
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("word/document.xml"))
        ["".join(t.text or "" for t in p.iter(f"{w}t")) for p in root.iter(f"{w}p")]
    return time.perf_counter() - started


def timed_index(folder: Path, index: Path) -> float:
    started = time.perf_counter()
    build_index([folder], index)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--laws", type=int, default=40, help="documents to generate")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    documents = load_documents(args.laws)
    source_mb = sum(len("".join(p).encode()) for _, p in documents) / 1e6
    asked = sentences(documents)
    font = embeddable_font()
    kinds = ["pdf-standard", "pdf-embedded", "docx", "epub"]
    if font is None:
        kinds.remove("pdf-embedded")
        print("no Chinese TrueType font to embed (fc-list :lang=zh): pdf-embedded left out")
    rows = []
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        write_corpus(documents, work_dir / "text", "text", None)
        timed_index(work_dir / "text", work_dir / "warm-up")  # the first build loads the segmenter
        text_seconds = timed_index(work_dir / "text", work_dir / "text-index")
        for kind in kinds:
            folder = work_dir / kind
            pages = write_corpus(documents, folder, kind, font)
            size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
            texts, seconds = extracted(folder, kind)
            build_seconds = timed_index(folder, work_dir / f"{kind}-index")
            row = {
                "kind": kind,
                "files": len(documents),
                "pages": pages,
                "file_mb": size_mb,
                "extract_s": seconds,
                "pages_per_s": pages / seconds if pages else None,
                "source_mb_per_s": source_mb / seconds,
                "build_s": build_seconds,
                "text_build_s": text_seconds,
                "share": max(build_seconds - text_seconds, 0.0) / build_seconds,
                "char_recall": character_recall(documents, texts),
                "sentence_recall": sentence_recall(work_dir / f"{kind}-index", asked),
                "raw_sentence_recall": (
                    raw_sentence_recall(folder, asked) if kind.startswith("pdf") else None
                ),
            }
            if kind == "docx":
                row["elementtree_s"] = elementtree_docx_seconds(folder)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False))
            shutil.rmtree(folder)
    write_table(args.out, rows, documents, source_mb, len(asked), font)


def write_table(
    out: Path,
    rows: list[dict],
    documents: list[tuple[str, list[str]]],
    source_mb: float,
    asked: int,
    font: Path | None,
) -> None:
    source = f"the first {len(documents)} laws of zh-laws" if LAWS.exists() else "the samples"
    lines = [
        "# Document extraction: throughput, share of the build, recall",
        "",
        f"Generated from {source} ({source_mb:.2f} MB of text, {asked} sentences) by",
        "`python tests/benchmarks/bench_documents.py`. Embedded font: "
        + (f"`{font.name}`" if font else "none found")
        + f"; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end"
        " (times on a busy machine run long; their ratios hold better).",
        "",
        "| format | files | pages | files MB | extraction s | pages/s | source MB/s"
        " | `searcher index` s (as .txt: s) | extraction's share of the build"
        " | character recall | sentence recall (quoted query) | sentence recall, raw PDFium text |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        pages_per_s = f"{row['pages_per_s']:.0f}" if row["pages_per_s"] else "–"
        raw = row["raw_sentence_recall"]
        lines.append(
            f"| {row['kind']} | {row['files']} | {row['pages'] or '–'} | {row['file_mb']:.2f}"
            f" | {row['extract_s']:.2f} | {pages_per_s} | {row['source_mb_per_s']:.2f}"
            f" | {row['build_s']:.2f} ({row['text_build_s']:.2f}) | {row['share']:.0%}"
            f" | {row['char_recall']:.4f} | {row['sentence_recall']:.4f}"
            f" | {'–' if raw is None else f'{raw:.4f}'} |"
        )
    docx = next((row for row in rows if "elementtree_s" in row), None)
    if docx is not None:
        lines += [
            "",
            f"DOCX: docx2python took {docx['extract_s']:.2f} s; reading only the paragraphs of"
            f" word/document.xml with zipfile and ElementTree took {docx['elementtree_s']:.2f} s"
            " (no tables as rows, headings, notes, headers or footers).",
        ]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
