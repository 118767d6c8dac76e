"""Rows on their way from the hand-written inputs to the tables, with where they came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ai_openness.contract import Contract
from ai_openness.core.characters import reveal
from ai_openness.core.errors import error_type
from ai_openness.core.problems import Problem, shorten
from ai_openness.safeio.yamlio import Located

DATE_EXAMPLE = "2024-03-25"  # a date as the codings write it


@dataclass(frozen=True)
class Lines:
    """Where a YAML mapping and each of its keys were written (1-based lines)."""

    line: int
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


@dataclass
class Row:
    """One table row plus its origin (file and lines of its YAML mapping), for located problems."""

    values: dict
    file: str
    origin: Located | Lines | None = None
    extra: dict = field(default_factory=dict)  # inputs that are not columns (hints, lists)

    def __post_init__(self) -> None:
        # Only the lines are kept, not the mapping: it would be a second copy of every value,
        # a third of the build's memory on a large package.
        if isinstance(self.origin, Located):
            self.origin = Lines(self.origin.line, self.origin.key_lines)

    def line(self, key: str | None = None) -> int | None:
        if self.origin is None:
            return None
        if key in self.extra.get("lines", {}):  # a value with its own line (an item of a list)
            return self.extra["lines"][key]
        key = self.extra.get("key_map", {}).get(key, key)
        return self.origin.line_of(key) if key else self.origin.line

    def unresolved(self, key: str | None) -> bool:
        """Whether `key` is a column the build could not compute for this row: the reason was
        reported where its value should have come from, so no rule reports it again."""
        return key in self.extra.get("unresolved", ())

    def problem(
        self, key: str | None, message: str, value: object = None, expected: str | None = None, fix: str | None = None
    ) -> Problem:
        shown = None if value is None else reveal(shorten(value))
        return Problem(self.file, self.line(key), key, message, shown, expected, fix)


def validate_rows(contract: Contract, resource: str, rows: list[Row]) -> tuple[list[Row], list[Problem]]:
    """Check each row against the record model derived from the Table Schema.

    Returns the rows with typed, normalised values, and the problems found.
    """
    model = contract.pydantic_model(resource)
    from pydantic import ValidationError

    problems: list[Problem] = []
    for row in rows:
        try:
            row.values = model.model_validate(row.values).model_dump()
        except ValidationError as exc:
            for error in exc.errors():
                key = str(error["loc"][0]) if error["loc"] else None
                if row.unresolved(key):
                    continue  # already reported where the value should have come from
                if error["type"] == "extra_forbidden":
                    message = f"`{key}` is not a field of {resource}; expected one of: {', '.join(model.model_fields)}"
                elif error["type"].startswith("date_") and isinstance(error.get("input"), str):
                    entry = error_type("date-format")
                    params = {"form": "YYYY-MM-DD", "got": repr(error["input"]), "example": DATE_EXAMPLE}
                    problems.append(
                        row.problem(key, entry.message(**params), error["input"], "YYYY-MM-DD", entry.fix_for(**params))
                    )
                    continue
                else:
                    message = _explain(error)
                value = None if error["type"] == "missing" else error.get("input")
                problems.append(row.problem(key, message, value))
    return rows, problems


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


def _explain(error: dict) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "literal_error":
        return f"not in the vocabulary; expected one of: {ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch":
        return f"does not match the required pattern {ctx.get('pattern')}"
    if kind == "missing":
        return "is required"
    if isinstance(value, (list, dict)):
        return f"is {_read_as(value)}, but one value is expected ({error['msg']})"
    if kind == "string_type":
        return f"is read as {_read_as(value)}, but text is expected; put the value in quotes"
    return error["msg"]
