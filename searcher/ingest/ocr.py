"""Images, and PDF pages without a text layer, → passages by OCR: the optional extra
`pip install 'searcher[ocr]'`, which brings rapidocr-onnxruntime (its wheel carries the Chinese
detection and recognition models, so it works offline).

Without the extra, images are not read: indexing/ says so once, with how to enable OCR.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import re
import statistics
from collections.abc import Callable, Iterator
from pathlib import Path

from searcher.errors import DocumentReadError, NoTextLayerError, OcrUnavailableError
from searcher.ingest.lines import pieces
from searcher.ingest.page_text import LaidLine, paragraphs
from searcher.ingest.passage import Passage

OCR_HINT = "install searcher[ocr] to read images: pip install 'searcher[ocr]'"
_MIN_CONFIDENCE = 0.5  # boxes RapidOCR reads with less are mostly noise (stains, ruling lines)
_RENDER_SCALE = 3  # a PDF page rendered at 216 dpi: small Chinese print needs about 200
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# OCR puts spaces between Chinese characters that the page has not.
_SPACE_IN_CHINESE = re.compile(f"(?<=[{_CJK}]) +(?=[{_CJK}])")


def ocr_available() -> bool:
    """Whether the OCR extra is installed (found without importing it: that takes ~1 s)."""
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


@functools.cache
def _engine() -> Callable:
    # Once per process: loading the models takes about a second, reading a page about as long.
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def read_image(image: str | bytes) -> list[tuple[str, float]]:
    """(paragraph, mean confidence) of the text OCR finds in an image (a path or its bytes)."""
    try:
        result, _ = _engine()(image)
    except Exception as err:  # noqa: BLE001 - OpenCV and onnxruntime raise their own types
        raise DocumentReadError(f"OCR could not read the image ({type(err).__name__})") from None
    lines: list[LaidLine] = []
    scores: list[float] = []
    for box, text, score in result or ():
        if float(score) < _MIN_CONFIDENCE or not text.strip():
            continue
        scores.append(float(score))
        xs = [point[0] for point in box]
        ys = [point[1] for point in box]
        line = LaidLine(text, min(xs), max(xs), -max(ys))  # y grows down an image, up a page
        if lines and abs(lines[-1].baseline - line.baseline) < (max(ys) - min(ys)) / 2:
            last = lines[-1]  # a box of the same line
            lines[-1] = LaidLine(last.text + " " + text, last.left, line.right, last.baseline)
        else:
            lines.append(line)
    confidence = round(statistics.fmean(scores), 3) if scores else 0.0
    return [(_SPACE_IN_CHINESE.sub("", text), confidence) for text in paragraphs(lines)]


def image_passages(path: Path) -> Iterator[Passage]:
    if not ocr_available():
        raise OcrUnavailableError(OCR_HINT)
    found = read_image(str(path))
    if not found:
        raise NoTextLayerError("no text found by OCR")
    for text, confidence in found:
        for _, piece in pieces(text, 0, len(text)):
            yield Passage(
                id="", title=path.stem, paragraph=0, line=0, text=piece, ocr_confidence=confidence
            )


def pdf_page_reader() -> Callable[[object, int], list[tuple[str, float]]]:
    """What pdf.py calls for a page without text: render it, then OCR it."""

    def read_page(document: object, index: int) -> list[tuple[str, float]]:
        page = document[index]
        try:
            image = page.render(scale=_RENDER_SCALE).to_pil()
        finally:
            page.close()
        data = io.BytesIO()
        image.save(data, format="PNG")
        return read_image(data.getvalue())

    return read_page
