"""The validation report and its three renderings: text, JSON and GitHub annotations."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ai_openness.core.problems import Problem, sort_key, visible

VALID, INVALID, UNUSABLE = 0, 1, 2


@dataclass
class Report:
    root: str
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # checks not run, and why
    unusable: bool = False  # the input could not be used at all (no descriptor, unreadable JSON)

    @property
    def valid(self) -> bool:
        return not self.problems and not self.unusable

    @property
    def exit_code(self) -> int:
        return UNUSABLE if self.unusable else INVALID if self.problems else VALID

    def sorted_problems(self) -> list[Problem]:
        return sorted(set(self.problems), key=sort_key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "exit_code": self.exit_code,
            "unusable": self.unusable,
            "root": self.root,
            "rows": self.rows,
            "skipped": self.skipped,
            "problems": [p.to_dict() for p in self.sorted_problems()],
        }


def _quoted(value: str) -> str:
    # Values are already shortened and escaped (problems.shown); quotes show where they end.
    return f"'{visible(value)}'"


def _where(problem: Problem) -> str:
    where = visible(problem.file)
    if problem.line:
        where += f":{problem.line}"
        if problem.column:
            where += f":{problem.column}"
    return where + (f" [{visible(problem.field)}]" if problem.field else "")


def text(report: Report) -> str:
    if report.valid:
        lines = [
            "Valid: the checks that ran found no problem."
            if report.skipped
            else "Valid: the Table Schemas and the package's own rules pass."
        ]
        lines += [f"  {name:<16} {count:>6} rows" for name, count in report.rows.items()]
    else:
        problems = report.sorted_problems()
        head = "Cannot validate" if report.unusable else "Invalid"
        lines = [f"{head}: {len(problems)} problem(s) in {visible(report.root)}", ""]
        for problem in problems:
            lines.append(f"{_where(problem)}: {visible(problem.said)}")
            for label, value in (("value", problem.value), ("expected", problem.expected), ("fix", problem.fix)):
                if value not in (None, ""):
                    lines.append(f"    {label + ':':<10}{_quoted(value) if label == 'value' else visible(value)}")
            lines.append("")
    lines += [f"Not checked: {visible(reason)}" for reason in report.skipped]
    return "\n".join(lines).rstrip("\n")


def as_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)


def _escape_data(value: str) -> str:
    # https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts (escapeData)
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(problem: Problem | None, message: str, title: str) -> str:
    """One GitHub Actions workflow command `::error file=...,line=...::message`."""
    properties = []
    if problem is not None:
        properties.append(f"file={_escape_property(visible(problem.file))}")
        if problem.line:
            properties.append(f"line={problem.line}")
            if problem.column:
                properties.append(f"col={problem.column}")
    properties.append(f"title={_escape_property(title)}")
    return f"::error {','.join(properties)}::{_escape_data(message)}"


def github(report: Report) -> str:
    lines = []
    for problem in report.sorted_problems():
        body = [visible(problem.said)]
        for label, value in (("Value", problem.value), ("Expected", problem.expected), ("Fix", problem.fix)):
            if value not in (None, ""):
                body.append(f"{label}: {_quoted(value) if label == 'Value' else visible(value)}")
        title = f"ai-openness validate: {problem.field}" if problem.field else "ai-openness validate"
        lines.append(annotation(problem, "\n".join(body), visible(title)))
    lines.append(
        text(report)
        if report.valid
        else f"{'Cannot validate' if report.unusable else 'Invalid'}: {len(report.sorted_problems())} problem(s)."
    )
    lines += [f"Not checked: {visible(reason)}" for reason in report.skipped if not report.valid]
    return "\n".join(lines)


RENDER = {"text": text, "json": as_json, "github": github}
