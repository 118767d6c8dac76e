"""What a Table Schema says about a table's header and cells, checked a chunk of rows at a time.

The checks and their kinds are those of frictionless (labels, `type-error`,
`constraint-error`, `missing-cell`, `extra-cell`, `blank-row`); every rule is read from the
schema. A cell that the vectorised parsers reject is parsed again the way frictionless
parses it before it counts as a type error.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import polars as pl

from ai_openness.checks.findings import Findings
from ai_openness.contract import polars_type
from ai_openness.safeio.scan import Scan

DEFAULT_MISSING = [""]
DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]
DEFAULT_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")  # what datetime.strptime("%Y-%m-%d") accepts
URI = r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$"  # what rfc3986 requires of frictionless' uri: a scheme, no blanks
# The codes these checks emit (core/errors.py).
EMITS = (
    "missing-label",
    "extra-label",
    "blank-label",
    "duplicate-label",
    "incorrect-label",
    "blank-row",
    "missing-cell",
    "extra-cell",
    "type-error",
    "constraint-error",
    "limit",
)


def expected_of(field: dict[str, Any]) -> str:
    constraints = field.get("constraints") or {}
    parts = [f"type {field.get('type', 'string')}"]
    if constraints.get("enum"):
        parts.append("one of: " + ", ".join(map(str, constraints["enum"])))
    if constraints.get("pattern"):
        parts.append(f"matching {constraints['pattern']}")
    if constraints.get("required"):
        parts.append("required")
    for key, words in (
        ("minimum", "at least"),
        ("maximum", "at most"),
        ("minLength", "at least characters:"),
        ("maxLength", "at most characters:"),
    ):
        if key in constraints:
            parts.append(f"{words} {constraints[key]}")
    return "; ".join(parts)


def check_labels(rel: str, header: list[str], names: list[str], findings: Findings) -> bool:
    """Labels as frictionless checks them; True when the columns are the schema's."""
    if header == names:
        return True
    seen = set()
    for i in range(max(len(header), len(names))):
        label = header[i] if i < len(header) else None
        name = names[i] if i < len(names) else None
        if label is None:
            code = "missing-label"
        elif name is None:
            code = "extra-label"
        elif label == "":
            code = "blank-label"
        elif label in seen:
            code = "duplicate-label"
        elif label != name:
            code = "incorrect-label"
        else:
            seen.add(label)
            continue
        seen.add(label or "")
        findings.add(rel, None, name or label, code, label, expected=", ".join(names), line=1, column=i + 1)
    return False


@dataclass
class Cells:
    """One chunk of a table typed by its schema."""

    typed: pl.DataFrame
    unreliable: pl.DataFrame  # True where the CSV cell is invalid (type error, missing when required)


def _typed(field: dict[str, Any], text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(typed value, type error) of a non-missing cell, by the field's type and format."""
    kind, fmt = field.get("type", "string"), field.get("format", "default")
    if kind == "string":
        return text, (~text.str.contains(URI) if fmt == "uri" else pl.lit(False))
    if kind in ("integer", "number"):
        value = text.cast(polars_type(kind), strict=False)
    elif kind == "boolean":
        true, false = field.get("trueValues", DEFAULT_TRUE), field.get("falseValues", DEFAULT_FALSE)
        value = pl.when(text.is_in(true)).then(True).when(text.is_in(false)).then(False).otherwise(None)
    elif kind == "date":
        if fmt in ("default", None):
            value = text.str.to_date("%Y-%m-%d", strict=False)
            return value, value.is_null() | ~text.str.contains(DEFAULT_DATE.pattern)
        value = text.str.to_date(fmt, strict=False)
    else:  # a type this package does not use: keep the text, check nothing more
        return text, pl.lit(False)
    return value, value.is_null()


def _parse(field: dict[str, Any], cell: str) -> object:
    """A cell as frictionless reads it (its integer, number and date readers); None if invalid."""
    try:
        if field["type"] == "integer":
            value = int(cell.strip())
            return value if -(2**63) <= value < 2**63 else None  # what a 64-bit column holds
        if field["type"] == "number":
            return float(Decimal(cell.strip()))
        if field["type"] == "date":
            fmt = field.get("format", "default")
            return dt.datetime.strptime(cell, "%Y-%m-%d" if fmt in ("default", None) else fmt).date()
    except (ValueError, InvalidOperation):
        return None
    return None


def _literal(field: dict[str, Any], value: Any) -> object:
    """An enum value or bound of the schema, in the field's type."""
    if field["type"] == "integer":
        return int(value)
    if field["type"] == "number":
        return float(value)
    if field["type"] == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _flags(fields: list[dict[str, Any]]) -> dict[tuple[str | None, str, str], pl.Expr]:
    """(field, kind, message) -> True where a cell breaks the rule."""
    flags: dict[tuple[str | None, str, str], pl.Expr] = {}
    for f in fields:
        name, constraints = f["name"], f.get("constraints", {})
        value, valid = pl.col(name), pl.col(name).is_not_null()
        flags[(name, "type-error", "")] = pl.col(f"{name}|wrong")
        if constraints.get("required"):
            flags[(name, "constraint-error", "the value is required")] = pl.col(f"{name}|missing")
        if "enum" in constraints:
            allowed = [_literal(f, v) for v in constraints["enum"]]
            flags[(name, "constraint-error", "the value is not in the column's vocabulary")] = valid & ~value.is_in(
                allowed
            )
        if "pattern" in constraints and f["type"] == "string":
            flags[(name, "constraint-error", f"the value does not match the pattern {constraints['pattern']}")] = (
                valid & ~value.str.contains(f"^(?:{constraints['pattern']})$")
            )
        lengths: tuple[tuple[str, Callable[[pl.Expr, Any], pl.Expr]], ...] = (
            ("minLength", lambda v, b: v.str.len_chars() < b),
            ("maxLength", lambda v, b: v.str.len_chars() > b),
        )
        for bound, test in lengths:
            if bound in constraints and f["type"] == "string":
                flags[(name, "constraint-error", f"the value breaks {bound} {constraints[bound]}")] = valid & test(
                    value, constraints[bound]
                )
        bounds: tuple[tuple[str, Callable[[pl.Expr, Any], pl.Expr]], ...] = (
            ("minimum", lambda v, b: v < b),
            ("maximum", lambda v, b: v > b),
            ("exclusiveMinimum", lambda v, b: v <= b),
            ("exclusiveMaximum", lambda v, b: v >= b),
        )
        for bound, test in bounds:
            if bound in constraints:
                flags[(name, "constraint-error", f"the value breaks {bound} {constraints[bound]}")] = valid & test(
                    value, _literal(f, constraints[bound])
                )
    return flags


_Flags = dict[tuple[str | None, str, str], pl.Expr]
# The expressions of a schema, by its fields and missing values written as JSON: a table is
# checked a chunk at a time and a process checks the same schemas again and again, and making
# the expressions cost as much as running them on a small table.
_EXPRESSIONS: dict[str, tuple[list[pl.Expr], _Flags]] = {}


def _expressions(fields: list[dict[str, Any]], missing_values: list[str]) -> tuple[list[pl.Expr], _Flags]:
    """(each cell's typed value, missing flag and type error; the flags of every rule on a
    cell and of a blank row), made once per schema."""
    key = json.dumps([fields, missing_values], sort_keys=True, default=repr)
    made = _EXPRESSIONS.get(key)
    if made is None:
        first: list[pl.Expr] = []
        for f in fields:
            name, text = f["name"], pl.col(f["name"])
            missing = text.is_null()
            for marker in missing_values:
                missing = missing | (text == marker)
            value, type_error = _typed(f, text)
            first += [
                missing.alias(f"{name}|missing"),
                (~missing & type_error).alias(f"{name}|wrong"),
                pl.when(~missing & ~type_error).then(value).otherwise(None).alias(name),
            ]
        blank = pl.all_horizontal([pl.col(f"{f['name']}|missing") for f in fields])
        flags = {rule: flag & ~blank for rule, flag in _flags(fields).items()}
        flags[(None, "blank-row", "the row is empty")] = blank
        if len(_EXPRESSIONS) >= 256:  # bounded: a process that reads many packages' schemas
            _EXPRESSIONS.clear()
        made = _EXPRESSIONS[key] = (first, flags)
    return made


def check_cells(rel: str, schema: dict[str, Any], chunk: pl.DataFrame, row0: int, findings: Findings | None) -> Cells:
    fields = schema["fields"]
    first, flags = _expressions(fields, schema.get("missingValues", DEFAULT_MISSING))
    cells = chunk.select(first)
    for f in fields:  # cells the vectorised parsers rejected, read as frictionless does
        name = f["name"]
        if f["type"] not in ("integer", "number", "date") or not cells[f"{name}|wrong"].any():
            continue
        wrong = cells[f"{name}|wrong"].arg_true()
        parsed = [(row, _parse(f, raw)) for row, raw in zip(wrong.to_list(), chunk[name].gather(wrong).to_list())]
        fixed = [(row, value) for row, value in parsed if value is not None]
        if fixed:
            where = pl.Series([row for row, _ in fixed], dtype=pl.UInt32)
            values = pl.Series([value for _, value in fixed], dtype=cells[name].dtype)
            cells = cells.with_columns(cells[name].scatter(where, values), cells[f"{name}|wrong"].scatter(where, False))
    names = [f["name"] for f in fields]
    if findings is not None:
        hits = cells.select([flag.sum().alias(str(i)) for i, flag in enumerate(flags.values())]).row(0)
        by_name = {f["name"]: f for f in fields}
        for (name, kind, message), flag, count in zip(flags, flags.values(), hits):
            if not count:
                continue
            rows = cells.select(pl.arg_where(flag)).to_series().to_list()
            raws = chunk[name].gather(rows).to_list() if name else [None] * len(rows)
            expected = expected_of(by_name[name]) if name else None
            if kind == "type-error" and by_name[name]["type"] == "date":
                expected = "a date YYYY-MM-DD that exists"
            params = {"type": by_name[name]["type"]} if kind == "type-error" else {"note": message}
            for row, raw in zip(rows, raws):
                findings.add(rel, row0 + row, name, kind, raw, expected=expected, **params)
    required = {f["name"] for f in fields if f.get("constraints", {}).get("required")}
    unreliable = [(pl.col(f"{n}|wrong") | (pl.col(f"{n}|missing") & pl.lit(n in required))).alias(n) for n in names]
    return Cells(cells.select(names), cells.select(unreliable))


def check_limits(rel: str, chunk: pl.DataFrame, row0: int, cell_chars: int | None, findings: Findings) -> None:
    """Cells longer than the limit for untrusted input."""
    if cell_chars is None:
        return
    long = chunk.select([pl.col(c).str.len_chars().fill_null(0).gt(cell_chars).alias(c) for c in chunk.columns])
    for name in (c for c in long.columns if long[c].any()):
        for row in long[name].arg_true().to_list():
            findings.add(
                rel,
                row0 + row,
                name,
                "limit",
                expected=f"cells of at most {cell_chars} characters",
                note=f"has a cell longer than the limit of {cell_chars} characters",
            )


def check_shape(rel: str, scan: Scan, names: list[str], findings: Findings) -> None:
    """Rows with fewer or more cells than the header (from the scan's count of cells)."""
    width, cells_per_row = len(names), scan.cells[1:]
    # A record of commas only (or an empty line) is a blank row, whatever its number of cells:
    # frictionless reports it as blank-row only.
    empty = np.diff(scan.ends) - 1 == cells_per_row - 1
    for row in np.flatnonzero((cells_per_row != width) & ~empty).tolist():
        count = int(cells_per_row[row])
        for i in range(count, width):
            findings.add(rel, row, names[i], "missing-cell", expected=f"{width} cells")
        for i in range(width, count):
            findings.add(rel, row, None, "extra-cell", expected=f"{width} cells", cell=i + 1)
