"""The names of a passage's stored fields, shared by the fast engine and Whoosh's schema.

Kept apart from Whoosh: queries read these names and never import Whoosh (whoosh_schema.py builds
the Whoosh schema from them).
"""

from __future__ import annotations

DOC_ID = "doc_id"
PATH = "path"
TITLE = "title"
PARAGRAPH = "paragraph"
LINE = "line"
TEXT = "text"
META = "meta"
# Only a code passage stores these (kind "code"; its language, if its fence names one): a text
# passage, nearly every one, is stored as before.
KIND = "kind"
LANGUAGE = "language"
# Only a passage of a document that is not a text file stores these: its PDF page, its EPUB
# chapter file, and the confidence of OCR that read it from an image.
PAGE = "page"
CHAPTER = "chapter"
OCR_CONFIDENCE = "ocr_confidence"
