"""One pass over a CSV file's bytes, before any parser sees it.

The pass hashes the file (the descriptor records its SHA-256 and size), makes sure it is
UTF-8 text with LF line endings (and says what it is when it is not), and finds where each
record ends and how many cells it has, from the quotes and commas alone: a line break or a
comma ends something only outside a quoted cell, that is after an even number of quotes.
From the record ends come the CSV line of every row (a quoted cell may hold line breaks)
and the byte where each row starts, to point at a column.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..problems import Problem
from .files import REGENERATE, carriage_return, not_text, not_utf8

BLOCK = 8 << 20  # bytes read at a time: the numpy temporaries stay near 100 MB


@dataclass
class Scan:
    sha256: str
    size: int
    problem: Problem | None  # why the rows cannot be read (not UTF-8 text, CRLF, no header)
    ends: np.ndarray  # byte offset of the line break that ends each record (the header is record 0)
    breaks: np.ndarray  # how many line breaks precede each of those: the record's last line, 0-based
    cells: np.ndarray  # cells of each record

    @property
    def rows(self) -> int:
        """Data rows (records after the header)."""
        return max(len(self.cells) - 1, 0)

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
    decoder = codecs.getincrementaldecoder("utf-8")()
    parity, carry, breaks_seen = 0, 0, 0  # quote parity, commas of the open record, line breaks so far
    ends, breaks, cells = [], [], []
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK):
            sha.update(block)
            if problem is None:
                problem = _text_problem(path, rel, block, size, decoder)
            if problem is None:
                data = np.frombuffer(block, dtype=np.uint8)
                inside = np.bitwise_xor.accumulate(data == 34) ^ bool(parity)  # True inside quotes
                parity = int(inside[-1])
                newline = data == 10
                outside_newline = np.flatnonzero(newline & ~inside)
                commas = np.flatnonzero((data == 44) & ~inside)
                ordinals = np.cumsum(newline, dtype=np.int64)[outside_newline] - 1 + breaks_seen
                record = np.searchsorted(outside_newline, commas)
                counts = np.bincount(record, minlength=len(outside_newline) + 1)
                counts[0] += carry
                carry = int(counts[-1])
                ends.append(outside_newline + size)
                breaks.append(ordinals)
                cells.append(counts[:-1] + 1)
                breaks_seen += int(newline.sum())
            size += len(block)
    if problem is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            data = _reread(path, size)
            problem = not_utf8(rel, data[:size - 1], data[size - 1:], data[:65_536])
    join = (lambda parts, kind: np.concatenate(parts) if parts else np.zeros(0, dtype=kind))
    ends_, breaks_, cells_ = join(ends, np.int64), join(breaks, np.int64), join(cells, np.int64)
    if problem is None and size and (not len(ends_) or ends_[-1] != size - 1):
        # The last record has no line break after it: it ends with the file.
        ends_ = np.append(ends_, size)
        breaks_ = np.append(breaks_, breaks_seen)
        cells_ = np.append(cells_, carry + 1)
    if problem is None and not size:
        problem = Problem(rel, 1, None, "source-error: is empty", expected="a header row", fix=REGENERATE)
    return Scan(sha.hexdigest(), size, problem, ends_, breaks_, cells_)


def _text_problem(path: Path, rel: str, block: bytes, offset: int, decoder) -> Problem | None:
    if offset == 0:
        found = not_text(rel, block)
        if found is not None:
            return found
    try:
        decoder.decode(block)
    except UnicodeDecodeError:
        data = _reread(path, offset + len(block))  # only when the file is wrong: find the exact byte
        try:
            data.decode("utf-8")
            at = len(data) - 1  # a sequence cut by the end of what was read
        except UnicodeDecodeError as exc:
            at = exc.start
        return not_utf8(rel, data[:at], data[at:at + 1], data[:65_536])
    for byte, found in ((b"\x00", "nul"), (b"\r", "cr")):
        index = block.find(byte)
        if index != -1:
            at = offset + index
            data = _reread(path, at + 2)
            if found == "cr":
                return carriage_return(rel, data[:at], data[at:])
            line = data[:at].count(b"\n") + 1
            return Problem(rel, line, None, "encoding-error: holds a NUL byte: it is binary data, not text",
                           expected="UTF-8 text", fix="store the table itself as UTF-8 CSV text")
    return None
