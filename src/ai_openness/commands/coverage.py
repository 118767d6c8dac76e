"""`ai-openness coverage`: what the codings cover in each stored source."""

from __future__ import annotations

import argparse

from ai_openness.commands.common import report, root_of
from ai_openness.commands.console import Output

NAME = "coverage"
HELP = "report what the codings cover in each source"
EXAMPLES = [
    ("ai-openness coverage", "per source: aliases matched, gaps, unexplained candidate names"),
    ("ai-openness coverage --format json", "the same, for programs"),
]


def run(args: argparse.Namespace, out: Output) -> int:
    from ai_openness.compile.coverage import coverage

    with out.status("Matching aliases in the sources…"):
        result = coverage(root_of(args.root))
    if out.fmt == "json":
        return report(out, 0, result.to_dict())
    columns: list[str | tuple[str, str]] = ["source", ("mentions", "right"), ("entities", "right")]
    columns += [("stances", "right"), ("no stance", "right"), ("unexplained", "right")]
    rows = [
        (
            s.source_id,
            s.mentions,
            s.entities_mentioned,
            s.stances,
            len(s.mentioned_without_stance),
            len(s.unexplained_candidates),
        )
        for s in result.sources
    ]
    out.table("Coverage of the stored sources", columns, rows)
    # The lists behind the counts, as in the report text (and the README).
    for line in result.text().splitlines()[2 + len(result.sources) :]:
        out.line(line)
    return 0
