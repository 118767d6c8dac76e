"""`ai-openness build`: regenerate data/, the descriptors, metadata files and README blocks."""

from __future__ import annotations

import argparse

from ai_openness.commands.common import add_stage_arguments, report, root_of, stage_of, stale
from ai_openness.commands.console import Output, escaped_lines

NAME = "build"
HELP = "regenerate data/, the descriptors, metadata files and README blocks"
EXAMPLES = [
    (
        "ai-openness build",
        "regenerate data/, datapackage*.json, croissant.json, CITATION.cff, "
        ".zenodo.json and the README's generated blocks",
    ),
    ("ai-openness build --check", "write nothing; exit 1 naming every generated file that is out of date"),
    ("ai-openness build --quiet --format json", "for scripts: one JSON object, no decoration"),
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a generated file is stale")
    add_stage_arguments(parser)


def run(args: argparse.Namespace, out: Output) -> int:
    from ai_openness.compile.pipeline import build

    cache, run = stage_of(args)
    try:
        with out.status("Building the package…"):
            result, outdated = build(root_of(args.root), check=args.check, cache=cache, run=run)
    finally:
        run.close()
    code = 1 if args.check and outdated else 0
    if out.fmt == "json":
        return report(
            out,
            code,
            {
                "check": args.check,
                "up_to_date": not outdated,
                ("outdated" if args.check else "changed"): outdated,
                "rows": {name: len(rows) for name, rows in result.tables.items()},
            },
            stale(outdated, "ai-openness build") if code else [],
        )
    if args.check:
        if outdated:
            # Printed even with --quiet: a failing check must say why.
            lines = ["Out of date (run `ai-openness build` and commit the result):", *(f"  {rel}" for rel in outdated)]
            print(escaped_lines("\n".join(lines)))
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
