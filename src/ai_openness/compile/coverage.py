"""What the codings cover in each stored source, and what they may have missed.

For each source: how many aliases matched, which mentioned entities carry no stance, and
the candidate names in the article that no alias matches and `codings/excluded.yaml` does
not explain. Parts of a page marked not_content are ignored.

Candidate names come from two rules. Chinese names are the words that jieba's part-of-speech
tagger (`jieba.posseg`, its dictionary and, for words it does not know, its hidden Markov
model) tags as a person (nr, nrfg, nrt), an organisation (nt) or another proper noun (nz),
on the text folded to Simplified script. Latin-script names are runs of Latin tokens with a
capital or a digit (Sam Altman, xAI, GPT-4), less sizes and units (7B, 40 GB). Besides them,
`·`-joined transliterations and 《》 titles. A candidate that an alias of a coded entity or
licence matches, or that begins or ends with one (`Apache 2` for the coded `Apache 2.0`), is
explained.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

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
# Sizes and units after a number are not names: "7B", "40 GB", "2 K".
_UNIT = re.compile(r"(?:\d+(?:\.\d+)?\s?)?(?:[KMGT]i?B|[KMBT]|bit|GHz|MHz|nm|ms|px)", re.I)
# jieba's tags for a person (nr; nrfg, nrt: transliterated), an organisation (nt), another proper noun (nz).
NAME_TAGS = frozenset({"nr", "nrfg", "nrt", "nt", "nz"})
# jieba's dictionary tags some common words as names (明白 nr, 10,875; 普通 nz, 6,768): a word of
# the dictionary is a candidate only when it is rarer than this (the names it holds: 3 to 95).
MAX_NAME_FREQUENCY = 100
_HAN = re.compile(r"[\u4e00-\u9fff]{2,}")
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

    def to_dict(self) -> dict[str, Any]:
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


# A run of single characters that jieba's dictionary does not join into words is where a name it
# does not know hides (孙宇晨 = 孙 宇 晨): its hidden Markov model tags such a run when it is
# name-sized and made of characters the model was trained on. jieba itself runs the model on
# any run, which on a text of rare characters costs milliseconds a character.
MAX_UNKNOWN_RUN = 6


@cache
def _tagger() -> tuple[Any, dict[str, int], dict[str, Any]]:
    """jieba's part-of-speech tagger, its dictionary's word frequencies and the characters its
    Markov model knows (loaded once)."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)  # it logs the loading of its dictionary
    jieba.initialize()
    return jieba.posseg.dt, jieba.dt.FREQ, jieba.posseg.char_state_tab_P


def _phrase(word: str, frequency: dict[str, Any], tags: dict[str, Any]) -> bool:
    """A word of four or more characters made of two common words neither of which is a name
    (展望未来 = 展望 + 未来, 市场秩序): a phrase jieba's dictionary tags as a name."""

    def common(part: str) -> bool:
        return bool(frequency.get(part, 0) >= MAX_NAME_FREQUENCY and not tags.get(part, "").startswith("nr"))

    return len(word) >= 4 and any(common(word[:i]) and common(word[i:]) for i in range(1, len(word)))


def _tagged(folded: str) -> list[tuple[str, str]]:
    """(word, tag) of the whole text: the dictionary's words, and the Markov model's tags on
    each short run of single characters it knows (see MAX_UNKNOWN_RUN)."""
    tagger, frequency, known = _tagger()
    words = [(w.word, w.flag) for w in tagger.cut(folded, HMM=False)]
    run: list[tuple[str, str]] = []
    out: list[tuple[str, str]] = []

    def flush() -> None:
        text = "".join(word for word, _ in run)
        if 2 <= len(run) <= MAX_UNKNOWN_RUN and text not in frequency and all(c in known for c in text):
            out.extend((w.word, w.flag) for w in tagger.cut(text, HMM=True))
        else:
            out.extend(run)
        run.clear()

    for word, tag in words:
        if len(word) == 1 and "\u4e00" <= word <= "\u9fff":  # a single Chinese character
            run.append((word, tag))
            continue
        flush()
        out.append((word, tag))
    flush()
    return out


def chinese_names(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of each word jieba tags as a name (NAME_TAGS), in the text's own script."""
    tagger, frequency, _ = _tagger()
    found, at = [], 0
    for word, tag in _tagged(fold(text)):  # fold keeps every offset: one character for one
        start, at = at, at + len(word)
        if tag not in NAME_TAGS or not _HAN.fullmatch(word) or frequency.get(word, 0) >= MAX_NAME_FREQUENCY:
            continue
        if tag != "nt" and _phrase(word, frequency, tagger.word_tag_tab):
            continue
        found.append((start, at, text[start:at]))
    return found


def candidates(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of every candidate name in the text."""
    return list(_candidates(text))


# One process often reads the same texts again (`make` builds, validates against a rebuild
# and reports coverage in one process; the tests build the same packages many times), and
# segmenting a text is the costliest step of the coverage report (a third of a build of
# 1,000 articles). The result depends on the text alone, so it is kept, for the most
# recently asked texts only: a large package's texts are not all held.
@lru_cache(maxsize=4096)
def _candidates(text: str) -> tuple[tuple[int, int, str], ...]:
    found = chinese_names(text)
    for kind, pattern in CANDIDATE_PATTERNS.items():
        for match in pattern.finditer(text):
            group = 1 if kind == "title" else 0
            name = match.group(group)
            if kind == "latin" and not re.search(r"[A-Z0-9]", name):
                continue  # lower-case English words are not names
            if kind == "latin" and _UNIT.fullmatch(name):
                continue  # a size or a unit
            found.append((match.start(group), match.end(group), name))
    return tuple(found)


def _normal(name: str) -> str:
    """A name compared without case, spaces, punctuation, the word licence and trailing `.0`s
    of a version: "Apache 2", "Apache-2.0" and "Apache License 2.0" are one name."""
    name = re.sub(r"\blicen[cs]e\b", "", fold(name))
    name = re.sub(r"(\d)(?:\.0)+\b", r"\1", name)
    return re.sub(r"[\W_]+", "", name)


def _explained_by(names: set[str]) -> Callable[[str], bool]:
    """Whether a candidate is a coded name (an alias or a licence id, compared by _normal), or
    begins with one followed by a space or a hyphen ("GPT-4 Turbo" begins with "GPT-4")."""
    normal = {_normal(n) for n in names} - {""}
    folded = {fold(n) for n in names}

    def explained(name: str) -> bool:
        text = fold(name)
        return _normal(name) in normal or any(
            text.startswith(alias) and text[len(alias) : len(alias) + 1] in (" ", "-") for alias in folded
        )

    return explained


def coverage(root: Path) -> Coverage:
    return summarise(*collect(root))


def _columns(table: Any) -> Iterator[tuple[Any, ...]]:
    """(source_id, entity_type, entity_id, start, end) of each mention in the sources'
    content, from the Arrow columns the build holds the mentions in."""
    names = ("source_id", "entity_type", "entity_id", "start", "end")
    content = table.filter(table["in_content"])
    return zip(*(content[n].to_pylist() for n in names))


class _Spans:
    """Spans [start, end) that answer "does any overlap this one?" in logarithmic time: the
    question is asked for every candidate sentence, and a text can hold millions of spans."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.reach = list(itertools.accumulate((e for _, e in ordered), max))  # furthest end so far

    def overlap(self, start: int, end: int) -> bool:
        before = bisect.bisect_left(self.starts, end)  # the spans that start before `end`
        return before > 0 and self.reach[before - 1] > start


def summarise(tables: dict[str, Any], inputs: Inputs) -> Coverage:
    excluded = {fold(str(r.values.get("name", ""))) for r in inputs.excluded}
    # Every coded name explains a candidate: the aliases (licences' too) and the licence ids.
    coded = _explained_by({str(r["alias"]) for r in tables["aliases"]} | {r["licence_id"] for r in tables["licences"]})
    with_stance: dict[str, set[tuple[str, str]]] = {}
    for stance in tables["stances"]:
        refs = {(kind, stance[col]) for col, kind in _ENTITY_COLUMNS.items() if stance.get(col)}
        with_stance.setdefault(stance["source_id"], set()).update(refs)
    stance_counts = Counter(s["source_id"] for s in tables["stances"] if not s.get("repeats"))
    second_reports = Counter(s["source_id"] for s in tables["stances"] if s.get("repeats"))
    mentioned_anywhere: set[tuple[str, str]] = set()
    report = []
    # Each source's mentions, gathered in one pass: scanning every mention for every source
    # grew with sources × mentions (40 s at 1,000 articles, and a hundred times that at 10,000).
    by_source: dict[str, list[tuple[Any, ...]]] = {}
    for source_id, *mention in _columns(tables["mentions"]):
        by_source.setdefault(source_id, []).append(tuple(mention))
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
            if spans.overlap(start, end) or coded(name):
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
    entities_coded = {("organisation", r["organisation_id"]) for r in tables["organisations"]}
    entities_coded |= {("person", r["person_id"]) for r in tables["people"]}
    entities_coded |= {("model", r["model_id"]) for r in tables["models"]}
    never = sorted(f"{t}:{i}" for t, i in entities_coded - mentioned_anywhere)
    return Coverage(report, never)
