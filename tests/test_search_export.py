"""`searcher export --format opensearch-bulk`: NDJSON bulk actions carrying our analysis."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from small_index import index_of
from typer.testing import CliRunner

from searcher.analysis.normalize import fold
from searcher.analysis.tokenizers import Segmenter
from searcher.cli.main import app
from searcher.indexing.writer import build_index
from searcher.search.export import GAP, export_opensearch_bulk

TEXTS = {
    "政府.txt": "县人民政府负责网格化管理。\n\n第二段：人民 政府分开写。",
    "繁體.md": "# 臺灣茶\n\n臺灣的烏龍茶很有名。\n\nＡＢＣ全角与ﬁne连字。",
}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return index_of(tmp_path_factory.mktemp("export"), TEXTS)


def _export(index_dir: Path, name: str = "searcher") -> list[tuple[dict, dict]]:
    out = io.StringIO()
    count = export_opensearch_bulk(index_dir, out, name)
    lines = out.getvalue().splitlines()
    assert out.getvalue().endswith("\n") and len(lines) == 2 * count
    return [(json.loads(a), json.loads(s)) for a, s in zip(lines[::2], lines[1::2], strict=True)]


def _by_text(pairs: list[tuple[dict, dict]], fragment: str) -> dict:
    return next(source for _, source in pairs if fragment in source["text"])


def test_each_passage_is_an_index_action_followed_by_its_source(index_dir: Path) -> None:
    pairs = _export(index_dir, "laws")
    assert [source["text"] for _, source in pairs] == [
        "县人民政府负责网格化管理。",
        "第二段：人民 政府分开写。",
        "臺灣的烏龍茶很有名。",
        "ＡＢＣ全角与ﬁne连字。",
    ]
    ids = [action["index"]["_id"] for action, _ in pairs]
    assert len(set(ids)) == len(ids)
    assert all(action["index"]["_index"] == "laws" for action, _ in pairs)
    first = pairs[0][1]
    assert first["path"].endswith("政府.txt") and first["paragraph"] == 1 and first["line"] == 1


def test_token_fields_are_the_indexed_analysis_whitespace_joined(index_dir: Path) -> None:
    source = _by_text(_export(index_dir), "臺灣的烏龍茶")
    folded = fold(source["text"]).text
    assert source["text_folded"] == folded == "台湾的乌龙茶很有名。"
    assert source["words"] == " ".join(Segmenter().words(folded))
    assert source["title_folded"] == "台湾茶"
    assert source["title_words"] == " ".join(Segmenter().words("台湾茶"))
    assert source["unigrams"].split() == list(folded)
    assert source["bigrams"].split()[:3] == ["台湾", "湾的", "的乌"]


def test_a_literal_is_a_run_of_consecutive_bigrams(index_dir: Path) -> None:
    # In OpenSearch, "人民政府" is match_phrase on `bigrams` with "人民 民政 政府".
    bigrams = _by_text(_export(index_dir), "县人民政府")["bigrams"].split()
    at = bigrams.index("人民")
    assert bigrams[at : at + 3] == ["人民", "民政", "政府"]


def test_bigrams_never_join_across_whitespace(index_dir: Path) -> None:
    bigrams = _by_text(_export(index_dir), "人民 政府")["bigrams"].split()
    at = bigrams.index("人民")
    assert bigrams[at : at + 3] == ["人民", GAP, "政府"]
    assert "民政" not in bigrams


def test_offset_map_is_given_only_when_folding_changed_the_length(index_dir: Path) -> None:
    pairs = _export(index_dir)
    ligature = _by_text(pairs, "ﬁne")
    assert ligature["text_folded"] == "abc全角与fine连字。"
    to_source = ligature["folded_to_source"]
    assert len(to_source) == len(ligature["text_folded"]) + 1
    start = ligature["text_folded"].index("fine")
    assert ligature["text"][to_source[start] : to_source[start + 3] + 1] == "ﬁne"
    assert "folded_to_source" not in _by_text(pairs, "臺灣的烏龍茶")


def test_export_leaves_out_passages_of_removed_files(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "keep.txt").write_text("保留的段落。", encoding="utf-8")
    (docs / "gone.txt").write_text("删除的段落。", encoding="utf-8")
    build_index([docs], tmp_path / "index")
    (docs / "gone.txt").unlink()
    build_index([docs], tmp_path / "index")
    assert [source["text"] for _, source in _export(tmp_path / "index")] == ["保留的段落。"]


def test_issue_18_passages_of_repeated_ids_export_under_unique_ids(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    records = {
        "a.jsonl": [
            ("DOC_0", "第一条。"),
            ("DOC_0", "第二条。\n\n第二条之二。"),
            ("DOC_1", "第三条。"),
        ],
        "b.jsonl": [("DOC_1", "第四条。"), ("DOC_0", "第五条。")],
    }
    for name, pairs in records.items():
        lines = [json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in pairs]
        (docs / name).write_text("".join(lines), encoding="utf-8")
    build_index([docs], tmp_path / "index")
    pairs = _export(tmp_path / "index")
    ids = [action["index"]["_id"] for action, _ in pairs]
    assert len(ids) == 6 and len(set(ids)) == 6  # OpenSearch overwrites a repeated _id
    assert {source["text"]: source["id"] for _, source in pairs} == {
        "第一条。": "DOC_0",
        "第二条。": "DOC_0#2",
        "第二条之二。": "DOC_0#2",
        "第三条。": "DOC_1",
        "第四条。": "DOC_1#2",
        "第五条。": "DOC_0#3",
    }


def test_export_command_writes_the_file_and_counts_on_stderr(
    index_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "bulk.ndjson"
    result = CliRunner().invoke(
        app, ["export", "--index", str(index_dir), "-o", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "searcher: exported 4 passages as opensearch-bulk\n"
    assert len(out.read_text(encoding="utf-8").splitlines()) == 8
