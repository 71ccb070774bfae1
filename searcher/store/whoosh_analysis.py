"""The index's jieba cut as a Whoosh analyzer, for Whoosh's query parser and highlighter.

Whoosh never indexes with it (the numpy pipeline does, indexing/): it cuts what Whoosh cuts itself,
a query typed into QueryParser (through whoosh_schema.JiebaText) and a passage re-read for
highlights, exactly as searcher does.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import Token, Tokenizer

from searcher.analysis.analyzers import segmented_query_words
from searcher.analysis.normalize import fold
from searcher.analysis.tokenizers import Segmenter, UserWord


class JiebaTokenizer(Tokenizer):
    """Folds text and cuts it into jieba words with the index's user dictionary.

    mode="query" cuts as searcher cuts a query chunk (analyzers.query_words): a single character
    or an ASCII word stays whole. Any other mode cuts as indexing did, with `startchar`/`endchar`
    in code points of the text as written (folding may change lengths: ﬁ → fi).
    Pickled into the table of contents with the user dictionary only; the segmenter loads on
    the first cut.
    """

    def __init__(self, userdict: tuple[UserWord, ...] = ()) -> None:
        self.userdict = tuple(userdict)
        self._segmenter: Segmenter | None = None

    def __getstate__(self) -> dict:
        return {"userdict": self.userdict}

    def __setstate__(self, state: dict) -> None:
        userdict = state.get("userdict", ())
        # From a table of contents anyone may have written: plain words, nothing else.
        if not isinstance(userdict, tuple) or not all(_is_user_word(e) for e in userdict):
            raise ValueError("a user dictionary of words")
        self.userdict = userdict
        self._segmenter = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JiebaTokenizer) and other.userdict == self.userdict

    def __hash__(self) -> int:
        return hash(self.userdict)

    @property
    def segmenter(self) -> Segmenter:
        if self._segmenter is None:
            self._segmenter = Segmenter(self.userdict)
        return self._segmenter

    def __call__(  # noqa: PLR0913 - Whoosh's analyzer signature
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        folded = fold(value)
        if not tokenize:
            words = [(folded.text, 0, len(folded.text))]
        elif mode == "query":
            # Offsets are not needed for a query: Whoosh matches its words, never their places.
            cut = segmented_query_words(folded.text, _unknown, self.segmenter)
            words = [(word, 0, 0) for word in cut]
        else:
            words = self.segmenter.cut(folded.text)
        for pos, (word, start, end) in enumerate(words, start_pos):
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = pos
            if chars:
                source_start, source_end = folded.source_span(start, end)
                token.startchar = start_char + source_start
                token.endchar = start_char + source_end
            yield token


def _unknown(word: str) -> bool:
    """No word counts as known: Whoosh's parser has no index vocabulary at hand (query_words)."""
    return False


def _is_user_word(entry: object) -> bool:
    return (
        isinstance(entry, tuple)
        and len(entry) == 3
        and isinstance(entry[0], str)
        and (entry[1] is None or isinstance(entry[1], int))
        and (entry[2] is None or isinstance(entry[2], str))
    )
