"""Word (DOCX) → passages with docx2python: paragraphs, table rows, footnotes and endnotes, then
headers and footers; Heading 1-6 paragraphs are titles, not passages, and so is a Title paragraph
before the text, which names the document when its properties do not.

docx2python reads tables, headers, footers and notes, which python-docx's `paragraphs` leaves
out. A passage is located by its number among the document's passages (`path:¶N`): a DOCX has
no lines, and Word numbers nothing a user could go to.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.etree import ElementTree

from searcher.errors import DocumentReadError
from searcher.ingest.lines import pieces
from searcher.ingest.passage import Passage
from searcher.ingest.titles import TitlePath
from searcher.ingest.zipped import check_zip

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Markers docx2python puts in the text: where a note is referenced, an image, a note's number.
_MARKERS = re.compile(r"----(?:footnote|endnote)\d+----|----media/[^\n]*?----")
_NOTE_NUMBER = re.compile(r"^(?:footnote|endnote)\d+\)\s*")
_HEADING_NAME = re.compile(r"heading\s*([1-6])$", re.IGNORECASE)
_TITLE = -1  # the level _heading_styles gives the Title style
_CELL_SEPARATOR = " | "


def docx_passages(path: Path) -> Iterator[Passage]:
    from docx2python import docx2python

    check_zip(path, "DOCX", "word/document.xml")
    headings = _heading_styles(path)
    try:
        content = docx2python(str(path))
        with warnings.catch_warnings():  # a DOCX without core properties is common and fine
            warnings.simplefilter("ignore")
            properties = content.core_properties
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError) as err:
        raise DocumentReadError(f"damaged DOCX ({type(err).__name__}: {err})") from None
    with content:
        title = " ".join(str(properties.get("title") or "").split())
        path_titles = TitlePath(title or path.stem)
        started = False
        for text, heading in _body(content.body_pars, headings):
            if heading == _TITLE and not title and not started:
                title = " ".join(text.split())  # a Title paragraph before the text names it
                path_titles = TitlePath(title)
            elif heading:
                path_titles.heading(max(heading, 1), text)
            else:
                started = True
                yield from _passages(path_titles.title, text)
        title = title or path.stem
        notes = [*content.footnotes_pars, *content.endnotes_pars]
        for text in _unique(_NOTE_NUMBER.sub("", text) for text, _ in _body(notes, {})):
            yield from _passages(title, text)
        page_parts = [*content.header_pars, *content.footer_pars]
        for text in _unique(text for text, _ in _body(page_parts, {})):
            yield from _passages(title, text)


def _passages(title: str, text: str) -> Iterator[Passage]:
    for _, piece in pieces(text, 0, len(text)):
        yield Passage(id="", title=title, paragraph=0, line=0, text=piece)


def _body(tables: list, headings: dict[str, int]) -> Iterator[tuple[str, int]]:
    """(text, heading level or 0) of each paragraph, and of each table row (its cells joined
    with " | "), in the document's order. docx2python gives tables of rows of cells of
    paragraphs; text outside a table comes as a table of one cell."""
    for table in tables:
        in_table = any(par.lineage[1] == "tbl" for row in table for cell in row for par in cell)
        if in_table:
            for row in table:
                cells = [" ".join(_par_text(par) for par in cell).strip() for cell in row]
                if text := _CELL_SEPARATOR.join(cell for cell in cells if cell):
                    yield text, 0
            continue
        for row in table:
            for cell in row:
                for par in cell:
                    if text := _par_text(par).strip():
                        yield text, headings.get(par.style or "", 0)


def _par_text(par: object) -> str:
    return _MARKERS.sub("", "".join(run.text for run in par.runs))


def _unique(texts: Iterable[str]) -> Iterator[str]:
    """Each text once: a header repeated in every section is one passage."""
    seen = set()
    for text in texts:
        text = text.strip()
        if text and text not in seen:
            seen.add(text)
            yield text


def _heading_styles(path: Path) -> dict[str, int]:
    """Style id → heading level, from styles.xml: a style named "heading N" (whatever its id:
    Word in Chinese names the ids "1", "2"), or one whose outline level says so."""
    levels = {f"Heading{level}": level for level in range(1, 7)} | {"Title": _TITLE}
    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("word/styles.xml"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError):
        return levels
    for style in root.iter(f"{_W}style"):
        style_id = style.get(f"{_W}styleId") or ""
        name = style.find(f"{_W}name")
        match = _HEADING_NAME.match(name.get(f"{_W}val", "") if name is not None else "")
        outline = style.find(f"{_W}pPr/{_W}outlineLvl")
        if match:
            levels[style_id] = int(match.group(1))
        elif name is not None and name.get(f"{_W}val", "").lower() == "title":
            levels[style_id] = _TITLE
        elif outline is not None and (value := outline.get(f"{_W}val", "")).isdigit():
            if int(value) < 6:
                levels[style_id] = int(value) + 1
    return levels
