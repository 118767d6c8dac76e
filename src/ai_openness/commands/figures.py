"""`ai-openness figures`: draw the figures in docs/figures/ from the tables."""

from __future__ import annotations

import argparse
from pathlib import Path

from ai_openness.commands.common import report, root_of, stale
from ai_openness.commands.console import Output, escaped_lines

NAME = "figures"
HELP = "draw the figures in docs/figures/ from the tables"
EXAMPLES = [
    ("ai-openness figures", "redraw the timeline, licence matrix and arguments chart (SVG and HTML)"),
    ("ai-openness figures --check", "write nothing; exit 1 naming every figure that is out of date"),
]
DESCRIPTION = (
    "Draw the stance timeline, the licence matrix and the arguments chart,\n"
    "each as SVG (CJK font embedded) and HTML (with tooltips)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", help="write the figures here instead of docs/figures/")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a figure is stale")


def run(args: argparse.Namespace, out: Output) -> int:
    from ai_openness.views.figures import FIGURES_DIR, generate

    sizes, outdated = generate(
        root_of(args.root), Path(args.out) if args.out else None, check=args.check, progress=out.progress
    )
    where = args.out or FIGURES_DIR
    code = 1 if args.check and outdated else 0
    if out.fmt == "json":
        data = {"directory": where, "check": args.check, "files": sizes}
        data["outdated" if args.check else "changed"] = outdated
        return report(
            out, code, data, stale([f"{where}/{name}" for name in outdated], "ai-openness figures") if code else []
        )
    if code:
        lines = [f"Out of date in {where} (run `ai-openness figures` and commit the result):"]
        print(escaped_lines("\n".join([*lines, *(f"  {name}" for name in outdated)])))
        return code
    out.table(
        f"Figures in {where}",
        ["file", ("bytes", "right"), "state"],
        [
            (name, f"{size:,}", ("stale" if args.check else "written") if name in outdated else "unchanged")
            for name, size in sizes.items()
        ],
    )
    return code
