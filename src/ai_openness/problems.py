"""Problems found in the inputs, each located so that a contributor can fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str  # path relative to the package root
    line: int | None  # 1-based line in the file, when known
    field: str | None  # column or YAML key
    message: str  # what is wrong
    value: str | None = None  # the offending value, shortened
    expected: str | None = None  # what was expected instead, when the message does not say
    fix: str | None = None  # how to fix it, in a contributor's words
    column: int | None = None  # 1-based character column in the line, when known

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        what = f" [{self.field}]" if self.field else ""
        got = f" (got {self.value!r})" if self.value not in (None, "") else ""
        return f"{where}{what}: {self.message}{got}"

    def to_dict(self) -> dict:
        return asdict(self)


class BuildFailed(Exception):
    """Raised with every problem found; nothing has been written when it is raised."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=sort_key)
        super().__init__(f"{len(self.problems)} problem(s)")


class Unreadable(Exception):
    """Raised when an input cannot be used at all (no descriptor, unreadable JSON, ...)."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=sort_key)
        super().__init__(f"{len(self.problems)} problem(s)")


def sort_key(problem: Problem) -> tuple:
    return (problem.file, problem.line or 0, problem.field or "", problem.message)


def shorten(value: object, limit: int = 80) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    """`text` with every character that does not print (controls, zero-width and
    bidirectional marks) written as an escape, so that a reader sees it and a terminal
    or a log viewer cannot be steered by it."""
    return "".join(
        ch if ch.isprintable() or ch == " " else _ESCAPES.get(ch) or (
            f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        for ch in text)


def shown(value: object, limit: int = 80) -> str:
    """A value as a finding shows it: shortened, invisible characters made visible."""
    return visible(shorten(value, limit))
