"""`ai-openness validate`: the Table Schemas' checks and the package's own rules."""

from __future__ import annotations

import argparse

from ai_openness.commands.common import UsageError, add_stage_arguments, root_of, stage_of
from ai_openness.commands.console import Output, as_json
from ai_openness.core.limits import STRICT, TRUSTED

NAME = "validate"
HELP = "validate the package (its Table Schemas + the package's rules)"
EXAMPLES = [
    ("ai-openness validate", "exit 0 valid, 1 problems found, 2 input unusable"),
    ("ai-openness validate --format github", "the same findings as GitHub Actions annotations"),
    ("ai-openness validate --trusted", "a package of your own beyond a contribution's size limits"),
]
FORMATS = ("text", "json", "github")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", nargs="?", help="package directory, the same as --root")
    parser.add_argument(
        "--trusted",
        action="store_true",
        help="read without the limits on file sizes, columns and cell lengths that a contribution "
        "is held to (for a package you made, such as the million-stance benchmark)",
    )
    add_stage_arguments(parser)


def run(args: argparse.Namespace, out: Output) -> int:
    from ai_openness.validate import validate
    from ai_openness.validate.report import RENDER

    if args.directory and args.root and root_of(args.directory) != root_of(args.root):
        raise UsageError(f"two package directories given ({args.directory} and --root {args.root}); give one")
    cache, run = stage_of(args)
    try:
        with out.status("Validating…"):
            root = root_of(args.root or args.directory)
            result = validate(root, limits=TRUSTED if args.trusted else STRICT, cache=cache, run=run)
    finally:
        run.close()
    if args.format != "text" or not result.valid or not args.quiet:  # problems print even with --quiet
        rendered = RENDER[args.format](result)
        # The report escapes what it prints; JSON gets the same escaping as every JSON document.
        print(as_json(result.to_dict()) if args.format == "json" else rendered)
    return result.exit_code
