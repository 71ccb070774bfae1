"""Regional forms of a typed item, aligned to its words: which words another region writes
differently, and how.

A form is converted from the whole item (phrases need their context: 通訊系統 → 通信系统), but
only the words it changes get alternatives: 数据库在哪里 → 资料库在哪里 makes 数据库 | 资料库 one
element of the query, and 在, 哪里 stay elements of their own.
"""

from __future__ import annotations

from difflib import SequenceMatcher

Span = tuple[int, int]  # [start, end) of a word in the folded item


def regional_groups(
    folded: str, spans: list[Span], forms: list[str]
) -> list[tuple[int, int, list[str]]]:
    """(first word, end word, the forms' texts for those words) of each run of neighbouring
    words that some form writes differently; `spans` are the words' places in `folded`."""
    opcodes = [SequenceMatcher(None, folded, form, autojunk=False).get_opcodes() for form in forms]
    changed = [False] * len(spans)
    for codes in opcodes:
        for tag, i1, i2, _, _ in codes:
            if tag == "equal":
                continue
            for number, (start, end) in enumerate(spans):
                # A word overlapping the change, or next to where text is inserted.
                if start < i2 and i1 < end or (i1 == i2 and start <= i1 <= end):
                    changed[number] = True
    groups = []
    number = 0
    while number < len(spans):
        if not changed[number]:
            number += 1
            continue
        first = number
        while number < len(spans) and changed[number]:
            number += 1
        start, end = spans[first][0], spans[number - 1][1]
        texts = []
        for form, codes in zip(forms, opcodes, strict=True):
            text = form[_mapped(codes, start, True) : _mapped(codes, end, False)]
            if text and text != folded[start:end] and text not in texts:
                texts.append(text)
        if texts:
            groups.append((first, number, texts))
    return groups


def _mapped(opcodes: list[tuple[str, int, int, int, int]], at: int, is_start: bool) -> int:
    """Where position `at` of the typed text falls in the form: a start before, an end after
    any change touching it (text inserted there included)."""
    for tag, i1, i2, j1, j2 in opcodes if is_start else reversed(opcodes):
        inside = i1 <= at < i2 if is_start else i1 < at <= i2
        if inside or i1 == i2 == at:
            if tag == "equal":
                return j1 + at - i1
            return j1 if is_start else j2
    return at
