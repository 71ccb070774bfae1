"""Tests for searcher.ingest.formats: discovery, decoding and splitting into passages.

Files are read in chunks; tests that shrink the chunk and line-part sizes check that where a chunk
ends never changes a passage.
"""

from __future__ import annotations

import errno
import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searcher.errors import DocumentReadError
from searcher.ingest import decoding, formats, lines
from searcher.ingest.decoding import decode_bytes
from searcher.ingest.formats import MAX_PASSAGE_CHARS, Passage, read_passages
from searcher.ingest.sources import SUPPORTED_SUFFIXES, SourceFile, discover_files

SIMPLIFIED = "乡村振兴调研报告：我们在三个县开展了工作，了解农村发展的问题。"
TRADITIONAL = "鄉村振興調研報告：我們在三個縣開展了工作，瞭解農村發展的問題。"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _read(path: Path) -> list[Passage]:
    return list(read_passages(path))


@contextmanager
def _small_reads(chunk_bytes: int, part_chars: int) -> Iterator[None]:
    """Read files `chunk_bytes` at a time and hand lines on in parts of `part_chars`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(decoding, "_CHUNK_BYTES", chunk_bytes)
        patch.setattr(lines, "_PART_CHARS", part_chars)
        yield


# ---------------------------------------------------------------------------- decoding


def test_utf8_file_is_decoded(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.txt", SIMPLIFIED)
    assert [p.text for p in _read(path)] == [SIMPLIFIED]
    assert decode_bytes(SIMPLIFIED.encode()) == (SIMPLIFIED, "utf-8")


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SIMPLIFIED.encode())
    assert [p.text for p in _read(path)] == [SIMPLIFIED]
    assert decode_bytes(path.read_bytes()) == (SIMPLIFIED, "utf-8-sig")


@pytest.mark.parametrize(("bom", "codec"), [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_utf16_file_with_bom_is_decoded(tmp_path: Path, bom: bytes, codec: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(bom + f"{SIMPLIFIED}\n\n第二段".encode(codec))
    passages = _read(path)
    assert [(p.text, p.line) for p in passages] == [(SIMPLIFIED, 1), ("第二段", 3)]
    assert decode_bytes(path.read_bytes())[1] == codec


def test_utf32_file_with_bom_is_decoded() -> None:
    assert decode_bytes(b"\xff\xfe\x00\x00" + SIMPLIFIED.encode("utf-32-le")) == (
        SIMPLIFIED,
        "utf-32-le",
    )


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "gb2312"])
def test_gb18030_family_file_is_decoded(tmp_path: Path, encoding: str) -> None:
    path = _write(tmp_path / "报告.txt", SIMPLIFIED, encoding)
    assert [p.text for p in _read(path)] == [SIMPLIFIED]
    assert decode_bytes(path.read_bytes()) == (SIMPLIFIED, "gb18030")


@pytest.mark.parametrize("encoding", ["big5", "cp950"])
def test_big5_file_is_decoded(tmp_path: Path, encoding: str) -> None:
    path = _write(tmp_path / "報告.txt", TRADITIONAL, encoding)
    assert [p.text for p in _read(path)] == [TRADITIONAL]
    assert decode_bytes(path.read_bytes())[1] in ("cp950", "big5hkscs")


def test_short_gb_and_big5_texts_are_told_apart() -> None:
    assert decode_bytes("中国人民的生活".encode("gb18030"))[0] == "中国人民的生活"
    assert decode_bytes("中國人民的生活".encode("big5"))[0] == "中國人民的生活"


def test_binary_file_raises(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)))
    with pytest.raises(DocumentReadError, match="image.txt: binary"):
        _read(path)


def test_data_of_control_characters_is_binary() -> None:
    with pytest.raises(DocumentReadError, match="binary"):
        decode_bytes(bytes(range(1, 32)) * 10 + b"text")


def test_mostly_undecodable_bytes_raise() -> None:
    with pytest.raises(DocumentReadError):
        decode_bytes(b"\xff\xfa" * 100 + "中文".encode())


def test_invalid_utf8_mixed_with_valid_text_keeps_valid_text(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes("开头中文。".encode() + b"\xff\xc3" + "结尾 text".encode())
    [passage] = _read(path)
    assert passage.text == "开头中文。\ufffd\ufffd结尾 text"
    assert decode_bytes(path.read_bytes())[1] == "utf-8 (lossy)"


def test_literal_replacement_characters_in_valid_utf8_are_text() -> None:
    text = "\ufffd" * 10 + "好"
    assert decode_bytes(text.encode()) == (text, "utf-8")


@pytest.mark.parametrize("content", [b"", b"   \n\t\n\r\n", "\u3000\n".encode()])
def test_file_without_text_raises(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(DocumentReadError, match="empty.txt: holds no text"):
        _read(path)


def test_missing_file_raises_document_read_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentReadError, match="gone.txt"):
        _read(tmp_path / "gone.txt")


# ---------------------------------------------------------------------------- plain text


def test_blank_line_blocks_have_exact_line_numbers(tmp_path: Path) -> None:
    text = "\n  \n第一段第一行\n第一段第二行\n\n\n  第二段  \n \t\n第三段\n"
    path = _write(tmp_path / "乡村振兴调研报告.txt", text)
    passages = _read(path)
    assert [(p.paragraph, p.line, p.text) for p in passages] == [
        (1, 3, "第一段第一行\n第一段第二行"),
        (2, 7, "第二段"),
        (3, 9, "第三段"),
    ]
    assert {p.title for p in passages} == {"乡村振兴调研报告"}
    assert {p.id for p in passages} == {str(path)}
    assert all(p.meta is None for p in passages)


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_newlines_count_as_lines(tmp_path: Path, newline: str) -> None:
    text = newline.join(["甲", "乙", "", "丙"])
    passages = _read(_write(tmp_path / "a.txt", text))
    assert [(p.line, p.text) for p in passages] == [(1, "甲\n乙"), (4, "丙")]


def test_each_line_is_a_paragraph_when_file_has_no_blank_line(tmp_path: Path) -> None:
    passages = _read(_write(tmp_path / "a.txt", "\n第一段。\n  第二段。\n第三段。\n"))
    assert [(p.paragraph, p.line, p.text) for p in passages] == [
        (1, 2, "第一段。"),
        (2, 3, "第二段。"),
        (3, 4, "第三段。"),
    ]


def test_unsupported_suffix_is_read_as_text(tmp_path: Path) -> None:
    passages = _read(_write(tmp_path / "notes.log", "日志一\n\n日志二"))
    assert [p.text for p in passages] == ["日志一", "日志二"]


def test_long_paragraph_is_split_at_sentence_ends_without_losing_text(tmp_path: Path) -> None:
    sentences = [f"第{i}句话讲的是乡村振兴的具体做法{'和措施' * (i % 7)}。" for i in range(400)]
    paragraph = "".join(sentences)
    path = _write(tmp_path / "long.txt", f"标题\n\n{paragraph}\n\n尾段")
    passages = _read(path)
    pieces = [p.text for p in passages[1:-1]]
    assert len(pieces) > 1
    assert all(len(piece) <= MAX_PASSAGE_CHARS for piece in pieces)
    assert all(piece.endswith("。") for piece in pieces)
    assert "".join(pieces) == paragraph
    assert [p.paragraph for p in passages] == list(range(1, len(passages) + 1))
    assert {p.line for p in passages[1:-1]} == {3}


def test_long_line_without_punctuation_is_cut_hard_and_loses_nothing(tmp_path: Path) -> None:
    hanzi = "无标点长文本" * 1000
    latin = " tail words" * 500
    passages = _read(_write(tmp_path / "long.txt", hanzi + latin))
    assert [p.text for p in passages[:3]] == [
        hanzi[i : i + MAX_PASSAGE_CHARS] for i in (0, 2000, 4000)
    ]
    assert all(len(p.text) <= MAX_PASSAGE_CHARS for p in passages)
    # Nothing lost: only the single spaces at the cut points are gone.
    assert " ".join(p.text for p in passages[3:]) == latin.strip()
    # Latin text is cut between words, never inside one.
    for passage in passages[3:]:
        assert passage.text.startswith(("tail", "words")) and passage.text.endswith(
            ("tail", "words")
        )


def test_split_piece_line_numbers_follow_the_text(tmp_path: Path) -> None:
    lines = ["这一行有一些字" * 40 for _ in range(30)]  # one block of 30 long lines
    path = _write(tmp_path / "a.txt", "开头\n\n" + "\n".join(lines) + "\n\n结尾")
    file_lines = path.read_text().split("\n")
    for passage in _read(path):
        assert file_lines[passage.line - 1].startswith(passage.text.split("\n")[0])


# Markdown: test_ingest_markdown.py


# ---------------------------------------------------------------------------- JSONL


def test_jsonl_ids_titles_meta_and_bad_line_reported(tmp_path: Path) -> None:
    records = [
        json.dumps(
            {"id": "r1", "title": "第一篇", "text": "甲行\n乙行\n\n丙段", "source": "网", "n": 3}
        ),
        "{not json",
        json.dumps({"title": "无编号", "text": "丁"}, ensure_ascii=False),
        json.dumps({"id": "r4", "title": "无正文"}),
        "",
        json.dumps({"id": 5, "text": "戊", "tags": ["a", "乙"], "ok": True}, ensure_ascii=False),
    ]
    path = _write(tmp_path / "docs.jsonl", "\n".join(records) + "\n")
    errors: list[tuple[Path, str]] = []
    passages = list(read_passages(path, on_error=lambda p, reason: errors.append((p, reason))))
    assert [(p.id, p.title, p.paragraph, p.line, p.text) for p in passages] == [
        ("r1", "第一篇", 1, 1, "甲行\n乙行"),
        ("r1", "第一篇", 2, 1, "丙段"),
        (f"{path}#3", "无编号", 1, 3, "丁"),
        ("5", "", 1, 6, "戊"),
    ]
    assert passages[0].meta == {"source": "网", "n": "3"}
    assert passages[2].meta is None
    assert passages[3].meta == {"tags": '["a", "乙"]', "ok": "true"}
    assert [p for p, _ in errors] == [path, path]
    assert errors[0][1].startswith("line 2: not valid JSON")
    assert errors[1][1].startswith("line 4:")


def test_jsonl_without_any_valid_record_raises(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.jsonl", "[1, 2]\n{}\n")
    with pytest.raises(DocumentReadError, match="holds no text"):
        _read(path)


# ---------------------------------------------------------------------------- HTML


def test_html_drops_script_and_style_and_keeps_source_lines(tmp_path: Path) -> None:
    text = (
        "<!doctype html>\n<html><head><title>页面 &amp; 标题</title>\n"
        "<style>p { color: red }</style></head>\n<body>\n"
        "<h1>大标题</h1>\n"
        "<p>\n  第一段 &lt;引用&gt;\n  <b>加粗</b>续写</p>\n"
        '<script>document.write("<p>脚本</p>")</script>\n'
        "<noscript>不要</noscript><template><p>模板</p></template>\n"
        "<div>上<br>下</div>\n"
        "<ul><li>项一</li><li>项二</li></ul>\n"
        "</body></html>\n"
    )
    passages = _read(_write(tmp_path / "page.html", text))
    # Changed by issue 11: the <h1> is in the title path, no longer a passage of its own.
    assert [(p.line, p.text) for p in passages] == [
        (7, "第一段 <引用> 加粗续写"),
        (11, "上"),
        (11, "下"),
        (12, "项一"),
        (12, "项二"),
    ]
    assert {p.title for p in passages} == {"页面 & 标题 › 大标题"}


def test_html_without_title_uses_first_h1(tmp_path: Path) -> None:
    passages = _read(_write(tmp_path / "a.htm", "<h1>主题</h1><p>内容</p>", "gb18030"))
    assert [(p.title, p.text) for p in passages] == [("主题", "内容")]


def test_html_nested_headings_make_the_title_path(tmp_path: Path) -> None:
    text = (
        "<html><head><title>社区手册</title></head><body>\n"
        "<h1>社区手册</h1>\n"  # the same as <title>: not repeated
        "<p>前言。</p>\n"
        "<h2>一、<em>网格</em></h2>\n"
        "<h3>1. 划分</h3>\n"
        "<p>按楼栋划分。</p>\n"
        "<h4>空的小节</h4>\n"
        "<h3>2. 巡查</h3><div>每天一次。</div>\n"
        "<h2>二、议事</h2>\n"
        "<p>每月一次。</p>\n"
        "</body></html>\n"
    )
    passages = _read(_write(tmp_path / "handbook.html", text))
    assert [(p.title, p.line, p.text) for p in passages] == [
        ("社区手册", 3, "前言。"),
        ("社区手册 › 一、网格 › 1. 划分", 6, "按楼栋划分。"),
        ("社区手册 › 一、网格 › 2. 巡查", 8, "每天一次。"),
        ("社区手册 › 二、议事", 10, "每月一次。"),
    ]


# ---------------------------------------------------------------------------- discovery


def _discover(
    *paths: Path, follow: bool = False
) -> tuple[list[SourceFile], list[tuple[Path, str]]]:
    errors: list[tuple[Path, str]] = []
    found = list(discover_files(paths, lambda path, reason: errors.append((path, reason)), follow))
    return found, errors


def test_discover_files_walks_tree_once_in_sorted_order(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    (root / "sub" / "deep").mkdir(parents=True)
    (root / ".hidden").mkdir()
    for name in ["b.txt", "a.md", "sub/c.jsonl", "sub/deep/d.HTML", ".hidden/x.txt", ".secret.txt"]:
        _write(root / name, '{"text": "内容"}' if name.endswith("jsonl") else "内容")
    _write(root / "image.bmp", "不是文档")  # no reader for this format
    (root / "sub" / "loop").symlink_to(root)  # a symlink loop
    (root / "sub" / "deep" / "self").symlink_to(".")
    (root / "link.txt").symlink_to(root / "b.txt")  # the same file under a second name
    found, errors = _discover(root)
    names = [f.path.relative_to(root).as_posix() for f in found]
    assert names == ["a.md", "b.txt", "sub/c.jsonl", "sub/deep/d.HTML"]
    assert errors == []
    first = found[0]
    assert first.size == (root / "a.md").stat().st_size
    assert first.mtime_ns == (root / "a.md").stat().st_mtime_ns


def test_discover_files_handles_awkward_file_names(tmp_path: Path) -> None:
    names = [b"with space.txt", b"new\nline.txt", b"bad\xff\xfename.txt", "中文 名.md".encode()]
    for raw in names:
        fd = os.open(os.path.join(os.fsencode(tmp_path), raw), os.O_WRONLY | os.O_CREAT)
        os.write(fd, "第一段\n\n第二段".encode())
        os.close(fd)
    found, errors = _discover(tmp_path, tmp_path / "with space.txt")
    assert errors == []
    assert sorted(os.fsencode(f.path.name) for f in found) == sorted(names)
    for source in found:
        assert [p.text for p in read_passages(source.path)] == ["第一段", "第二段"]


def test_discover_files_reports_problems_and_goes_on(tmp_path: Path) -> None:
    _write(tmp_path / "good.txt", "好")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "dangling.bmp").symlink_to(tmp_path / "nowhere.bmp")  # not a format we read
    missing = tmp_path / "missing"
    explicit = _write(tmp_path / "notes.log", "日志")
    os.mkfifo(tmp_path / "pipe.txt")
    found, errors = _discover(missing, tmp_path, explicit, explicit)
    assert [f.path.name for f in found] == ["good.txt", "notes.log"]
    # Symbolic links inside a folder are not followed (as ripgrep): the dangling one is no error.
    assert [(p.name, reason) for p, reason in errors] == [
        ("missing", "no such file or directory"),
        ("pipe.txt", "not a regular file"),
    ]
    found, errors = _discover(missing, tmp_path, explicit, explicit, follow=True)
    assert [(p.name, reason) for p, reason in errors] == [
        ("missing", "no such file or directory"),
        ("dangling.txt", "no such file or directory"),
        ("pipe.txt", "not a regular file"),
    ]


def test_issue_18_symlinks_out_of_the_folder_are_not_followed_unless_asked(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    _write(outside / "secret.md", "机密")
    folder = tmp_path / "folder"
    folder.mkdir()
    _write(folder / "notes.md", "笔记")
    (folder / "etc").symlink_to(outside)
    (folder / "secret.md").symlink_to(outside / "secret.md")
    found, errors = _discover(folder)
    assert [f.path.name for f in found] == ["notes.md"] and errors == []
    found, _ = _discover(folder, follow=True)
    assert sorted(str(f.path.relative_to(folder)) for f in found) == [
        "etc/secret.md",
        "notes.md",
    ]  # the file reached twice (through the link to it and the folder) is read once
    found, _ = _discover(folder / "secret.md")  # named explicitly: followed
    assert [f.path.name for f in found] == ["secret.md"]


def test_discover_files_reports_unreadable_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    _write(locked / "a.txt", "字")
    _write(tmp_path / "b.txt", "字")
    real_scandir = os.scandir

    # The suite runs as root in CI, and root reads a chmod-0 directory: deny it at the OS call.
    def scandir(path: os.PathLike[str] | str = ".") -> object:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found, errors = _discover(tmp_path)
    assert [f.path.name for f in found] == ["b.txt"]
    assert errors == [(locked, "permission denied")]


def test_supported_suffixes_are_the_documented_ones() -> None:
    text = (".txt", ".md", ".markdown", ".jsonl", ".html", ".htm")
    documents = (".pdf", ".docx", ".epub", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
    assert SUPPORTED_SUFFIXES == text + documents


# ---------------------------------------------------------------------------- property

_line_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufeff"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip())
_paragraphs = st.lists(st.lists(_line_text, min_size=1, max_size=4), min_size=1, max_size=8)
_separators = st.sampled_from(["\n\n", "\n \n", "\n\n\n", "\n\u3000\n\t\n"])


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paragraphs=_paragraphs, separator=_separators)
def test_passages_cover_the_text_and_point_at_their_lines(
    tmp_path: Path, paragraphs: list[list[str]], separator: str
) -> None:
    text = separator.join("\n".join(lines) for lines in paragraphs)
    path = _write(tmp_path / "prop.txt", text)
    passages = _read(path)
    assert "".join("".join(p.text for p in passages).split()) == "".join(text.split())
    file_lines = text.split("\n")
    for passage in passages:
        assert file_lines[passage.line - 1].lstrip().startswith(passage.text.split("\n")[0])
    assert [p.paragraph for p in passages] == list(range(1, len(passages) + 1))


# ---------------------------------------------------------------------------- reading in chunks

_LINES = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "\u3000\t",
            "# 标题",
            "## 背景 ##",
            "#",
            "```",
            "~~~~",
            "   ```sh",
            "---",
            "...",
            "- 项",
        ]
    ),
    st.text(alphabet="网格员巡查一次。！”）, \t\u3000ab", min_size=1, max_size=60),
    # Around MAX_PASSAGE_CHARS, with and without places to cut.
    st.integers(MAX_PASSAGE_CHARS - 3, MAX_PASSAGE_CHARS + 3).map(lambda n: ("网格员巡查" * n)[:n]),
    st.integers(1, 3 * MAX_PASSAGE_CHARS).map(lambda n: ("党支部议事会召开。" * n)[:n]),
)
_FILES = st.tuples(
    st.lists(st.tuples(_LINES, st.sampled_from(["\n", "\n", "\r\n", "\r"])), max_size=30),
    st.sampled_from(["", "\n", " ", "\n \t", "\n\n"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    content=_FILES,
    suffix=st.sampled_from([".txt", ".md"]),
    front_matter=st.booleans(),
    chunk_bytes=st.integers(1, 64),
    part_chars=st.integers(1, 40),
)
def test_passages_do_not_depend_on_where_reads_and_line_parts_end(
    tmp_path_factory: pytest.TempPathFactory,
    content: tuple[list[tuple[str, str]], str],
    suffix: str,
    front_matter: bool,
    chunk_bytes: int,
    part_chars: int,
) -> None:
    lines, tail = content
    text = ("---\ntitle: 元数据\n---\n" if front_matter else "") + "".join(a + b for a, b in lines)
    path = _write(tmp_path_factory.mktemp("chunks") / f"doc{suffix}", text + tail)
    try:
        whole = _read(path)  # a small file is one chunk, each line one part
    except DocumentReadError as err:
        with _small_reads(chunk_bytes, part_chars), pytest.raises(DocumentReadError) as raised:
            _read(path)
        assert str(raised.value) == str(err)
        return
    with _small_reads(chunk_bytes, part_chars):
        assert _read(path) == whole


def test_jsonl_larger_than_a_read_gives_the_passages_of_a_whole_file_parse(tmp_path: Path) -> None:
    records = [
        {
            "id": f"r{n}",
            "title": f"第{n}篇",
            "text": f"第{n}条 网格员巡查。\n\n居民议事会{n}次。" * (n % 3 + 1),
        }
        for n in range(300)
    ]
    lines = [json.dumps(record, ensure_ascii=False) for record in records]
    lines[7] = "{not json"
    lines[20] = "x" * 5000  # a bad line longer than a line part
    lines[30] = json.dumps(
        {"id": "long", "text": "长" * (3 * MAX_PASSAGE_CHARS)}, ensure_ascii=False
    )
    data = "\r\n".join(lines) + "\r\n"
    path = _write(tmp_path / "big.jsonl", data)
    # The straightforward parse: the whole file, line by line.
    expected = []
    for number, line in enumerate(data.split("\r\n"), 1):
        if number in (8, 21) or not line:
            continue
        record = json.loads(line)
        blocks = record["text"].split("\n\n")
        if record["id"] == "long":
            blocks = ["长" * MAX_PASSAGE_CHARS] * 3
        for paragraph, block in enumerate(blocks, 1):
            expected.append((record["id"], record.get("title", ""), paragraph, number, block))
    assert len(data.encode()) > 1000 * 64
    with _small_reads(1000, 100):
        errors: list[str] = []
        passages = list(read_passages(path, on_error=lambda _, reason: errors.append(reason)))
    assert [(p.id, p.title, p.paragraph, p.line, p.text) for p in passages] == expected
    assert [reason.split(":")[0] for reason in errors] == ["line 8", "line 21"]


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("gb18030", b""),
        ("cp950", b""),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-32-be", b"\x00\x00\xfe\xff"),
    ],
)
def test_encoding_is_detected_and_decoded_the_same_in_small_reads(
    encoding: str, prefix: bytes
) -> None:
    text = (TRADITIONAL if encoding == "cp950" else SIMPLIFIED) * 50
    data = prefix + text.encode(encoding)
    whole = decode_bytes(data)
    assert whole[0] == text
    for chunk_bytes in (1, 2, 3, 5, 7):
        with _small_reads(chunk_bytes, 10):
            assert decode_bytes(data) == whole


def test_lossy_utf8_counts_replacements_across_read_boundaries() -> None:
    data = ("开头中文。".encode() + b"\xff\xc3" + "结尾 text".encode()) * 100
    expected = (data.decode("utf-8", "replace"), "utf-8 (lossy)")
    for chunk_bytes in (1, 4, 1 << 20):
        with _small_reads(chunk_bytes, 10):
            assert decode_bytes(data) == expected


def test_single_line_larger_than_a_part_is_cut_as_it_is_read(tmp_path: Path) -> None:
    sentence = "网格员每天巡查本网格一次，居民反映的问题当天上报。"
    line = sentence * 2000  # about 50,000 characters, no newline
    path = _write(tmp_path / "one-line.txt", line)
    with _small_reads(4096, 4096):
        passages = _read(path)
    assert all(len(p.text) <= MAX_PASSAGE_CHARS and p.line == 1 for p in passages)
    assert "".join(p.text for p in passages) == line
    assert [p.paragraph for p in passages] == list(range(1, len(passages) + 1))


def test_issue_18_file_growing_while_read_is_indexed_as_read(tmp_path: Path) -> None:
    # A log being written: refusing it added dead rows on every run and never indexed it.
    path = _write(tmp_path / "growing.txt", "\n\n".join(f"第{n}段。" for n in range(5000)))
    with _small_reads(1024, 1024):
        passages = read_passages(path)
        assert next(passages).text == "第0段。"
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n\n新加的一段。")
        rest = [p.text for p in passages]
    assert rest[:2] == ["第1段。", "第2段。"] and len(rest) >= 4999


def test_file_cut_short_while_read_raises_after_its_passages(tmp_path: Path) -> None:
    path = _write(tmp_path / "shrinking.txt", "\n\n".join(f"第{n}段。" for n in range(5000)))
    with _small_reads(1024, 1024):
        passages = read_passages(path)
        assert next(passages).text == "第0段。"
        with path.open("r+b") as handle:
            handle.truncate(path.stat().st_size // 2)
        with pytest.raises(DocumentReadError, match="shrinking.txt: changed while it was read"):
            list(passages)


def test_read_error_midway_raises_document_read_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "disk.txt", "\n\n".join(f"第{n}段。" for n in range(5000)))
    failing = False

    class FailingFile(io.FileIO):
        def read(self, size: int = -1) -> bytes:
            if failing:
                raise OSError(errno.EIO, os.strerror(errno.EIO))
            return super().read(size)

    monkeypatch.setattr(formats, "open", lambda file, mode: FailingFile(file, "r"), raising=False)
    with _small_reads(1024, 1024):
        passages = read_passages(path)
        assert next(passages).text == "第0段。"
        failing = True
        with pytest.raises(DocumentReadError, match="disk.txt: cannot read: input/output error"):
            list(passages)
