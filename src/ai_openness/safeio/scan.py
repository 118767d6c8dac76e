"""One pass over a CSV file's bytes, before any parser sees it.

The pass hashes the file (the descriptor records its SHA-256 and size), makes sure it is
UTF-8 text with LF line endings (and says what it is when it is not), and finds where each
record ends and how many cells it has, from the quotes and commas alone: a line break or a
comma ends something only outside a quoted cell, that is after an even number of quotes.
From the record ends come the CSV line of every row (a quoted cell may hold line breaks)
and the byte where each row starts, to point at a column.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ai_openness.core import invisible
from ai_openness.core.errors import REGENERATE
from ai_openness.core.problems import Problem
from ai_openness.safeio.files import carriage_return, not_text, not_utf8

BLOCK = 8 << 20  # bytes read at a time: the numpy temporaries stay near 100 MB


@dataclass
class Scan:
    sha256: str
    size: int
    problem: Problem | None  # why the rows cannot be read (not UTF-8 text, CRLF, no header)
    ends: np.ndarray  # byte offset of the line break that ends each record (the header is record 0)
    breaks: np.ndarray  # how many line breaks precede each of those: the record's last line, 0-based
    cells: np.ndarray  # cells of each record
    suspect: bool  # holds an invisible character (core/invisible.py), so its cells are searched

    @property
    def rows(self) -> int:
        """Data rows (records after the header)."""
        return max(len(self.cells) - 1, 0)

    @property
    def longest(self) -> int:
        """Bytes of the longest record: no cell can hold more characters."""
        return int(np.diff(self.ends, prepend=-1).max()) if len(self.ends) else 0

    def line(self, row: int) -> int:
        """CSV line (1-based) where data row `row` (0-based) starts."""
        return int(self.breaks[row]) + 2 if row < len(self.breaks) else row + 2

    def row_at(self, line: int) -> int | None:
        """The data row that starts on `line`, if one does."""
        row = int(np.searchsorted(self.breaks[:-1], line - 2)) if len(self.breaks) > 1 else 0
        return row if row < self.rows and self.line(row) == line else None

    def start(self, row: int) -> int:
        """Byte offset where data row `row` starts."""
        return int(self.ends[row]) + 1 if row < len(self.ends) else self.size


def _reread(path: Path, end: int) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(end)


def scan(path: Path, rel: str) -> Scan:
    sha, size, problem = hashlib.sha256(), 0, None
    tail = b""
    parity, carry, breaks_seen = 0, 0, 0  # quote parity, commas of the open record, line breaks so far
    ends: list[np.ndarray] = []
    breaks: list[np.ndarray] = []
    cells: list[np.ndarray] = []
    suspect = False
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK):
            sha.update(block)
            if problem is None:
                problem = _text_problem(path, rel, block, size)
            if problem is None:
                suspect = suspect or invisible.suspect(tail + block)
                tail = block[-3:]  # a character cut by the block's end is looked at with the next block
                parity, carry = _structure(block, size, parity, carry, breaks_seen, ends, breaks, cells)
                breaks_seen += block.count(b"\n")
            size += len(block)
    ends_, breaks_, cells_ = _joined(ends), _joined(breaks), _joined(cells)
    if problem is None and size and (not len(ends_) or ends_[-1] != size - 1):
        # The last record has no line break after it: it ends with the file.
        ends_ = np.append(ends_, size)
        breaks_ = np.append(breaks_, breaks_seen)
        cells_ = np.append(cells_, carry + 1)
    if problem is None and not size:
        problem = Problem(rel, 1, None, "is empty", expected="a header row", fix=REGENERATE, code="source-error")
    if problem is None and parity:
        line = int(breaks_[-2]) + 2 if len(breaks_) > 1 else 1
        problem = Problem(
            rel,
            line,
            None,
            "a quote opens a cell on this line that is never closed",
            expected='a closing " after the cell (a quote inside a cell is written "")',
            fix=REGENERATE,
            code="source-error",
        )
    return Scan(sha.hexdigest(), size, problem, ends_, breaks_, cells_, suspect)


def _structure(
    block: bytes,
    offset: int,
    parity: int,
    carry: int,
    breaks_seen: int,
    ends: list[Any],
    breaks: list[Any],
    cells: list[Any],
) -> tuple[int, int]:
    """Record ends and cells per record in one block; returns the quote parity and the commas
    of the record still open at its end. Only quotes, line breaks and commas are looked at."""
    data = np.frombuffer(block, dtype=np.uint8)
    special = np.flatnonzero((data == 34) | (data == 10) | (data == 44))  # then only these bytes
    kinds = data[special]
    quotes, newlines, commas = (special[kinds == byte] for byte in (34, 10, 44))
    # Inside a quoted cell when an odd number of quotes precede (counting the open one carried in).
    outside_newline = ((np.searchsorted(quotes, newlines) + parity) & 1) == 0
    commas = commas[((np.searchsorted(quotes, commas) + parity) & 1) == 0]
    separators = newlines[outside_newline]
    before = np.searchsorted(commas, separators)  # commas before each record end
    counts = np.diff(before, prepend=0)
    if len(counts):
        counts[0] += carry
        carry = len(commas) - int(before[-1])
    else:
        carry += len(commas)
    ends.append(separators + offset)
    breaks.append(np.flatnonzero(outside_newline) + breaks_seen)
    cells.append(counts + 1)
    return (parity + len(quotes)) & 1, carry


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _text_problem(path: Path, rel: str, block: bytes, offset: int) -> Problem | None:
    """A file that is not text (its first bytes), a NUL byte or a CR. Whether the bytes are
    UTF-8 is left to the CSV parser, which checks every cell; `not_utf8_problem` then says where."""
    if offset == 0:
        found = not_text(rel, block)
        if found is not None:
            return found
    for byte, what in ((b"\x00", "nul"), (b"\r", "cr")):
        index = block.find(byte)
        if index != -1:
            at = offset + index
            data = _reread(path, at + 2)
            if what == "cr":
                return carriage_return(rel, data[:at], data[at:])
            line = data[:at].count(b"\n") + 1
            return Problem(
                rel,
                line,
                None,
                "holds a NUL byte: it is binary data, not text",
                expected="UTF-8 text",
                fix="store the table itself as UTF-8 CSV text",
                code="encoding-error",
            )
    return None


def not_utf8_problem(path: Path, rel: str) -> Problem | None:
    """Where a file stops being UTF-8, when it does (read whole: only after the parser failed)."""
    data = _reread(path, path.stat().st_size)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return not_utf8(rel, data[: exc.start], data[exc.start : exc.start + 1], data[:65_536])
    return None


def record_cells(text: str) -> list[str]:
    """The cells of one CSV record, read as Python's csv module reads them (a cell in
    quotes may hold commas, line breaks and doubled quotes), but with no limit on a cell's
    length: csv stops at 131,072 characters with an error, and a contribution's cell may be
    longer (the limit is reported as a finding, not met as an exception)."""
    if not text:
        return []
    cells, i, n = [], 0, len(text)
    while True:
        if i < n and text[i] == '"':
            parts, j = [], i + 1
            while True:  # to the closing quote; "" inside is one quote
                k = text.find('"', j)
                if k == -1:
                    parts.append(text[j:])
                    i = n
                    break
                parts.append(text[j:k])
                if text.startswith('"', k + 1):
                    parts.append('"')
                    j = k + 2
                    continue
                i = k + 1
                break
            end = text.find(",", i)
            end = n if end == -1 else end
            cells.append("".join(parts) + text[i:end])  # csv keeps what follows the closing quote
            i = end
        else:
            end = text.find(",", i)
            end = n if end == -1 else end
            cells.append(text[i:end])
            i = end
        if i >= n:
            return cells
        i += 1  # past the comma
