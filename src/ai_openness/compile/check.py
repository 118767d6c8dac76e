"""The engine on the rows a build is about to write, with findings at the coding's line.

The build does not check its tables with rules of its own: it hands each table to the
engine as the CSV would hold it (every cell as text, None when empty), so a coding is held
to exactly the rules `ai-openness validate` applies to the published tables, in the same
words. A finding on row N of a table is reported at the file and line of the coding row N
came from. The engine's typed columns are the rows' values from then on: the cells are
typed once, by the engine, as `validate` types the published CSV.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from ai_openness.checks.engine import Engine
from ai_openness.checks.findings import LIMIT, Finding
from ai_openness.compile.records import Row
from ai_openness.compile.source import LocatedRows
from ai_openness.contract import Contract
from ai_openness.core.cells import cell_text
from ai_openness.core.errors import REGENERATE
from ai_openness.core.limits import TRUSTED
from ai_openness.core.problems import Problem

FIX = "correct the coding at this line, then run `ai-openness build`"


def frame(contract: Contract, name: str, rows: list[Row]) -> pl.DataFrame:
    """A table's rows as the CSV would hold them."""

    def text(value: object) -> str | None:
        written = cell_text(value)
        return written if written != "" else None

    columns = contract.columns(name)
    if isinstance(rows, LocatedRows):  # already cells, from the per-source stage
        return pl.from_arrow(rows.table.select(columns))
    return pl.DataFrame(
        {c: [text(row.values.get(c)) for row in rows] for c in columns}, schema=dict.fromkeys(columns, pl.String)
    )


def check_rows(
    contract: Contract, tables: dict[str, list[Row]], today: dt.date, unread: set[str] = frozenset()
) -> list[Problem]:
    """The engine's findings on `tables`, at their codings. Each row's values become its
    cells as the engine typed them (dates, integers, truth values). `unread`: tables whose
    coding file could not be read, which no reference is checked against."""
    names = [name for name in contract.names if name in tables]
    engine = Engine(None, contract, names, TRUSTED, today, check_stored_texts=False)
    engine.unreadable |= set(unread)  # their problem is the file's, reported where it was read
    engine.run_frames({name: frame(contract, name, tables[name]) for name in names})
    found = engine.findings.found
    for name in names:  # a cell reported as invalid is None; the build stops on the report
        if isinstance(tables[name], LocatedRows):
            tables[name].typed = engine.typed[name]
            continue
        for row, values in zip(tables[name], engine.typed[name].iter_rows(named=True)):
            row.values = values
    # A column that is the primary key and also marked unique repeats one fact: say it once.
    keys = {(f.file, f.row, f.field) for f in found if f.code == "primary-key"}
    problems = [
        _at_coding(f, tables[f.file])
        for f in found
        if not (f.code == "unique-error" and (f.file, f.row, f.field) in keys)
        and (f.row is None or not tables[f.file][f.row].unresolved(f.field))
    ]
    for (name, code), count in engine.findings.counts.items():
        if count > LIMIT:
            more = f"{count - LIMIT} more rows of {name} not listed"
            problems.append(Problem(name, None, None, more, fix="fix the ones listed, then build again", code=code))
    return problems


def _at_coding(finding: Finding, rows: list[Row]) -> Problem:
    if finding.row is None:  # not made on tables in memory; kept rather than lost
        return Problem(
            finding.file,
            finding.line,
            finding.field,
            finding.message,
            finding.value,
            finding.expected,
            finding.fix,
            code=finding.code or None,
        )
    row = rows[finding.row]
    message = finding.message
    if finding.first is not None:
        first = rows[finding.first]
        message = message.replace("line {first}", f"{first.file}:{first.line(finding.field)}")
    fix = FIX if not finding.fix or finding.fix.startswith(REGENERATE) else finding.fix
    problem = row.problem(finding.field, message, None, finding.expected, fix)
    return Problem(**{**problem.to_dict(), "value": finding.value, "code": finding.code or None})
