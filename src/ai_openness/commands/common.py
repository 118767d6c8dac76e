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


def add_stage_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the per-source stage runs and keeps its rows (build, validate)."""
    parser.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="derive changed sources in N processes (default: 1)"
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="derive changed sources on a Dask cluster: tcp://HOST:PORT, or `local` to start one "
        "(needs the `distributed` extra)",
    )
    parser.add_argument(
        "--cache",
        metavar="DIR",
        help="the per-source cache (default: $AI_OPENNESS_CACHE, else ~/.cache/ai-openness)",
    )
    parser.add_argument("--no-cache", action="store_true", help="derive every source again; keep nothing")


def stage_of(args: argparse.Namespace) -> tuple[Any, Any]:
    """(cache, executor) from the options of add_stage_arguments."""
    from ai_openness.compile.cache import Cache, NoCache, default_folder
    from ai_openness.compile.executors import executor

    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    cache = NoCache() if args.no_cache else Cache(Path(args.cache) if args.cache else default_folder())
    return cache, executor(args.jobs, args.scheduler)
