"""Cell values that are dangerous or misleading when the tables are opened or compared.

- A spreadsheet runs a cell that starts with =, +, - or @ as a formula (CSV injection),
  unless it is a number.
- Invisible characters (zero-width, bidirectional controls, other format and control
  characters, variation selectors, fillers: characters.py says which; core/invisible.py
  applies it to cells) make two different values look the same, or reorder what a
  reviewer sees.
- An id that is not in Unicode normalisation form NFC looks identical to its NFC form but
  is a different key.

Each test runs on whole columns; only the few cells it flags are looked at one by one.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import polars as pl

from ai_openness.checks.findings import Findings
from ai_openness.contract import key_list, schema_foreign_keys
from ai_openness.core import invisible
from ai_openness.core.characters import describe

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_FORMULA_START = ("=", "+", "-", "@")
EMITS = ("formula", "invisible-character", "not-nfc")


def id_columns(schema: dict[str, Any]) -> set[str]:
    """Key columns: the primary key, foreign keys, and every *_id column."""
    columns = set(key_list(schema.get("primaryKey")))
    for fk in schema_foreign_keys(schema, ""):
        columns.update(fk.fields)
    columns.update(f["name"] for f in schema["fields"] if f["name"].endswith("_id"))
    return columns


def check_hygiene(
    rel: str, schema: dict[str, Any], chunk: pl.DataFrame, row0: int, suspect: bool, findings: Findings
) -> None:
    """`suspect`: the file may hold an invisible character (its scan's byte filter found one)."""
    flags = chunk.select(_tests(schema, suspect))
    for key in (k for k in flags.columns if flags[k].any()):
        name, test = key.split("|")
        rows = flags[key].arg_true()
        for row, value in zip(rows.to_list(), chunk[name].gather(rows).to_list()):
            _report(rel, row0 + row, name, test, value, findings)


# The tests of a schema, by the schema written as JSON: a process checks the same schemas
# chunk after chunk and build after build, and making the expressions cost as much as
# running them on a small table.
_TESTS: dict[tuple[str, str | None], list[pl.Expr]] = {}


def _tests(schema: dict[str, Any], suspect: bool) -> list[pl.Expr]:
    key = (json.dumps(schema, sort_keys=True, default=repr), invisible.regex() if suspect else None)
    made = _TESTS.get(key)
    if made is None:
        ids = id_columns(schema)
        tests = {}
        # Only text columns: a cell of another type that is not a number, date or boolean is a type-error.
        for name in (f["name"] for f in schema["fields"] if f.get("type", "string") == "string"):
            text = pl.col(name)
            # Literal tests on whole columns; the number exception is looked at on flagged cells only.
            tests[f"{name}|formula"] = pl.any_horizontal([text.str.starts_with(c) for c in _FORMULA_START])
            if suspect:
                tests[f"{name}|invisible"] = text.str.contains(invisible.regex())
            if name in ids:
                tests[f"{name}|nfc"] = text.str.len_bytes() != text.str.len_chars()  # ASCII is always NFC
        if len(_TESTS) >= 256:  # bounded: a process that reads many packages' schemas
            _TESTS.clear()
        made = _TESTS[key] = [test.fill_null(False).alias(label) for label, test in tests.items()]
    return made


def _report(rel: str, row: int, name: str, test: str, value: str, findings: Findings) -> None:
    if test == "formula":
        if _NUMBER.match(value):
            return
        findings.add(
            rel,
            row,
            name,
            "formula",
            value,
            expected="text that does not start with =, +, - or @ (numbers may)",
            start=repr(value[0]),
        )
    elif test == "invisible":
        hidden = invisible.hidden(value)
        if not hidden:  # the column test is derived from the same rule; should it ever flag more, say nothing
            return
        position, char = hidden[0]
        findings.add(
            rel,
            row,
            name,
            "invisible-character",
            invisible.revealed(value),
            expected="only visible characters (a line break is allowed)",
            character=describe(char),
            position=position,
            more=f" (and {len(hidden) - 1} more)" if len(hidden) > 1 else "",
        )
    elif not unicodedata.is_normalized("NFC", value):
        findings.add(rel, row, name, "not-nfc", value, expected=unicodedata.normalize("NFC", value))
