"""Find every alias in every stored source with one Aho-Corasick automaton."""

from __future__ import annotations

from dataclasses import dataclass

import ahocorasick

from .script import fold


@dataclass(frozen=True)
class Alias:
    entity_type: str
    entity_id: str
    alias: str


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


class AliasMatcher:
    """Leftmost-longest, non-overlapping matching of folded aliases in folded text.

    A Latin-script alias must stand as a whole word (so `Meta` does not match `Metadata`);
    Chinese has no word boundaries to respect.
    """

    def __init__(self, aliases: list[Alias]):
        self._automaton = ahocorasick.Automaton()
        for alias in aliases:
            self._automaton.add_word(fold(alias.alias), alias)
        self._empty = not aliases
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str):
        """Yield (start, end, Alias) in text order."""
        if self._empty:
            return
        folded = fold(text)
        for last, alias in self._automaton.iter_long(folded):
            end = last + 1
            start = end - len(alias.alias)
            if _is_word_char(folded[start]) and start > 0 and _is_word_char(folded[start - 1]):
                continue
            if _is_word_char(folded[end - 1]) and end < len(folded) and _is_word_char(folded[end]):
                continue
            yield start, end, alias
