"""Pin a quote to its code-point offsets in a source text."""

from __future__ import annotations


def occurrences(text: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of `quote` in `text`, overlapping ones included."""
    starts, position = [], text.find(quote)
    while position != -1:
        starts.append(position)
        position = text.find(quote, position + 1)
    return starts


def locate(text: str, quote: str, occurrence: int | None = None) -> tuple[int, int]:
    """(start, end) of the quote; `occurrence` (1-based) picks one of several.

    Raises ValueError with a contributor-facing explanation when the quote is absent,
    ambiguous, or the occurrence does not exist.
    """
    starts = occurrences(text, quote)
    if not starts:
        raise ValueError("the quote is not in the source text; copy it exactly "
                         "(same characters, punctuation and script)")
    if occurrence is None:
        if len(starts) > 1:
            raise ValueError(f"the quote occurs {len(starts)} times in the source; "
                             f"add `occurrence: N` (1 to {len(starts)}) to say which")
        occurrence = 1
    if not 1 <= occurrence <= len(starts):
        raise ValueError(f"occurrence {occurrence} asked for, but the quote occurs "
                         f"{len(starts)} time(s)")
    start = starts[occurrence - 1]
    return start, start + len(quote)
