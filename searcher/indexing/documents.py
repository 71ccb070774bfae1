"""Files → passages: the first step of indexing.

Finds source files, decodes their bytes (UTF-8/16/32, GB18030, Big5), and cuts each into numbered
passages with exact line numbers; indexing/writer.py turns the passages into index documents.
"""

from __future__ import annotations

import codecs
import itertools
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from searcher.errors import DocumentReadError

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".jsonl", ".html", ".htm")
MAX_PASSAGE_CHARS = 2000

_OnError = Callable[[Path, str], None]


@dataclass(frozen=True)
class Passage:
    doc_id: str  # the JSONL record's "id", else the path as given to read_passages
    title: str  # file stem, Markdown "Title › Section", HTML <title>, JSONL "title"
    paragraph: int  # 1-based, among the passages of the document (JSONL: of the record)
    line: int  # 1-based line of the file where the passage starts (JSONL: the record's line)
    text: str  # as written, only surrounding whitespace stripped
    meta: dict[str, str] | None = None  # JSONL fields other than id/title/text


@dataclass(frozen=True)
class SourceFile:
    path: Path
    size: int
    mtime_ns: int


# ---------------------------------------------------------------------------- discovery


def discover_files(paths: Iterable[Path], on_error: _OnError) -> Iterator[SourceFile]:
    """Yield each file once: explicit files whatever their suffix, directories in path order."""
    seen: set[tuple[int, int]] = set()  # (st_dev, st_ino) of directories walked and files yielded
    for root in paths:
        # A stack of sorted listings, not recursion: depth is unbounded, and depth-first over
        # name-sorted entries is exactly Path order ("a/b.txt" before "a.txt").
        stack = [iter([Path(root)])]
        while stack:
            path = next(stack[-1], None)
            if path is None:
                stack.pop()
                continue
            explicit = len(stack) == 1
            wanted = explicit or path.name.lower().endswith(SUPPORTED_SUFFIXES)
            try:
                st = os.stat(path)  # follows symlinks
            except OSError as err:
                if wanted:  # a missing argument, a dangling link, a file gone mid-walk
                    on_error(path, _reason(err))
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen:  # a symlink loop, overlapping arguments, a second name for a file
                continue
            if stat.S_ISDIR(st.st_mode):
                seen.add(key)
                stack.append(iter(_listing(path, on_error)))
            elif not wanted:
                continue
            elif not stat.S_ISREG(st.st_mode):
                on_error(path, "not a regular file")  # reading a FIFO would block forever
            else:
                seen.add(key)
                yield SourceFile(path=path, size=st.st_size, mtime_ns=st.st_mtime_ns)


def _listing(directory: Path, on_error: _OnError) -> list[Path]:
    try:
        with os.scandir(directory) as entries:
            names = sorted(e.name for e in entries if not e.name.startswith("."))
    except OSError as err:
        on_error(directory, _reason(err))
        return []
    return [directory / name for name in names]


def _reason(err: OSError) -> str:
    return (err.strerror or type(err).__name__).lower()


# ---------------------------------------------------------------------------- decoding

# UTF-32 first: its LE BOM begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# cp950 is what Big5 files are written in in practice (Big5 plus the Euro sign and a few
# symbols); big5hkscs adds the Hong Kong characters. On shared codes cp950 wins the tie.
_LEGACY = ("gb18030", "cp950", "big5hkscs")
_SNIFF_BYTES = 8192
_SAMPLE_CHARS = 65536
_CHUNK_BYTES = 1 << 20
_MAX_BAD_RATIO = 0.3
# Control characters that never occur in text (tab, newlines, \v and \f do).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")

# The most frequent simplified characters, then the traditional forms of those that differ:
# legacy bytes decoded with the wrong codec give valid but rare characters (or kana).
_COMMON_HANZI = frozenset(
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于"
    "着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还"
    "进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情"
    "明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或"
    "新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员"
    "解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太"
    "量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基"
    "眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交"
    "规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济"
    "车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调"
    "深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越"
    "器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历"
    "首医局突专费号尽另周较注语仅考落青随选列這個們來爲國說時會對於過發後裏種經麼學現"
    "當沒動還進樣開從實軍無與長機關點業將兩間問並應戰頭體見產話內給門兒東聲員論處義幾"
    "認條氣題爾別變總電數報結務場計資許統區隊決馬書則聽卻達強難權設記類據邊張該規萬覺"
    "術領確傳師觀讓識帶導爭運飛風乾聯組濟車親極辦議證轉準遠臺單羅愛擊備連調質團價黨華"
    "級離況亞請際約覆線斷滿視須寫稱嗎輕農裝廣顯標談喫圖歷醫專費號盡較語僅隨選為著裡"
)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode file bytes → (text, encoding name); raise DocumentReadError for binary data."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom) :], codec)
    if b"\0" in data[:_SNIFF_BYTES]:
        raise DocumentReadError("binary data (NUL bytes), not text")
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    best = (-1.0, "utf-8")  # if no legacy codec fits: U+FFFD for the bad bytes, keep the rest
    for codec in _LEGACY:
        sample = _strict_sample(data, codec)
        if sample is not None:
            best = max(best, (_chinese_score(sample), codec), key=lambda pair: pair[0])
    return _decode(data, best[1])


def _decode(data: bytes, codec: str) -> tuple[str, str]:
    try:
        return _checked(data.decode(codec), codec)
    except UnicodeDecodeError:
        return _checked(data.decode(codec, errors="replace"), codec + " (lossy)", lossy=True)


def _checked(text: str, name: str, lossy: bool = False) -> tuple[str, str]:
    sample = text[:_SAMPLE_CHARS]
    bad = len(_CONTROL.findall(sample))
    if lossy:
        # Only replacement characters we made count: a file may legitimately hold U+FFFD.
        bad += sample.count("\ufffd")
        if text.count("\ufffd") > _MAX_BAD_RATIO * len(text):
            raise DocumentReadError("mostly undecodable bytes, not text")
    if bad > _MAX_BAD_RATIO * len(sample):
        raise DocumentReadError("binary data (control characters), not text")
    return text, name


def _strict_sample(data: bytes, encoding: str) -> str | None:
    """The first decoded characters if all of data decodes strictly, else None.

    Decodes in chunks and keeps only the sample, so trying three codecs on a large file never
    holds more than one decoded copy.
    """
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    sample = ""
    try:
        for start in range(0, len(data), _CHUNK_BYTES):
            out = decoder.decode(data[start : start + _CHUNK_BYTES])
            if len(sample) < _SAMPLE_CHARS:
                sample += out[: _SAMPLE_CHARS - len(sample)]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return sample


def _chinese_score(sample: str) -> float:
    """How much the non-ASCII part of sample looks like Chinese text, from 0 to 1."""
    total = 0
    score = 0.0
    for ch in sample:
        if ch < "\x80":
            continue
        total += 1
        if ch in _COMMON_HANZI:
            score += 1.0
        elif "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff5e":
            score += 0.5  # CJK and full-width punctuation
        elif "\u4e00" <= ch <= "\u9fff":
            score += 0.2  # a real but less frequent character
    return score / total if total else 0.0


# ---------------------------------------------------------------------------- passages


def read_passages(path: Path, on_error: _OnError | None = None) -> Iterator[Passage]:
    """Yield the passages of one file, dispatching on its suffix (anything unknown is plain text).

    on_error hears about skipped JSONL lines as (path, "line N: reason").
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DocumentReadError(f"{path}: cannot read: {_reason(err)}") from None
    try:
        text, _encoding = decode_bytes(data)
    except DocumentReadError as err:
        raise DocumentReadError(f"{path}: {err}") from None
    del data  # from here on only the decoded copy is needed
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _NONSPACE.search(text) is None:
        raise DocumentReadError(f"{path}: holds no text")
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        passages = _jsonl_passages(text, path, on_error)
    else:
        if suffix in (".md", ".markdown"):
            parts = _markdown_parts(text, path.stem)
        elif suffix in (".html", ".htm"):
            parts = _html_parts(text, path.stem)
        else:
            parts = _text_parts(text, path.stem)
        passages = (
            Passage(doc_id=str(path), title=title, paragraph=number, line=line, text=piece)
            for number, (title, line, piece) in enumerate(parts, 1)
        )
    found = False
    for passage in passages:
        found = True
        yield passage
    if not found:
        raise DocumentReadError(f"{path}: holds no text")


# (title, line, text) of one passage, before numbering.
_Part = tuple[str, int, str]

_NONSPACE = re.compile(r"\S")
# A newline followed by one or more whitespace-only lines: what separates two paragraphs.
_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")
_SENTENCE_ENDS = "。！？!?；;\n"
# Closing quotes and brackets stay with the sentence they end.
_CLOSERS = "”’」』）)】》〕"
_WORD_GAPS = " \t\u3000"


class _LineAt:
    """Offset → 1-based line; offsets come in increasing order, so the total work is linear."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._offset = 0
        self._line = 1

    def __call__(self, offset: int) -> int:
        self._line += self._text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line


def _lines(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of text[start:end], without its newline."""
    while start < end:
        stop = text.find("\n", start, end)
        if stop == -1:
            stop = end
        yield start, stop
        start = stop + 1


def _blocks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each blank-line separated block of text[start:end] that holds text."""
    for match in _BLANK_LINES.finditer(text, start, end):
        if _NONSPACE.search(text, start, match.start()):
            yield start, match.start()
        start = match.end()
    if _NONSPACE.search(text, start, end):
        yield start, end


def _pieces(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    """(offset, text) of text[start:end], stripped and cut into pieces of MAX_PASSAGE_CHARS at most.

    Works on offsets so a 200 MB line is never copied whole, and each cut looks back at most
    MAX_PASSAGE_CHARS characters, so the whole is linear.
    """
    while (match := _NONSPACE.search(text, start, end)) is not None:
        start = match.start()
        cut = end if end - start <= MAX_PASSAGE_CHARS else _cut(text, start)
        stop = cut
        while text[stop - 1].isspace():  # stops at text[start], which is not a space
            stop -= 1
        yield start, text[start:stop]
        start = cut


def _cut(text: str, start: int) -> int:
    """Where to end the piece starting at start: after a sentence, else between words, else hard."""
    limit = start + MAX_PASSAGE_CHARS
    end = max(text.rfind(ch, start + 1, limit) for ch in _SENTENCE_ENDS)
    if end != -1:
        cut = end + 1
        while cut < limit and text[cut] in _CLOSERS:
            cut += 1
        return cut
    gap = max(text.rfind(ch, start + 1, limit) for ch in _WORD_GAPS)
    return gap if gap != -1 else limit


def _text_parts(text: str, title: str) -> Iterator[_Part]:
    line_at = _LineAt(text)
    blocks = _blocks(text, 0, len(text))
    first = next(blocks, None)
    second = next(blocks, None)
    if second is None:
        # No blank line between two text lines: the file writes one paragraph per line.
        ranges: Iterable[tuple[int, int]] = _lines(text, *first) if first else ()
    else:
        ranges = itertools.chain((first, second), blocks)
    for start, end in ranges:
        for offset, piece in _pieces(text, start, end):
            yield title, line_at(offset), piece


# ---------------------------------------------------------------------------- markdown

_TEXT, _BLANK, _HEADING = "text", "blank", "heading"
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def _front_matter_end(text: str) -> int:
    """Offset just past a YAML front matter block at the very top, else 0."""
    first = text.find("\n")
    if first == -1 or text[:first].rstrip() != "---":
        return 0
    match = _FRONT_MATTER_END.search(text, first + 1)
    return match.end() if match else 0


def _markdown_lines(text: str, start: int) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) of each line; inside a fenced code block every line is text."""
    fence = ""
    for a, b in _lines(text, start, len(text)):
        line = text[a:b]
        if fence:
            closing = line.strip()
            if closing.startswith(fence) and not closing.strip(fence[0]):
                fence = ""
            yield _TEXT, a, b
        elif match := _FENCE.match(line):
            fence = match.group(1)
            yield _TEXT, a, b
        elif line.startswith("#"):
            yield _HEADING, a, b
        else:
            yield (_TEXT if line.strip() else _BLANK), a, b


def _heading(line: str) -> tuple[int, str]:
    """'## 背景 ##' → (2, '背景')."""
    level = len(line) - len(line.lstrip("#"))
    name = line[level:].strip()
    closed = name.rstrip("#")
    if closed != name and (not closed or closed[-1].isspace()):
        name = closed.rstrip()
    return level, name


def _markdown_parts(text: str, stem: str) -> Iterator[_Part]:
    body = _front_matter_end(text)
    # First pass: the document title, and whether blank lines separate paragraphs at all.
    first_h1: tuple[int, str] | None = None
    first_any: tuple[int, str] | None = None
    seen_text = blank_after_text = separated = False
    for kind, a, b in _markdown_lines(text, body):
        if kind == _HEADING:
            level, name = _heading(text[a:b])
            if name and first_any is None:
                first_any = (a, name)
            if name and level == 1 and first_h1 is None:
                first_h1 = (a, name)
        elif kind == _TEXT:
            separated = separated or blank_after_text
            seen_text = True
        elif seen_text:
            blank_after_text = True
    title_at, doc_title = first_h1 or first_any or (-1, stem)

    line_at = _LineAt(text)
    section = ""
    block: list[int] = []  # [start, end] of the paragraph being gathered

    def emit() -> Iterator[_Part]:
        title = f"{doc_title} › {section}" if section else doc_title
        for offset, piece in _pieces(text, block[0], block[1]):
            yield title, line_at(offset), piece
        block.clear()

    for kind, a, b in _markdown_lines(text, body):
        if kind == _TEXT:
            if block:
                block[1] = b
            else:
                block[:] = [a, b]
            if not separated:
                yield from emit()
            continue
        if block:
            yield from emit()
        if kind == _HEADING:
            section = "" if a == title_at else _heading(text[a:b])[1]
    if block:
        yield from emit()


# ---------------------------------------------------------------------------- JSONL


def _jsonl_passages(text: str, path: Path, on_error: _OnError | None) -> Iterator[Passage]:
    for number, (a, b) in enumerate(_lines(text, 0, len(text)), 1):
        line = text[a:b]
        if not line.strip():
            continue
        problem = ""
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            problem = f"not valid JSON ({err.msg})"
        except (ValueError, RecursionError):
            problem = "not valid JSON"
        else:
            if not isinstance(record, dict):
                problem = "not a JSON object"
            elif not isinstance(record.get("text"), str):
                problem = 'no "text" string'
        if problem:
            if on_error is not None:
                on_error(path, f"line {number}: {problem}")
            continue
        raw_id = record.get("id")
        doc_id = f"{path}#{number}" if raw_id is None or raw_id == "" else _field(raw_id)
        title = "" if record.get("title") is None else _field(record["title"])
        extra = {k: _field(v) for k, v in record.items() if k not in ("id", "title", "text")}
        body = record["text"]
        if "\r" in body:
            body = body.replace("\r\n", "\n").replace("\r", "\n")
        paragraph = 0
        # Only blank lines split a record: its single newlines are its own line breaks.
        for start, end in _blocks(body, 0, len(body)):
            for _offset, piece in _pieces(body, start, end):
                paragraph += 1
                yield Passage(doc_id, title, paragraph, number, piece, extra or None)
        if paragraph == 0 and on_error is not None:
            on_error(path, f'line {number}: "text" is empty')


def _field(value: object) -> str:
    # JSON, not str(), for non-strings: true/null/{"k": "v"} parse back, True/None/{'k': 'v'} don't.
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


# ---------------------------------------------------------------------------- HTML

_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template"})
_BLOCK_TAGS = frozenset(
    "p div li h1 h2 h3 h4 h5 h6 br tr section article blockquote pre ul ol dl dt dd table caption"
    " header footer nav aside main figure figcaption hr form address details summary body".split()
)
_CELL_TAGS = frozenset({"td", "th"})
_HTML_SPACE = re.compile(r"[ \t\n\f]+")


class _HtmlText(HTMLParser):
    """Collects (line, text) paragraphs, the <title> and the first <h1>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entity references arrive decoded
        self.paragraphs: list[tuple[int, str]] = []
        self.title = self.first_h1 = ""
        self._chunks: list[str] = []
        self._line = self._skip = self._pre = 0
        self._opened = ""  # the block tag the gathered text sits in

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS or tag == "title":
            self._flush()
            self._opened = tag
            self._pre += tag == "pre"
        elif tag in _CELL_TAGS:
            self._chunks.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS or tag == "title":
            self._flush()
            self._pre = max(0, self._pre - (tag == "pre"))

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if not self._line and (match := _NONSPACE.search(data)):
            # getpos() is where this text run starts; the paragraph starts at its first letter.
            self._line = self.getpos()[0] + data.count("\n", 0, match.start())
        self._chunks.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = "".join(self._chunks)
        if not self._pre:  # outside <pre>, HTML whitespace runs render as one space
            text = _HTML_SPACE.sub(" ", text)
        if text := text.strip():
            if self._opened == "title":
                self.title = self.title or text
            else:
                self.paragraphs.append((self._line, text))
                if self._opened == "h1":
                    self.first_h1 = self.first_h1 or text
        self._chunks.clear()
        self._line = 0
        self._opened = ""


def _html_parts(text: str, stem: str) -> Iterator[_Part]:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    title = parser.title or parser.first_h1 or stem
    for line, paragraph in parser.paragraphs:
        for offset, piece in _pieces(paragraph, 0, len(paragraph)):
            yield title, line + paragraph.count("\n", 0, offset), piece
