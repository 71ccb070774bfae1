"""EPUB → passages: the chapters in the spine's reading order, each read by html.py's extractor.

An EPUB is a zip: META-INF/container.xml names the package (.opf), whose manifest lists the files
and whose spine orders the chapters. The navigation document (EPUB 3 nav, else the EPUB 2 NCX)
gives the chapter titles of the title path. A passage is located by its chapter file inside the
zip and its line there: `book.epub#OEBPS/text/ch1.xhtml:12` (what `unzip -p` takes).
Read with zipfile and ElementTree; EbookLib would add an AGPL dependency for no more.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree

from searcher.errors import DocumentReadError
from searcher.ingest.html import html_events
from searcher.ingest.passage import Passage
from searcher.ingest.titles import Heading, TitlePath

_CONTAINER = "META-INF/container.xml"
_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_XHTML = "{http://www.w3.org/1999/xhtml}"
_OPS = "{http://www.idpf.org/2007/ops}"
_NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
_CONTAINER_NS = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_PAGE_TYPES = ("application/xhtml+xml", "text/html")


def epub_passages(path: Path) -> Iterator[Passage]:
    from searcher.ingest.zipped import check_zip

    check_zip(path, "EPUB", _CONTAINER)
    try:
        with zipfile.ZipFile(path) as book:
            yield from _book_passages(book, path.stem)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as err:
        raise DocumentReadError(f"damaged EPUB ({type(err).__name__}: {err})") from None


def _book_passages(book: zipfile.ZipFile, stem: str) -> Iterator[Passage]:
    container = ElementTree.fromstring(book.read(_CONTAINER))
    rootfile = container.find(f".//{_CONTAINER_NS}rootfile")
    if rootfile is None or not rootfile.get("full-path"):
        raise DocumentReadError("damaged EPUB: container.xml names no package")
    opf_path = rootfile.get("full-path", "")
    package = ElementTree.fromstring(book.read(opf_path))
    base = posixpath.dirname(opf_path)
    items = {}  # manifest id → (zip path, media type, properties)
    for item in package.iter(f"{_OPF}item"):
        href = posixpath.normpath(posixpath.join(base, unquote(item.get("href", ""))))
        items[item.get("id")] = (href, item.get("media-type", ""), item.get("properties", ""))
    title_element = package.find(f".//{_DC}title")
    title = " ".join((title_element.text or "").split()) if title_element is not None else ""
    title = title or stem
    spine = package.find(f"{_OPF}spine")
    try:
        chapters = _chapter_titles(book, items, spine)
    except (
        KeyError,
        ElementTree.ParseError,
    ):  # a broken table of contents: the text is still there
        chapters = {}
    chain: list[str] = []
    for itemref in spine.iter(f"{_OPF}itemref") if spine is not None else ():
        href, media, _ = items.get(itemref.get("idref"), ("", "", ""))
        if not href or media not in _PAGE_TYPES:
            continue
        chain = chapters.get(href, chain)  # a file the navigation skips continues the last
        yield from _chapter_passages(book, href, title, chain)


def _chapter_passages(
    book: zipfile.ZipFile, href: str, title: str, chain: list[str]
) -> Iterator[Passage]:
    path = TitlePath(title)
    for level, name in enumerate(chain, 1):
        path.heading(level, name)
    for event in html_events(_decoded(book.read(href)), 1):
        if isinstance(event, Heading):
            if not chain or event.text != chain[-1]:  # the chapter's own title, said again
                path.heading(len(chain) + event.level, event.text)
            continue
        for part in event.parts(path.title):
            yield Passage(
                id="", title=part.title, paragraph=0, line=part.line, text=part.text, chapter=href
            )


def _decoded(data: bytes) -> str:
    """XHTML in an EPUB is UTF-8 or UTF-16 (with its byte order mark)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def _chapter_titles(
    book: zipfile.ZipFile, items: dict, spine: ElementTree.Element | None
) -> dict[str, list[str]]:
    """Zip path of a chapter file → its title path in the navigation (first entry wins)."""
    nav = next((href for href, _, props in items.values() if "nav" in props.split()), None)
    if nav is not None:
        root = ElementTree.fromstring(book.read(nav))
        for element in root.iter(f"{_XHTML}nav"):
            if element.get(f"{_OPS}type", "toc") == "toc":
                titles: dict[str, list[str]] = {}
                _nav_list(element.find(f"{_XHTML}ol"), posixpath.dirname(nav), [], titles)
                return titles
    ncx_id = spine.get("toc") if spine is not None else None
    if ncx_id in items:
        ncx = items[ncx_id][0]
        root = ElementTree.fromstring(book.read(ncx))
        titles = {}
        _ncx_points(root.find(f"{_NCX}navMap"), posixpath.dirname(ncx), [], titles)
        return titles
    return {}


def _nav_list(
    ol: ElementTree.Element | None, base: str, above: list[str], titles: dict[str, list[str]]
) -> None:
    for li in ol.findall(f"{_XHTML}li") if ol is not None else ():
        link = li.find(f"{_XHTML}a")
        if link is None:
            link = li.find(f"{_XHTML}span")
        name = " ".join("".join(link.itertext()).split()) if link is not None else ""
        chain = [*above, name] if name else above
        if link is not None and link.get("href"):
            titles.setdefault(_target(base, link.get("href", "")), chain)
        _nav_list(li.find(f"{_XHTML}ol"), base, chain, titles)


def _ncx_points(
    parent: ElementTree.Element | None, base: str, above: list[str], titles: dict[str, list[str]]
) -> None:
    for point in parent.findall(f"{_NCX}navPoint") if parent is not None else ():
        label = point.find(f"{_NCX}navLabel/{_NCX}text")
        name = " ".join((label.text or "").split()) if label is not None else ""
        chain = [*above, name] if name else above
        content = point.find(f"{_NCX}content")
        if content is not None and content.get("src"):
            titles.setdefault(_target(base, content.get("src", "")), chain)
        _ncx_points(point, base, chain, titles)


def _target(base: str, href: str) -> str:
    """The zip path a navigation link points into (its #fragment dropped)."""
    return posixpath.normpath(posixpath.join(base, unquote(href.split("#", 1)[0])))
