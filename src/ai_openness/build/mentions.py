"""Find every alias in every stored source with one Aho-Corasick automaton."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import ahocorasick
import pyarrow as pa

from ..limits import MAX_MENTIONS, MAX_MENTIONS_PER_ALIAS
from ..problems import BuildFailed, Problem
from ..script import fold


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


COLUMNS = ("source_id", "start", "end", "entity_type", "entity_id", "alias", "text", "in_content")
BATCH_ROWS = 500_000  # rows gathered as Python values before they become Arrow columns


class _Batches:
    """Mention rows gathered column by column and turned into Arrow record batches as they
    grow, so ten million mentions take a few hundred megabytes, not a dict per row."""

    def __init__(self, schema):
        self.schema, self.batches, self.rows = schema, [], 0
        self.columns: dict[str, list] = {c: [] for c in COLUMNS}

    def add(self, *values) -> None:
        for column, value in zip(self.columns.values(), values):
            column.append(value)
        self.rows += 1
        if len(self.columns["start"]) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.columns["start"]:
            count = len(self.columns["start"])  # a column the schema adds and the build does not fill is empty
            self.batches.append(pa.record_batch([pa.array(self.columns.get(f.name, [None] * count), f.type)
                                                 for f in self.schema], schema=self.schema))
            self.columns = {c: [] for c in COLUMNS}

    def table(self) -> pa.Table:
        self.flush()
        return pa.Table.from_batches(self.batches, schema=self.schema)


def mention_table(texts: dict[str, str], not_content: dict[str, list[tuple[int, int]]], aliases: list[Alias],
                  schema: pa.Schema, origins: dict | None = None) -> pa.Table:
    """The mentions table (columns as in `schema`): every alias match in every stored source,
    in source and text order.

    Bounded: an alias matched more than MAX_MENTIONS_PER_ALIAS times (a one-letter name, a
    common word) or more than MAX_MENTIONS rows in all stop the build with a finding at the
    alias, before the rows can exhaust memory.
    """
    matcher = AliasMatcher(aliases)
    rows = _Batches(schema)
    counts: Counter = Counter()
    too_common = None
    for source_id in sorted(texts):
        text, skipped = texts[source_id], not_content.get(source_id, [])
        for start, end, alias in matcher.find(text):
            counts[alias] += 1
            if counts[alias] > MAX_MENTIONS_PER_ALIAS:
                too_common = alias  # stop here: the work stays bounded whatever the text
                break
            if rows.rows >= MAX_MENTIONS:
                break
            rows.add(source_id, start, end, alias.entity_type, alias.entity_id, alias.alias, text[start:end],
                     not any(s <= start and end <= e for s, e in skipped))
        if too_common or rows.rows >= MAX_MENTIONS:
            break
    problems = []
    for alias in [too_common] if too_common else []:
        row = (origins or {}).get(alias)
        problems.append(Problem(
            row.file if row else "codings", row.line("aliases") if row else None, "aliases",
            f"the alias {alias.alias!r} of {alias.entity_type} {alias.entity_id} occurs more than "
            f"{MAX_MENTIONS_PER_ALIAS} times in the stored sources, the limit per alias; an alias matched this often "
            "is a common word or a letter, or a stored text is not an article",
            alias.alias, expected=f"at most {MAX_MENTIONS_PER_ALIAS} matches per alias",
            fix="remove the alias or make it longer (a full name rather than a letter or a common word)"))
    if rows.rows >= MAX_MENTIONS and not problems:
        problems.append(Problem("codings", None, "aliases", f"the aliases match more than {MAX_MENTIONS} places "
                                "in the stored sources", expected=f"at most {MAX_MENTIONS} mentions",
                                fix="remove aliases that are common words"))
    if problems:
        raise BuildFailed(problems)
    return rows.table()
