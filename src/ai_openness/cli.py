"""The `ai-openness` command line."""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

from .problems import BuildFailed

EXAMPLES = """examples:
  ai-openness build            regenerate data/ and the descriptors from sources/ and codings/
  ai-openness build --check    exit 1 and name every generated file that is out of date
  ai-openness validate         check the package with frictionless and the package's own rules
  ai-openness coverage         per source: aliases matched, gaps, unexplained candidate names
  ai-openness release 0.2.0    bump the version, write CHANGELOG.md, build archives in dist/
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

    report = validate(_root(args.root))
    if args.format == "json":
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(report.text())
    return 0 if report.valid else 1


def cmd_coverage(args: argparse.Namespace) -> int:
    from .coverage import coverage

    report = coverage(_root(args.root))
    print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) if args.format == "json" else report.text())
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from .release import release

    root = _root(args.root)
    section, made = release(root, args.version, date=args.date)
    print(section)
    print("Release files:")
    for path in made:
        print(f"  {path.relative_to(root) if path.is_relative_to(root) else path}")
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
    validate.add_argument("--format", choices=["text", "json"], default="text")
    validate.set_defaults(run=cmd_validate)

    coverage = sub.add_parser("coverage", help="report what the codings cover in each source",
                              epilog="example: ai-openness coverage --format json")
    coverage.add_argument("--root", help="package directory (default: current directory)")
    coverage.add_argument("--format", choices=["text", "json"], default="text")
    coverage.set_defaults(run=cmd_coverage)
    release = sub.add_parser("release", help="cut a release: version, changelog, archives",
                             epilog="example: ai-openness release 0.2.0")
    release.add_argument("version", help="the new version, X.Y.Z (refused if smaller than the changes require)")
    release.add_argument("--root", help="package directory, a git checkout (default: current directory)")
    release.add_argument("--date", help="release date YYYY-MM-DD (default: the recorded one, else today)")
    release.set_defaults(run=cmd_release)
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
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug in ai-openness itself, not in the user's input
        if args.debug:
            traceback.print_exc()
        print(f"ai-openness {args.command}: internal error ({type(exc).__name__}: {exc}). "
              "This is a bug in ai-openness; rerun with --debug and report it.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
