"""Pin a quote to its code-point offsets in a source text, and say where a quote that is
not there differs from the closest passage of the source."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache

from ai_openness.core.characters import describe
from ai_openness.core.find import occurrences
from ai_openness.core.limits import MAX_QUOTE_OCCURRENCES
from ai_openness.core.problems import shorten
from ai_openness.core.script import fold

COPY = "copy the quote from the stored text in sources/articles/ (select and copy; do not retype it)"


class NotFound(ValueError):
    """A quote that cannot be pinned, with the contributor-facing explanation."""

    def __init__(self, message: str, value: str | None = None, expected: str | None = None, fix: str | None = None):
        super().__init__(message)
        self.message, self.value, self.expected, self.fix = message, value, expected, fix


def locate(text: str, quote: str, occurrence: int | None = None, explain: bool = True) -> tuple[int, int]:
    """(start, end) of the quote; `occurrence` (1-based) picks one of several.

    Raises NotFound with a contributor-facing explanation when the quote is absent (with
    `explain`, located against the closest passage), ambiguous, or the occurrence does not
    exist.
    """
    if occurrence is not None and (not isinstance(occurrence, int) or isinstance(occurrence, bool)):
        raise NotFound(
            "`occurrence` must be a whole number from 1",
            shorten(occurrence),
            expected="a whole number from 1",
            fix="write it like this: occurrence: 2",
        )
    starts = occurrences(text, quote)
    if not starts:
        raise (
            diagnose(text, quote)
            if explain
            else NotFound(
                "the quote is not in the source text; copy it exactly (same characters, punctuation and script)",
                shorten(quote),
                fix=COPY,
            )
        )
    count = f"more than {MAX_QUOTE_OCCURRENCES}" if len(starts) > MAX_QUOTE_OCCURRENCES else str(len(starts))
    if occurrence is None:
        if len(starts) > 1:
            raise NotFound(
                f"the quote occurs {count} times in the source; "
                f"add `occurrence: N` (1 to {len(starts)}) to say which, or quote a longer passage",
                shorten(quote),
                fix="add `occurrence: N` to the stance, or lengthen the quote",
            )
        occurrence = 1
    if not 1 <= occurrence <= len(starts):
        raise NotFound(
            f"occurrence {occurrence} asked for, but the quote occurs {count} time(s)",
            str(occurrence),
            expected=f"1 to {len(starts)}",
            fix="correct `occurrence:`",
        )
    start = starts[occurrence - 1]
    return start, start + len(quote)


# Diagnosis ------------------------------------------------------------------------------


# Chinese punctuation that NFKC keeps, and the Western form a contributor types instead.
_WESTERN = str.maketrans("。、「」『』“”‘’【】《》〈〉", '.,""""""\'\'[]<><>')


def _width(char: str) -> str:
    """The halfwidth, Western form of a punctuation mark or letter (NFKC, then the table)."""
    folded = unicodedata.normalize("NFKC", char)
    return (folded if len(folded) == 1 else char).translate(_WESTERN)


class _KeyTable(dict[int, int]):
    """str.translate table: fullwidth/halfwidth (NFKC) and script (OpenCC) folded, one
    code point to one, so offsets in the folded text are offsets in the original."""

    def __missing__(self, codepoint: int) -> int:
        self[codepoint] = ord(fold(_width(chr(codepoint))))
        return self[codepoint]


_KEYS = _KeyTable()


@lru_cache(maxsize=4)
def _keyed(text: str) -> str:
    return text.translate(_KEYS)


def _kind(quoted: str, source: str) -> str:
    if _width(quoted) == _width(source):
        return "width"
    if quoted.lower() == source.lower():
        return "case"
    return "script"


_KINDS = {
    "width": 'the form of punctuation (fullwidth or Chinese ，。：「 vs halfwidth , . : ")',
    "script": "script (Traditional vs Simplified Chinese)",
    "case": "upper and lower case",
}


def _only(kinds: list[str], only: bool = True) -> str:
    return (
        f"the quote and the source differ {'only ' if only else ''}in "
        + " and ".join(_KINDS[k] for k in kinds)
        + ": write it exactly as the source does"
    )


def _longest(found: Callable[[int], bool], length: int) -> int:
    """The largest k <= length with found(k) true, given that found is monotone and found(0)."""
    low, high = 0, length
    while low < high:
        middle = (low + high + 1) // 2
        if found(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _char(char: str | None) -> str:
    return "the end of the text" if char is None else f"{char!r} ({describe(char)})"


# Quotation marks a contributor copies with a quote: a quote is the words inside them.
_OPENING, _CLOSING = "「『“‘\"'", "」』”’\"'"


def diagnose(text: str, quote: str) -> NotFound:
    """Where `quote`, absent from `text`, differs from the closest passage of `text`."""
    inner = quote.lstrip(_OPENING).rstrip(_CLOSING)
    if inner != quote and inner:  # quoted with its quotation marks: both go, the words stay
        marks = "".join(
            dict.fromkeys(quote[: len(quote) - len(quote.lstrip(_OPENING))] + quote[len(quote.rstrip(_CLOSING)) :])
        )
        if inner in text:
            return NotFound(
                f"the quote is not in the source text as written: the quotation marks {marks} around it "
                "are not part of a quote",
                shorten(quote, 120),
                expected=shorten(inner, 120),
                fix=f"drop the quotation marks, both of them: quote: {shorten(inner, 120)}",
            )
        found = diagnose(text, inner)
        found.message = f"{found.message} (compared without its quotation marks {marks}, which a quote never includes)"
        found.args = (found.message,)
        found.value = shorten(quote, 120)
        return found
    keyed_text, keyed_quote = _keyed(text), quote.translate(_KEYS)
    at = keyed_text.find(keyed_quote)
    if at != -1:  # the same once width, script and case are folded
        passage = text[at : at + len(quote)]
        differences = [(i, q, s) for i, (q, s) in enumerate(zip(quote, passage)) if q != s]
        index, quoted, source = differences[0]
        kinds = sorted({_kind(q, s) for _, q, s in differences})
        more = f" ({len(differences) - 1} more difference(s) like it)" if len(differences) > 1 else ""
        return NotFound(
            f"the quote is not in the source text: at character {index + 1} the quote has {_char(quoted)} "
            f"where the source (offset {at + index}) has {_char(source)}{more}; " + _only(kinds),
            shorten(quote, 120),
            expected=shorten(passage, 120),
            fix=f"{COPY}: {shorten(passage, 120)}",
        )
    prefix = _longest(lambda k: keyed_quote[:k] in keyed_text, len(quote) - 1)
    suffix = _longest(lambda k: keyed_quote[len(quote) - k :] in keyed_text, len(quote) - 1)
    if max(prefix, suffix) < min(4, max(1, len(quote) // 2)):
        return NotFound(
            "the quote is not in the source text, and no passage of the source begins or ends like "
            "it; check that the stance file's source_id names the article it is quoted from",
            shorten(quote, 120),
            fix=COPY,
        )
    hint = ""
    if prefix >= suffix:
        start = keyed_text.find(keyed_quote[:prefix])
        # The first raw difference may come before the first folded one (a fullwidth comma
        # ahead of a changed word): report the first, with what kind it is.
        index = next((i for i in range(prefix) if quote[i] != text[start + i]), prefix)
        offset = start + index
        if index < prefix:
            hint = "; here " + _only([_kind(quote[index], text[offset])], only=False)
        passage = text[start : start + len(quote)]
    else:
        begin = keyed_text.find(keyed_quote[len(quote) - suffix :])
        index, offset = len(quote) - suffix - 1, begin - 1
        start = max(0, begin - (len(quote) - suffix))
        passage = text[start : begin + suffix]
    quoted = quote[index]
    there: str | None = text[offset] if 0 <= offset < len(text) else None
    side = "begins" if prefix >= suffix else "ends"
    return NotFound(
        f"the quote is not in the source text: the closest passage (offset {start}) {side} like it, but at "
        f"character {index + 1} the quote has {_char(quoted)} where the source has {_char(there)}{hint}",
        shorten(quote, 120),
        expected=shorten(passage, 120),
        fix=f"{COPY}; the source reads: {shorten(passage, 120)}",
    )
