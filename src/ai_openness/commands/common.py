"""What every command shares: the package directory it works on, its JSON report, and the
usage error a command line that does not parse raises."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ai_openness.commands.console import Output
from ai_openness.core.problems import Problem

TEXT_JSON = ("text", "json")


class UsageError(Exception):
    """The command line itself is wrong (argparse's error, raised instead of exiting)."""

    def __init__(self, message: str, parser: argparse.ArgumentParser | None = None):
        super().__init__(message)
        self.message, self.parser = message, parser


def root_of(value: str | None) -> Path:
    """The package directory a command works on: --root, else the current directory."""
    return Path(value).resolve() if value else Path.cwd()


def report(
    out: Output, exit_code: int, data: dict[str, Any] | None = None, problems: list[Problem] | tuple[Any, ...] = ()
) -> int:
    """The JSON document of a run: what happened, its exit code and its problems."""
    out.json(
        {"ok": exit_code == 0, "exit_code": exit_code, **(data or {}), "problems": [p.to_dict() for p in problems]}
    )
    return exit_code


def stale(files: list[str], run: str) -> list[Problem]:
    return [Problem(rel, None, None, "is out of date", fix=f"run `{run}` and commit the result") for rel in files]
