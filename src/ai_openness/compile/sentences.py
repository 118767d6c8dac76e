"""Sentences of a stored article, as the sweep and the readers who label them see them."""

from __future__ import annotations

import bisect
import re

# A sentence ends at a Chinese or Latin full stop, question or exclamation mark (with any
# closing quotation marks after it), at a semicolon (full- or half-width: the articles in
# Simplified script use half-width punctuation), or at a line break. Inside a quotation
# («“…”», 「…」, 『…』, ‘…’, "…") closed on the same line, those marks do not end the sentence:
# a speaker's quoted words are one sentence with the words around them, and the sentence
# ends at the closing mark when the quotation ends with one of them (「…不明智的。」). A
# half-width mark between two Latin letters or digits is inside a word or an address
# (https://…/s?id=1), not at the end of a sentence.
_ENDS = frozenset("。！？!?；;")
_CLOSERS = frozenset('”」』’"）)')
_QUOTES = {"“": "”", "「": "」", "『": "』", "‘": "’", '"': '"'}


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, without surrounding white space."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start, i, end = line.start(), line.start(), line.end()
        while i < end:
            char = text[i]
            close = text.find(_QUOTES[char], i + 1, end) if char in _QUOTES else -1
            if close != -1:  # a quotation closed on this line: its stops do not end the sentence
                i = close + 1
                if text[close - 1] not in _ENDS:
                    continue
            elif char in _ENDS and not _inside_word(text, i):
                i += 1
                while i < end and text[i] in _ENDS:
                    i += 1
            else:
                i += 1
                continue
            while i < end and text[i] in _CLOSERS:
                i += 1
            _add_trimmed(text, start, i, spans)
            start = i
        _add_trimmed(text, start, end, spans)
    return spans


def _inside_word(text: str, i: int) -> bool:
    around = text[i - 1 : i] + text[i + 1 : i + 2]
    return text[i] in "?!;" and len(around) == 2 and around.isascii() and around.isalnum()


def _add_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    chunk = text[start:end]
    start, end = start + len(chunk) - len(chunk.lstrip()), end - (len(chunk) - len(chunk.rstrip()))
    if start < end:
        spans.append((start, end))


def content_sentences(text: str, not_content: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences of an article's content: outside its not_content spans, with a letter in them.

    A line of rules or a lone digit (———, 0) is not a sentence of the article.
    """
    return [
        (start, end)
        for start, end in sentences(text)
        if not any(s <= start and end <= e for s, e in not_content) and any(c.isalpha() for c in text[start:end])
    ]


def sentence_id(source_id: str, number: int) -> str:
    """A content sentence's label: the source's three-digit prefix and its number in the source (000-001)."""
    return f"{source_id[:3]}-{number:03d}"


class Paragraphs:
    """Where the paragraph holding an offset begins: its line, joined to the paragraph before
    when the line opens with a quotation mark (a speaker's words continued: 「安全方面，我想說，…」
    after 「在競爭格局方面…」蘇茲克維說). Blank lines between them do not part them.

    Each line's paragraph is found once, so asking for every sentence of an article is a
    bisection each (a search back from every sentence is quadratic on a long line)."""

    def __init__(self, text: str):
        self.lines = [0] + [m.end() for m in re.finditer("\n", text)]
        self.begins: list[int] = []
        last = -1  # the latest line holding a character other than a space
        for i, begin in enumerate(self.lines):
            end = self.lines[i + 1] - 1 if i + 1 < len(self.lines) else len(text)
            joined = last >= 0 and text[begin : begin + 1] in _QUOTES
            self.begins.append(self.begins[last] if joined else begin)
            if text[begin:end].strip():
                last = i

    def of(self, start: int) -> int:
        return self.begins[bisect.bisect_right(self.lines, start) - 1]
