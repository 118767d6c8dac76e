"""Where a quote occurs in a text: the search the build and the checks share."""

from __future__ import annotations

from ai_openness.core.limits import MAX_QUOTE_OCCURRENCES


def occurrences(text: str, quote: str, limit: int = MAX_QUOTE_OCCURRENCES) -> list[int]:
    """Start offsets of the occurrences of `quote` in `text`, overlapping ones included;
    at most `limit` + 1, so that a short quote in a long text stays cheap."""
    starts: list[int] = []
    position = text.find(quote)
    while position != -1 and len(starts) <= limit:
        starts.append(position)
        position = text.find(quote, position + 1)
    return starts
