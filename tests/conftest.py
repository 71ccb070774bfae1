"""Shared fixtures: indexes built once per test session from our own documents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from searcher.cli.location import samples_dir
from searcher.indexing.writer import build_index
from searcher.search import Searcher

DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture(scope="session", autouse=True)
def _no_user_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The user's own index and history stay out of the tests, and the tests out of them: the
    per-user data directory ($XDG_DATA_HOME, else ~/.local/share) is a fresh one, and
    SEARCHER_INDEX and SEARCHER_HISTORY are unset. Subprocesses inherit this. A test of the
    default location sets its own XDG_DATA_HOME (tmp_path), so no test sees another's index."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data-home")))
        patch.delenv("SEARCHER_INDEX", raising=False)
        patch.delenv("SEARCHER_HISTORY", raising=False)
        yield


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample collection, indexed. Read-only: tests must not write to it."""
    directory = tmp_path_factory.mktemp("sample-index")
    build_index([samples_dir()], directory)
    return directory


@pytest.fixture(scope="session")
def data_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/data (trad./simplified, full-width, digits, mixed English), indexed. Read-only."""
    directory = tmp_path_factory.mktemp("data-index")
    build_index([DATA_DIR], directory)
    return directory


# Records titled as zh-laws titles them (the law's name), and a Markdown handbook whose passages
# are titled "文档 › 小节". The first record's title ends with 合同法 and its text starts with
# 试用期, so a phrase could only match across the two.
TITLED_LAWS = [
    {"id": "law-1", "title": "中华人民共和国勞動合同法", "text": "试用期最长不得超过六个月。"},
    {"id": "law-2", "title": "中华人民共和国勞動合同法", "text": "用人单位应当依法建立规章制度。"},
    {"id": "cite-1", "title": "公司管理办法", "text": "员工试用期的工资依照劳动合同法执行。"},
    {"id": "cite-2", "title": "公司管理办法", "text": "本办法所称劳动合同法，指现行有效的法律。"},
    {"id": "crime-1", "title": "刑法", "text": "缓刑考验期不同于试用期。"},
]
TITLED_HANDBOOK = (
    "# 社区手册\n\n## 网格划分\n\n每户居民都有所属的单元。\n\n## 议事规则\n\n每月开一次会。\n"
)


@pytest.fixture(scope="session")
def titled_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """TITLED_LAWS (laws.jsonl) and TITLED_HANDBOOK (handbook.md), indexed. Read-only."""
    source = tmp_path_factory.mktemp("titled-docs")
    lines = [json.dumps(record, ensure_ascii=False) for record in TITLED_LAWS]
    (source / "laws.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (source / "handbook.md").write_text(TITLED_HANDBOOK, encoding="utf-8")
    directory = tmp_path_factory.mktemp("titled-index")
    build_index([source], directory)
    return directory


PassageKey = tuple[str, str, int]  # (file name, JSONL record id or "", paragraph)


def _passages(directory: Path, field: str = "text") -> dict[PassageKey, str]:
    from searcher.ingest.formats import read_passages

    passages = {}
    for path in sorted(directory.iterdir()):
        for passage in read_passages(path):
            record = "" if passage.id == str(path) else passage.id
            passages[(path.name, record, passage.paragraph)] = getattr(passage, field)
    return passages


@pytest.fixture(scope="session")
def sample_passages() -> dict[PassageKey, str]:
    """Every passage of the bundled samples as read from the files: the ground truth for recall."""
    return _passages(samples_dir())


@pytest.fixture(scope="session")
def sample_titles() -> dict[PassageKey, str]:
    """The title path of every passage of the bundled samples ("文档 › 小节")."""
    return _passages(samples_dir(), "title")


@pytest.fixture(scope="session")
def data_passages() -> dict[PassageKey, str]:
    """Every passage of tests/data as read from the files."""
    return _passages(DATA_DIR)


@pytest.fixture(scope="session")
def data_titles() -> dict[PassageKey, str]:
    """The title path of every passage of tests/data."""
    return _passages(DATA_DIR, "title")


@pytest.fixture(scope="module")
def samples(sample_index: Path) -> Iterator[Searcher]:
    """An open Searcher on the sample collection."""
    with Searcher.open(sample_index) as searcher:
        yield searcher


@pytest.fixture(scope="module")
def data(data_index: Path) -> Iterator[Searcher]:
    """An open Searcher on tests/data."""
    with Searcher.open(data_index) as searcher:
        yield searcher
