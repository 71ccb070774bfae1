"""`searcher index` and `searcher query` over PDF, DOCX and EPUB files: locations in text and JSON,
broken files in one stderr line each (CliRunner and a real subprocess)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from test_cli import _run
from test_cli_process import SEARCHER, _env
from test_indexing_documents import _broken_documents, write_documents


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(folder, index) of the documents, indexed through the CLI."""
    root = tmp_path_factory.mktemp("cli-documents")
    folder = write_documents(root / "docs")
    result = _run("index", str(folder), "--index", str(root / "index"), "--quiet")
    assert result.exit_code == 0, result.stderr
    return folder, root / "index"


def test_query_shows_pdf_page_and_epub_chapter_locations(documents: tuple[Path, Path]) -> None:
    folder, index = documents
    result = _run("query", "走访", "--index", str(index))
    assert result.exit_code == 0
    scores = re.compile(r"  score [0-9.]+\n")  # ranking is not what this test is about
    assert scores.sub("\n", result.stdout) == (
        f"1. 网格员手册 › 第一章 走访  {folder}/手册.pdf:p1\n"
        "   网格员每周走访辖区住户不少于两次，对独居老人和困难家庭每周至少上门一次。\n\n"
        f"2. 街道故事 › 第一章 雨夜走访  {folder}/故事.epub#OEBPS/ch1.xhtml:5\n"
        "   网格员每周走访辖区住户不少于三次，对独居老人和困难家庭每周至少上门一次。\n\n"
    )


def test_json_gives_page_with_null_line_for_pdf_and_paragraph_for_docx(
    documents: tuple[Path, Path],
) -> None:
    _, index = documents
    pdf = json.loads(_run("query", "隐患", "--index", str(index), "--json").stdout)
    assert (pdf["page"], pdf["line"], pdf["paragraph"]) == (2, None, 2)
    text = pdf["text"]
    assert [text[start:end] for start, end in pdf["highlights"]] == ["隐患"]
    docx = json.loads(_run("query", "李明", "--index", str(index), "--json").stdout)
    assert (docx["paragraph"], docx["line"], "page" in docx) == (3, None, False)
    epub = json.loads(_run("query", "纸箱", "--index", str(index), "--json").stdout)
    assert (epub["chapter"], epub["line"], "page" in epub) == ("OEBPS/ch2.xhtml", 5, False)


def test_index_subprocess_skips_broken_documents_one_line_each_without_traceback(
    tmp_path: Path,
) -> None:
    folder = write_documents(tmp_path / "docs")
    reasons = _broken_documents(folder)
    index = tmp_path / "index"
    done = subprocess.run(
        [SEARCHER, "index", folder, "--index", index], capture_output=True, env=_env(), timeout=120
    )
    stderr = done.stderr.decode()
    assert done.returncode == 0
    assert "Traceback" not in stderr
    skipped = sorted(line for line in stderr.splitlines() if line.startswith("searcher: skipped"))
    assert skipped == sorted(
        f"searcher: skipped {folder}/{name}: {reason}" for name, reason in reasons.items()
    )
    assert ", 4 skipped files;" in done.stdout.decode()
    query = subprocess.run(
        [SEARCHER, "query", "值班", "--index", index, "--json"], capture_output=True, env=_env()
    )
    assert json.loads(query.stdout.decode().splitlines()[0])["path"] == f"{folder}/制度.docx"
