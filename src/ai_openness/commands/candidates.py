"""`ai-openness candidates`: open/closed sentences that no coding explains."""

from __future__ import annotations

import argparse

from ai_openness.commands.common import report, root_of
from ai_openness.commands.console import Output
from ai_openness.core.problems import Problem

NAME = "candidates"
HELP = "list open/closed sentences no coding explains (exit 1 if any)"
EXAMPLES = [
    (
        "ai-openness candidates",
        "every sentence about open or closed AI that no stance quotes and no set-aside explains",
    ),
    ("ai-openness candidates --format json", "the same, for programs"),
]


def run(args: argparse.Namespace, out: Output) -> int:
    from dataclasses import asdict

    from ai_openness.compile.candidates import SET_ASIDE, sweep

    with out.status("Finding open/closed sentences in the sources…"):
        results = sweep(root_of(args.root))
    unexplained = [passage for result in results for passage in result.unexplained]
    code = 1 if unexplained else 0
    if out.fmt == "json":
        problems = [
            Problem(
                f"sources/articles/{p.source_id}.txt",
                None,
                None,
                f"characters {p.start}-{p.end}: no stance quotes this sentence and {SET_ASIDE} does not set it aside",
                value=p.text,
                fix=f"code it as a stance (docs/codebook.md) or set it aside with a reason in {SET_ASIDE}",
            )
            for p in unexplained
        ]
        data = {"unexplained": len(unexplained), "sources": [asdict(r) for r in results]}
        return report(out, code, data, problems)
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
