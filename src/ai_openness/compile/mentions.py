"""Find every alias in every stored source with one Aho-Corasick automaton.

The automaton is polars' (the Rust `aho-corasick` crate), run over whole columns of folded
text: at 100,000 stances it matches 31 million characters in about a second, where
pyahocorasick took 15 s (its trie scans a node's children one by one, and the root has a
child per distinct first character of the aliases). The offsets it returns are UTF-8 bytes;
they become code points with numpy, a chunk of sources at a time, so memory stays bounded.
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

    def match(self, texts: list[str]) -> Found:
        """Every match in `texts` (unfolded), in text order."""
        empty = np.zeros(0, dtype=np.int64)
        if not self.patterns or not texts:
            return Found(empty, empty, empty, empty)
        folded = fold_all(texts)
        column = pl.from_arrow(folded)
        found = pl.DataFrame({"t": column}).select(
            pl.col("t").str.find_many(self.patterns, leftmost=True).alias("at"),
            pl.col("t").str.extract_many(self.patterns, leftmost=True).alias("word"),
        )
        counts = found["at"].list.len().to_numpy().astype(np.int64)
        text = np.repeat(np.arange(len(texts), dtype=np.int64), counts)
        at = found["at"].explode(empty_as_null=False).drop_nulls().to_numpy().astype(np.int64)
        alias = (
            found["word"]
            .explode(empty_as_null=False)
            .drop_nulls()
            .replace_strict(self.patterns, list(range(len(self.patterns))))
            .to_numpy()
            .astype(np.int64)
        )
        offsets = np.frombuffer(folded.buffers()[1], dtype=np.int64)[: len(texts) + 1]
        data = np.frombuffer(folded.buffers()[2], dtype=np.uint8)[: offsets[-1]]
        begin = offsets[text] + at  # byte positions in `data`
        finish = begin + self._bytes[alias]
        # Code points before each byte: count the bytes that start a UTF-8 sequence.
        leads = np.concatenate((np.zeros(1, np.int32), np.cumsum((data & 0xC0) != 0x80, dtype=np.int32)))
        start = leads[begin] - leads[offsets[text]]
        end = start + self._chars[alias]
        before = np.where(begin > offsets[text], data[np.maximum(begin - 1, 0)], 0)
        after = np.where(finish < offsets[text + 1], data[np.minimum(finish, len(data) - 1)], 0)
        keep = ~((self._word_first[alias] & _WORD_BYTE[before]) | (self._word_last[alias] & _WORD_BYTE[after]))
        return Found(text[keep], start[keep], end[keep], alias[keep])

    def find(self, text: str) -> Iterator[tuple[int, int, Alias]]:
        """Yield (start, end, Alias) in text order."""
        found = self.match([text])
        for start, end, alias in zip(found.start.tolist(), found.end.tolist(), found.alias.tolist()):
            yield start, end, self.aliases[alias]


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


def _check_limits(
    matcher: AliasMatcher, found: Found, counts: np.ndarray, rows: int, origins: Mapping[Alias, Any] | None
) -> None:
    """Stop at the first match over a limit, in source and text order, before more rows are made."""
    counts += np.bincount(found.alias, minlength=len(counts))
    over = np.flatnonzero(counts > MAX_MENTIONS_PER_ALIAS)
    if over.size:
        # The match that went over: the (limit+1)-th of its alias; the earliest such match is reported.
        earlier = counts[over] - np.bincount(found.alias, minlength=len(counts))[over]
        at = [np.flatnonzero(found.alias == a)[MAX_MENTIONS_PER_ALIAS - e] for a, e in zip(over, earlier)]
        first = int(np.argmin(at))
        if rows + at[first] <= MAX_MENTIONS:
            raise BuildFailed([_too_common(matcher.aliases[over[first]], origins)])
    if rows + len(found.alias) > MAX_MENTIONS:
        raise BuildFailed(
            [
                Problem(
                    "codings",
                    None,
                    "aliases",
                    f"the aliases match more than {MAX_MENTIONS} places in the stored sources",
                    expected=f"at most {MAX_MENTIONS} mentions",
                    fix="remove aliases that are common words",
                )
            ]
        )


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
    alias, before the rows can exhaust memory.
    """
    matcher = AliasMatcher(aliases)
    counts = np.zeros(len(matcher.aliases), dtype=np.int64)
    batches, rows = [], 0
    for chunk in _chunks(sorted(texts), texts):
        found = matcher.match([texts[s] for s in chunk])
        _check_limits(matcher, found, counts, rows, origins)
        rows += len(found.alias)
        if not len(found.alias):
            continue
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
    buffers. The limits on matches are checked on the whole table (check_counts)."""
    matcher = AliasMatcher(aliases)
    ids = [source_id for source_id, _, _ in items]
    found = matcher.match([text for _, text, _ in items])
    batch = _batch(found, ids, [text for _, text, _ in items], {s: spans for s, _, spans in items}, matcher, schema)
    return pa.Table.from_batches([batch], schema), np.searchsorted(found.text, np.arange(len(items) + 1)).tolist()


def check_counts(table: pa.Table, aliases: list[Alias], origins: Mapping[Alias, Any] | None = None) -> None:
    """The limits mention_table applies while it matches, on a table assembled from the
    sources' rows: the first alias (in source and text order) matched more than
    MAX_MENTIONS_PER_ALIAS times, else more than MAX_MENTIONS rows in all."""
    frame = cast(pl.DataFrame, pl.from_arrow(table.select(["entity_type", "entity_id", "alias"]))).with_row_index("at")
    over = (
        frame.with_columns(pl.int_range(pl.len()).over("entity_type", "entity_id", "alias").alias("n"))
        .filter(pl.col("n") == MAX_MENTIONS_PER_ALIAS)
        .sort("at")
    )
    if over.height and over["at"][0] < MAX_MENTIONS:
        kind, entity, spelling = over.row(0)[1:4]
        raise BuildFailed([_too_common(Alias(kind, entity, spelling), origins)])
    if table.num_rows > MAX_MENTIONS:
        raise BuildFailed(
            [
                Problem(
                    "codings",
                    None,
                    "aliases",
                    f"the aliases match more than {MAX_MENTIONS} places in the stored sources",
                    expected=f"at most {MAX_MENTIONS} mentions",
                    fix="remove aliases that are common words",
                )
            ]
        )
