"""Bytes → text: BOMs, UTF-8, then GB18030 or Big5, whichever reads as Chinese; binary refused.

A file is never read whole: detect_encoding() reads it in chunks (once for UTF-8, up to four times
for a legacy encoding) to choose and check the encoding, then decoded_chunks() decodes it.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from searcher.errors import DocumentReadError

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


@dataclass(frozen=True)
class Encoding:
    """How to decode a file: decoded_chunks() takes it from detect_encoding()."""

    codec: str  # a Python codec name
    start_byte: int  # where the text starts: past the byte order mark, if any
    lossy: bool = False  # bytes the codec cannot decode become U+FFFD

    @property
    def name(self) -> str:
        return f"{self.codec} (lossy)" if self.lossy else self.codec


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode file bytes → (text, encoding name); raise DocumentReadError for binary data."""
    handle = io.BytesIO(data)
    encoding = detect_encoding(handle)
    return "".join(decoded_chunks(handle, encoding)), encoding.name


def detect_encoding(handle: BinaryIO) -> Encoding:
    """The encoding of the seekable binary file `handle`, checked over the whole file; raise
    DocumentReadError for binary data. Reads from the start whatever the position."""
    handle.seek(0)
    head = handle.read(_SNIFF_BYTES)
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return _decodable(handle, Encoding(codec, len(bom)))
    if b"\0" in head:
        raise DocumentReadError("binary data (NUL bytes), not text")
    try:
        return _checked(handle, Encoding("utf-8", 0))
    except UnicodeDecodeError:
        pass
    best = (-1.0, "utf-8", "")  # if no legacy codec fits: U+FFFD for the bad bytes, keep the rest
    for codec in _LEGACY:
        sample = _strict_sample(handle, codec)
        if sample is not None:
            best = max(best, (_chinese_score(sample), codec, sample), key=lambda item: item[0])
    score, codec, sample = best
    if score < 0:
        return _checked(handle, Encoding("utf-8", 0, lossy=True))
    _check(sample)  # the whole file decoded strictly: only its start remains to be checked
    return Encoding(codec, 0)


def decoded_chunks(handle: BinaryIO, encoding: Encoding) -> Iterator[str]:
    """The text of `handle`, a chunk at a time. Raises UnicodeDecodeError only if the file no
    longer decodes as detect_encoding() found: it changed in between."""
    errors = "replace" if encoding.lossy else "strict"
    decoder = codecs.getincrementaldecoder(encoding.codec)(errors)
    handle.seek(encoding.start_byte)
    while chunk := handle.read(_CHUNK_BYTES):
        if text := decoder.decode(chunk):
            yield text
    if text := decoder.decode(b"", final=True):
        yield text


def _decodable(handle: BinaryIO, encoding: Encoding) -> Encoding:
    """The encoding if the file decodes strictly with it, else the same one, lossy."""
    try:
        return _checked(handle, encoding)
    except UnicodeDecodeError:
        return _checked(handle, Encoding(encoding.codec, encoding.start_byte, lossy=True))


def _checked(handle: BinaryIO, encoding: Encoding) -> Encoding:
    """Decode the whole file; raise DocumentReadError if it reads as binary, UnicodeDecodeError
    if a strict encoding does not fit."""
    sample = ""
    replaced = total = 0
    for text in decoded_chunks(handle, encoding):
        if len(sample) < _SAMPLE_CHARS:
            sample += text[: _SAMPLE_CHARS - len(sample)]
        if encoding.lossy:
            replaced += text.count("\ufffd")
            total += len(text)
    _check(sample, encoding.lossy, replaced, total)
    return encoding


def _check(sample: str, lossy: bool = False, replaced: int = 0, total: int = 0) -> None:
    """Refuse binary data: `sample` is the first decoded characters; a lossy decode made
    `replaced` U+FFFD out of `total` characters."""
    bad = len(_CONTROL.findall(sample))
    if lossy:
        # Only replacement characters we made count: a file may legitimately hold U+FFFD.
        bad += sample.count("\ufffd")
        if replaced > _MAX_BAD_RATIO * total:
            raise DocumentReadError("mostly undecodable bytes, not text")
    if bad > _MAX_BAD_RATIO * len(sample):
        raise DocumentReadError("binary data (control characters), not text")


def _strict_sample(handle: BinaryIO, encoding: str) -> str | None:
    """The first decoded characters if the whole file decodes strictly, else None."""
    sample = ""
    try:
        for text in decoded_chunks(handle, Encoding(encoding, 0)):
            if len(sample) < _SAMPLE_CHARS:
                sample += text[: _SAMPLE_CHARS - len(sample)]
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
