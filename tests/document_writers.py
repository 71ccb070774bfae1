"""Small writers of PDF, DOCX and EPUB files from our own text, for the tests, the bundled samples
(tests/make_samples.py) and the extraction benchmark: no binary file is committed alone.

PDF goes through reportlab (a test dependency), with either the standard CJK font STSong-Light,
which a PDF names without embedding (every reader has it), or a TrueType file embedded as a
subset. DOCX and EPUB are zip files of XML written here: each holds just the parts a reader
needs, so a test can say exactly what is in the file.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

STANDARD_CJK_FONT = "STSong-Light"


@dataclass
class PdfPage:
    paragraphs: list[str]  # each drawn as wrapped lines, a blank line between paragraphs
    bookmark: tuple[int, str] | None = None  # (level from 0, title) in the outline, at this page
    header: str = ""  # drawn at the top of the page; the page number is drawn at the bottom
    image_only: bool = False  # a filled rectangle and no text: a scanned page


def write_pdf(
    path: Path,
    pages: list[PdfPage],
    *,
    font_file: Path | None = None,
    chars_per_line: int = 30,
    title: str = "",
    password: str = "",
) -> None:
    """A PDF of `pages`: STSong-Light unless `font_file` names a TrueType font to embed.
    `password` encrypts it (a reader must ask for the password)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if font_file is None:
        font = STANDARD_CJK_FONT
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    else:
        from reportlab.pdfbase.ttfonts import TTFont

        font = "Embedded-" + font_file.stem
        pdfmetrics.registerFont(TTFont(font, str(font_file), subfontIndex=0))
    encrypt = None
    if password:
        from reportlab.lib.pdfencrypt import StandardEncryption

        encrypt = StandardEncryption(password, canPrint=0)
    pdf = canvas.Canvas(str(path), encrypt=encrypt, invariant=True)
    pdf.setTitle(title)  # reportlab's default is "untitled"
    for number, page in enumerate(pages, 1):
        if page.bookmark is not None:
            level, name = page.bookmark
            key = f"page-{number}"
            pdf.bookmarkPage(key)
            pdf.addOutlineEntry(name, key, level=level)
        if page.image_only:
            pdf.rect(72, 300, 400, 400, fill=1)
            pdf.showPage()
            continue
        if page.header:
            pdf.setFont(font, 9)
            pdf.drawString(72, 800, page.header)
        pdf.setFont(font, 12)
        y = 760.0
        for paragraph in page.paragraphs:
            for line in _wrapped(paragraph, chars_per_line):
                pdf.drawString(72, y, line)
                y -= 18
            y -= 18
        pdf.setFont(font, 9)
        pdf.drawString(290, 40, f"- {number} -")
        pdf.showPage()
    pdf.save()


def _wrapped(text: str, width: int) -> list[str]:
    """Lines of `width` characters at most, and a new one at each line break of the text;
    English is broken between words or, for a word that does not fit, with a hyphen, as a
    typesetter would."""
    if "\n" in text:
        return [line for segment in text.split("\n") for line in _wrapped(segment, width)]
    lines, line = [], ""
    for word in _words(text):
        if len(line) + len(word) <= width:
            line += word
            continue
        if word.isascii() and word.strip().isalpha() and len(word) > 4 and len(line) < width - 3:
            room = width - len(line) - 1
            lines.append(line + word[:room] + "-")
            line = word[room:]
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = word.lstrip()
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _words(text: str) -> list[str]:
    """Each CJK character alone, each run of other characters with the space before it."""
    words: list[str] = []
    for ch in text:
        if ch.isascii() and words and words[-1][-1:].isascii() and not ch.isspace():
            words[-1] += ch
        elif ch.isspace():
            words.append(ch)
        else:
            words.append(ch)
    return words


# --- DOCX -------------------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass
class DocxParagraph:
    text: str
    heading: int = 0  # 1-6: a Heading N style; -1: the Title style; 0: body text
    footnote: str = ""  # the text of a footnote referenced at the paragraph's end


@dataclass
class DocxTable:
    rows: list[list[str]]


@dataclass
class DocxDocument:
    blocks: list[DocxParagraph | DocxTable]
    header: str = ""
    footer: str = ""
    title: str = ""  # the core properties' title
    extra: dict[str, str] = field(default_factory=dict)  # more zip members, name → text


def write_docx(path: Path, document: DocxDocument) -> None:
    title = document.title
    footnotes: list[str] = []
    body = []
    for block in document.blocks:
        if isinstance(block, DocxTable):
            body.append(_docx_table(block))
        else:
            note = ""
            if block.footnote:
                footnotes.append(block.footnote)
                note = f'<w:r><w:footnoteReference w:id="{len(footnotes)}"/></w:r>'
            body.append(_docx_paragraph(block.text, block.heading, note))
    section = (
        '<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/>'
        '<w:footerReference w:type="default" r:id="rIdFooter"/></w:sectPr>'
    )
    members = {
        "[Content_Types].xml": _DOCX_TYPES,
        "_rels/.rels": _rels(
            [("rId1", f"{_DOC_REL}/officeDocument", "word/document.xml")]
            + [("rId2", f"{_PKG}/metadata/core-properties", "docProps/core.xml")] * bool(title)
        ),
        "word/_rels/document.xml.rels": _rels(
            [
                ("rIdStyles", f"{_DOC_REL}/styles", "styles.xml"),
                ("rIdHeader", f"{_DOC_REL}/header", "header1.xml"),
                ("rIdFooter", f"{_DOC_REL}/footer", "footer1.xml"),
                ("rIdNotes", f"{_DOC_REL}/footnotes", "footnotes.xml"),
            ]
        ),
        "word/document.xml": f'<w:document xmlns:w="{_W}" xmlns:r="{_R}"><w:body>'
        + "".join(body)
        + section
        + "</w:body></w:document>",
        "word/styles.xml": _docx_styles(),
        "word/header1.xml": _docx_part("hdr", document.header),
        "word/footer1.xml": _docx_part("ftr", document.footer),
        "word/footnotes.xml": _docx_footnotes(footnotes),
        **document.extra,
    }
    if title:
        members["docProps/core.xml"] = (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>{escape(title)}</dc:title></cp:coreProperties>"
        )
    _write_zip(path, members)


def _docx_paragraph(text: str, heading: int = 0, tail: str = "") -> str:
    name = "Title" if heading == -1 else f"Heading{heading}"
    style = f'<w:pPr><w:pStyle w:val="{name}"/></w:pPr>' if heading else ""
    runs = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
    return f"<w:p>{style}{runs}{tail}</w:p>"


def _docx_table(table: DocxTable) -> str:
    rows = "".join(
        "<w:tr>" + "".join(f"<w:tc>{_docx_paragraph(cell)}</w:tc>" for cell in row) + "</w:tr>"
        for row in table.rows
    )
    return f"<w:tbl>{rows}</w:tbl>"


def _docx_part(tag: str, text: str) -> str:
    return f'<w:{tag} xmlns:w="{_W}" xmlns:r="{_R}">{_docx_paragraph(text)}</w:{tag}>'


def _docx_footnotes(notes: list[str]) -> str:
    items = "".join(
        f'<w:footnote w:id="{number}">{_docx_paragraph(text)}</w:footnote>'
        for number, text in enumerate(notes, 1)
    )
    return f'<w:footnotes xmlns:w="{_W}" xmlns:r="{_R}">{items}</w:footnotes>'


def _docx_styles() -> str:
    styles = (
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal">'
        '<w:name w:val="Normal"/></w:style>'
    )
    styles += '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
    for level in range(1, 7):
        styles += (
            f'<w:style w:type="paragraph" w:styleId="Heading{level}">'
            f'<w:name w:val="heading {level}"/><w:basedOn w:val="Normal"/>'
            f'<w:pPr><w:outlineLvl w:val="{level - 1}"/></w:pPr></w:style>'
        )
    return f'<w:styles xmlns:w="{_W}">{styles}</w:styles>'


_DOCX_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels"'
    ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/header1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
    '<Override PartName="/word/footer1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/word/footnotes.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
    "</Types>"
)


def _rels(relations: list[tuple[str, str, str]]) -> str:
    items = "".join(
        f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>'
        for rid, kind, target in relations
    )
    return f'<Relationships xmlns="{_PKG}">{items}</Relationships>'


# --- EPUB -------------------------------------------------------------------------------------


@dataclass
class EpubChapter:
    file: str  # inside OEBPS/, e.g. "text/ch1.xhtml"
    title: str  # in the navigation document
    paragraphs: list[str]
    heading: str = ""  # an <h1> at the chapter's start, if any


def write_epub(path: Path, title: str, chapters: list[EpubChapter], ncx: bool = False) -> None:
    """An EPUB 3 file: mimetype, container, package (manifest and spine), navigation document;
    `ncx`: an EPUB 2 file, whose table of contents is a toc.ncx instead."""
    manifest = (
        '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
        if ncx
        else '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
    )
    spine = ""
    spine_toc = ' toc="ncx"' if ncx else ""
    nav = ""
    points = ""
    members = {"mimetype": "application/epub+zip"}
    for number, chapter in enumerate(chapters, 1):
        manifest += (
            f'<item id="c{number}" href="{chapter.file}" media-type="application/xhtml+xml"/>'
        )
        spine += f'<itemref idref="c{number}"/>'
        nav += f'<li><a href="{chapter.file}">{escape(chapter.title)}</a></li>'
        points += (
            f'<navPoint id="p{number}"><navLabel><text>{escape(chapter.title)}</text></navLabel>'
            f'<content src="{chapter.file}"/></navPoint>'
        )
        heading = f"<h1>{escape(chapter.heading)}</h1>\n" if chapter.heading else ""
        paragraphs = "\n".join(f"<p>{escape(text)}</p>" for text in chapter.paragraphs)
        members[f"OEBPS/{chapter.file}"] = _xhtml(chapter.title, heading + paragraphs)
    members["META-INF/container.xml"] = (
        '<?xml version="1.0"?>\n'
        '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        '<rootfiles><rootfile full-path="OEBPS/content.opf"'
        ' media-type="application/oebps-package+xml"/></rootfiles></container>'
    )
    members["OEBPS/content.opf"] = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<dc:identifier id="id">searcher-sample</dc:identifier>'
        f"<dc:title>{escape(title)}</dc:title>"
        "<dc:language>zh</dc:language></metadata>"
        f"<manifest>{manifest}</manifest>"
        f"<spine{spine_toc}>{spine}</spine></package>"
    )
    if ncx:
        members["OEBPS/toc.ncx"] = (
            '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
            f"<navMap>{points}</navMap></ncx>"
        )
    else:
        members["OEBPS/nav.xhtml"] = _xhtml(
            title,
            f'<nav xmlns:epub="http://www.idpf.org/2007/ops" epub:type="toc"><ol>{nav}</ol></nav>',
        )
    _write_zip(path, members)


def _xhtml(title: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml">\n'
        f"<head><title>{escape(title)}</title></head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _write_zip(path: Path, members: dict[str, str]) -> None:
    # A fixed date: the same text always gives the same bytes.
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            stored = name == "mimetype"  # EPUB: the first member, uncompressed
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
