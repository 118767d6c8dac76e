"""Findings as the checks make them (by data row) and as a contributor reads them (by line).

A check names a file, a data row (0-based), a field and a code from the catalogue of
findings (core/errors.py): the name frictionless gives the same check where it makes one
(`type-error`, `constraint-error`, `primary-key`, ...), or the package's own (`quote`,
`twin`, `source-text-changed`, ...); the catalogue words the message and the fix, and
the located problem carries the code, so programs can compare findings with frictionless'
errors. Rows become CSV lines and
columns only at the end, from each file's scan, so a quoted cell holding line breaks
moves every later finding to its right line.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ai_openness.core.errors import REGENERATE, error_type
from ai_openness.core.problems import Problem, shown
from ai_openness.safeio.scan import Scan, record_cells

LIMIT = 1_000  # findings of one kind in one file before the rest are counted, as frictionless does


@dataclass
class Finding:
    file: str
    row: int | None  # data row, 0-based; None for the whole file
    field: str | None
    code: str  # its entry in the catalogue (core/errors.py); "" for a problem made elsewhere
    message: str  # may name another row as {first}
    value: str | None = None
    expected: str | None = None
    fix: str | None = REGENERATE
    first: int | None = None
    line: int | None = None  # when known directly (a header, an encoding error)
    column: int | None = None


@dataclass
class Located:
    """How rows of one CSV file become lines and columns."""

    path: Path
    scan: Scan
    header: list[str]

    def text(self, row: int) -> str:
        """The text of data row `row`, as written in the file."""
        start = self.scan.start(row)
        with open(self.path, "rb") as handle:
            handle.seek(start)
            return handle.read(int(self.scan.ends[row + 1]) - start).decode("utf-8", "replace")

    def record(self, row: int) -> list[str]:
        return record_cells(self.text(row))


class Findings:
    """The findings of one run, each made from its entry in the catalogue (core/errors.py):
    `code` names the entry, `params` fill its message and fix templates."""

    def __init__(self) -> None:
        self.found: list[Finding] = []
        self.counts: dict[tuple[str, str], int] = defaultdict(int)
        self.lock = threading.Lock()  # the stored texts are read beside the tables

    def add(
        self,
        file: str,
        row: int | None,
        field: str | None,
        code: str,
        value: object = None,
        *,
        expected: str | None = None,
        first: int | None = None,
        line: int | None = None,
        **params: object,
    ) -> None:
        """A finding on data row `row` (0-based), or, with row None, on `line` of the file."""
        entry = error_type(code)
        with self.lock:
            self.counts[(file, code)] += 1
            if self.counts[(file, code)] <= LIMIT:
                shown_value = None if value is None else shown(value)
                finding = Finding(
                    file,
                    row,
                    field,
                    code,
                    entry.message(**params),
                    shown_value,
                    expected,
                    entry.fix_for(**params),
                    first,
                    line=line,
                )
                self.found.append(finding)

    def problem(self, problem: Problem) -> None:
        """A finding already located (the descriptor's, an encoding error's)."""
        with self.lock:
            self.found.append(
                Finding(
                    problem.file,
                    None,
                    problem.field,
                    problem.code or "",
                    problem.message,
                    problem.value,
                    problem.expected,
                    problem.fix,
                    line=problem.line,
                    column=problem.column,
                )
            )

    def located(self, files: dict[str, Located]) -> list[Problem]:
        columns = _columns(self.found, files)
        out = []
        for f in self.found:
            where = files.get(f.file)
            line = f.line if f.row is None else where.scan.line(f.row) if where else f.row + 2
            message = f.message
            if f.first is not None:
                message = message.replace("{first}", str(where.scan.line(f.first) if where else f.first + 2))
            column = f.column if f.row is None else columns.get((f.file, f.row, f.field))
            out.append(Problem(f.file, line, f.field, message, f.value, f.expected, f.fix, column, f.code or None))
        for (file, code), count in self.counts.items():
            if count > LIMIT:
                more = f"{count - LIMIT} more not listed"
                out.append(Problem(file, None, None, more, fix="fix the ones listed, then validate again", code=code))
        return out


def _columns(found: list[Finding], files: dict[str, Located]) -> dict[tuple[Any, ...], int]:
    """1-based character column where each finding's field starts, when it starts on the
    row's first line; read from the file, one row at a time, only for rows with findings."""
    wanted: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for f in found:
        if f.row is not None and f.field and f.file in files and f.field in files[f.file].header:
            wanted[f.file].add((f.row, f.field))
    columns = {}
    for file, cells in wanted.items():
        where = files[file]
        for row, field in sorted(cells):
            if row + 1 < len(where.scan.ends):
                column = _column(where.text(row), where.header.index(field))
                if column is not None:
                    columns[(file, row, field)] = column
    return columns


def _column(record: str, index: int) -> int | None:
    if index == 0:
        return 1
    seen, quoted = 0, False
    for position, char in enumerate(record):
        if char == '"':
            quoted = not quoted
        elif char == "\n":  # the field starts on a later line than the row
            return None
        elif char == "," and not quoted:
            seen += 1
            if seen == index:
                return position + 2
    return None
