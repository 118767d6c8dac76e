"""What the codings cover in each stored source, and what they may have missed.

For each source: how many aliases matched, which mentioned entities carry no stance, and
the candidate names in the article (Latin-script names, model-like names, `·`-joined
transliterations, 《》 titles) that no alias matches and `codings/excluded.yaml` does not
explain. Parts of a page marked not_content are ignored.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ai_openness.compile.collect import collect
from ai_openness.compile.inputs import Inputs
from ai_openness.core.script import fold

_LATIN_TOKEN = r"[A-Za-z][A-Za-z0-9]*(?:[-.’'·][A-Za-z0-9]+)*"
CANDIDATE_PATTERNS = {
    # Runs of Latin tokens with a capital or a digit: Sam Altman, xAI, GPT-4, Llama 2.
    "latin": re.compile(rf"{_LATIN_TOKEN}(?: (?:{_LATIN_TOKEN}|\d+[A-Za-z]?))*"),
    # Transliterated foreign names are joined with a middle dot: 埃隆·马斯克.
    "transliteration": re.compile(r"[\u4e00-\u9fff]{1,6}[·・][\u4e00-\u9fff]{1,8}"),
    # Titles of outlets, laws and reports: 《环球时报》.
    "title": re.compile(r"《([^《》]{1,30})》"),
}
_ENTITY_COLUMNS = {
    "person_id": "person",
    "organisation_id": "organisation",
    "target_organisation_id": "organisation",
    "target_model_id": "model",
    "reported_by_id": "organisation",
}


@dataclass
class SourceCoverage:
    source_id: str
    mentions: int = 0
    entities_mentioned: int = 0
    stances: int = 0  # statements and actions: a second report of one (repeats set) is not counted
    second_reports: int = 0
    mentioned_without_stance: list[str] = field(default_factory=list)
    unexplained_candidates: list[str] = field(default_factory=list)
    excluded_candidates: int = 0


@dataclass
class Coverage:
    sources: list[SourceCoverage]
    never_mentioned: list[str]

    def to_dict(self) -> dict:
        return {"sources": [vars(s) for s in self.sources], "never_mentioned": self.never_mentioned}

    def text(self) -> str:
        lines = [
            "Coverage of the stored sources:",
            f"  {'source':<22} {'mentions':>8} {'entities':>8} {'stances':>7} {'no stance':>9} {'unexplained':>11}",
        ]
        for s in self.sources:
            lines.append(
                f"  {s.source_id:<22} {s.mentions:>8} {s.entities_mentioned:>8} {s.stances:>7} "
                f"{len(s.mentioned_without_stance):>9} {len(s.unexplained_candidates):>11}"
            )
        for s in self.sources:
            if s.mentioned_without_stance:
                lines.append(f"  {s.source_id}: mentioned, no stance here: {', '.join(s.mentioned_without_stance)}")
        repeated = [f"{s.source_id} ({s.second_reports})" for s in self.sources if s.second_reports]
        if repeated:
            lines.append(
                "  stances are statements and actions; second reports of one coded from another source "
                f"(repeats) are not counted: {', '.join(repeated)}"
            )
        for s in self.sources:
            if s.unexplained_candidates:
                lines.append(f"  {s.source_id}: names matching no alias: {', '.join(s.unexplained_candidates)}")
        lines.append(
            f"  coded entities never mentioned in a stored source: {len(self.never_mentioned)}"
            + (f" ({', '.join(self.never_mentioned)})" if self.never_mentioned else "")
        )
        return "\n".join(lines)


def candidates(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of every candidate name in the text."""
    found = []
    for kind, pattern in CANDIDATE_PATTERNS.items():
        for match in pattern.finditer(text):
            group = 1 if kind == "title" else 0
            name = match.group(group)
            if kind == "latin" and not re.search(r"[A-Z0-9]", name):
                continue  # lower-case English words are not names
            found.append((match.start(group), match.end(group), name))
    return found


def coverage(root: Path) -> Coverage:
    return summarise(*collect(root))


def _columns(table):
    """(source_id, entity_type, entity_id, start, end) of each mention in the sources'
    content, from the Arrow columns the build holds the mentions in."""
    names = ("source_id", "entity_type", "entity_id", "start", "end")
    content = table.filter(table["in_content"])
    return zip(*(content[n].to_pylist() for n in names))


class _Spans:
    """Spans [start, end) that answer "does any overlap this one?" in logarithmic time: the
    question is asked for every candidate sentence, and a text can hold millions of spans."""

    def __init__(self, spans):
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.reach = list(itertools.accumulate((e for _, e in ordered), max))  # furthest end so far

    def overlap(self, start: int, end: int) -> bool:
        before = bisect.bisect_left(self.starts, end)  # the spans that start before `end`
        return before > 0 and self.reach[before - 1] > start


def summarise(tables: dict, inputs: Inputs) -> Coverage:
    excluded = {fold(str(r.values.get("name", ""))) for r in inputs.excluded}
    with_stance: dict[str, set[tuple[str, str]]] = {}
    for stance in tables["stances"]:
        refs = {(kind, stance[col]) for col, kind in _ENTITY_COLUMNS.items() if stance.get(col)}
        with_stance.setdefault(stance["source_id"], set()).update(refs)
    stance_counts = Counter(s["source_id"] for s in tables["stances"] if not s.get("repeats"))
    second_reports = Counter(s["source_id"] for s in tables["stances"] if s.get("repeats"))
    mentioned_anywhere = set()
    report = []
    # Each source's mentions, gathered in one pass: scanning every mention for every source
    # grew with sources × mentions (40 s at 1,000 articles, and a hundred times that at 10,000).
    by_source: dict[str, list[tuple]] = {}
    for source_id, *mention in _columns(tables["mentions"]):
        by_source.setdefault(source_id, []).append(mention)
    for source_id, text in sorted(inputs.texts.items()):
        mentions = by_source.get(source_id, [])
        entities = {(entity_type, entity_id) for entity_type, entity_id, _, _ in mentions}
        mentioned_anywhere |= entities
        spans = _Spans((start, end) for _, _, start, end in mentions)
        skipped = inputs.not_content.get(source_id, [])
        unexplained, excluded_count = [], 0
        for start, end, name in candidates(text):
            if any(s <= start and end <= e for s, e in skipped):
                continue
            if spans.overlap(start, end):
                continue
            if fold(name) in excluded:
                excluded_count += 1
                continue
            unexplained.append(name)
        report.append(
            SourceCoverage(
                source_id=source_id,
                mentions=len(mentions),
                entities_mentioned=len(entities),
                stances=stance_counts[source_id],
                second_reports=second_reports[source_id],
                mentioned_without_stance=sorted(f"{t}:{i}" for t, i in entities - with_stance.get(source_id, set())),
                unexplained_candidates=sorted(set(unexplained)),
                excluded_candidates=excluded_count,
            )
        )
    coded = {("organisation", r["organisation_id"]) for r in tables["organisations"]}
    coded |= {("person", r["person_id"]) for r in tables["people"]}
    coded |= {("model", r["model_id"]) for r in tables["models"]}
    never = sorted(f"{t}:{i}" for t, i in coded - mentioned_anywhere)
    return Coverage(report, never)
