"""Cell values that are dangerous or misleading when the tables are opened or compared.

- A spreadsheet runs a cell that starts with =, +, - or @ as a formula (CSV injection),
  unless it is a number.
- Invisible characters (zero-width, bidirectional controls, other format and control
  characters) make two different values look the same, or reorder what a reviewer sees.
- An id that is not in Unicode normalisation form NFC looks identical to its NFC form but
  is a different key.
"""

from __future__ import annotations

import re
import unicodedata

from ..contract import key_list, schema_foreign_keys
from ..problems import Problem, shown
from .tables import Table

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_FORMULA_START = tuple("=+-@")
_INVISIBLE_CATEGORIES = {"Cf", "Cc", "Zl", "Zp"}  # format (zero-width, bidi), control, separators
_INVISIBLE_EXTRA = {"\u115f", "\u1160", "\u3164", "\uffa0"}  # Hangul fillers: letters that show nothing
_ALLOWED = {"\n"}  # a line break in a note is visible and written out by the CSV quoting
FIX_IN_CODING = "edit the value in its coding (see below, or search codings/ for it) and run `ai-openness build`"


def _invisible(char: str) -> bool:
    return char not in _ALLOWED and (unicodedata.category(char) in _INVISIBLE_CATEGORIES
                                     or char in _INVISIBLE_EXTRA)


def _name(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}"


def id_columns(schema: dict) -> set[str]:
    """Key columns: the primary key, foreign keys, and every *_id column."""
    columns = set(key_list(schema.get("primaryKey")))
    for fk in schema_foreign_keys(schema, ""):
        columns.update(fk.fields)
    for field in schema.get("fields") or []:
        if isinstance(field, dict) and str(field.get("name", "")).endswith("_id"):
            columns.add(field["name"])
    return columns


def cell_problems(table: Table, schema: dict) -> list[Problem]:
    problems, ids = [], id_columns(schema)
    for line, row in table.records():
        for field, value in row.items():
            if not value:
                continue
            at = {"file": table.rel, "line": line, "field": field, "column": table.column(line, field)}
            if value.startswith(_FORMULA_START) and not _NUMBER.match(value):
                problems.append(Problem(**at, message=f"starts with {value[0]!r}: a spreadsheet would run this cell "
                                        "as a formula", value=shown(value),
                                        expected="text that does not start with =, +, - or @ (numbers may)",
                                        fix="reword the value so that it starts with a letter or a digit; "
                                        + FIX_IN_CODING))
            # isprintable() is False for every control, format and separator character: a
            # fast test that spares the per-character scan for almost every cell.
            hidden = [] if value.isprintable() else [(i, c) for i, c in enumerate(value) if _invisible(c)]
            if hidden:
                position, char = hidden[0]
                more = f" (and {len(hidden) - 1} more)" if len(hidden) > 1 else ""
                problems.append(Problem(**at, message=f"contains the invisible character {_name(char)} at position "
                                        f"{position}{more}", value=shown(value),
                                        expected="only visible characters (a line break is allowed)",
                                        fix="delete the invisible character (retype the value if in doubt); "
                                        + FIX_IN_CODING))
            if field in ids and not unicodedata.is_normalized("NFC", value):
                problems.append(Problem(**at, message="the id is not in Unicode normalisation form NFC: it looks "
                                        "like another id but is a different key", value=shown(value),
                                        expected=shown(unicodedata.normalize("NFC", value)),
                                        fix="retype the id (composed characters, NFC); " + FIX_IN_CODING))
    return problems
