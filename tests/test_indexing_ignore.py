"""build_index() and the ignore rules: recorded with the index, applied again by a bare run,
replaced by a run that says otherwise, and what they leave out leaves the index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searcher.errors import IgnorePatternError
from searcher.indexing.writer import build_index
from searcher.search import Searcher
from searcher.store.layout import MARKER_FILE


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _indexed(index_dir: Path, root: Path) -> list[str]:
    """The files the index holds, relative to `root`."""
    with Searcher.open(index_dir) as searcher:
        stats = searcher.stats()
        hits = searcher.search("文", limit=1000).hits
    assert stats.files == len({hit.path for hit in hits})  # every file holds 文
    return sorted(Path(hit.path).relative_to(root).as_posix() for hit in hits)


def _recorded(index_dir: Path) -> tuple[dict, dict]:
    """The ignore rules in the newest generation's meta.json and in the marker file."""
    with Searcher.open(index_dir) as searcher:
        meta = searcher.stats().ignore
    return meta, json.loads((index_dir / MARKER_FILE).read_text(encoding="utf-8"))["ignore"]


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    return _tree(
        tmp_path / "docs",
        {
            ".gitignore": "build/\n",
            "a.md": "文一",
            "build/out.md": "文二",
            "drafts/d.md": "文三",
            ".notes/n.md": "文四",
        },
    )


def test_a_bare_run_applies_the_rules_recorded_by_the_first(docs: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    first = build_index([docs], index, hidden=True, exclude=["drafts/"])
    assert _indexed(index, docs) == [".notes/n.md", "a.md"]
    assert first.ignored == 2  # build/ by .gitignore, drafts/ by --exclude
    rules = {"hidden": True, "no_ignore": False, "exclude": ["drafts/"]}
    assert _recorded(index) == (rules, rules)
    _tree(docs, {"drafts/e.md": "文五", ".notes/m.md": "文六", "b.md": "文七"})
    again = build_index([], index)
    assert again.files_new == 2
    assert _indexed(index, docs) == [".notes/m.md", ".notes/n.md", "a.md", "b.md"]
    assert _recorded(index) == (rules, rules)


def test_a_run_with_new_rules_replaces_them_and_what_they_leave_out_leaves(
    docs: Path, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    build_index([docs], index, hidden=True, exclude=["drafts/"])
    # A path given with new rules: every root is walked again under them.
    other = _tree(tmp_path / "other", {"o.md": "文八"})
    report = build_index([other], index, hidden=False, no_ignore=True, exclude=[])
    assert (report.files_new, report.files_removed) == (3, 1)
    assert _indexed(index, tmp_path) == [
        "docs/a.md",
        "docs/build/out.md",
        "docs/drafts/d.md",
        "other/o.md",
    ]
    rules = {"hidden": False, "no_ignore": True, "exclude": []}
    assert _recorded(index) == (rules, rules)
    # Only what a run says changes: the rest stays as recorded.
    build_index([], index, exclude=["*.md", "!a.md"])
    assert _indexed(index, tmp_path) == ["docs/a.md"]
    assert _recorded(index)[0] == {"hidden": False, "no_ignore": True, "exclude": ["*.md", "!a.md"]}


def test_new_rules_are_recorded_even_when_they_change_no_file(docs: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index([docs], index)
    report = build_index([], index, exclude=["nothing-here/"])
    assert report.committed
    assert (report.files_new, report.files_removed) == (0, 0)
    assert _recorded(index)[0]["exclude"] == ["nothing-here/"]
    assert not build_index([], index).committed  # the same rules again: nothing to do


def test_editing_an_ignore_file_takes_effect_on_the_next_run(docs: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index([docs], index)
    assert _indexed(index, docs) == ["a.md", "drafts/d.md"]
    (docs / ".gitignore").write_text("drafts/\n", encoding="utf-8")
    report = build_index([], index)
    assert (report.files_new, report.files_removed, report.ignored) == (1, 1, 2)
    assert _indexed(index, docs) == ["a.md", "build/out.md"]


def test_a_file_named_explicitly_stays_indexed_where_its_folder_ignores_it(
    docs: Path, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    build_index([docs], index)
    build_index([docs / "build" / "out.md"], index)
    assert _indexed(index, docs) == ["a.md", "build/out.md", "drafts/d.md"]
    build_index([], index)  # a bare run: still there, a root of its own
    build_index([docs], index)  # its folder named again: still there
    assert _indexed(index, docs) == ["a.md", "build/out.md", "drafts/d.md"]
    (docs / "build" / "out.md").unlink()  # gone: it leaves, and so does its root, quietly
    report = build_index([], index)
    assert (report.files_removed, report.missing_roots) == (1, [])
    assert report.roots == [str(docs)]


def test_a_bad_exclude_glob_fails_before_anything_is_written(tmp_path: Path) -> None:
    docs = _tree(tmp_path / "docs", {"a.md": "文"})
    with pytest.raises(IgnorePatternError):
        build_index([docs], tmp_path / "index", exclude=["!"])
    assert not (tmp_path / "index").exists()
