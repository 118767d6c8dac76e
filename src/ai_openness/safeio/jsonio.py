"""Read a JSON document within the limits, checked by a flat scan of its tokens first.

`json.loads` recurses once per level of nesting and builds the whole document before
anything can be checked; Python refuses an integer of more than 4,300 digits with a
ValueError. So the text is first scanned token by token, with a counter per open array or
object instead of recursion: nesting, entries per array, keys per object, characters per
string, digits per number and values per document are checked against core/limits.py,
and the first one past its limit is a finding at its line and column. Only a document
that passes is handed to `json.loads`.
"""

from __future__ import annotations

import json
import re

from ai_openness.core.limits import (
    MAX_ENTRIES,
    MAX_JSON_DEPTH,
    MAX_KEYS,
    MAX_NUMBER_DIGITS,
    MAX_SCALAR_CHARS,
    MAX_VALUES,
)
from ai_openness.core.problems import Problem

# A string (its escapes skipped whole), a bracket or comma, or a number. Anything else
# (true, false, null, blanks, colons, syntax errors) is left to json.loads.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},]|-?[0-9][0-9.eE+-]*')


def _where(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def limit_problem(text: str, rel: str, fix: str | None = None) -> Problem | None:
    """The first place where `text` goes past a limit, as a located problem; None when it
    stays within every one. Nothing is built and nothing recurses."""
    counts: list[int] = []  # entries so far of each open array (>= 0) or object (< 0: keys, negated)
    values = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        first = token[0]
        why = None
        if first == "[" or first == "{":
            values += 1
            if len(counts) >= MAX_JSON_DEPTH:
                why = f"is nested more than {MAX_JSON_DEPTH} levels deep"
                expected = f"at most {MAX_JSON_DEPTH} levels of arrays and objects"
            counts.append(1 if first == "[" else -1)
        elif first == "]" or first == "}":
            if counts:
                counts.pop()
        elif first == ",":
            if counts:
                counts[-1] += 1 if counts[-1] > 0 else -1
                if counts[-1] > MAX_ENTRIES:
                    why, expected = f"holds an array of more than {MAX_ENTRIES} entries", f"at most {MAX_ENTRIES}"
                elif -counts[-1] > MAX_KEYS:
                    why, expected = f"holds an object of more than {MAX_KEYS} keys", f"at most {MAX_KEYS}"
        elif first == '"':
            values += 1
            if len(token) - 2 > MAX_SCALAR_CHARS:
                why = f"holds a text of more than {MAX_SCALAR_CHARS} characters"
                expected = f"at most {MAX_SCALAR_CHARS} characters"
        else:
            values += 1
            if len(token) > MAX_NUMBER_DIGITS:
                why = f"holds a number of {len(token)} characters, more than the limit of {MAX_NUMBER_DIGITS}"
                expected = "a number of a few digits"
        if why is None and values > MAX_VALUES:
            why, expected = f"holds more than {MAX_VALUES} values", f"at most {MAX_VALUES}"
        if why is not None:
            line, column = _where(text, match.start())
            return Problem(rel, line, None, why, expected=expected, fix=fix, column=column)
    return None


def parse_json(text: str, rel: str, fix: str | None = None) -> tuple[object, list[Problem]]:
    """The value of a JSON document, or None and the located problem that keeps it from
    being read (past a limit, or not JSON)."""
    problem = limit_problem(text, rel, fix)
    if problem is not None:
        return None, [problem]
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        problem = Problem(
            rel,
            exc.lineno,
            None,
            f"is not valid JSON: {exc.msg}",
            expected="a JSON document",
            fix=fix,
            column=exc.colno,
        )
        return None, [problem]
    except (ValueError, RecursionError) as exc:  # the scan makes both unreachable; kept as findings all the same
        return None, [Problem(rel, None, None, f"is not valid JSON: {type(exc).__name__}", fix=fix)]
