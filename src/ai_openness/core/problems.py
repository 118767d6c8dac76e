"""Problems found in the inputs, each located so that a contributor can fix it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any


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
    code: str | None = None  # its kind in the catalogue of findings (core/errors.py), when it has one

    def __str__(self) -> str:
        # Every part may come from a contribution (a file name, a YAML key, a value): all
        # of it is escaped, so the line reads the same on a terminal and in a CI log.
        where = visible(self.file) + (f":{self.line}" if self.line else "")
        what = f" [{visible(self.field)}]" if self.field else ""
        got = f" (got '{visible(self.value)}')" if self.value not in (None, "") else ""
        return f"{where}{what}: {visible(self.said)}{got}"

    @property
    def said(self) -> str:
        """The message as every output shows it: after its code, when it has one."""
        return f"{self.code}: {self.message}" if self.code else self.message

    def to_dict(self) -> dict[str, Any]:
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


def sort_key(problem: Problem) -> tuple[Any, ...]:
    return (problem.file, problem.line or 0, problem.field or "", problem.said)


def shorten(value: object, limit: int = 80) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Log viewers act on text, not only on control characters: a GitHub Actions runner runs a
# line that starts with `::` (after blanks) as a workflow command (`::error ...::`,
# `::add-mask::`), and one holding `##[` anywhere as a command of the older syntax.
_COMMANDS = re.compile(r"::|##\[")


def _escape_char(ch: str, for_json: bool) -> str:
    if for_json:  # JSON's own escapes, so that the document still parses to the same value
        code = ord(ch)
        if code > 0xFFFF:
            code -= 0x10000
            return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
        return f"\\u{code:04x}"
    return _ESCAPES.get(ch) or (f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")


def visible(text: str, *, json_document: bool = False) -> str:
    """`text` as it may be printed to a terminal or a CI log: every character that does
    not print (controls, zero-width and bidirectional marks) written as an escape, and the
    colon or bracket of a CI workflow command (`::`, `##[`) too, so that a reader sees
    the value as it is and neither a terminal nor a log viewer can be steered by it.

    The one escaping function of every output path; applying it twice changes nothing more.
    With `json_document`, `text` is a JSON document and the escapes are JSON's (`\\uXXXX`),
    so it parses to the same data; its line breaks (only between items) are kept.
    """
    keep = "\n " if json_document else " "
    text = "".join(ch if ch.isprintable() or ch in keep else _escape_char(ch, json_document) for ch in str(text))
    return _COMMANDS.sub(lambda m: ":\\u003a" if m.group() == "::" else "##\\u005b", text)


def shown(value: object, limit: int = 80) -> str:
    """A value as a finding shows it: shortened, invisible characters made visible."""
    return visible(shorten(value, limit))
