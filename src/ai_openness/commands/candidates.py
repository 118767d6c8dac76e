"""`ai-openness candidates`: sentences that may carry a stance and that no coding explains."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ai_openness.commands.common import report, root_of
from ai_openness.commands.console import Output
from ai_openness.core.problems import BuildFailed, Problem, shorten

if TYPE_CHECKING:
    from ai_openness.compile.candidates import SourceSweep

NAME = "candidates"
HELP = "list sentences that may carry a stance and that no coding explains (exit 1 if any)"
EXAMPLES = [
    (
        "ai-openness candidates",
        "every sentence the sweep lists (an open/closed cue, or an actor with a verb and a model term) "
        "that no stance quotes and no set-aside explains",
    ),
    ("ai-openness candidates --format json", "the same, for programs"),
    (
        "ai-openness candidates --score",
        "the sweep's precision and recall against the labelled sentences of codings/reliability/",
    ),
]
# A JSON report names at most this many passages, each cut to PASSAGE_CHARACTERS: a long
# article with thousands of unexplained sentences (or one without punctuation, one sentence
# of megabytes) must not print hundreds of megabytes. The counts are always complete.
JSON_PASSAGES = 500
PASSAGE_CHARACTERS = 300


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--score",
        action="store_true",
        help="print the sweep's precision and recall against the labelled sentences "
        "(codings/reliability/; exit 1 if a labelled sentence is not listed)",
    )


def run(args: argparse.Namespace, out: Output) -> int:
    from ai_openness.compile.candidates import SET_ASIDE, sweep

    root = root_of(args.root)
    if args.score:
        return _score(root, out)
    with out.status("Finding the sentences that may carry a stance…"):
        results = sweep(root)
    unexplained = [passage for result in results for passage in result.unexplained]
    code = 1 if unexplained else 0
    if out.fmt == "json":
        problems = [
            Problem(
                f"sources/articles/{p.source_id}.txt",
                None,
                None,
                f"characters {p.start}-{p.end}: no stance quotes this sentence and {SET_ASIDE} does not set it aside",
                value=shorten(p.text, PASSAGE_CHARACTERS),
                fix=f"code it as a stance (docs/codebook.md) or set it aside with a reason in {SET_ASIDE}",
            )
            for p in unexplained[:JSON_PASSAGES]
        ]
        data = {
            "unexplained": len(unexplained),
            "left_out": max(0, len(unexplained) - JSON_PASSAGES),
            "sources": [_counts(r) for r in results],
        }
        return report(out, code, data, problems)
    out = Output(out.fmt, out.quiet and not unexplained)  # what is left to explain prints even with --quiet
    out.table(
        "Sentences the sweep lists in the stored sources",
        [
            "source",
            ("with cue", "right"),
            ("actor", "right"),
            ("paragraph", "right"),
            ("quoted", "right"),
            ("set aside", "right"),
            ("unexplained", "right"),
        ],
        [
            (r.source_id, r.with_cue, r.by_actor, r.by_paragraph, r.quoted, r.set_aside, len(r.unexplained))
            for r in results
        ],
    )
    for passage in unexplained:
        out.line(f"  {passage.source_id} [{passage.start}:{passage.end}] {passage.text}")
    if unexplained:
        out.line(
            f"{len(unexplained)} passage(s) unexplained: code each as a stance (docs/codebook.md) or set it "
            f"aside with a reason in {SET_ASIDE}."
        )
    return code


def _counts(result: SourceSweep) -> dict[str, object]:
    return {
        "source_id": result.source_id,
        "with_cue": result.with_cue,
        "by_actor": result.by_actor,
        "by_paragraph": result.by_paragraph,
        "quoted": result.quoted,
        "set_aside": result.set_aside,
        "unexplained": len(result.unexplained),
    }


def _score(root: Path, out: Output) -> int:
    from ai_openness.compile.candidates import sweep
    from ai_openness.views.reliability import LABELS, read_labels, sentence_rows, sweep_score

    with out.status("Scoring the sweep against the labelled sentences…"):
        results = sweep(root, strict=False)
        rows = sentence_rows(root)
        try:
            score = sweep_score(rows, {(r.source_id, s) for r in results for s, _ in r.listed}, read_labels(root))
        except (OSError, ValueError) as exc:
            raise BuildFailed([Problem(LABELS, None, None, str(exc))]) from None
    code = 1 if score.missed else 0
    if out.fmt == "json":
        data = {
            "labels": LABELS,
            "sentences": score.sentences,
            "labelled": score.labelled,
            "listed": score.listed,
            "found": score.found,
            "precision": round(score.precision, 4),
            "recall": round(score.recall, 4),
            "missed": [r["sentence_id"] for r in score.missed[:JSON_PASSAGES]],
            "unlabelled_sources": score.unlabelled_sources,
        }
        return report(out, code, data)
    out.line(
        f"Sweep against {LABELS}: {score.sentences} content sentences, {score.labelled} labelled as carrying "
        f"a stance, {score.listed} listed, {score.found} of them labelled."
    )
    out.line(f"precision {score.precision:.1%} ({score.found}/{score.listed})")
    out.line(f"recall {score.recall:.1%} ({score.found}/{score.labelled})")
    for row in score.missed:
        out.line(f"  missed {row['sentence_id']} {shorten(row['text'], PASSAGE_CHARACTERS)}")
    if score.unlabelled_sources:
        out.line(f"Not scored, no labels yet (added since {LABELS} was made): {', '.join(score.unlabelled_sources)}")
    return code
