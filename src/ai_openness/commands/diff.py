"""`ai-openness diff`: rows added, removed and changed between two versions of the package."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from ai_openness.commands.common import UsageError, report, root_of
from ai_openness.commands.console import Output, escaped_lines
from ai_openness.core.problems import Problem, Unreadable

NAME = "diff"
HELP = "rows added, removed and changed between two versions of the package"
EXAMPLES = [
    ("ai-openness diff origin/main", "rows added, removed and changed since origin/main"),
    ("ai-openness diff 0.1.0 HEAD --format json", "release 0.1.0 (its commit, from CHANGELOG.md) against HEAD"),
    ("ai-openness diff HEAD --format markdown", "uncommitted changes, as the table a pull request shows"),
    ("ai-openness diff HEAD --dir .", "HEAD against the package in a directory (marked: --dir PATH, ./PATH or /PATH)"),
]
FORMATS = ("text", "json", "markdown")
DESCRIPTION = (
    "Rows added, removed and changed between two versions of the package.\n"
    "A version is a git ref (branch, tag, commit) or a release recorded in CHANGELOG.md\n"
    "(0.1.0). A package directory is read only when it is marked as one: written as\n"
    "./PATH, ../PATH or /PATH, or given with --dir; a ref is never looked up as a path,\n"
    "and one that names no commit is an error even when a folder of that name exists."
)
# How a directory is written so that it cannot be taken for a ref: no git ref begins with
# "." or "/" (git check-ref-format), so these prefixes say "a path" and nothing else.
_PATH_PREFIXES = ("./", "../", "/")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "base",
        nargs="?",
        help="a git ref (branch, tag, commit) or a release recorded in CHANGELOG.md (0.1.0); "
        "a package directory written ./PATH or /PATH",
    )
    parser.add_argument("head", nargs="?", help="the same kinds (default: the working tree)")
    parser.add_argument(
        "--dir",
        action="append",
        default=[],
        metavar="PATH",
        help="a package directory, compared after the versions given before it (base, then head); may be given twice",
    )


@dataclass(frozen=True)
class Version:
    spec: str | None  # None: the working tree
    directory: bool = False  # marked as a directory (--dir, ./PATH, /PATH)


def versions(args: argparse.Namespace) -> tuple[Version, Version]:
    """The base and head the command line names, refs and directories told apart by their marks."""
    given = [Version(spec, spec.startswith(_PATH_PREFIXES)) for spec in (args.base, args.head) if spec is not None]
    given += [Version(path, True) for path in args.dir]
    if not given or len(given) > 2:
        raise UsageError(
            f"give one or two versions to compare (got {len(given)}): BASE [HEAD], each a git ref, "
            "a release, or a package directory (./PATH, /PATH or --dir PATH)"
        )
    return given[0], given[1] if len(given) > 1 else Version(None)


def package(root: Path, version: Version, scratch: Path) -> tuple[Path, str]:
    """The package `version` names: the working tree, a marked directory, a git ref, or a
    release recorded in CHANGELOG.md (0.1.0 or v0.1.0), read from the commit of its data."""
    from ai_openness.publish import gitref
    from ai_openness.publish.release import recorded_release

    spec = version.spec
    if spec is None:
        return root, "working tree"
    if version.directory:
        if not Path(spec).is_dir():
            raise Unreadable([Problem(spec, None, None, "is not a directory", fix="name a package directory")])
        return Path(spec), spec
    repo = gitref.repository(root)
    hint = _path_hint(spec)
    if repo is None:
        problem = Problem(
            spec,
            None,
            None,
            "cannot be read as a git ref: the current directory is not in a git repository",
            fix="run the command in a checkout of ai-openness; " + (hint or _DIRECTORIES),
        )
        raise Unreadable([problem])
    commit = gitref.commit_of(repo, spec)
    if commit is None and spec.removeprefix("v")[:1].isdigit():
        released = recorded_release(root, spec.removeprefix("v"))
        if released is None:
            problem = Problem(
                spec,
                None,
                None,
                f"is neither a commit of the repository nor a release recorded in {root / 'CHANGELOG.md'}",
                fix="give a release listed in CHANGELOG.md (e.g. 0.1.0), a branch, tag or commit id "
                "(e.g. origin/main); " + (hint or _DIRECTORIES),
            )
            raise Unreadable([problem])
        return gitref.materialise(repo, released.commit, scratch), spec
    if commit is None:
        problem = Problem(
            spec,
            None,
            None,
            f"is neither a commit of the repository at {repo} nor a release",
            fix="give a branch, tag or commit id (e.g. origin/main); " + (hint or _DIRECTORIES),
        )
        raise Unreadable([problem])
    return gitref.materialise(repo, commit, scratch), spec


_DIRECTORIES = "to compare a package directory, write it as ./PATH or /PATH, or give --dir PATH"


def _path_hint(spec: str) -> str | None:
    """When a folder carries the name of what was meant as a ref: say how to name it, since
    it is not read without being marked as a directory."""
    if Path(spec).is_dir():
        return f"a folder named {spec} exists, but a ref is never read as a path: to compare it, write ./{spec}"
    return None


def run(args: argparse.Namespace, out: Output) -> int:
    import json
    import tempfile

    from ai_openness.publish.diff import diff_packages
    from ai_openness.publish.difftext import RENDER

    root = root_of(args.root)
    with tempfile.TemporaryDirectory(prefix="ai-openness-diff-") as scratch:
        base_version, head_version = versions(args)
        base, base_label = package(root, base_version, Path(scratch) / "base")
        head, head_label = package(root, head_version, Path(scratch) / "head")
        diff = diff_packages(base, head, base_label, head_label)
        if out.fmt == "json":
            return report(out, 0, json.loads(RENDER["json"](diff)))
        if not args.quiet:
            print(escaped_lines(RENDER[args.format](diff)))
    return 0
