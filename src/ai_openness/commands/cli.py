"""The `ai-openness` command line.

Every subcommand takes the same options, before or after its name: --root, --format,
--quiet and --debug (see `_common_options`). Each subcommand is one `_command(...)` call
in `parser()` plus a `cmd_<name>(args, out)` function that returns the exit code; its help
ends with examples, and tests/test_help_examples.py runs every one of them.

With --format json, every exit prints one JSON object on stdout, failures included:
`ok`, `exit_code` and `problems` at least (validate's report says `valid`).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from ai_openness.commands.console import Output, as_json, escaped_lines
from ai_openness.core.limits import STRICT, TRUSTED
from ai_openness.core.problems import BuildFailed, Problem, Unreadable, visible

USAGE_ERROR, INTERNAL_ERROR = 2, 2
TEXT_JSON = ("text", "json")
ALL_FORMATS = ("text", "json", "github", "markdown")


class UsageError(Exception):
    """The command line itself is wrong (argparse's error, raised instead of exiting)."""

    def __init__(self, message: str, parser: argparse.ArgumentParser | None = None):
        super().__init__(message)
        self.message, self.parser = message, parser


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print and exit; main() reports it
        raise UsageError(message, self)


def _root(value: str | None) -> Path:
    return Path(value).resolve() if value else Path.cwd()


def _report(out: Output, exit_code: int, data: dict | None = None, problems: list[Problem] = ()) -> int:
    """The JSON document of a run: what happened, its exit code and its problems."""
    out.json(
        {"ok": exit_code == 0, "exit_code": exit_code, **(data or {}), "problems": [p.to_dict() for p in problems]}
    )
    return exit_code


def _stale(files: list[str], run: str) -> list[Problem]:
    return [Problem(rel, None, None, "is out of date", fix=f"run `{run}` and commit the result") for rel in files]


# The subcommands ---------------------------------------------------------------------------


def cmd_build(args: argparse.Namespace, out: Output) -> int:
    from ai_openness.compile.pipeline import build

    with out.status("Building the package…"):
        result, outdated = build(_root(args.root), check=args.check)
    code = 1 if args.check and outdated else 0
    if out.fmt == "json":
        return _report(
            out,
            code,
            {
                "check": args.check,
                "up_to_date": not outdated,
                ("outdated" if args.check else "changed"): outdated,
                "rows": {name: len(rows) for name, rows in result.tables.items()},
            },
            _stale(outdated, "ai-openness build") if code else [],
        )
    if args.check:
        if outdated:
            # Printed even with --quiet: a failing check must say why.
            print(
                escaped_lines(
                    "\n".join(
                        [
                            "Out of date (run `ai-openness build` and commit the result):",
                            *(f"  {rel}" for rel in outdated),
                        ]
                    )
                )
            )
            return 1
        out.line(f"Up to date: {len(result.files)} generated files match the sources and codings.")
        return 0
    out.table(
        "Built the package",
        ["table", ("rows", "right")],
        [(name, len(rows)) for name, rows in result.tables.items()],
        caption=f"{len(outdated)} file(s) changed" if outdated else "no file changed",
    )
    return 0


def cmd_validate(args: argparse.Namespace, out: Output) -> int:
    from ai_openness.validate import validate
    from ai_openness.validate.report import RENDER

    if args.directory and args.root and _root(args.directory) != _root(args.root):
        raise UsageError(f"two package directories given ({args.directory} and --root {args.root}); give one")
    with out.status("Validating…"):
        report = validate(_root(args.root or args.directory), limits=TRUSTED if args.trusted else STRICT)
    if args.format != "text" or not report.valid or not args.quiet:  # problems print even with --quiet
        rendered = RENDER[args.format](report)
        # The report escapes what it prints; JSON gets the same escaping as every JSON document.
        print(as_json(report.to_dict()) if args.format == "json" else rendered)
    return report.exit_code


def _package(root: Path, spec: str | None, scratch: Path) -> tuple[Path, str]:
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
        raise Unreadable(
            [
                Problem(
                    spec,
                    None,
                    None,
                    "is not a directory, and the current directory is not in a git repository",
                    fix="give two package directories",
                )
            ]
        )
    if gitref.commit_of(repo, spec) is None and spec.removeprefix("v")[:1].isdigit():
        released = recorded_release(root, spec.removeprefix("v"))
        if released is None:
            raise Unreadable(
                [
                    Problem(
                        spec,
                        None,
                        None,
                        f"is neither a directory, a commit nor a release recorded in {root / 'CHANGELOG.md'}",
                        fix="give a release listed in CHANGELOG.md (e.g. 0.1.0), a branch, tag or "
                        "commit id (e.g. origin/main), or a package directory",
                    )
                ]
            )
        return gitref.materialise(repo, released.commit, scratch), spec
    return gitref.materialise(repo, spec, scratch), spec


def cmd_diff(args: argparse.Namespace, out: Output) -> int:
    import json
    import tempfile

    from ai_openness.publish.diff import diff_packages
    from ai_openness.publish.difftext import RENDER

    root = _root(args.root)
    with tempfile.TemporaryDirectory(prefix="ai-openness-diff-") as scratch:
        base, base_label = _package(root, args.base, Path(scratch) / "base")
        head, head_label = _package(root, args.head, Path(scratch) / "head")
        diff = diff_packages(base, head, base_label, head_label)
        if out.fmt == "json":
            return _report(out, 0, json.loads(RENDER["json"](diff)))
        if not args.quiet:
            print(escaped_lines(RENDER[args.format](diff)))
    return 0


def cmd_coverage(args: argparse.Namespace, out: Output) -> int:
    from ai_openness.compile.coverage import coverage

    with out.status("Matching aliases in the sources…"):
        report = coverage(_root(args.root))
    if out.fmt == "json":
        return _report(out, 0, report.to_dict())
    out.table(
        "Coverage of the stored sources",
        [
            "source",
            ("mentions", "right"),
            ("entities", "right"),
            ("stances", "right"),
            ("no stance", "right"),
            ("unexplained", "right"),
        ],
        [
            (
                s.source_id,
                s.mentions,
                s.entities_mentioned,
                s.stances,
                len(s.mentioned_without_stance),
                len(s.unexplained_candidates),
            )
            for s in report.sources
        ],
    )
    # The lists behind the counts, as in the report text (and the README).
    for line in report.text().splitlines()[2 + len(report.sources) :]:
        out.line(line)
    return 0


def cmd_candidates(args: argparse.Namespace, out: Output) -> int:
    from dataclasses import asdict

    from ai_openness.compile.candidates import SET_ASIDE, sweep

    with out.status("Finding open/closed sentences in the sources…"):
        results = sweep(_root(args.root))
    unexplained = [passage for result in results for passage in result.unexplained]
    code = 1 if unexplained else 0
    if out.fmt == "json":
        return _report(
            out,
            code,
            {"unexplained": len(unexplained), "sources": [asdict(r) for r in results]},
            [
                Problem(
                    f"sources/articles/{p.source_id}.txt",
                    None,
                    None,
                    f"characters {p.start}-{p.end}: no stance quotes this sentence and {SET_ASIDE} "
                    "does not set it aside",
                    value=p.text,
                    fix=f"code it as a stance (docs/codebook.md) or set it aside with a reason in {SET_ASIDE}",
                )
                for p in unexplained
            ],
        )
    out = Output(out.fmt, out.quiet and not unexplained)  # what is left to explain prints even with --quiet
    out.table(
        "Sentences with an open/closed cue in the stored sources",
        ["source", ("with cue", "right"), ("quoted", "right"), ("set aside", "right"), ("unexplained", "right")],
        [(r.source_id, r.with_cue, r.quoted, r.set_aside, len(r.unexplained)) for r in results],
    )
    for passage in unexplained:
        out.line(f"  {passage.source_id} [{passage.start}:{passage.end}] {passage.text}")
    if unexplained:
        out.line(
            f"{len(unexplained)} passage(s) unexplained: code each as a stance (docs/codebook.md) or set it "
            f"aside with a reason in {SET_ASIDE}."
        )
    return code


def cmd_figures(args: argparse.Namespace, out: Output) -> int:
    from ai_openness.views.figures import FIGURES_DIR, generate

    sizes, outdated = generate(
        _root(args.root), Path(args.out) if args.out else None, check=args.check, progress=out.progress
    )
    where = args.out or FIGURES_DIR
    code = 1 if args.check and outdated else 0
    if out.fmt == "json":
        return _report(
            out,
            code,
            {
                "directory": where,
                "check": args.check,
                "files": sizes,
                ("outdated" if args.check else "changed"): outdated,
            },
            _stale([f"{where}/{name}" for name in outdated], "ai-openness figures") if code else [],
        )
    if code:
        print(
            escaped_lines(
                "\n".join(
                    [
                        f"Out of date in {where} (run `ai-openness figures` and commit the result):",
                        *(f"  {name}" for name in outdated),
                    ]
                )
            )
        )
    else:
        out.table(
            f"Figures in {where}",
            ["file", ("bytes", "right"), "state"],
            [
                (name, f"{size:,}", ("stale" if args.check else "written") if name in outdated else "unchanged")
                for name, size in sizes.items()
            ],
        )
    return code


def cmd_export(args: argparse.Namespace, out: Output) -> int:
    from ai_openness.views.export import EXPORTERS, write_datasette_metadata

    root = Path(args.root).resolve() if args.root else None
    path = Path(args.path)
    counts = EXPORTERS[args.kind](path, root=root, progress=out.progress)
    metadata = write_datasette_metadata(path, args.metadata, root=root) if args.kind == "sqlite" else None
    if out.fmt == "json":
        return _report(
            out,
            0,
            {
                "kind": args.kind,
                "path": str(path),
                "rows": counts,
                "datasette_metadata": str(metadata) if metadata else None,
            },
        )
    out.table(f"Exported to {path} ({args.kind})", ["table", ("rows", "right")], counts.items())
    if metadata:
        out.line(f"Datasette metadata: {metadata}")
        out.line(f"Browse it: datasette {path} -m {metadata}")
    else:
        out.line(f"Query it: duckdb {path}")
    return 0


def cmd_release(args: argparse.Namespace, out: Output) -> int:
    from ai_openness.publish.release import release

    root = _root(args.root)
    section, made = release(root, args.version, date=args.date)
    files = [str(path.relative_to(root) if path.is_relative_to(root) else path) for path in made]
    if out.fmt == "json":
        return _report(out, 0, {"version": args.version, "changelog": section, "files": files})
    out.line(section)
    out.line("Release files:")
    for name in files:
        out.line(f"  {name}")
    return 0


# The parser ---------------------------------------------------------------------------------


def _common_options(parser: argparse.ArgumentParser, formats: tuple[str, ...], top: bool = False) -> None:
    """The options every subcommand takes. On the main parser they carry the defaults; on a
    subparser they are suppressed unless given, so `ai-openness --debug build` and
    `ai-openness build --debug` mean the same."""
    default = (lambda value: value) if top else (lambda value: argparse.SUPPRESS)
    group = parser.add_argument_group("options of every command")
    group.add_argument(
        "--root", default=default(None), metavar="DIR", help="package directory (default: the current directory)"
    )
    group.add_argument(
        "--format",
        choices=formats,
        default=default("text"),
        help="text for people (default); json: one JSON object on stdout on every exit, "
        "for scripts"
        + ("; github: workflow annotations" if "github" in formats else "")
        + ("; markdown: a table for a pull request" if "markdown" in formats else ""),
    )
    group.add_argument(
        "--quiet",
        action="store_true",
        default=default(False),
        help="print nothing on success (problems are still printed)",
    )
    group.add_argument(
        "--debug", action="store_true", default=default(False), help="show a traceback on internal errors"
    )


def _examples(examples: list[tuple[str, str]]) -> str:
    width = max(len(command) for command, _ in examples) + 3
    return "examples:\n" + "\n".join(f"  {command:<{width}}{why}".rstrip() for command, why in examples)


def _command(
    sub,
    name: str,
    run,
    help: str,
    examples: list[tuple[str, str]],
    formats: tuple[str, ...] = TEXT_JSON,
    description: str | None = None,
) -> argparse.ArgumentParser:
    """Add subcommand `name`: its help, its examples (each run by the tests: write them as
    they run in a checkout of the package) and the options every command takes."""
    command = sub.add_parser(
        name,
        help=help,
        description=description or help[:1].upper() + help[1:] + ".",
        epilog=_examples(examples),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common_options(command, formats)
    command.set_defaults(run=run, formats=formats, examples=examples)
    return command


def parser() -> argparse.ArgumentParser:
    main = _Parser(
        prog="ai-openness",
        description="Build, check and read the ai-openness data package.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common_options(main, ALL_FORMATS, top=True)
    sub = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = _command(
        sub,
        "build",
        cmd_build,
        "regenerate data/, the descriptors, metadata files and README blocks",
        [
            (
                "ai-openness build",
                "regenerate data/, datapackage*.json, croissant.json, CITATION.cff, "
                ".zenodo.json and the README's generated blocks",
            ),
            ("ai-openness build --check", "write nothing; exit 1 naming every generated file that is out of date"),
            ("ai-openness build --quiet --format json", "for scripts: one JSON object, no decoration"),
        ],
    )
    build.add_argument("--check", action="store_true", help="write nothing; exit 1 if a generated file is stale")

    validate = _command(
        sub,
        "validate",
        cmd_validate,
        "validate the package (its Table Schemas + the package's rules)",
        [
            ("ai-openness validate", "exit 0 valid, 1 problems found, 2 input unusable"),
            ("ai-openness validate --format github", "the same findings as GitHub Actions annotations"),
            ("ai-openness validate --trusted", "a package of your own beyond a contribution's size limits"),
        ],
        formats=("text", "json", "github"),
    )
    validate.add_argument("directory", nargs="?", help="package directory, the same as --root")
    validate.add_argument(
        "--trusted",
        action="store_true",
        help="read without the limits on file sizes, columns and cell lengths that a contribution "
        "is held to (for a package you made, such as the million-stance benchmark)",
    )

    diff = _command(
        sub,
        "diff",
        cmd_diff,
        "rows added, removed and changed between two versions of the package",
        [
            ("ai-openness diff origin/main", "rows added, removed and changed since origin/main"),
            ("ai-openness diff 0.1.0 HEAD --format json", "release 0.1.0 (its commit, from CHANGELOG.md) against HEAD"),
            ("ai-openness diff HEAD --format markdown", "uncommitted changes, as the table a pull request shows"),
        ],
        formats=("text", "json", "markdown"),
    )
    diff.add_argument(
        "base",
        help="a git ref (branch, tag, commit), a release recorded in CHANGELOG.md (0.1.0) or a package directory",
    )
    diff.add_argument("head", nargs="?", help="the same kinds (default: the working tree)")

    _command(
        sub,
        "coverage",
        cmd_coverage,
        "report what the codings cover in each source",
        [
            ("ai-openness coverage", "per source: aliases matched, gaps, unexplained candidate names"),
            ("ai-openness coverage --format json", "the same, for programs"),
        ],
    )

    _command(
        sub,
        "candidates",
        cmd_candidates,
        "list open/closed sentences no coding explains (exit 1 if any)",
        [
            (
                "ai-openness candidates",
                "every sentence about open or closed AI that no stance quotes and no set-aside explains",
            ),
            ("ai-openness candidates --format json", "the same, for programs"),
        ],
    )

    figures = _command(
        sub,
        "figures",
        cmd_figures,
        "draw the figures in docs/figures/ from the tables",
        [
            ("ai-openness figures", "redraw the timeline, licence matrix and arguments chart (SVG and HTML)"),
            ("ai-openness figures --check", "write nothing; exit 1 naming every figure that is out of date"),
        ],
        description="Draw the stance timeline, the licence matrix and the arguments chart,\n"
        "each as SVG (CJK font embedded) and HTML (with tooltips).",
    )
    figures.add_argument("--out", help="write the figures here instead of docs/figures/")
    figures.add_argument("--check", action="store_true", help="write nothing; exit 1 if a figure is stale")

    export = _command(
        sub,
        "export",
        cmd_export,
        "write every table to a SQLite (Datasette) or DuckDB database",
        [
            (
                "ai-openness export sqlite ai-openness.db",
                "then browse it: datasette ai-openness.db -m ai-openness.metadata.json",
            ),
            (
                "ai-openness export duckdb ai-openness.duckdb",
                "then query it: duckdb ai-openness.duckdb -c 'from stances_by_actor limit 5'",
            ),
        ],
        description="Write every table with its keys, column descriptions and the package version.\n"
        "A SQLite export also gets Datasette metadata (titles, descriptions, licence,\n"
        "facets, canned queries), written beside it as <stem>.metadata.json.\n"
        "Without --root, the installed or checked-out package is exported.",
    )
    export.add_argument("kind", choices=["sqlite", "duckdb"], help="database format")
    export.add_argument("path", help="database file to write (replaced if it exists)")
    export.add_argument("--metadata", help="where to write the Datasette metadata (sqlite only)")

    release = _command(
        sub,
        "release",
        cmd_release,
        "cut a release: version, changelog, archives",
        [
            ("ai-openness release X.Y.Z", "bump the version, write CHANGELOG.md, build the archives in dist/"),
        ],
    )
    release.add_argument("version", help="the new version, X.Y.Z (refused if smaller than the changes require)")
    release.add_argument("--date", help="release date YYYY-MM-DD (default: the recorded one, else today)")

    main.epilog = _examples([command.get_default("examples")[0] for command in sub.choices.values()])
    main.commands = dict(sub.choices)  # name -> subparser
    return main


# Running a command ---------------------------------------------------------------------------


def _requested_format(argv: list[str]) -> str:
    """--format as written on the command line, read before parsing it: a command line that
    does not parse still gets its report in the format asked for."""
    fmt = "text"
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--format" and i + 1 < len(argv):
            fmt = argv[i + 1]
        elif arg.startswith("--format="):
            fmt = arg.split("=", 1)[1]
    return fmt


def _fail(
    fmt: str, command: str | None, exit_code: int, headline: str, problems: list[Problem], title: str | None = None
) -> int:
    """Report a run that failed, in the format asked for; return its exit code. `title`, a
    short form of `headline`, titles GitHub annotations."""
    name = f"ai-openness {command}" if command else "ai-openness"
    if fmt == "json":
        _report(Output("json"), exit_code, {"command": command, "error": headline}, problems)
    elif fmt == "github":
        from ai_openness.validate.report import annotation

        for problem in problems or [None]:
            message = f"{problem} Fix: {problem.fix}" if problem and problem.fix else str(problem or headline)
            print(annotation(problem, visible(message), visible(f"{name}: {title or headline}")))
    lines = [f"{name}: {headline}"]
    lines += [f"  {problem}" + (f" Fix: {problem.fix}" if problem.fix else "") for problem in problems]
    print(escaped_lines("\n".join(lines)), file=sys.stderr)
    return exit_code


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    fmt, command, debug = _requested_format(argv), None, False
    try:
        cli = parser()
        args = cli.parse_args(argv)
        command, fmt, debug = args.command, args.format, args.debug
        if fmt not in args.formats:
            raise UsageError(
                f"argument --format: {command} writes {', '.join(args.formats)}, not {fmt}", cli.commands[command]
            )
        return args.run(args, Output(fmt, args.quiet))
    except UsageError as error:
        command = command or next((arg for arg in argv if arg in parser().commands), None)
        if error.parser is not None and fmt != "json":
            error.parser.print_usage(sys.stderr)
        return _fail(
            fmt if fmt in ALL_FORMATS else "text",
            command,
            USAGE_ERROR,
            "the command line is wrong",
            [
                Problem(
                    "command line",
                    None,
                    None,
                    error.message,
                    fix=f"see `ai-openness {command or ''} --help`".replace("  ", " "),
                )
            ],
        )
    except BuildFailed as failed:
        return _fail(
            fmt,
            command,
            1,
            f"{len(failed.problems)} problem(s); nothing was written.",
            failed.problems,
            title="cannot build",
        )
    except Unreadable as unreadable:
        return _fail(
            fmt,
            command,
            2,
            f"cannot read the input ({len(unreadable.problems)} problem(s)).",
            unreadable.problems,
            title="cannot read the input",
        )
    except KeyboardInterrupt:
        return _fail(fmt, command, 130, "interrupted", [])
    except BrokenPipeError:  # the reader went away (`| head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's documented idiom
        return 1
    except Exception as exc:  # a bug in ai-openness itself, not in the user's input
        if isinstance(exc, ImportError) and exc.name:  # unless an optional extra is not installed
            from ai_openness.commands.extras import missing_module_message

            if missing := missing_module_message(exc.name):
                # In plain text: the JSON writer needs rich, which may be the missing module.
                return _fail(
                    "github" if fmt == "github" else "text",
                    command,
                    2,
                    missing,
                    [],
                    title="an optional extra is not installed",
                )
        if debug:
            traceback.print_exc()
        return _fail(
            fmt,
            command,
            INTERNAL_ERROR,
            f"internal error ({type(exc).__name__}: {exc}). This is a bug in ai-openness, not a problem "
            "of the input; rerun with --debug and report it.",
            [],
            title="internal error",
        )


if __name__ == "__main__":
    sys.exit(main())
