"""Rows on their way from the hand-written inputs to the tables, with where they came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ai_openness.contract import Contract
from ai_openness.contract.types import TYPES, python_type
from ai_openness.core.characters import reveal
from ai_openness.core.problems import Problem, shorten
from ai_openness.safeio.yamlio import Located


@dataclass(frozen=True)
class Lines:
    """Where a YAML mapping and each of its keys were written (1-based lines)."""

    line: int
    key_lines: dict[str, Any]

    def line_of(self, key: str) -> int:
        return int(self.key_lines.get(key, self.line))


@dataclass
class Row:
    """One table row plus its origin (file and lines of its YAML mapping), for located problems."""

    values: dict[str, Any]
    file: str
    origin: Located | Lines | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # inputs that are not columns (hints, lists)

    def __post_init__(self) -> None:
        # Only the lines are kept, not the mapping: it would be a second copy of every value,
        # a third of the build's memory on a large package.
        if isinstance(self.origin, Located):
            self.origin = Lines(self.origin.line, self.origin.key_lines)

    def line(self, key: str | None = None) -> int | None:
        if self.origin is None:
            return None
        if key in self.extra.get("lines", {}):  # a value with its own line (an item of a list)
            return int(self.extra["lines"][key])
        key = self.extra.get("key_map", {}).get(key, key)
        return self.origin.line_of(key) if key else self.origin.line

    def unresolved(self, key: str | None) -> bool:
        """Whether `key` is a column the build could not compute for this row: the reason was
        reported where its value should have come from, so no rule reports it again."""
        return key in self.extra.get("unresolved", ())

    def mark_unresolved(self, key: str) -> None:
        if key not in self.extra.get("unresolved", ()):
            self.extra["unresolved"] = (*self.extra.get("unresolved", ()), key)

    def problem(
        self, key: str | None, message: str, value: object = None, expected: str | None = None, fix: str | None = None
    ) -> Problem:
        shown = None if value is None else reveal(shorten(value))
        return Problem(self.file, self.line(key), key, message, shown, expected, fix)


def yaml_problems(contract: Contract, resource: str, rows: Sequence[Row]) -> list[Problem]:
    """What only the YAML reader can tell about a coding's column values; the rest is the engine's.

    A key that is not a column, and a value whose YAML form cannot be the column's cell: a
    list or a mapping where one value goes, or a value YAML read as something else than it
    reads (`NO` as a truth value, `1.10` as a number) in a column of text. Each is one
    located problem with the YAML hint; the value is left out of the row and marked
    unresolved, so the engine, which checks the cells (types, vocabularies, patterns,
    required), does not report it again.
    """
    fields = {f["name"]: f.get("type", "string") for f in contract.fields(resource)}
    columns = ", ".join(fields)
    problems: list[Problem] = []
    for row in rows:
        for key in [k for k in row.values if k not in fields]:
            if not row.unresolved(key):
                message = f"`{key}` is not a field of {resource}; expected one of: {columns}"
                problems.append(row.problem(key, message, fix="remove the key, or correct its name"))
            del row.values[key]
        for key, value in row.values.items():
            why = _yaml_form(fields[key], value)
            if why is None:
                continue
            if not row.unresolved(key):
                fix = "write one value" if isinstance(value, (list, dict)) else f'write it in quotes: {key}: "…"'
                problems.append(row.problem(key, why, value, fix=fix + ", then run `ai-openness build`"))
            row.values[key] = None
            row.mark_unresolved(key)
    return problems


def _forms(kind: str) -> tuple[type, ...]:
    """The Python types the YAML reader gives that can be a cell of a column of type `kind`
    as written: the contract's Python type of the column (a whole number for a number too),
    and text, which the engine reads as the column's type, as it reads a CSV cell."""
    typed = python_type(kind) if kind in TYPES else str
    return (str, typed, int) if typed is float else (str, typed)


def _yaml_form(kind: str, value: object) -> str | None:
    """Why a YAML value cannot be a cell of a column of type `kind` (None when it can)."""
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        example = "write one value" if isinstance(value, dict) else "write one value, without [ ]"
        return f"is {_read_as(value)}, but one value is expected; {example}"
    forms = _forms(kind)
    wrong_bool = isinstance(value, bool) and bool not in forms
    wrong_time = isinstance(value, dt.datetime)
    if isinstance(value, forms) and not wrong_bool and not wrong_time:
        return None
    if wrong_time and kind == "date":
        return "is read as a date and time, but a date is expected; write the date without a time"
    if kind == "string" or wrong_bool:
        return f"is read as {_read_as(value)}, but text is expected; put the value in quotes"
    return f"is read as {_read_as(value)}, but a value of type {kind} is expected; put the value in quotes"


_READ_AS = (
    (bool, "a truth value (YAML reads yes, no, on, off, true and false so)"),
    (int, "a number"),
    (float, "a number"),
    (dt.datetime, "a date and time"),
    (dt.date, "a date"),
    (list, "a list"),
    (dict, "a key: value mapping"),
)


def _read_as(value: object) -> str:
    return next((words for kind, words in _READ_AS if isinstance(value, kind)), "not text")
