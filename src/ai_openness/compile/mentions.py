"""Find every alias in every stored source with one Aho-Corasick automaton.

The automaton is polars' (the Rust `aho-corasick` crate), run over whole columns of folded
text: at 100,000 stances it matches 31 million characters in about a second, where
pyahocorasick took 15 s (its trie scans a node's children one by one, and the root has a
child per distinct first character of the aliases). The offsets it returns are UTF-8 bytes;
they become code points with numpy, a chunk of sources at a time, so memory stays bounded.

The limits on matches are checked first, by a pass that only counts (`indices`: which alias
each match is, a chunk of sources at a time, never the whole package's matches at once), so
a package past them is refused before any row is made, whatever the number of its matches.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import polars as pl
import pyarrow as pa

from ai_openness.core.limits import MAX_MENTIONS, MAX_MENTIONS_PER_ALIAS
from ai_openness.core.problems import BuildFailed, Problem
from ai_openness.core.script import fold, fold_all

CHUNK_BYTES = 16 * 2**20  # UTF-8 bytes of folded text matched at once


@dataclass(frozen=True)
class Alias:
    entity_type: str
    entity_id: str
    alias: str


# ASCII letters and digits: a Latin-script alias must not run into one of these.
_WORD_BYTE = np.array([chr(b).isascii() and chr(b).isalnum() for b in range(256)])


@dataclass
class Found:
    """The matches in a list of texts, in text order: which text, code-point offsets, which alias."""

    text: np.ndarray
    start: np.ndarray
    end: np.ndarray
    alias: np.ndarray


class AliasMatcher:
    """Leftmost-longest, non-overlapping matching of folded aliases in folded text.

    A Latin-script alias must stand as a whole word (so `Meta` does not match `Metadata`);
    Chinese has no word boundaries to respect. Aliases that fold to the same spelling are
    one pattern, reported as the last of them (one spelling names one entity, a rule the
    checking engine enforces).
    """

    def __init__(self, aliases: list[Alias]):
        by_fold = {fold(alias.alias): alias for alias in aliases}
        # Leftmost-first matching with the longest patterns listed first is leftmost-longest.
        self.patterns = sorted(by_fold, key=lambda p: (-len(p), p))
        self.aliases = [by_fold[p] for p in self.patterns]
        self._chars = np.array([len(p) for p in self.patterns], dtype=np.int64)
        self._bytes = np.array([len(p.encode("utf-8")) for p in self.patterns], dtype=np.int64)
        self._word_first = np.array([_WORD_BYTE[ord(p[0])] if p[0].isascii() else False for p in self.patterns])
        self._word_last = np.array([_WORD_BYTE[ord(p[-1])] if p[-1].isascii() else False for p in self.patterns])
        self._worded = self._word_first | self._word_last
        self._enum = pl.Enum(self.patterns)  # a pattern's physical value is its index

    def match(self, texts: list[str]) -> Found:
        """Every match in `texts` (unfolded), in text order."""
        empty = np.zeros(0, dtype=np.int64)
        if not self.patterns or not texts:
            return Found(empty, empty, empty, empty)
        raw = _Raw(self, texts, offsets=True)
        kept = np.flatnonzero(self._kept(raw))
        alias = raw.alias[kept].astype(np.int64)
        text = np.searchsorted(raw.ends, kept, side="right")
        begin = raw.offsets[text] + raw.offsets_of(kept)  # byte positions in `data`
        del raw.alias, raw.at
        # Code points before each byte: count the bytes that start a UTF-8 sequence.
        leads = np.concatenate((np.zeros(1, np.int32), np.cumsum((raw.data & 0xC0) != 0x80, dtype=np.int32)))
        start = (leads[begin] - leads[raw.offsets[text]]).astype(np.int64)
        return Found(text, start, start + self._chars[alias], alias)

    def indices(self, texts: list[str]) -> np.ndarray:
        """Which alias (an index into self.aliases) each match in `texts` is, in text order:
        the matches of match() without their offsets, for counting them in little memory."""
        if not self.patterns or not texts:
            return np.zeros(0, dtype=np.intp)
        raw = _Raw(self, texts, offsets=False)
        alias: np.ndarray = raw.alias[self._kept(raw)].astype(np.intp)
        return alias

    def _kept(self, raw: _Raw) -> np.ndarray:
        """False for a Latin-script match that runs into a letter or digit. Worked out a slice
        of matches at a time: a text of one letter repeated is millions of matches all dropped."""
        keep = np.ones(len(raw.alias), dtype=bool)
        for lo in range(0, len(raw.alias), _SLICE):
            worded = lo + np.flatnonzero(self._worded[raw.alias[lo : lo + _SLICE]])
            if not worded.size:
                continue
            at = raw.offsets_of(worded)
            alias = raw.alias[worded]
            text = np.searchsorted(raw.ends, worded, side="right")
            begin = raw.offsets[text] + at
            finish = begin + self._bytes[alias]
            before = np.where(begin > raw.offsets[text], raw.data[np.maximum(begin - 1, 0)], 0)
            after = np.where(finish < raw.offsets[text + 1], raw.data[np.minimum(finish, len(raw.data) - 1)], 0)
            keep[worded] = ~(
                (self._word_first[alias] & _WORD_BYTE[before]) | (self._word_last[alias] & _WORD_BYTE[after])
            )
        return keep

    def of_rows(self, column: pa.ChunkedArray | pa.Array) -> np.ndarray:
        """indices() of mention rows already made, from their `alias` column (the aliases'
        spellings are distinct: each is the one alias of its folded spelling)."""
        spelled = pl.Enum([a.alias for a in self.aliases])
        return cast(pl.Series, pl.from_arrow(column)).cast(spelled).to_physical().to_numpy().astype(np.intp)

    def find(self, text: str) -> Iterator[tuple[int, int, Alias]]:
        """Yield (start, end, Alias) in text order."""
        found = self.match([text])
        for start, end, alias in zip(found.start.tolist(), found.end.tolist(), found.alias.tolist()):
            yield start, end, self.aliases[alias]


_SLICE = 2**20  # matches whose word boundaries are looked at at once


class _Raw:
    """What the automaton finds in `texts`, before word boundaries: the folded texts' bytes,
    which alias each match is (its smallest integer type), where each text's matches end,
    and (asked for, or on first use) each match's byte offset in its text."""

    def __init__(self, matcher: AliasMatcher, texts: list[str], offsets: bool):
        folded = fold_all(texts)
        self._frame = pl.DataFrame({"t": pl.from_arrow(folded)})
        self._patterns = matcher.patterns
        words = self._frame.select(pl.col("t").str.extract_many(matcher.patterns, leftmost=True))["t"]
        self.ends = np.cumsum(words.list.len().to_numpy(), dtype=np.int64)
        self.alias: np.ndarray = (
            words.explode(empty_as_null=False).drop_nulls().cast(matcher._enum).to_physical().to_numpy()
        )
        del words
        self.offsets = np.frombuffer(folded.buffers()[1], dtype=np.int64)[: len(texts) + 1]
        self.data = np.frombuffer(folded.buffers()[2], dtype=np.uint8)[: self.offsets[-1]]
        self._folded = folded  # the buffers `offsets` and `data` view
        self.at: np.ndarray | None = self._find() if offsets else None

    def _find(self) -> np.ndarray:
        found = self._frame.select(pl.col("t").str.find_many(self._patterns, leftmost=True))["t"]
        return found.explode(empty_as_null=False).drop_nulls().to_numpy()  # byte offsets, UInt32

    def offsets_of(self, matches: np.ndarray) -> np.ndarray:
        if self.at is None:
            self.at = self._find()
        found: np.ndarray = self.at[matches]
        return found


def _chunks(ids: list[str], texts: dict[str, str]) -> Iterator[list[str]]:
    """The source ids in order, in runs of about CHUNK_BYTES of text."""
    run: list[str] = []
    size = 0
    for source_id in ids:
        run.append(source_id)
        size += len(texts[source_id]) * 3  # at most; CJK text is 3 bytes a character
        if size >= CHUNK_BYTES:
            yield run
            run, size = [], 0
    if run:
        yield run


def _in_content(found: Found, chunk: list[str], not_content: dict[str, list[tuple[int, int]]]) -> np.ndarray:
    """False where a match lies wholly inside a span of a source that is not its content."""
    inside = np.zeros(len(found.start), dtype=bool)
    bounds = np.searchsorted(found.text, np.arange(len(chunk) + 1))  # found.text is in text order
    for index, source_id in enumerate(chunk):
        lo, hi = bounds[index], bounds[index + 1]
        for first, last in not_content.get(source_id, ()):
            inside[lo:hi] |= (found.start[lo:hi] >= first) & (found.end[lo:hi] <= last)
    return ~inside


def _too_common(alias: Alias, origins: Mapping[Alias, Any] | None) -> Problem:
    row = (origins or {}).get(alias)
    return Problem(
        row.file if row else "codings",
        row.line("aliases") if row else None,
        "aliases",
        f"the alias {alias.alias!r} of {alias.entity_type} {alias.entity_id} occurs more than "
        f"{MAX_MENTIONS_PER_ALIAS} times in the stored sources, the limit per alias; an alias matched this often "
        "is a common word or a letter, or a stored text is not an article",
        alias.alias,
        expected=f"at most {MAX_MENTIONS_PER_ALIAS} matches per alias",
        fix="remove the alias or make it longer (a full name rather than a letter or a common word)",
    )


def _too_many() -> Problem:
    return Problem(
        "codings",
        None,
        "aliases",
        f"the aliases match more than {MAX_MENTIONS} places in the stored sources",
        expected=f"at most {MAX_MENTIONS} mentions",
        fix="remove aliases that are common words",
    )


class Tally:
    """The matches counted so far, per alias and in all, in source and text order."""

    def __init__(self, matcher: AliasMatcher, origins: Mapping[Alias, Any] | None = None):
        self.matcher, self.origins = matcher, origins
        self.counts = np.zeros(len(matcher.aliases), dtype=np.int64)
        self.rows = 0

    def add(self, alias: np.ndarray) -> None:
        """Count the next matches (`alias`: which alias each is, in order); stop at the first
        match over a limit with its finding, before more rows are made."""
        added = np.bincount(alias, minlength=len(self.counts))
        self.counts += added
        over = np.flatnonzero(self.counts > MAX_MENTIONS_PER_ALIAS)
        if over.size:
            # The match that went over: the (limit+1)-th of its alias; the earliest such match is
            # reported. Ranked within each alias at once (thousands of aliases may go over together).
            need = np.full(len(self.counts), -1)
            need[over] = MAX_MENTIONS_PER_ALIAS - (self.counts[over] - added[over])  # rank of that match here
            places = np.flatnonzero(need[alias] >= 0)
            order = np.argsort(alias[places], kind="stable")
            grouped = alias[places][order]
            rank = np.arange(len(grouped)) - np.searchsorted(grouped, grouped)
            at = int(places[order][rank == need[grouped]].min())
            if self.rows + at <= MAX_MENTIONS:
                raise BuildFailed([_too_common(self.matcher.aliases[alias[at]], self.origins)])
        if self.rows + len(alias) > MAX_MENTIONS:
            raise BuildFailed([_too_many()])
        self.rows += len(alias)


def mention_table(
    texts: dict[str, str],
    not_content: dict[str, list[tuple[int, int]]],
    aliases: list[Alias],
    schema: pa.Schema,
    origins: Mapping[Alias, Any] | None = None,
) -> pa.Table:
    """The mentions table (columns as in `schema`): every alias match in every stored source,
    in source and text order.

    Bounded: an alias matched more than MAX_MENTIONS_PER_ALIAS times (a one-letter name, a
    common word) or more than MAX_MENTIONS rows in all stop the build with a finding at the
    alias; the matches are counted first, so no row is made for a package past a limit.
    """
    matcher = AliasMatcher(aliases)
    ids = sorted(texts)
    tally = Tally(matcher, origins)
    for chunk in _chunks(ids, texts):
        tally.add(matcher.indices([texts[s] for s in chunk]))
    batches = []
    for chunk in _chunks(ids, texts):
        found = matcher.match([texts[s] for s in chunk])
        if len(found.alias):
            batches.append(_batch(found, chunk, [texts[s] for s in chunk], not_content, matcher, schema))
    return pa.Table.from_batches(batches, schema=schema)


def _batch(
    found: Found,
    chunk: list[str],
    texts: list[str],
    not_content: dict[str, list[tuple[int, int]]],
    matcher: AliasMatcher,
    schema: pa.Schema,
) -> pa.RecordBatch:
    """The mention rows of a chunk of sources (ids `chunk`, texts `texts`), in text order."""
    sliced = [texts[t][s:e] for t, s, e in zip(found.text.tolist(), found.start.tolist(), found.end.tolist())]
    alias = pa.array(found.alias)
    columns = {
        "source_id": pa.array(chunk, pa.string()).take(pa.array(found.text)),
        "start": found.start,
        "end": found.end,
        "entity_type": pa.array([a.entity_type for a in matcher.aliases], pa.string()).take(alias),
        "entity_id": pa.array([a.entity_id for a in matcher.aliases], pa.string()).take(alias),
        "alias": pa.array([a.alias for a in matcher.aliases], pa.string()).take(alias),
        "text": sliced,
        "in_content": _in_content(found, chunk, not_content),
    }
    # A column the schema adds and the build does not fill is written empty.
    return pa.record_batch(
        [pa.array(columns[f.name], f.type) if f.name in columns else pa.nulls(len(sliced), f.type) for f in schema],
        schema=schema,
    )


def source_tables(
    aliases: list[Alias], schema: pa.Schema, items: list[tuple[str, str, list[tuple[int, int]]]]
) -> tuple[pa.Table, list[int]]:
    """The mentions of `items` (source id, stored text, spans that are not content), in the
    order given, and where each source's rows start (and the last ends): the per-source
    part of mention_table, which matches a chunk of texts in one call. One table, not a
    slice per source: a slice sent to another process would carry the whole chunk's
    buffers. The limits on matches are checked before (Tally), in the client."""
    matcher = AliasMatcher(aliases)
    ids = [source_id for source_id, _, _ in items]
    found = matcher.match([text for _, text, _ in items])
    batch = _batch(found, ids, [text for _, text, _ in items], {s: spans for s, _, spans in items}, matcher, schema)
    return pa.Table.from_batches([batch], schema), np.searchsorted(found.text, np.arange(len(items) + 1)).tolist()
