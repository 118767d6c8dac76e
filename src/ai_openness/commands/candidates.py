"""`ai-openness candidates`: open/closed sentences that no coding explains."""

from __future__ import annotations

import argparse
from itertools import islice

from ai_openness.commands.common import report, root_of
from ai_openness.commands.console import Output
from ai_openness.core.limits import MAX_LISTED_PASSAGES
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
    from ai_openness.compile.candidates import SET_ASIDE, sweep

    with out.status("Finding open/closed sentences in the sources…"):
        results = sweep(root_of(args.root))
    total = sum(len(result.unexplained) for result in results)
    # The first MAX_LISTED_PASSAGES are listed, the rest counted: the report stays bounded.
    unexplained = list(islice((p for result in results for p in result.unexplained), MAX_LISTED_PASSAGES))
    left_out = total - len(unexplained)
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
        sources = [  # counts only: the passages are the problems above (asdict would copy them all)
            {
                "source_id": r.source_id,
                "with_cue": r.with_cue,
                "quoted": r.quoted,
                "set_aside": r.set_aside,
                "unexplained": len(r.unexplained),
                "unused": r.unused[:MAX_LISTED_PASSAGES],
            }
            for r in results
        ]
        data = {"unexplained": total, "listed": len(unexplained), "left_out": left_out, "sources": sources}
        return report(out, code, data, problems)
    out = Output(out.fmt, out.quiet and not unexplained)  # what is left to explain prints even with --quiet
    out.table(
        "Sentences with an open/closed cue in the stored sources",
        ["source", ("with cue", "right"), ("quoted", "right"), ("set aside", "right"), ("unexplained", "right")],
        [(r.source_id, r.with_cue, r.quoted, r.set_aside, len(r.unexplained)) for r in results],
    )
    for passage in unexplained:
        out.line(f"  {passage.source_id} [{passage.start}:{passage.end}] {passage.text}")
    if left_out:
        out.line(f"  ... and {left_out} more (the first {MAX_LISTED_PASSAGES} are listed)")
    if unexplained:
        out.line(
            f"{total} passage(s) unexplained: code each as a stance (docs/codebook.md) or set it "
            f"aside with a reason in {SET_ASIDE}."
        )
    return code
