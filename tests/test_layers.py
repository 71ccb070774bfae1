"""The package's layers, read from the modules' actual imports (top level and inside functions).

Data flows one way: analysis → ingest → store → indexing → search → remote → cli, tui. A module
may import its own layer and the layers before it, never one after it (cli/ starts tui/, never the
reverse). Besides: ingest holds no numpy and no Whoosh, search never reads files itself (no ingest,
no indexing), only store imports Whoosh, and only remote imports the OpenSearch client.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "searcher"
# errors.py and oneline.py import nothing of ours: every layer may use them.
RANK = {"errors": 0, "oneline": 0, "analysis": 1, "ingest": 2, "store": 3, "indexing": 4}
# remote/ serves search/'s interface from OpenSearch: the CLI opens it; the TUI is handed one.
RANK |= {"search": 5, "remote": 6, "cli": 7, "tui": 7}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE or p.stem in RANK)


def _layer(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in it, as dotted names."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _our_layers(imports: set[str]) -> set[str]:
    return {name.split(".")[1] for name in imports if name.startswith("searcher.") and "." in name}


def _third_party(imports: set[str]) -> set[str]:
    return {name.split(".")[0] for name in imports}


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_one_way(path: Path) -> None:
    layer = _layer(path)
    later = {
        other
        for other in _our_layers(_imports(path))
        if other in RANK and RANK[other] > RANK[layer]
    }
    assert not later, f"{layer}/ must not import {sorted(later)}"
    if layer == "tui":  # the CLI starts the TUI (its `tui` command); never the reverse
        assert "cli" not in _our_layers(_imports(path)), "tui/ must not import cli/"
        # The TUI is handed a Searcher or a RemoteSearcher and never knows which.
        assert "remote" not in _our_layers(_imports(path)), "tui/ must not import remote/"


def test_ingest_imports_neither_numpy_nor_whoosh() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(_third_party(_imports(path)) & {"numpy", "whoosh"})
        for path in (PACKAGE / "ingest").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_search_imports_neither_ingest_nor_indexing() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(_our_layers(_imports(path)) & {"ingest", "indexing"})
        for path in (PACKAGE / "search").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_store_imports_whoosh() -> None:
    importers = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "whoosh" in _third_party(_imports(path))
    }
    assert importers, "the index is committed through Whoosh: store/ must import it"
    assert {name for name in importers if not name.startswith("store/")} == set()


def test_only_remote_imports_the_opensearch_client() -> None:
    # opensearch-py is optional (searcher[opensearch]): nothing else may need it to load.
    importers = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "opensearchpy" in _third_party(_imports(path))
    }
    assert importers, "push and query --opensearch talk to the cluster through opensearch-py"
    assert {name for name in importers if not name.startswith("remote/")} == set()


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    # The front ends import heavy modules lazily, inside functions: those count too.
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    from searcher.indexing.writer import build_index\n")
    assert "indexing" in _our_layers(_imports(module))
