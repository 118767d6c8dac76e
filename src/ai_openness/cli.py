"""The `ai-openness` command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from pathlib import Path

from .problems import BuildFailed, Problem, Unreadable, visible

EXAMPLES = """examples:
  ai-openness build            regenerate data/ and the descriptors from sources/ and codings/
  ai-openness build --check    exit 1 and name every generated file that is out of date
  ai-openness validate         check the package with frictionless and the package's own rules
  ai-openness coverage         per source: aliases matched, gaps, unexplained candidate names

checking a contribution:
  ai-openness validate [DIR]                 exit 0 valid, 1 problems found, 2 input unusable
  ai-openness validate --format github       the same findings as GitHub Actions annotations
  ai-openness diff origin/main               rows added, removed and changed since origin/main
  ai-openness diff OLD_DIR NEW_DIR --format markdown   two package directories, as Markdown
"""


def _root(value: str | None) -> Path:
    return Path(value).resolve() if value else Path.cwd()


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build

    root = _root(args.root)
    result, outdated = build(root, check=args.check)
    if args.check:
        if outdated:
            print("Out of date (run `ai-openness build` and commit the result):")
            for rel in outdated:
                print(f"  {rel}")
            return 1
        print(f"Up to date: {len(result.files)} generated files match the sources and codings.")
        return 0
    _print_summary(result.tables, wrote=outdated, quiet=args.quiet)
    return 0


def _print_summary(tables: dict, wrote: list[str], quiet: bool) -> None:
    if quiet:
        return
    width = max(len(name) for name in tables)
    print("Built the package:")
    for name, rows in tables.items():
        print(f"  {name:<{width}}  {len(rows):>6} rows")
    print(f"  {len(wrote)} file(s) changed" if wrote else "  no file changed")


def cmd_validate(args: argparse.Namespace) -> int:
    from .validate import validate
    from .validate.report import RENDER

    report = validate(_root(args.root))
    print(RENDER[args.format](report))
    return report.exit_code


def cmd_diff(args: argparse.Namespace) -> int:
    import tempfile

    from . import gitref
    from .diff import diff_packages
    from .difftext import RENDER

    root = _root(args.root)
    with tempfile.TemporaryDirectory(prefix="ai-openness-diff-") as scratch:
        def version(spec: str | None, name: str) -> tuple[Path, str]:
            if spec is None:
                return root, "working tree"
            if Path(spec).is_dir():
                return Path(spec), spec
            repo = gitref.repository(root)
            if repo is None:
                raise Unreadable([Problem(spec, None, None, "is not a directory, and the current directory is not "
                                          "in a git repository", fix="give two package directories")])
            return gitref.materialise(repo, spec, Path(scratch) / name), spec

        base, base_label = version(args.base, "base")
        head, head_label = version(args.head, "head")
        print(RENDER[args.format](diff_packages(base, head, base_label, head_label)))
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from .coverage import coverage

    report = coverage(_root(args.root))
    print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) if args.format == "json" else report.text())
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="ai-openness", description="Build, check and read the ai-openness data package.",
                                   epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    main.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    sub = main.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="regenerate data/ and the descriptors",
                           epilog="example: ai-openness build --check")
    build.add_argument("--check", action="store_true", help="write nothing; exit 1 if a generated file is stale")
    build.add_argument("--root", help="package directory (default: current directory)")
    build.add_argument("--quiet", action="store_true", help="print nothing on success")
    build.set_defaults(run=cmd_build)

    validate = sub.add_parser("validate", help="validate the package (frictionless + package rules)",
                              epilog="example: ai-openness validate --format json")
    validate.add_argument("root", nargs="?", help="package directory (default: current directory)")
    validate.add_argument("--format", choices=["text", "json", "github"], default="text",
                          help="text for people (default), json for programs, github for workflow annotations")
    validate.set_defaults(run=cmd_validate)

    diff = sub.add_parser("diff", help="rows added, removed and changed between two versions of the package",
                          epilog="examples:\n  ai-openness diff origin/main\n"
                                 "  ai-openness diff v0.1.0 HEAD --format json\n"
                                 "  ai-openness diff old/ new/ --format markdown",
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    diff.add_argument("base", help="a git ref (branch, tag, commit) or a package directory")
    diff.add_argument("head", nargs="?", help="a git ref or a package directory (default: the working tree)")
    diff.add_argument("--root", help="working tree and git repository (default: current directory)")
    diff.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    diff.set_defaults(run=cmd_diff)

    coverage = sub.add_parser("coverage", help="report what the codings cover in each source",
                              epilog="example: ai-openness coverage --format json")
    coverage.add_argument("--root", help="package directory (default: current directory)")
    coverage.add_argument("--format", choices=["text", "json"], default="text")
    coverage.set_defaults(run=cmd_coverage)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except BuildFailed as failed:
        print(f"ai-openness {args.command}: {len(failed.problems)} problem(s); nothing was written.", file=sys.stderr)
        for problem in failed.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except Unreadable as unreadable:
        print(f"ai-openness {args.command}: cannot read the input ({len(unreadable.problems)} problem(s)).",
              file=sys.stderr)
        for problem in unreadable.problems:
            print(f"  {problem}" + (f" Fix: {problem.fix}" if problem.fix else ""), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's documented idiom
        return 1
    except Exception as exc:  # a bug in ai-openness itself, not in the user's input
        if args.debug:
            traceback.print_exc()
        message = (f"ai-openness {args.command}: internal error ({type(exc).__name__}: {visible(str(exc))}). "
                   "This is a bug in ai-openness, not a problem of the input; rerun with --debug and report it.")
        if getattr(args, "format", None) == "github":
            from .validate.report import annotation

            print(annotation(None, message, "ai-openness: internal error"))
        print(message, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
