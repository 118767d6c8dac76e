"""The `ai-openness` command line.

Every subcommand takes the same options, before or after its name: --root, --format,
--quiet and --debug (see `_common_options`). Each subcommand is one module of this folder
(NAME, HELP, EXAMPLES, optional FORMATS, DESCRIPTION and add_arguments, and run(args, out)
returning the exit code), listed in COMMANDS; its help ends with its examples, and
tests/test_help_examples.py runs every one of them.

With --format json, every exit prints one JSON object on stdout, failures included:
`ok`, `exit_code` and `problems` at least (validate's report says `valid`).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any, NoReturn

from ai_openness.commands import build, candidates, coverage, diff, export, figures, release, validate
from ai_openness.commands.common import TEXT_JSON, UsageError, report
from ai_openness.commands.console import Output, escaped_lines
from ai_openness.core import errors
from ai_openness.core.problems import BuildFailed, Problem, Unreadable, visible

USAGE_ERROR, INTERNAL_ERROR = 2, 2
ALL_FORMATS = ("text", "json", "github", "markdown")
# The subcommands, in the order `ai-openness --help` lists them: one module each.
COMMANDS = (build, validate, diff, coverage, candidates, figures, export, release)


class _Parser(argparse.ArgumentParser):
    commands: dict[str, argparse.ArgumentParser]  # name -> subparser, set by parser()

    def error(self, message: str) -> NoReturn:  # argparse would print and exit; main() reports it
        raise UsageError(message, self)


# The parser ---------------------------------------------------------------------------------


def _writers(fmt: str) -> str:
    """On the main parser, the commands that write `fmt` (" (validate)"); nothing on a command's."""
    names = [m.NAME for m in COMMANDS if fmt in getattr(m, "FORMATS", TEXT_JSON)]
    return f" ({', '.join(names)})" if len(names) < len(COMMANDS) else ""


def _common_options(parser: argparse.ArgumentParser, formats: tuple[str, ...], top: bool = False) -> None:
    """The options every subcommand takes. On the main parser they carry the defaults; on a
    subparser they are suppressed unless given, so `ai-openness --debug build` and
    `ai-openness build --debug` mean the same. The main parser's help names the commands
    that write a format only some do, so that help never offers what a command refuses."""
    default = (lambda value: value) if top else (lambda value: argparse.SUPPRESS)
    only = _writers if top else (lambda fmt: "")
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
        + (f"; github: workflow annotations{only('github')}" if "github" in formats else "")
        + (f"; markdown: a table for a pull request{only('markdown')}" if "markdown" in formats else ""),
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
    sub: Any,
    name: str,
    run: Callable[[argparse.Namespace, Output], int],
    help: str,
    examples: list[tuple[str, str]],
    formats: tuple[str, ...] = TEXT_JSON,
    description: str | None = None,
) -> argparse.ArgumentParser:
    """Add subcommand `name`: its help, its examples (each run by the tests: write them as
    they run in a checkout of the package) and the options every command takes."""
    command: argparse.ArgumentParser = sub.add_parser(
        name,
        help=help,
        description=description or help[:1].upper() + help[1:] + ".",
        epilog=_examples(examples),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common_options(command, formats)
    command.set_defaults(run=run, formats=formats, examples=examples)
    return command


def parser() -> _Parser:
    main = _Parser(
        prog="ai-openness",
        description="Build, check and read the ai-openness data package.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common_options(main, ALL_FORMATS, top=True)
    sub = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        command = _command(
            sub,
            module.NAME,
            module.run,
            module.HELP,
            module.EXAMPLES,
            getattr(module, "FORMATS", TEXT_JSON),
            getattr(module, "DESCRIPTION", None),
        )
        if hasattr(module, "add_arguments"):
            module.add_arguments(command)
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
        report(Output("json"), exit_code, {"command": command, "error": headline}, problems)
    elif fmt == "github":
        from ai_openness.validate.report import annotation

        shown: list[Problem | None] = list(problems) or [None]
        for problem in shown:
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
        code: int = args.run(args, Output(fmt, args.quiet))
        return code
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
    except MemoryError:  # the frames that held the data are gone by now, so reporting has room
        return _fail(
            fmt,
            command,
            2,
            "ran out of memory; nothing was written.",
            [errors.problem("out-of-memory", "the package", None, None)],
            title="out of memory",
        )
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
