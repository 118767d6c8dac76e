"""Read a CSV resource within the limits, keeping the file line of every row."""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from ..limits import MAX_COLUMNS, MAX_FIELD_CHARS, MAX_ROWS, MAX_TABLE_BYTES
from ..problems import Problem
from .descriptor import Resource
from .files import REGENERATE, Refused, decode_utf8, read_bounded


@dataclass
class Table:
    name: str
    rel: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (file line where the row starts, cells)
    lines: list[str]  # the file's physical lines, to point at a column

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        for line, cells in self.rows:
            yield line, dict(zip(self.header, cells))

    def column(self, line: int | None, field: str | None) -> int | None:
        """1-based character column where `field` starts on `line`, when it starts there."""
        if line is None or field not in self.header or not 0 < line <= len(self.lines):
            return None
        wanted, seen, quoted = self.header.index(field), 0, False
        if wanted == 0:
            return 1
        for position, char in enumerate(self.lines[line - 1]):
            if char == '"':
                quoted = not quoted
            elif char == "," and not quoted:
                seen += 1
                if seen == wanted:
                    return position + 2
        return None


@contextmanager
def _field_limit(limit: int):
    # The csv module's limit is process-wide (frictionless sets its own): restore it.
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _parse(rel: str, text: str) -> tuple[list[str], list[tuple[int, list[str]]]] | Problem:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, header, last = [], None, 0
    try:
        with _field_limit(MAX_FIELD_CHARS):
            for cells in reader:
                line, last = last + 1, reader.line_num
                if len(cells) > MAX_COLUMNS:
                    return Problem(rel, line, None, f"has {len(cells)} columns, more than the limit of {MAX_COLUMNS}",
                                   expected="the columns of the table's schema", fix=REGENERATE)
                if header is None:
                    header = cells
                    continue
                if len(rows) >= MAX_ROWS:
                    return Problem(rel, line, None, f"has more than {MAX_ROWS} rows, the limit", fix=REGENERATE)
                rows.append((line, cells))
    except csv.Error as exc:
        line = last + 1
        if "field larger than field limit" in str(exc):
            return Problem(rel, line, None, f"has a cell longer than the limit of {MAX_FIELD_CHARS} characters",
                           expected=f"cells of at most {MAX_FIELD_CHARS} characters", fix=REGENERATE)
        return Problem(rel, line, None, f"is not well-formed CSV: {exc}",
                       expected='comma-separated cells, quoted with " when they hold a comma, quote or newline',
                       fix=REGENERATE)
    if header is None:
        return Problem(rel, 1, None, "is empty", expected="a header row", fix=REGENERATE)
    return header, rows


def read_table(resource: Resource, rel_descriptor: str) -> tuple[Table | None, list[Problem]]:
    """The parsed table, or None with the problems that kept it from being read."""
    rel = resource.path
    try:
        data = read_bounded(resource.file, rel, MAX_TABLE_BYTES)
    except Refused as refused:
        return None, [Problem(rel_descriptor, resource.line, "path", refused.message, fix=refused.fix)]
    text, problems = decode_utf8(rel, data)
    if text is None or problems:
        return None, problems
    parsed = _parse(rel, text)
    if isinstance(parsed, Problem):
        return None, [parsed]
    header, rows = parsed
    return Table(resource.name, rel, header, rows, text.split("\n")), []
