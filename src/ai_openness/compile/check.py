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
import re
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import cast

import polars as pl

from ai_openness.checks.engine import Engine
from ai_openness.checks.findings import LIMIT, Finding
from ai_openness.compile.records import Row
from ai_openness.compile.source import LocatedRows
from ai_openness.contract import Contract
from ai_openness.core.cells import cell_text
from ai_openness.core.dates import derived_date_columns
from ai_openness.core.errors import REGENERATE, error_type
from ai_openness.core.limits import TRUSTED
from ai_openness.core.problems import Problem

FIX = "correct the coding at this line, then run `ai-openness build`"


def frame(contract: Contract, name: str, rows: Sequence[Row]) -> pl.DataFrame:
    """A table's rows as the CSV would hold them."""

    def text(value: object) -> str | None:
        written = cell_text(value)
        return written if written != "" else None

    columns = contract.columns(name)
    if isinstance(rows, LocatedRows):  # already cells, from the per-source stage
        return cast(pl.DataFrame, pl.from_arrow(rows.table.select(columns)))
    return pl.DataFrame(
        {c: [text(row.values.get(c)) for row in rows] for c in columns}, schema=dict.fromkeys(columns, pl.String)
    )


def check_rows(
    contract: Contract, tables: dict[str, Sequence[Row]], today: dt.date, unread: Collection[str] = frozenset()
) -> list[Problem]:
    """The engine's findings on `tables`, at their codings. Each row's values become its
    cells as the engine typed them (dates, integers, truth values). `unread`: tables whose
    coding file could not be read, which no reference is checked against."""
    names = [name for name in contract.names if name in tables]
    engine = Engine(None, contract, names, TRUSTED, today, check_stored_texts=False)
    engine.defined_in = {name: _coding_files(tables[name]) for name in names}
    engine.unreadable |= set(unread)  # their problem is the file's, reported where it was read
    engine.run_frames({name: frame(contract, name, tables[name]) for name in names})
    found = engine.findings.found
    for name in names:  # a cell reported as invalid is None; the build stops on the report
        rows = tables[name]
        if isinstance(rows, LocatedRows):
            rows.typed = engine.typed[name]
            continue
        for row, values in zip(tables[name], engine.typed[name].iter_rows(named=True)):
            row.values = values
    # A column that is the primary key and also marked unique repeats one fact: say it once.
    keys = {(f.file, f.row, f.field) for f in found if f.code == "primary-key"}
    forms = {name: _date_forms(contract, name) for name in names}
    problems = [
        _at_coding(f, tables[f.file], tables, forms.get(f.file, {}))
        for f in found
        if not (f.code == "unique-error" and (f.file, f.row, f.field) in keys)
        and (f.row is None or not tables[f.file][f.row].unresolved(f.field))
    ]
    for (name, code), count in engine.findings.counts.items():
        if count > LIMIT:
            more = f"{count - LIMIT} more rows of {name} not listed"
            problems.append(Problem(name, None, None, more, fix="fix the ones listed, then build again", code=code))
    return problems


# The forms a coding writes a date in, and an example, by whether the column has a precision
# (a date column with a `<column>_precision` companion may be a year or a month).
_DAY, _PARTIAL = ("YYYY-MM-DD", "2024-03-25"), ("YYYY, YYYY-MM or YYYY-MM-DD", "2024-03")
_WRITTEN_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")  # the right form (a wrong day is another fault)


def _date_forms(contract: Contract, name: str) -> dict[str, tuple[str, str]]:
    columns = set(contract.columns(name))
    return {
        f["name"]: _PARTIAL if derived_date_columns(f["name"])[0] in columns else _DAY
        for f in contract.fields(name)
        if f.get("type") == "date"
    }


def _coding_files(rows: Sequence[Row]) -> str:
    """The coding file (or files) a table's rows are written in: codings/people.yaml, or
    codings/stances/<source_id>.yaml for a table written one file per source."""
    files = sorted({row.file for row in rows if row.origin is not None})
    if len(files) > 1 and len({str(Path(f).parent) for f in files}) == 1:
        return f"{Path(files[0]).parent.as_posix()}/<source_id>.yaml"
    return " and ".join(files) or "its coding"


def _published_at(finding: Finding, rows: Sequence[Row], tables: dict[str, Sequence[Row]]) -> tuple[str, str]:
    """The message and fix of a stance dated after its article, naming the line of the
    article's `published` in sources/articles.yaml."""
    typed = getattr(rows, "typed", None)  # a stance table is held as columns (source.LocatedRows)
    if finding.row is None:
        return finding.message, finding.fix or FIX
    source_id = typed["source_id"][finding.row] if typed is not None else rows[finding.row].values.get("source_id")
    source = next((r for r in tables.get("sources", []) if r.values.get("source_id") == source_id), None)
    if source is None or source.origin is None:
        return finding.message, finding.fix or FIX
    published = source.values.get("published")
    params = {
        "source_id": source_id,
        "published": published,
        "published_at": f"{source.file}:{source.line('published')}",
    }
    entry = error_type("date-after-source")
    return entry.message(**params), entry.fix_for(**params)


def _at_coding(
    finding: Finding,
    rows: Sequence[Row],
    tables: dict[str, Sequence[Row]] | None = None,
    date_forms: dict[str, tuple[str, str]] | None = None,
) -> Problem:
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
    code = finding.code or None
    if finding.code == "date-after-source" and tables is not None:
        message, fix = _published_at(finding, rows, tables)
    written = (date_forms or {}).get(finding.field or "")
    expected = finding.expected
    if finding.code == "type-error" and written and finding.value and not _WRITTEN_DATE.fullmatch(finding.value):
        # A date the coding writes in another form: say the coding's form, with an example.
        entry, params = error_type("date-format"), {"form": written[0], "example": written[1]}
        message, fix, code = entry.message(**params), entry.fix_for(**params), "date-format"
        expected = f"a date written {written[0]}"
    problem = row.problem(finding.field, message, None, expected, fix)
    return Problem(**{**problem.to_dict(), "value": finding.value, "code": code})
