"""Titles: every heading encloses the passages after it, and title: matches any part of the path.

Markdown (ATX and setext headings, front matter) and HTML (<h1>-<h6>), indexed and searched.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from searcher.indexing.writer import build_index
from searcher.search import Searcher

GRID_HANDBOOK = "网格化管理工作手册.md"


@pytest.fixture(scope="module")
def sections(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    """A Markdown file (setext and ATX headings) and an HTML page (nested headings), indexed."""
    source = tmp_path_factory.mktemp("sections")
    (source / "weekly.md").write_text(
        "---\ntitle: 社区周刊\n---\n\n"
        "封面故事\n========\n\n楼道堆物清理完毕。\n\n"
        "言论\n----\n\n居民议事要讲规矩。\n\n"
        "### 读者来信\n\n感谢网格员的帮助。\n\n"
        "## 工具\n\n![](https://cdn.example.org/tool.webp)\n\n"
        "```python\nprint('议事')\n```\n",
        encoding="utf-8",
    )
    (source / "guide.html").write_text(
        "<title>办事指南</title><h2>一、证明</h2><h3>居住证明</h3><p>带身份证到服务台。</p>"
        "<h2>二、议事</h2><p>每月一次议事会。</p>",
        encoding="utf-8",
    )
    index = tmp_path_factory.mktemp("sections-index")
    build_index([source], index)
    with Searcher.open(index) as searcher:
        yield searcher


def _titled(searcher: Searcher, query: str) -> list[tuple[str, str]]:
    hits = searcher.search(query, limit=100, require_all=True).hits
    return sorted((hit.title, hit.text) for hit in hits)


def test_title_filter_matches_any_heading_of_the_title_path(sections: Searcher) -> None:
    assert _titled(sections, "title:言论") == [
        ("社区周刊 › 封面故事 › 言论", "居民议事要讲规矩。"),
        ("社区周刊 › 封面故事 › 言论 › 读者来信", "感谢网格员的帮助。"),
    ]
    assert _titled(sections, "title:读者来信") == [
        ("社区周刊 › 封面故事 › 言论 › 读者来信", "感谢网格员的帮助。")
    ]
    assert _titled(sections, "title:居住证明") == [
        ("办事指南 › 一、证明 › 居住证明", "带身份证到服务台。")
    ]
    assert len(_titled(sections, "title:社区周刊")) == 4  # the document title: every passage
    # The image under it is no passage: only the code is.
    assert _titled(sections, "title:工具") == [("社区周刊 › 封面故事 › 工具", "print('议事')")]


def test_title_filter_combines_with_words_within_a_section(sections: Searcher) -> None:
    assert _titled(sections, "title:议事 每月") == [("办事指南 › 二、议事", "每月一次议事会。")]
    code = sections.search("title:工具 议事", limit=10, require_all=True).hits
    assert [(hit.kind, hit.language) for hit in code] == [("code", "python")]


def test_image_only_lines_are_not_indexed(sections: Searcher) -> None:
    assert sections.search("cdn", limit=10).hits == []
    assert sections.search("webp", limit=10).hits == []


def test_title_filter_matches_a_section_title_not_only_the_document_title(
    samples: Searcher,
) -> None:
    found = samples.search("title:网格党建", limit=100, require_all=True).hits
    assert {(Path(hit.path).name, hit.paragraph) for hit in found} == {
        (GRID_HANDBOOK, 6),
        (GRID_HANDBOOK, 7),
    }
    assert {hit.title for hit in found} == {"网格化管理工作手册 › 三、网格党建"}


def test_sample_headings_are_titles_in_markdown_and_html(samples: Searcher) -> None:
    def titles(query: str) -> list[tuple[str, int, str]]:
        hits = samples.search(query, limit=100, require_all=True).hits
        return sorted((Path(hit.path).name, hit.line, hit.title) for hit in hits)

    charging = "松竹苑小区电动自行车充电棚使用说明"  # a setext heading, under front matter
    assert titles("title:线上充值") == [
        ("充电棚使用说明.md", 33, f"{charging} › 办卡方法 › 线上充值"),
        ("充电棚使用说明.md", 36, f"{charging} › 办卡方法 › 线上充值"),
    ]
    materials = "青岚社区卫生服务站就诊指南 › 二、慢性病管理 › 1. 家庭医生签约 › 签约要带的材料"
    assert titles("title:签约要带的材料") == [
        ("社区卫生服务站就诊指南.html", 23, materials),
        ("社区卫生服务站就诊指南.html", 24, materials),
    ]
    (code,) = samples.search("SZY", limit=10).hits
    assert (code.kind, code.language, code.line) == ("code", "python", 36)
