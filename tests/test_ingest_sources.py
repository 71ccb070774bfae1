"""searcher/ingest/sources.py and ignore.py: which files a walk yields under the ignore rules."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from searcher.errors import IgnorePatternError
from searcher.ingest.ignore import IgnoreRules
from searcher.ingest.sources import discover_files


def _tree(root: Path, files: dict[str, str]) -> Path:
    """Write `files` (relative path → text) under `root`; documents get a line of text."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _walk(
    *paths: Path, rules: IgnoreRules | None = None, base: Path | None = None
) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """(files found, paths ignored, errors), as paths relative to `base` (default: the first
    path's folder)."""
    base = base or (paths[0] if paths[0].is_dir() else paths[0].parent)
    ignored: list[Path] = []
    errors: list[tuple[Path, str]] = []
    found = discover_files(
        paths,
        lambda path, reason: errors.append((path, reason)),
        rules=rules,
        on_ignored=ignored.append,
    )
    names = [source.path.relative_to(base).as_posix() for source in found]
    return (
        names,
        sorted(path.relative_to(base).as_posix() for path in ignored),
        [(path.relative_to(base).as_posix(), reason) for path, reason in errors],
    )


def test_gitignore_applies_to_its_own_folder_and_below_only(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "a/.gitignore": "*.md\n",
            "a/x.md": "甲",
            "a/deep/y.md": "乙",
            "a/z.txt": "丙",
            "b/x.md": "丁",
            "top.md": "戊",
        },
    )
    found, ignored, errors = _walk(root)
    assert found == ["a/z.txt", "b/x.md", "top.md"]
    assert ignored == ["a/deep/y.md", "a/x.md"]
    assert errors == []


def test_deeper_negation_overrides_a_shallower_pattern(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            ".gitignore": "*.txt\n",
            "sub/.gitignore": "!keep.txt\n",
            "sub/keep.txt": "留",
            "sub/other.txt": "弃",
            "keep.txt": "根",
            "a.md": "文",
        },
    )
    found, ignored, _ = _walk(root)
    assert found == ["a.md", "sub/keep.txt"]
    assert ignored == ["keep.txt", "sub/other.txt"]


def test_negation_in_the_same_file_and_later_patterns_win(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {".gitignore": "*.md\n!important.md\nimportant-draft.md\n"}
        | {name: "字" for name in ["a.md", "important.md", "important-draft.md", "b.txt"]},
    )
    found, ignored, _ = _walk(root)
    assert found == ["b.txt", "important.md"]
    assert ignored == ["a.md", "important-draft.md"]


def test_directory_pattern_leaves_out_folders_at_any_depth_and_not_their_contents_one_by_one(
    tmp_path: Path,
) -> None:
    root = _tree(
        tmp_path,
        {
            ".gitignore": "build/\nnode_modules\n",
            "build/out.md": "甲",
            "src/build/gen.txt": "乙",
            "src/node_modules/pkg/README.md": "丙",
            "src/main.md": "丁",
        },
    )
    (root / "notes").mkdir()
    _tree(root, {"notes/build.md": "戊"})  # a file is not matched by a folder pattern
    found, ignored, _ = _walk(root)
    assert found == ["notes/build.md", "src/main.md"]
    assert ignored == ["build", "src/build", "src/node_modules"]  # each folder once


def test_a_file_in_an_ignored_folder_cannot_be_brought_back_by_negation(tmp_path: Path) -> None:
    # As git: "It is not possible to re-include a file if a parent directory is excluded".
    root = _tree(tmp_path, {".gitignore": "drafts/\n!drafts/keep.md\n", "drafts/keep.md": "字"})
    assert _walk(root)[0] == []


def test_anchored_pattern_matches_relative_to_its_ignore_file(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "docs/.gitignore": "/todo.md\nold/*.txt\n",
            "docs/todo.md": "甲",
            "docs/sub/todo.md": "乙",
            "docs/old/a.txt": "丙",
            "docs/sub/old/a.txt": "丁",
            "todo.md": "戊",
        },
    )
    found, ignored, _ = _walk(root)
    assert found == ["docs/sub/old/a.txt", "docs/sub/todo.md", "todo.md"]
    assert ignored == ["docs/old/a.txt", "docs/todo.md"]


def test_ignore_and_searcherignore_override_gitignore_in_the_same_folder(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            ".gitignore": "*.md\n",
            ".ignore": "!a.md\nb.txt\n",
            ".searcherignore": "!b.txt\nc.txt\n",
            "a.md": "甲",
            "z.md": "乙",
            "b.txt": "丙",
            "c.txt": "丁",
        },
    )
    found, ignored, _ = _walk(root)
    assert found == ["a.md", "b.txt"]
    assert ignored == ["c.txt", "z.md"]


def test_hidden_files_and_folders_are_skipped_and_counted_unless_hidden(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            ".hidden.md": "甲",
            ".config/notes.txt": "乙",
            ".cache.bin": "丙",  # hidden, but no document: not counted
            "visible.txt": "丁",
        },
    )
    found, ignored, _ = _walk(root)
    assert found == ["visible.txt"]
    assert ignored == [".config", ".hidden.md"]
    found, ignored, _ = _walk(root, rules=IgnoreRules(hidden=True))
    assert found == [".config/notes.txt", ".hidden.md", "visible.txt"]
    assert ignored == []


def test_exclude_globs_are_relative_to_each_root(tmp_path: Path) -> None:
    one = _tree(tmp_path / "one", {"drafts/a.md": "甲", "top.md": "乙", "x/top.md": "丙"})
    two = _tree(tmp_path / "two", {"top.md": "丁", "y/drafts/b.md": "戊", "keep.txt": "己"})
    rules = IgnoreRules(exclude=("drafts/", "/top.md"))
    found, ignored, _ = _walk(one, two, rules=rules, base=tmp_path)
    assert found == ["one/x/top.md", "two/keep.txt"]
    assert ignored == ["one/drafts", "one/top.md", "two/top.md", "two/y/drafts"]


def test_exclude_wins_over_a_negation_in_an_ignore_file(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"sub/.gitignore": "!*.log.md\n", "sub/a.log.md": "甲", "b.md": "乙"})
    found, ignored, _ = _walk(root, rules=IgnoreRules(exclude=("*.log.md",)))
    assert found == ["b.md"]
    assert ignored == ["sub/a.log.md"]


def test_no_ignore_reads_no_ignore_file_but_still_skips_hidden_and_excludes(
    tmp_path: Path,
) -> None:
    root = _tree(
        tmp_path,
        {
            ".gitignore": "*.md\n",
            "sub/.searcherignore": "*.txt\n",
            "a.md": "甲",
            "sub/b.txt": "乙",
            ".hidden.md": "丙",
            "drafts/c.md": "丁",
        },
    )
    found, ignored, _ = _walk(root, rules=IgnoreRules(no_ignore=True, exclude=("drafts",)))
    assert found == ["a.md", "sub/b.txt"]
    assert ignored == [".hidden.md", "drafts"]


def test_a_file_named_explicitly_is_always_yielded_and_never_counted_ignored(
    tmp_path: Path,
) -> None:
    root = _tree(
        tmp_path,
        {
            ".gitignore": "*.md\n",
            "a.md": "甲",
            "b.md": "乙",
            ".hidden.txt": "丙",
            "drafts/c.txt": "丁",
        },
    )
    rules = IgnoreRules(exclude=("drafts/",))
    named = [root, root / "b.md", root / ".hidden.txt", root / "drafts" / "c.txt"]
    found, ignored, _ = _walk(*named, rules=rules)
    assert found == ["b.md", ".hidden.txt", "drafts/c.txt"]
    assert ignored == ["a.md", "drafts"]  # the folder, though one file of it was named


def test_an_explicit_hidden_folder_is_walked(tmp_path: Path) -> None:
    root = _tree(tmp_path, {".notes/a.md": "甲", ".notes/.b.md": "乙"})
    found, ignored, _ = _walk(root / ".notes")
    assert found == ["a.md"]
    assert ignored == [".b.md"]


def test_bad_lines_of_an_ignore_file_are_skipped_and_the_rest_honoured(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {".gitignore": "# comment\n\n!\n\\\n*.txt\n", "a.txt": "甲", "b.md": "乙"},
    )
    found, ignored, errors = _walk(root)
    assert (found, ignored, errors) == (["b.md"], ["a.txt"], [])


def test_an_ignore_file_that_is_a_fifo_is_reported_and_never_blocks(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / ".gitignore")
    _tree(tmp_path, {"a.md": "甲"})
    found, ignored, errors = _walk(tmp_path)
    assert found == ["a.md"]
    assert errors == [
        (".gitignore", "ignore file is not a regular file; its patterns are not used")
    ]


def test_an_ignore_file_with_a_bom_and_crlf_lines_is_read(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_bytes("\ufeff*.txt\r\n草稿/\r\n".encode())
    _tree(tmp_path, {"a.txt": "甲", "草稿/b.md": "乙", "c.md": "丙"})
    assert _walk(tmp_path)[:2] == (["c.md"], ["a.txt", "草稿"])


def test_an_invalid_exclude_glob_is_an_error_that_names_it() -> None:
    with pytest.raises(IgnorePatternError, match=r"--exclude '!' is not a gitignore-style glob"):
        IgnoreRules(exclude=("!",))


def test_rules_round_trip_through_json_and_replace_only_what_is_given() -> None:
    rules = IgnoreRules(hidden=True, exclude=("build/", "*.log"))
    assert IgnoreRules.from_json(rules.as_json()) == rules
    assert rules.replaced() == rules
    assert rules.replaced(hidden=False) == IgnoreRules(exclude=("build/", "*.log"))
    assert rules.replaced(exclude=[]) == IgnoreRules(hidden=True)
    assert rules.replaced(no_ignore=True).no_ignore
    # An index written before ignore rules existed records none: the defaults.
    assert IgnoreRules.from_json(None) == IgnoreRules()
    assert IgnoreRules.from_json({"hidden": "yes", "exclude": ["ok/", "!", 3]}) == IgnoreRules(
        exclude=("ok/",)
    )
