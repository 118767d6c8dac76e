"""Invisible characters in cells: the one rule (`characters.is_invisible`) as the validator
applies it, in the three forms its checks need.

A line break is allowed in a cell (a note may hold one; the CSV quoting writes it out);
every other invisible character is a finding. Each form is derived from
`characters.invisible_ranges`, the code points `is_invisible` says yes to, so none of them
restates the rule and all agree with it on every code point (tests/test_engine_reader.py
checks all 1,112,064):

- `hidden`: the characters of one value, for the finding's message (Python);
- `regex`: a class of explicit code-point ranges for polars, to test whole columns;
- `suspect`: a byte filter over a file's raw UTF-8, so that the columns of a file
  holding no invisible character are never searched.
"""

from __future__ import annotations

import functools

import numpy as np

from ai_openness.core.characters import invisible_characters, invisible_ranges, invisible_regex, reveal

ALLOWED = "\n"
_ALLOWED = frozenset(ALLOWED)


def hidden(value: str) -> list[tuple[int, str]]:
    """(position, character) of each invisible character of a cell."""
    return invisible_characters(value, _ALLOWED)


def revealed(value: str) -> str:
    """A cell with its invisible characters written as escapes (\\u034f), for a finding."""
    return reveal(value, _ALLOWED)


def regex() -> str:
    return invisible_regex(ALLOWED)


@functools.cache
def _tables() -> tuple[np.ndarray, bytes, np.ndarray]:
    """From the code points of the rule: whether each code point is hidden, which bytes
    begin the UTF-8 of a hidden character, and which first two bytes do (a pair table)."""
    table = np.zeros(0x110000, dtype=bool)
    for low, high in invisible_ranges(ALLOWED):
        table[low : high + 1] = True
    codes = np.flatnonzero(table)
    length = np.select([codes < 0x80, codes < 0x800, codes < 0x10000], [1, 2, 3], 4)
    shift = 6 * (length - 1)
    first = np.select([length == 1, length == 2, length == 3], [codes, 0xC0, 0xE0], 0xF0) | (codes >> shift)
    second = np.where(length == 1, -1, 0x80 | ((codes >> (shift - 6).clip(0)) & 0x3F))
    lead = np.zeros(256, dtype=bool)
    lead[first] = True
    pair = np.zeros((256, 256), dtype=bool)
    pair[first[length == 1], :] = True  # a one-byte character is complete in itself
    pair[first[length > 1], second[length > 1]] = True
    return table, bytes(lead.astype(np.uint8)), pair  # lead as a translation table: 1 for a lead byte


def hidden_at(block: bytes) -> np.ndarray:
    """Byte offsets in `block` (UTF-8) where a hidden character begins.

    Exact on valid UTF-8 (a lead byte cannot be mistaken for a continuation byte), and
    cheap on Chinese text: the ideographs' lead bytes (E4 to E9) begin no hidden character,
    and of the punctuation only the characters whose first two bytes begin one (as the
    full-width comma shares EF BC with the unassigned U+FF00) are decoded and looked up.
    A character cut by the end of the block is left out: the caller passes the last three
    bytes again with the next block.
    """
    table, lead, pair = _tables()
    leads = block.translate(lead)  # bytes.translate and memchr: faster than numpy on bytes
    if b"\1" not in leads:  # no byte that can begin a hidden character
        return np.zeros(0, dtype=np.int64)
    data = np.frombuffer(block + b"\0\0\0", dtype=np.uint8)
    at = np.flatnonzero(np.frombuffer(leads, dtype=bool))
    at = at[pair[data[at], data[at + 1]]]
    b0, b1, b2, b3 = (data[at + i].astype(np.int64) for i in range(4))
    length = np.select([b0 < 0x80, b0 < 0xE0, b0 < 0xF0], [1, 2, 3], 4)
    code = np.select(
        [length == 1, length == 2, length == 3],
        [b0, (b0 & 0x1F) << 6 | (b1 & 0x3F), (b0 & 0x0F) << 12 | (b1 & 0x3F) << 6 | (b2 & 0x3F)],
        (b0 & 0x07) << 18 | (b1 & 0x3F) << 12 | (b2 & 0x3F) << 6 | (b3 & 0x3F),
    )
    whole = (at + length <= len(block)) & (code < 0x110000)
    at, code = at[whole], code[whole]
    found: np.ndarray = at[table[code]]
    return found


def suspect(block: bytes) -> bool:
    """Whether `block` may hold a hidden character."""
    return len(hidden_at(block)) > 0
