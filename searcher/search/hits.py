"""What a search hands to presentation: frozen hits with exact highlight spans."""

from __future__ import annotations

from dataclasses import dataclass, field

from searcher.oneline import escaped, shown_path


@dataclass(frozen=True)
class Span:
    """A highlighted [start_char, end_char) range of Hit.text (or of Hit.title), in code points."""

    start_char: int
    end_char: int


@dataclass(frozen=True)
class ScorePart:
    """One part of a hit's score (Searcher.explain, search/explain.py)."""

    kind: str  # "word" (BM25F), "literal", "title", "as typed", "bigrams"
    text: str  # the word, literal or chunk ("" for the bigrams)
    score: float  # what it adds to the hit's score, weight included
    idf: float = 0.0
    tf: float = (
        0.0  # occurrences in the passage (a word's weighted by field: title words count more)
    )
    weight: float = 1.0  # below 1 for a question word (什么, 哪) among other words
    factor: float = 1.0  # the ranking weight of its kind (scoring.py: LITERAL_WEIGHT, …)


@dataclass(frozen=True)
class Explanation:
    parts: tuple[ScorePart, ...]
    # The rank tiers above the score, highest first, joined by "; " (search/explain.py), e.g.
    # 'holds all 2 elements; as typed; "go" as a whole word'.
    tier: str

    @property
    def total(self) -> float:
        return sum(part.score for part in self.parts)

    def lines(self) -> list[str]:
        """As `searcher query --explain` and the TUI show it: the tier, then a line per part."""
        lines = [f"tier: {self.tier}"]
        for part in self.parts:
            lines.append(f"{part.score:7.2f}  {_described(part)}")
        lines.append(f"{self.total:7.2f}  = score")
        return lines

    def record(self) -> dict[str, object]:
        """As JSON: {"tier", "parts": [{"kind", "text", "score", "idf", "tf", "weight",
        "factor"}]}."""
        parts = [
            {
                "kind": part.kind,
                "text": part.text,
                "score": round(part.score, 4),
                "idf": round(part.idf, 4),
                "tf": round(part.tf, 4),
                "weight": part.weight,
                "factor": part.factor,
            }
            for part in self.parts
        ]
        return {"tier": self.tier, "parts": parts}


def _described(part: ScorePart) -> str:
    weight = f" × {part.weight:g} (a question word)" if part.weight != 1.0 else ""
    stats = f"idf {part.idf:.2f}, tf {part.tf:g}"
    if part.kind == "word":
        return f"word {part.text}: BM25F ({stats}){weight}"
    if part.kind == "literal":
        return f"literal {part.text}: {part.factor:g} × BM25 of the substring ({stats}){weight}"
    if part.kind == "title":
        return f"{part.text} in the title only: {part.factor:g} × idf {part.idf:.2f}{weight}"
    if part.kind == "as typed":
        chars = len(part.text)
        return f"{part.text} as typed: {part.factor:g} × idf {part.idf:.2f} × √{chars} characters"
    return f"character bigrams: {part.factor:g} × BM25 over the query's character pairs"


@dataclass(frozen=True)
class Hit:
    rank: int  # 1-based position in the results
    score: float
    id: str  # the document id: the JSONL record's id, or the file path
    path: str  # the source file
    title: str
    paragraph: int  # 1-based passage number within the document (DOCX: the ¶N of its location)
    line: int  # 1-based line of the file where the passage starts; 0 in a PDF, DOCX or image
    text: str  # the passage as written
    spans: tuple[Span, ...] = ()
    title_spans: tuple[Span, ...] = ()  # the query's words in `title`
    row: int = field(
        default=-1, compare=False
    )  # position in the open index, for Searcher.document()
    meta: dict | None = field(default=None, compare=False)  # extra JSONL fields
    kind: str = "text"  # "code": a code block of a Markdown file, kept as written
    language: str = ""  # of a code block, as its fence names it ("python"), else ""
    # Passages of the same folded text this hit stands for (search(collapse=True)), and the
    # places of the first few of them, best first: `path:line`, or `path#id` of a JSONL record.
    duplicates: int = 0
    duplicate_locations: tuple[str, ...] = ()
    suggested: bool = False  # found by the suggested query (SearchResult.suggestion), not as typed
    # Grouped by document (search(group=True)): the document's matching passages, else 0.
    matches: int = 0
    # Sorted by date: the file's modification time as indexed (Unix seconds), else 0.
    modified: float = 0.0
    page: int = 0  # PDF: the 1-based page of the passage; 0 otherwise
    chapter: str = ""  # EPUB: the chapter file in the book (a zip) whose `line` the passage is on
    ocr_confidence: float = 0.0  # read from an image by OCR: its mean confidence (0-1)

    @property
    def is_record(self) -> bool:
        """Whether the hit is a JSONL record (its id names it) rather than a passage of a file."""
        return self.id != self.path

    @property
    def in_document(self) -> bool:
        """Whether the hit is in a PDF, DOCX, EPUB or image, which a viewer shows, not an editor."""
        return not self.is_record and bool(self.page or self.chapter or self.line <= 0)

    def location(self) -> str:
        """Path and line (or #id of a JSONL record, or a document's place: place_suffix), as a
        user would type it, on one line."""
        shown = shown_path(self.path)
        if self.is_record:
            return f"{shown}#{escaped(self.id)}"
        return shown + escaped(place_suffix(self.line, self.page, self.chapter, self.paragraph))


def place_suffix(line: int, page: int = 0, chapter: str = "", paragraph: int = 0) -> str:
    """What follows the path in a passage's location: `:12` (a line of a text file), `:p3` (a
    PDF page), `#OEBPS/ch1.xhtml:12` (a line of an EPUB's chapter file), `:¶4` (the passage's
    number, in a file without lines: DOCX, an image)."""
    if page:
        return f":p{page}"
    if chapter:
        return f"#{chapter}:{line}"
    if line <= 0:
        return f":¶{paragraph}"
    return f":{line}"


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: list[Hit]
    total: int  # passages that match, of which `hits` are the best; repeats counted once
    took_ms: float
    all_words: bool = True  # False when no passage holds every word and partial matches are shown
    # The filter (title:…, path:…) as typed that left no passage, so there are no hits; "" if none.
    empty_filter: str = ""
    # Latin words read as pinyin, as typed (("wangge",)), and the words the hits hold for each
    # (("网格",)); empty when no hit was found through pinyin.
    pinyin: tuple[str, ...] = ()
    interpreted: tuple[str, ...] = ()
    # A vocabulary word of the same sound for a typed word the index lacks (search/typos.py): the
    # query with it ("人工智能"), or "". When the typed word occurs nowhere, its hits come first,
    # each marked `suggested` (search/engine.py).
    suggestion: str = ""
    sort: str = "relevance"  # the order of `hits`: "relevance", "date" or "path"
    documents: int = 0  # grouped by document: how many documents match, else 0


@dataclass(frozen=True)
class IndexStats:
    directory: str
    documents: int
    passages: int
    files: int
    size_bytes: int
    updated: float  # Unix time of the last commit
    roots: list[str]
    analysis: dict
    segmenter: str
    # The ignore rules the roots are walked with: {"hidden", "no_ignore", "exclude"}; the
    # defaults for an index written before they were recorded.
    ignore: dict = field(default_factory=dict)
