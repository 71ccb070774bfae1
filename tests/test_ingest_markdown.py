"""Tests for searcher.ingest.markdown: Markdown read as the text a reader sees, headings as titles.

Every passage is checked exactly: its title path, the first source line of its text, its text and
its kind. Windows and the block cap are shrunk to check that reading a file a window at a time
gives what one parse of the whole file gives.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searcher.ingest import markdown
from searcher.ingest.formats import read_passages

Row = tuple[str, int, str, str]  # (title, line, text, kind)


def _rows(path: Path, text: str) -> list[Row]:
    path.write_text(text, encoding="utf-8")
    return [(p.title, p.line, p.text, p.kind) for p in read_passages(path)]


def test_each_construct_is_the_text_a_reader_sees_from_its_first_line(tmp_path: Path) -> None:
    text = (
        "# 网格手册\n"  # 1
        "\n"
        '本手册**供网格员**使用，详见[工作规程](https://example.org/a "规程")。\n'  # 3
        '第二行有~~删除~~、`代码`、&lt;尖括号&gt; 和 <span class="x">标签</span>。\n'
        "\n"
        "![](https://cdn.example.org/cover.webp)\n"  # 6: image only
        "\n"
        "图文并排：![巡查路线](route.png)见左。\n"  # 8
        "\n"
        "---\n"  # 10: a rule
        "\n"
        "> 引用的一段，\n"  # 12
        "> 有两行。\n"
        "\n"
        "- 第一项\n"  # 15
        "- ![](only-an-image.png)\n"
        "- 第三项 [链接文字](x)\n"
        "\n"
        '<div align="center"><img src="banner.png"></div>\n'  # 19
        "\n"
        "<p>HTML 段落 &amp; 实体</p>\n"  # 21
    )
    assert _rows(tmp_path / "a.md", text) == [
        (
            "网格手册",
            3,
            "本手册供网格员使用，详见工作规程。\n第二行有删除、代码、<尖括号> 和 标签。",
            "text",
        ),
        ("网格手册", 8, "图文并排：巡查路线见左。", "text"),
        ("网格手册", 12, "引用的一段，\n有两行。", "text"),
        ("网格手册", 15, "第一项\n第三项 链接文字", "text"),
        ("网格手册", 21, "HTML 段落 & 实体", "text"),
    ]


def test_ordered_list_items_keep_the_numbers_a_reader_sees(tmp_path: Path) -> None:
    text = "3. 第三项\n4) 第四项 **加粗**\n\n5. 松散的一项\n\n   它的第二段\n\n之后。\n"
    assert _rows(tmp_path / "o.md", text) == [
        ("o", 1, "3. 第三项", "text"),
        ("o", 2, "4) 第四项 加粗", "text"),
        ("o", 4, "5. 松散的一项", "text"),
        ("o", 6, "它的第二段", "text"),
        ("o", 8, "之后。", "text"),
    ]


def test_table_rows_are_passages_with_cells_between_bars(tmp_path: Path) -> None:
    text = (
        "| 网格 | 网格员 | 电话 |\n"
        "| --- | :-: | --- |\n"
        "| 第一网格 | **张三** | [8888](tel:8888) |\n"
        "|  |  |  |\n"
        "| ![](a.png) |  |  |\n"
        "| 第三网格 |  | 暂缺 |\n"
    )
    assert _rows(tmp_path / "t.md", text) == [
        ("t", 1, "网格 | 网格员 | 电话", "text"),
        ("t", 3, "第一网格 | 张三 | 8888", "text"),
        ("t", 6, "第三网格 |  | 暂缺", "text"),
    ]


def test_code_blocks_are_code_passages_with_their_language(tmp_path: Path) -> None:
    text = (
        "# 上报接口\n\n"
        '```python title="上报"\n'  # 3
        "\n"
        "report(grid=3)  # **不是加粗**\n"  # 5
        "```\n\n"
        "    缩进的代码\n"  # 8
        "    第二行\n\n"
        "~~~\n~~~\n\n"  # 11: empty
        "说明文字。\n"  # 14
    )
    path = tmp_path / "api.md"
    path.write_text(text, encoding="utf-8")
    passages = list(read_passages(path))
    assert [(p.line, p.text, p.kind, p.language) for p in passages] == [
        (5, "report(grid=3)  # **不是加粗**", "code", "python"),
        (8, "缩进的代码\n第二行", "code", ""),
        (14, "说明文字。", "text", ""),
    ]


def test_setext_and_atx_headings_nest_into_the_title_path(tmp_path: Path) -> None:
    text = (
        "网格化管理\n"
        "=========\n"
        "\n"
        "总述。\n"  # 4
        "\n"
        "一、网格划分\n"
        "------------\n"
        "\n"
        "### 1. 划分原则\n"
        "\n"
        "按楼栋划分。\n"  # 11
        "\n"
        "#### 空的小节\n"  # a heading with no body: no passage
        "\n"
        "## 二、*网格员*职责 ![](badge.svg) ##\n"
        "\n"
        "每天巡查。\n"  # 17
        "\n"
        "#\n"  # an empty heading closes every section
        "\n"
        "结语。\n"  # 21
    )
    assert _rows(tmp_path / "手册.md", text) == [
        ("网格化管理", 4, "总述。", "text"),
        ("网格化管理 › 一、网格划分 › 1. 划分原则", 11, "按楼栋划分。", "text"),
        ("网格化管理 › 二、网格员职责", 17, "每天巡查。", "text"),
        ("网格化管理", 21, "结语。", "text"),
    ]


def test_front_matter_is_skipped_and_its_title_names_the_document(tmp_path: Path) -> None:
    text = (
        "---\n"
        'title: "社区周刊 第 3 期"\n'
        "tags: [网格]\n"
        "---\n"
        "引言在标题之前。\n"  # 5
        "\n"
        "# 社区周刊 第 3 期\n"  # the same as the front matter's: not repeated
        "\n"
        "## 言论\n"
        "\n"
        "正文。\n"  # 11
    )
    assert _rows(tmp_path / "weekly.md", text) == [
        ("社区周刊 第 3 期", 5, "引言在标题之前。", "text"),
        ("社区周刊 第 3 期 › 言论", 11, "正文。", "text"),
    ]


def test_first_level_one_heading_titles_the_text_before_it_too(tmp_path: Path) -> None:
    text = "引言。\n\n## 前言\n\n前言正文。\n\n# 调研报告\n\n## 背景\n\n背景。\n"
    assert _rows(tmp_path / "r.md", text) == [
        ("调研报告", 1, "引言。", "text"),
        ("调研报告 › 前言", 5, "前言正文。", "text"),
        ("调研报告 › 背景", 11, "背景。", "text"),
    ]


def test_without_level_one_heading_the_file_name_is_the_document_title(tmp_path: Path) -> None:
    # Changed by issue 11: "概况 › 细节" used to make the first heading the document title.
    text = "## 概况\n\n正文一。\n\n## 细节\n\n正文二。"
    assert [row[0] for row in _rows(tmp_path / "a.markdown", text)] == ["a › 概况", "a › 细节"]


def test_lines_without_blank_lines_between_are_one_paragraph(tmp_path: Path) -> None:
    # Changed by issue 11: CommonMark's paragraph, where each line used to be a passage.
    assert _rows(tmp_path / "笔记.md", "一行。\n二行。") == [("笔记", 1, "一行。\n二行。", "text")]


def test_a_file_of_only_images_and_headings_holds_no_text(tmp_path: Path) -> None:
    path = tmp_path / "gallery.md"
    path.write_text("# 相册\n\n![](a.png)\n![](b.png)\n\n---\n", encoding="utf-8")
    with pytest.raises(Exception, match="holds no text"):
        list(read_passages(path))


def test_crlf_newlines_keep_exact_lines(tmp_path: Path) -> None:
    text = "# 标题\r\n\r\n第一段\r\n续行\r\n\r\n| 甲 | 乙 |\r\n|---|---|\r\n| 丙 | 丁 |\r\n"
    assert _rows(tmp_path / "w.md", text) == [
        ("标题", 3, "第一段\n续行", "text"),
        ("标题", 6, "甲 | 乙", "text"),
        ("标题", 8, "丙 | 丁", "text"),
    ]


def test_long_paragraph_pieces_start_on_their_own_source_lines(tmp_path: Path) -> None:
    lines = [f"第{n}行 **网格**巡查记录，" + "居民反映的问题当天上报。" * 12 for n in range(40)]
    path = tmp_path / "long.md"
    path.write_text("# 记录\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    passages = list(read_passages(path))
    assert len(passages) > 1
    for passage in passages:
        first = passage.text.split("\n")[0]
        source = lines[passage.line - 3].replace("**", "")
        assert source.endswith(first) or source.startswith(first)


# ---------------------------------------------------------------------------- windows

_LINES = st.sampled_from(
    [
        "",
        "",
        "# 标题",
        "## 小节 ##",
        "标题二",
        "===",
        "---",
        "```python",
        "```",
        "    缩进代码",
        "- 列表项",
        "  续行",
        "1. 编号项",
        "> 引用",
        "| 甲 | 乙 |",
        "|---|---|",
        "<div>",
        "</div>",
        "<!-- 注释",
        "-->",
        "![](图.png)",
        "网格员**巡查**，见[规程](x)。",
        "[规程]: https://example.org",
        "第二行文字",
    ]
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(_LINES, max_size=60), window=st.integers(1, 200))
def test_reading_a_window_at_a_time_gives_the_whole_file_parse(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], window: int
) -> None:
    path = tmp_path_factory.mktemp("windows") / "doc.md"
    # Reference definitions come first: a link before its definition, windows later, stays as
    # typed (the one difference windows make, see markdown.py).
    path.write_text("[规程]: https://example.org\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    try:
        whole = list(read_passages(path))
    except Exception as err:  # holds no text
        whole = [type(err).__name__]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(markdown, "WINDOW_CHARS", window)
        try:
            windowed = list(read_passages(path))
        except Exception as err:
            windowed = [type(err).__name__]
    assert windowed == whole


def test_a_block_longer_than_the_cap_is_read_in_parts_and_said_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = [f"log line {n}: ok" for n in range(300)]
    text = "# 日志\n\n```text\n" + "\n".join(code) + "\n```\n\n说明。\n"
    path = tmp_path / "log.md"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(markdown, "WINDOW_CHARS", 256)
    monkeypatch.setattr(markdown, "MAX_BLOCK_CHARS", 1024)
    notes: list[str] = []
    passages = list(read_passages(path, on_note=lambda _, note: notes.append(note)))
    assert notes == ["line 3: a Markdown block of over 1,024 characters is read in parts"]
    *pieces, last = passages
    assert {(p.kind, p.language) for p in pieces} == {("code", "text")}
    assert "\n".join(p.text for p in pieces) == "\n".join(code)
    assert [p.line for p in pieces] == [4 + code.index(p.text.split("\n")[0]) for p in pieces]
    assert (last.title, last.line, last.text, last.kind) == ("日志", 306, "说明。", "text")


def test_one_line_longer_than_the_cap_is_read_in_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = "网格员每天巡查本网格一次，居民反映的问题当天上报。" * 200
    path = tmp_path / "one-line.md"
    path.write_text(line, encoding="utf-8")
    monkeypatch.setattr(markdown, "WINDOW_CHARS", 256)
    monkeypatch.setattr(markdown, "MAX_BLOCK_CHARS", 1024)
    passages = list(read_passages(path))
    assert "".join(p.text for p in passages) == line
    assert {p.line for p in passages} == {1}
