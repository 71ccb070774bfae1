"""Regional vocabulary: words as the mainland, Taiwan and Hong Kong write them.

Folding (normalize.py) turns traditional characters into simplified ones one by one, but the
regions also use different *words*: 数据库 / 資料庫, 软件 / 軟體, 博客 / 部落格. OpenCC's phrase
conversions give the other forms; a query searches them as alternatives of what was typed.
word_forms() converts an index's words when the index is written (store/regional_table.py), so
a local query only looks its text up; regional_forms() converts a query's text at query time,
for an index with no table (OpenSearch, remote/engine.py).
Each conversion is applied only to text it is meant for: Taiwan → mainland (tw2sp) and Hong Kong
→ mainland (hk2s) to text holding traditional characters, mainland → Taiwan to the rest, and
tw2sp also to text in shared characters that is no mainland word with a Taiwan form (部落格).
Applied to a mainland word, tw2sp damages it (程序设计 → 进程设计). What is left ambiguous
(行程 is also Taiwan's word for 进程) only adds alternatives: the form typed ranks first.
"""

from __future__ import annotations

import json
import os
import tempfile
import unicodedata
from functools import lru_cache

from searcher.analysis.normalize import fold_text, is_han


def regional_forms(text: str) -> list[str]:
    """The other regions' forms of `text`, folded, each differing from `text` folded."""
    if not any(map(is_han, text)):
        return []  # nothing to convert: no converter is loaded
    folded = fold_text(text)
    if folded != _simplified_only(text):  # some character is traditional
        tw2sp = _converter("tw2sp")
        # The folded text too: tw2sp knows 程式 → 程序 in 程式设计, where 程式設計 → 编程.
        forms = [tw2sp.convert(text), tw2sp.convert(folded), _converter("hk2s").convert(text)]
    else:
        taiwan = _mainland_to_taiwan().convert(text)
        forms = [taiwan]
        if fold_text(taiwan) == folded:
            # Not a mainland word with a Taiwan form, so maybe a Taiwan word written in
            # characters both scripts share (部落格 → 博客). 程序设计 is a mainland word (→
            # 程式設計): tw2sp, which would read it as Taiwan's 程序 (进程), is not applied.
            forms.append(_converter("tw2sp").convert(text))
    found = dict.fromkeys(fold_text(form) for form in forms)
    found.pop(folded, None)
    return [form for form in found if form]


def word_forms(words: list[str]) -> list[tuple[str, str]]:
    """(form, other) for each of `words` (folded words of an index) that another region writes
    differently, both ways: a query for the form also asks for the other. Folded throughout.

    The word as Taiwan and Hong Kong write it (数据库 ↔ 资料库; s2twp, s2hk) and, for a word
    that is no mainland word with a Taiwan form, as the mainland writes it when it is Taiwan's
    (释出 ↔ 发布; tw2sp of its traditional characters). Run when an index is written
    (store/regional_table.py), so a query looks its words up and loads no converter. Both ways,
    because the other region's form need not be a word of the index: Taiwanese text cut as
    资料 库 still holds 资料库 for a query for 数据库.
    """
    chosen = [word for word in words if len(word) > 1 and all(map(is_han, word))]
    if not chosen:
        return []
    taiwan = _converted("s2twp", chosen)
    mainland = _converted("tw2sp", _converted("s2tw", chosen, fold=False))
    hong_kong = _converted("s2hk", chosen)
    pairs = []
    for word, in_taiwan, as_taiwan, in_hong_kong in zip(
        chosen, taiwan, mainland, hong_kong, strict=True
    ):
        # A mainland word with a Taiwan form is not read as Taiwan's: tw2sp would make 程序
        # (program) Taiwan's 程序 (process, 进程).
        for form in dict.fromkeys((in_taiwan if in_taiwan != word else as_taiwan, in_hong_kong)):
            if form != word:
                pairs += [(form, word), (word, form)]
    return pairs


def _converted(config: str, words: list[str], fold: bool = True) -> list[str]:
    """Each word converted (and folded); one OpenCC call for all (a newline is never part of a
    phrase), a call per word if the lines did not come back one to one."""
    converter = _converter(config)
    finish = fold_text if fold else str
    lines = finish(converter.convert("\n".join(words))).split("\n")
    if len(lines) != len(words):
        lines = [finish(converter.convert(word)) for word in words]
    return lines


def _simplified_only(text: str) -> str:
    """`text` folded but for traditional → simplified: it differs from fold_text(text) when
    the text holds a traditional character."""
    return unicodedata.normalize("NFKC", text).lower()


@lru_cache(maxsize=4)
def _converter(config: str):  # noqa: ANN202 - the OpenCC converter type is not exported
    import opencc

    return opencc.OpenCC(config)


@lru_cache(maxsize=1)
def _mainland_to_taiwan():  # noqa: ANN202 - as _converter
    """OpenCC's s2twp for what folding keeps: Taiwan's words for mainland words (数据库 →
    資料庫), in 15 ms. s2twp itself loads STPhrases (930 kB), twice, in 300 ms, to choose among
    traditional characters that folding turns back into the same simplified ones (头发 → 頭髮);
    here the mainland phrases that have a Taiwan form cut the text, each is converted to its
    traditional characters, and TWPhrases gives the Taiwan word."""
    import opencc

    share = os.path.join(os.path.dirname(opencc.__file__), "clib", "share", "opencc")

    def ocd2(name: str) -> dict[str, str]:
        return {"type": "ocd2", "file": os.path.join(share, f"{name}.ocd2")}

    regional = ocd2("STPhrases_GeneratedFromRegionalPhrases")
    config = {
        "name": "searcher: mainland words to Taiwan words, characters as folding reads them",
        "segmentation": {"type": "mmseg", "dict": regional},
        "conversion_chain": [
            {
                "dict": {
                    "type": "group",
                    "match_policy": "short_circuit",
                    "dicts": [regional, ocd2("STCharacters")],
                }
            },
            {"dict": ocd2("TWPhrases")},
        ],
    }
    # OpenCC reads a configuration only from a file, and its dictionaries when it is built.
    handle, path = tempfile.mkstemp(suffix=".json", prefix="searcher-opencc-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(config, out)
        return opencc.OpenCC(path)
    finally:
        os.unlink(path)
