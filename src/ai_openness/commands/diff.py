"""`ai-openness diff`: rows added, removed and changed between two versions of the package."""

from __future__ import annotations

import argparse
from pathlib import Path

from ai_openness.commands.common import report, root_of
from ai_openness.commands.console import Output, escaped_lines
from ai_openness.core.problems import Problem, Unreadable

NAME = "diff"
HELP = "rows added, removed and changed between two versions of the package"
EXAMPLES = [
    ("ai-openness diff origin/main", "rows added, removed and changed since origin/main"),
    ("ai-openness diff 0.1.0 HEAD --format json", "release 0.1.0 (its commit, from CHANGELOG.md) against HEAD"),
    ("ai-openness diff HEAD --format markdown", "uncommitted changes, as the table a pull request shows"),
]
FORMATS = ("text", "json", "markdown")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "base",
        help="a git ref (branch, tag, commit), a release recorded in CHANGELOG.md (0.1.0) or a package directory",
    )
    parser.add_argument("head", nargs="?", help="the same kinds (default: the working tree)")


def package(root: Path, spec: str | None, scratch: Path) -> tuple[Path, str]:
    """The package `spec` names: the working tree (None), a directory, a git ref, or a
    release recorded in CHANGELOG.md (0.1.0 or v0.1.0), read from the commit of its data."""
    from ai_openness.publish import gitref
    from ai_openness.publish.release import recorded_release

    if spec is None:
        return root, "working tree"
    if Path(spec).is_dir():
        return Path(spec), spec
    repo = gitref.repository(root)
    if repo is None:
        problem = Problem(
            spec,
            None,
            None,
            "is not a directory, and the current directory is not in a git repository",
            fix="give two package directories",
        )
        raise Unreadable([problem])
    if gitref.commit_of(repo, spec) is None and spec.removeprefix("v")[:1].isdigit():
        released = recorded_release(root, spec.removeprefix("v"))
        if released is None:
            problem = Problem(
                spec,
                None,
                None,
                f"is neither a directory, a commit nor a release recorded in {root / 'CHANGELOG.md'}",
                fix="give a release listed in CHANGELOG.md (e.g. 0.1.0), a branch, tag or "
                "commit id (e.g. origin/main), or a package directory",
            )
            raise Unreadable([problem])
        return gitref.materialise(repo, released.commit, scratch), spec
    return gitref.materialise(repo, spec, scratch), spec


def run(args: argparse.Namespace, out: Output) -> int:
    import json
    import tempfile

    from ai_openness.publish.diff import diff_packages
    from ai_openness.publish.difftext import RENDER

    root = root_of(args.root)
    with tempfile.TemporaryDirectory(prefix="ai-openness-diff-") as scratch:
        base, base_label = package(root, args.base, Path(scratch) / "base")
        head, head_label = package(root, args.head, Path(scratch) / "head")
        diff = diff_packages(base, head, base_label, head_label)
        if out.fmt == "json":
            return report(out, 0, json.loads(RENDER["json"](diff)))
        if not args.quiet:
            print(escaped_lines(RENDER[args.format](diff)))
    return 0
