"""The package's own rules on the published tables, beyond what a Table Schema can say.

Every rule reads the CSV text as published (not the codings), so it also catches a table
that was edited by hand. Rules skip quietly what frictionless already reports (a missing
column, a cell that is not an integer).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from ..limits import MAX_INPUT_BYTES
from ..problems import Problem, shown
from ..quotes import occurrences
from ..records import derived_date_columns, expected_end
from .files import REGENERATE, Refused, contained, read_bounded
from .tables import Table

_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
RESTORE = ("a stored source never changes: restore it (`git checkout origin/main -- {path}`); if the new "
           "bytes are intended, record their SHA-256 in sources/articles.yaml and run `ai-openness build`")


def stored_texts(root: Path, tables: dict[str, Table]) -> tuple[dict[str, str], list[Problem]]:
    """The stored source texts, each checked against its recorded SHA-256 and length.

    A published copy without sources/ (such as the one inside the wheel) has no stored
    texts to check; the caller reports that those checks were skipped.
    """
    table, texts, problems = tables.get("sources"), {}, []
    if table is None or not (root / "sources").exists():
        return texts, problems
    for line, row in table.records():
        path, source_id = row.get("path", ""), row.get("source_id", "")
        if not path:
            continue
        at = {"file": table.rel, "line": line}
        try:
            file = contained(root, path)
            if not file.is_relative_to((root / "sources").resolve()):
                raise Refused(f"{shown(path)} is not under sources/", "store source texts under sources/articles/")
            data = read_bounded(file, path, MAX_INPUT_BYTES)
        except Refused as refused:
            fix = refused.fix if refused.fix != REGENERATE else (
                "restore the stored text at this path, or correct `path` in sources/articles.yaml and run "
                "`ai-openness build`")
            problems.append(Problem(**at, field="path", message=f"the stored text cannot be read: {refused.message}",
                                    value=shown(path), fix=fix, column=table.column(line, "path")))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != row.get("sha256"):
            problems.append(Problem(**at, field="sha256", message=f"{shown(path)} does not match its recorded SHA-256",
                                    value=shown(row.get("sha256", "")), expected=digest,
                                    fix=RESTORE.format(path=path), column=table.column(line, "sha256")))
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(**at, field="path", message=f"{shown(path)} is not UTF-8 text ({exc.reason})",
                                    fix="store the source as UTF-8 text"))
            continue
        if row.get("characters") not in (None, "", str(len(text))):
            problems.append(Problem(**at, field="characters", message="is not the number of code points of the "
                                    "stored text", value=shown(row["characters"]), expected=str(len(text)),
                                    fix=REGENERATE, column=table.column(line, "characters")))
        texts[source_id] = text
    return texts, problems


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def quote_problems(tables: dict[str, Table], texts: dict[str, str]) -> list[Problem]:
    """Each quote lies at its offsets in its stored source; quote_end comes after quote_start."""
    table, problems = tables.get("stances"), []
    if table is None:
        return problems
    for line, row in table.records():
        start, end, quote = _int(row.get("quote_start")), _int(row.get("quote_end")), row.get("quote", "")
        if start is None or end is None:
            continue
        at = {"file": table.rel, "line": line}
        if end <= start:
            problems.append(Problem(**at, field="quote_end", message="quote_end is not after quote_start",
                                    value=f"{start}:{end}", expected="quote_end greater than quote_start",
                                    fix=REGENERATE, column=table.column(line, "quote_end")))
            continue
        text = texts.get(row.get("source_id", ""))
        if text is None or text[start:end] == quote:
            continue
        found = occurrences(text, quote) if quote else []
        where = (f"the quote, which the source has at {', '.join(f'{s}:{s + len(quote)}' for s in found[:5])}"
                 if found else "the quote; it is not in the stored source at all")
        problems.append(Problem(**at, field="quote_start", message=f"the stored source has {shown(text[start:end], 40)!r} "
                                f"at {start}:{end}, not the quote", value=shown(quote), expected=where,
                                fix=REGENERATE + "; the build computes the offsets from the quote in the coding",
                                column=table.column(line, "quote_start")))
    return problems


def actor_problems(tables: dict[str, Table]) -> list[Problem]:
    table = tables.get("stances")
    if table is None or not {"person_id", "organisation_id"} <= set(table.header):
        return []
    return [Problem(table.rel, line, "person_id", "the stance has neither a person nor an organisation",
                    expected="person_id, organisation_id or both",
                    fix="set person_id or organisation_id in the stance's coding, then run `ai-openness build`",
                    column=table.column(line, "person_id"))
            for line, row in table.records() if not row.get("person_id") and not row.get("organisation_id")]


def _precision_column(field: str, header: list[str]) -> str | None:
    for candidate in (f"{field}_precision", "date_precision" if field == "date" else None):
        if candidate in header:
            return candidate
    return None


def date_problems(tables: dict[str, Table], schemas: dict[str, dict], today: dt.date) -> list[Problem]:
    """Dates are real days, not in the future, and the first day of their month or year
    when only the month or year is known."""
    problems = []
    for name, table in tables.items():
        date_fields = [f["name"] for f in schemas.get(name, {}).get("fields", [])
                       if isinstance(f, dict) and f.get("type") == "date" and f.get("name") in table.header]
        ends = {derived_date_columns(f)[1] for f in date_fields}
        for field in date_fields:
            if field in ends:
                continue  # the last day of a date, checked against it below (it may lie ahead)
            precision_field = _precision_column(field, table.header)
            problems += _end_problems(table, field, precision_field)
            for line, row in table.records():
                problem = _date_problem(row.get(field, ""), row.get(precision_field, "") if precision_field else None,
                                        field, precision_field, today)
                if problem:
                    message, value, expected, key = problem
                    problems.append(Problem(table.rel, line, key, message, shown(value), expected=expected,
                                            fix="correct the date in the coding (written YYYY, YYYY-MM or YYYY-MM-DD) "
                                            "and run `ai-openness build`", column=table.column(line, key)))
    return problems


def _end_problems(table: Table, field: str, precision_field: str | None) -> list[Problem]:
    end_field = derived_date_columns(field)[1]
    if end_field not in table.header or precision_field is None:
        return []
    problems = []
    for line, row in table.records():
        expected = expected_end(row.get(field, ""), row.get(precision_field, ""), row.get(end_field, ""))
        if expected is not None:
            problems.append(Problem(table.rel, line, end_field, f"is not the last day {field} can mean",
                                    shown(row.get(end_field, "")), expected=expected or "empty",
                                    fix="run `ai-openness build` (the build computes it from the date)",
                                    column=table.column(line, end_field)))
    return problems


def _date_problem(value: str, precision: str | None, field: str, precision_field: str | None, today: dt.date):
    if not value:
        if precision:
            return f"{precision_field} is set but {field} is empty", precision, f"{precision_field} empty", \
                precision_field
        return None
    match = _ISO_DAY.match(value)
    try:
        date = dt.date(*map(int, match.groups())) if match else None
    except ValueError:
        date = None
    if date is None:
        return "is not a real calendar day", value, "a date YYYY-MM-DD that exists", field
    if date > today:
        return f"is in the future (today is {today.isoformat()})", value, f"a date on or before {today}", field
    if precision_field is None:
        return None
    if precision == "month" and date.day != 1:
        return "with month precision the date must be the first day of its month", value, \
            f"{date:%Y-%m}-01", field
    if precision == "year" and (date.month, date.day) != (1, 1):
        return "with year precision the date must be the first day of its year", value, f"{date:%Y}-01-01", field
    if not precision:
        return f"the date has no {precision_field}", value, "day, month or year", precision_field
    return None
