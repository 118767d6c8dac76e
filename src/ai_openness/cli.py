"""The `ai-openness` command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from pathlib import Path

from .console import Output
from .problems import BuildFailed, Problem, Unreadable, visible

EXAMPLES = """examples:
  ai-openness build            regenerate data/ and the descriptors from sources/ and codings/
  ai-openness build --check    exit 1 and name every generated file that is out of date
  ai-openness validate         check the package with frictionless and the package's own rules
  ai-openness coverage         per source: aliases matched, gaps, unexplained candidate names
  ai-openness candidates       open/closed sentences that no stance quotes and no set-aside explains
  ai-openness release 0.2.0    bump the version, write CHANGELOG.md, build archives in dist/
  ai-openness figures          redraw docs/figures/ (timeline, licence matrix, arguments)
  ai-openness export sqlite ai-openness.db && datasette ai-openness.db -m ai-openness.metadata.json
  ai-openness export duckdb ai-openness.duckdb && duckdb ai-openness.duckdb
  ai-openness build --quiet --format json    for scripts: one JSON document, no decoration

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
    out = Output(args.format, args.quiet)
    with out.status("Building the package…"):
        result, outdated = build(root, check=args.check)
    if out.fmt == "json":
        out.json({"check": args.check, "up_to_date": not outdated,
                  ("outdated" if args.check else "changed"): outdated,
                  "rows": {name: len(rows) for name, rows in result.tables.items()}})
        return 1 if args.check and outdated else 0
    if args.check:
        if outdated:
            # Printed even with --quiet: a failing check must say why.
            print("Out of date (run `ai-openness build` and commit the result):")
            for rel in outdated:
                print(f"  {rel}")
            return 1
        out.line(f"Up to date: {len(result.files)} generated files match the sources and codings.")
        return 0
    out.table("Built the package", ["table", ("rows", "right")],
              [(name, len(rows)) for name, rows in result.tables.items()],
              caption=f"{len(outdated)} file(s) changed" if outdated else "no file changed")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from .validate import validate
    from .validate.report import RENDER

    out = Output("json" if args.format == "json" else "text", args.quiet)
    with out.status("Validating…"):
        report = validate(_root(args.root), engine=args.engine)
    if args.format != "text" or not report.valid or not args.quiet:  # problems print even with --quiet
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

    out = Output(args.format, args.quiet)
    with out.status("Matching aliases in the sources…"):
        report = coverage(_root(args.root))
    if out.fmt == "json":
        out.json(report.to_dict())
        return 0
    out.table("Coverage of the stored sources",
              ["source", ("mentions", "right"), ("entities", "right"), ("stances", "right"),
               ("no stance", "right"), ("unexplained", "right")],
              [(s.source_id, s.mentions, s.entities_mentioned, s.stances, len(s.mentioned_without_stance),
                len(s.unexplained_candidates)) for s in report.sources])
    # The lists behind the counts, as in the report text (and the README).
    for line in report.text().splitlines()[2 + len(report.sources):]:
        out.line(line)
    return 0


def cmd_candidates(args: argparse.Namespace) -> int:
    from .candidates import report

    return report(_root(args.root), args.format, args.quiet)


def cmd_figures(args: argparse.Namespace) -> int:
    from .figures import FIGURES_DIR, generate

    out = Output(args.format, args.quiet)
    root = _root(args.root)
    sizes, outdated = generate(root, Path(args.out) if args.out else None, check=args.check,
                               progress=out.progress)
    where = args.out or FIGURES_DIR
    if out.fmt == "json":
        out.json({"directory": where, "check": args.check, "files": sizes,
                  ("outdated" if args.check else "changed"): outdated})
    elif args.check and outdated:
        print(f"Out of date in {where} (run `ai-openness figures` and commit the result):")
        for name in outdated:
            print(f"  {name}")
    else:
        out.table(f"Figures in {where}", ["file", ("bytes", "right"), "state"],
                  [(name, f"{size:,}", ("stale" if args.check else "written") if name in outdated else "unchanged")
                   for name, size in sizes.items()])
    return 1 if args.check and outdated else 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export import EXPORTERS, write_datasette_metadata

    out = Output(args.format, args.quiet)
    root = Path(args.root).resolve() if args.root else None
    path = Path(args.path)
    counts = EXPORTERS[args.kind](path, root=root, progress=out.progress)
    metadata = write_datasette_metadata(path, args.metadata, root=root) if args.kind == "sqlite" else None
    if out.fmt == "json":
        out.json({"kind": args.kind, "path": str(path), "rows": counts,
                  "datasette_metadata": str(metadata) if metadata else None})
        return 0
    out.table(f"Exported to {path} ({args.kind})", ["table", ("rows", "right")], counts.items())
    if metadata:
        out.line(f"Datasette metadata: {metadata}")
        out.line(f"Browse it: datasette {path} -m {metadata}")
    else:
        out.line(f"Query it: duckdb {path}")
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
    _script_options(build)
    build.set_defaults(run=cmd_build)

    validate = sub.add_parser("validate", help="validate the package (frictionless + package rules)",
                              epilog="example: ai-openness validate --format json")
    validate.add_argument("root", nargs="?", help="package directory (default: current directory)")
    validate.add_argument("--quiet", action="store_true", help="print nothing when the package is valid")
    validate.add_argument("--engine", choices=["full", "fast"], default="full",
                          help="full (default): every rule, with frictionless and the contribution limits; "
                               "fast: types, constraints, keys, hashes, quotes and Parquet twins checked "
                               "column-wise with polars, for packages of millions of rows")
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
    _script_options(coverage)
    coverage.set_defaults(run=cmd_coverage)

    candidates = sub.add_parser("candidates", help="list open/closed sentences no coding explains (exit 1 if any)",
                                epilog="example: ai-openness candidates --format json")
    candidates.add_argument("--root", help="package directory (default: current directory)")
    _script_options(candidates)
    candidates.set_defaults(run=cmd_candidates)

    figures = sub.add_parser(
        "figures", help="draw the figures in docs/figures/ from the tables",
        description="Draw the stance timeline, the licence matrix and the arguments chart,\n"
                    "each as SVG (CJK font embedded) and HTML (with tooltips).",
        epilog="examples:\n  ai-openness figures\n  ai-openness figures --check\n"
               "  ai-openness figures --out /tmp/figures",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    figures.add_argument("--root", help="package directory (default: current directory)")
    figures.add_argument("--out", help="write the figures here instead of docs/figures/")
    figures.add_argument("--check", action="store_true", help="write nothing; exit 1 if a figure is stale")
    _script_options(figures)
    figures.set_defaults(run=cmd_figures)

    export = sub.add_parser(
        "export", help="write every table to a SQLite (Datasette) or DuckDB database",
        description="Write every table with its keys, column descriptions and the package version.\n"
                    "A SQLite export also gets Datasette metadata (titles, descriptions, licence,\n"
                    "facets, canned queries), written beside it as <stem>.metadata.json.",
        epilog="examples:\n  ai-openness export sqlite ai-openness.db\n"
               "  datasette ai-openness.db -m ai-openness.metadata.json\n"
               "  ai-openness export duckdb ai-openness.duckdb\n"
               "  duckdb ai-openness.duckdb -c 'from stances_by_actor limit 5'",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    export.add_argument("kind", choices=["sqlite", "duckdb"], help="database format")
    export.add_argument("path", help="database file to write (replaced if it exists)")
    export.add_argument("--metadata", help="where to write the Datasette metadata (sqlite only)")
    export.add_argument("--root", help="package directory (default: the installed or checked-out package)")
    _script_options(export)
    export.set_defaults(run=cmd_export)
    release = sub.add_parser("release", help="cut a release: version, changelog, archives",
                             epilog="example: ai-openness release 0.2.0")
    release.add_argument("version", help="the new version, X.Y.Z (refused if smaller than the changes require)")
    release.add_argument("--root", help="package directory, a git checkout (default: current directory)")
    release.add_argument("--date", help="release date YYYY-MM-DD (default: the recorded one, else today)")
    release.set_defaults(run=cmd_release)
    return main


def _script_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--quiet", action="store_true", help="print nothing on success (problems still go to stderr)")
    command.add_argument("--format", choices=["text", "json"], default="text",
                         help="json: one JSON document on stdout, for scripts")


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
