"""Agreement between two independent codings, and between two readers' unitizing.

Positions and dates: a second coder re-coded `position` and the date of every stance of a
release from the articles and the codebook alone, without seeing the first coding. Both
codings are kept as they were made, in `codings/reliability/first-coding-<release>.csv` (the
release's stances, as published) and `second-coding-<release>.csv`, so the figures quoted
in docs/codebook.md section 10 can be recomputed by anyone, from files that later
corrections of the codings do not change:

    python scripts/agreement.py            # every second coding under codings/reliability/

A second coding belongs to one release: `first-coding-<release>.csv` is that release's first
coding as published, and only the stances both cover are compared. Stances added since are
listed as not yet double-coded, which is expected until the next second coding, never an error.

`codebook-examples-<release>.csv` marks the stances whose position or date the codebook the
second coder read already gave (as an example); the agreement is also reported without them.

Unitizing: two readers label every content sentence of the articles (`sentences.csv`) 1 if
it carries a stance, 0 if not (codebook section 12), the second blind to the first:
`unitizing-first-reader.csv`, `unitizing-second-reader.csv`; `unitizing-adjudicated.csv`
settles their disagreements by the codebook's rules, and `unitizing-codebook-examples.csv`
marks the sentences the codebook the second reader read gives as examples.

Krippendorff's alpha (nominal) is computed by the `krippendorff` package, so it can be
compared across releases and with other datasets.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RELIABILITY_DIR = "codings/reliability"
SENTENCES = f"{RELIABILITY_DIR}/sentences.csv"
SENTENCE_COLUMNS = ("sentence_id", "source_id", "start", "end", "text")
# Which content sentences carry a stance (codebook section 12): each reader's labels, made
# apart, and the labels after adjudication, which the sweep is scored against.
FIRST_LABELS = f"{RELIABILITY_DIR}/unitizing-first-reader.csv"
SECOND_LABELS = f"{RELIABILITY_DIR}/unitizing-second-reader.csv"
LABELS = f"{RELIABILITY_DIR}/unitizing-adjudicated.csv"
# The sentences the codebook the second reader read gives as examples (quotes or describes).
SENTENCE_EXAMPLES = f"{RELIABILITY_DIR}/unitizing-codebook-examples.csv"


def _read(path: Path, key: str) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row[key]: row for row in csv.DictReader(handle)}


@dataclass
class Agreement:
    release: str
    units: int
    position_agreed: int
    date_agreed: int
    position_alpha: float
    disagreements: list[tuple[str, str, str, str]]  # (stance_id, column, first, second)
    # The same over the stances whose position (date) the codebook did not give as an example.
    plain_position_units: int = 0
    plain_position_agreed: int = 0
    plain_position_alpha: float = float("nan")
    plain_date_units: int = 0
    plain_date_agreed: int = 0
    # Stances of the package now that the second coding does not cover (added since its
    # release): expected until the next second coding, never an error.
    not_double_coded: list[str] = field(default_factory=list)

    def text(self) -> str:
        lines = [
            f"release {self.release}: {self.units} stances coded twice",
            f"  position agreed {self.position_agreed}/{self.units} "
            f"({100 * self.position_agreed / self.units:.1f}%), "
            f"Krippendorff's alpha (nominal) {self.position_alpha:.3f}",
            f"  date agreed {self.date_agreed}/{self.units} ({100 * self.date_agreed / self.units:.1f}%)",
        ]
        if self.plain_position_units:
            lines += [
                f"  without the codebook's examples: position agreed {self.plain_position_agreed}/"
                f"{self.plain_position_units}, alpha {self.plain_position_alpha:.3f}; "
                f"date agreed {self.plain_date_agreed}/{self.plain_date_units}",
            ]
        lines += [
            f"  {sid}: {column} {first or '(undated)'} vs {second or '(undated)'}"
            for sid, column, first, second in self.disagreements
        ]
        if self.not_double_coded:
            lines.append(
                f"  not yet double-coded (added after {self.release}): {len(self.not_double_coded)} "
                f"({', '.join(self.not_double_coded)})"
            )
        return "\n".join(lines)


def written_date(date: str, precision: str) -> str:
    """A date as a coder writes it: YYYY, YYYY-MM or YYYY-MM-DD by its precision."""
    if not date:
        return ""
    return {"year": date[:4], "month": date[:7]}.get(precision, date)


def nominal_alpha(pairs: list[tuple[str, str]]) -> float:
    """Krippendorff's alpha (nominal) of two coders' values, one pair per unit."""
    import krippendorff

    categories = sorted({value for pair in pairs for value in pair})
    if len(categories) < 2:
        return float("nan")  # one value only: no variation to agree on
    data = [[categories.index(first) for first, _ in pairs], [categories.index(second) for _, second in pairs]]
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def agreement(root: Path, release: str) -> Agreement:
    """Compare first-coding-<release>.csv with second-coding-<release>.csv."""
    folder = root / RELIABILITY_DIR
    first = _read(folder / f"first-coding-{release}.csv", "stance_id")
    second = _read(folder / f"second-coding-{release}.csv", "stance_id")
    examples_path = folder / f"codebook-examples-{release}.csv"
    examples = _read(examples_path, "stance_id") if examples_path.is_file() else {}
    units = sorted(first.keys() & second.keys())
    positions = {s: (first[s]["position"], second[s]["position"]) for s in units}
    dates = {s: (first[s]["date"], second[s]["date"]) for s in units}
    disagreements = [(s, "position", a, b) for s, (a, b) in positions.items() if a != b]
    disagreements += [(s, "date", a, b) for s, (a, b) in dates.items() if a != b]
    plain_positions = [positions[s] for s in units if examples.get(s, {}).get("gives_position") != "1"]
    plain_dates = [dates[s] for s in units if examples.get(s, {}).get("gives_date") != "1"]
    current = _read(root / "data" / "stances.csv", "stance_id") if (root / "data" / "stances.csv").is_file() else {}
    return Agreement(
        release,
        len(units),
        sum(a == b for a, b in positions.values()),
        sum(a == b for a, b in dates.values()),
        nominal_alpha(list(positions.values())),
        sorted(disagreements),
        plain_position_units=len(plain_positions) if examples else 0,
        plain_position_agreed=sum(a == b for a, b in plain_positions),
        plain_position_alpha=nominal_alpha(plain_positions),
        plain_date_units=len(plain_dates),
        plain_date_agreed=sum(a == b for a, b in plain_dates),
        not_double_coded=sorted(current.keys() - second.keys()),
    )


@dataclass
class Unitizing:
    """Two readers' labels of the same content sentences (1: carries a stance)."""

    sentences: int
    agreed: int
    alpha: float
    first_ones: int
    second_ones: int
    by_source: list[tuple[str, int, int, float]] = field(default_factory=list)  # (source, n, agreed, alpha)
    disagreements: list[tuple[str, str, str]] = field(default_factory=list)  # (sentence_id, first, second)
    # The same over the sentences the codebook does not give as examples.
    plain_sentences: int = 0
    plain_agreed: int = 0
    plain_alpha: float = float("nan")

    def text(self) -> str:
        lines = [
            f"unitizing: {self.sentences} content sentences labelled by both readers (1 = carries a stance)",
            f"  agreed {self.agreed}/{self.sentences} ({100 * self.agreed / self.sentences:.1f}%), "
            f"Krippendorff's alpha (nominal) {self.alpha:.3f}; labelled 1: first reader {self.first_ones}, "
            f"second reader {self.second_ones}",
        ]
        if self.plain_sentences:
            lines.append(
                f"  without the codebook's example sentences: agreed {self.plain_agreed}/{self.plain_sentences}, "
                f"alpha {self.plain_alpha:.3f}"
            )
        lines += [f"  {source}: agreed {a}/{n}, alpha {alpha:.3f}" for source, n, a, alpha in self.by_source]
        lines += [f"  {sid}: first {a}, second {b}" for sid, a, b in self.disagreements]
        return "\n".join(lines)


def unitizing(root: Path, first: str = FIRST_LABELS, second: str = SECOND_LABELS) -> Unitizing | None:
    """The readers' agreement over the sentences both labelled; None until the second reader's labels exist."""
    if not (root / second).is_file():
        return None
    sentences = _read(root / SENTENCES, "sentence_id")
    a, b = _read(root / first, "sentence_id"), _read(root / second, "sentence_id")
    for rel, labels in ((first, a), (second, b)):
        unknown = sorted(set(labels) - set(sentences))
        bad = sorted(s for s, row in labels.items() if row["label"] not in ("0", "1"))
        if unknown or bad:
            raise ValueError(f"{rel}: unknown sentence id(s) {unknown[:3]}, labels not 0 or 1 for {bad[:3]}")
    both = [s for s in sentences if s in a and s in b]
    pairs = {s: (a[s]["label"], b[s]["label"]) for s in both}
    by_source = []
    for source in sorted({sentences[s]["source_id"] for s in both}):
        own = [pairs[s] for s in both if sentences[s]["source_id"] == source]
        by_source.append((source, len(own), sum(x == y for x, y in own), nominal_alpha(own)))
    examples = _read(root / SENTENCE_EXAMPLES, "sentence_id") if (root / SENTENCE_EXAMPLES).is_file() else {}
    plain = [pairs[s] for s in both if s not in examples]
    return Unitizing(
        plain_sentences=len(plain) if examples else 0,
        plain_agreed=sum(x == y for x, y in plain),
        plain_alpha=nominal_alpha(plain),
        sentences=len(both),
        agreed=sum(x == y for x, y in pairs.values()),
        alpha=nominal_alpha(list(pairs.values())),
        first_ones=sum(x == "1" for x, _ in pairs.values()),
        second_ones=sum(y == "1" for _, y in pairs.values()),
        by_source=by_source,
        disagreements=[(s, x, y) for s, (x, y) in pairs.items() if x != y],
    )


def releases(root: Path) -> list[str]:
    """The releases that have a second coding, oldest first (by number: 0.9.0 before 0.10.0)."""
    found = [p.stem.removeprefix("second-coding-") for p in (root / RELIABILITY_DIR).glob("second-coding-*.csv")]
    for release in found:
        parts = release.split(".")
        if len(parts) != 3 or not all(part.isdigit() for part in parts):
            raise ValueError(f"{RELIABILITY_DIR}/second-coding-{release}.csv: name the release as X.Y.Z")
    return sorted(found, key=lambda release: tuple(int(part) for part in release.split(".")))


def sentence_rows(root: Path) -> list[dict[str, Any]]:
    """Every content sentence of the stored articles, as the sweep splits them: no labels.

    Read by the readers who label which sentences carry a stance (codebook section 12);
    `python scripts/sentences.py` writes them to codings/reliability/sentences.csv.
    """
    from ai_openness.compile.collect import collect
    from ai_openness.compile.sentences import content_sentences, sentence_id

    _tables, inputs = collect(root)
    rows = []
    for source_id, text in sorted(inputs.texts.items()):
        spans = content_sentences(text, inputs.not_content.get(source_id, []))
        for number, (start, end) in enumerate(spans, 1):
            rows.append(
                {
                    "sentence_id": sentence_id(source_id, number),
                    "source_id": source_id,
                    "start": start,
                    "end": end,
                    "text": text[start:end],
                }
            )
    return rows


def sentences_csv(rows: list[dict[str, Any]]) -> str:
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, SENTENCE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@dataclass
class SweepScore:
    """How well the sweep's listing finds the sentences labelled as carrying a stance."""

    sentences: int
    labelled: int  # sentences labelled 1
    listed: int
    found: int  # listed and labelled 1
    missed: list[dict[str, Any]]  # labelled 1, not listed: sentence rows
    unlabelled_sources: list[str] = field(default_factory=list)  # articles added since the labels were made

    @property
    def precision(self) -> float:
        return self.found / self.listed if self.listed else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0


def read_labels(root: Path, rel: str = LABELS) -> dict[str, int]:
    """sentence_id -> 0 or 1, from a label file (sentence_id,label[,note])."""
    with open(root / rel, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    labels = {}
    for number, row in enumerate(rows, 2):
        if row.get("label") not in ("0", "1"):
            raise ValueError(f"{rel}:{number}: label must be 0 or 1, not {row.get('label')!r}")
        labels[row["sentence_id"]] = int(row["label"])
    return labels


def sweep_score(rows: list[dict[str, Any]], listed: set[tuple[str, int]], labels: dict[str, int]) -> SweepScore:
    """Score the sweep: `rows` are the content sentences (sentence_rows), `listed` the
    (source_id, start) of each sentence the sweep lists, `labels` the labels by sentence id.

    Only the articles the labels cover are scored: an article added since they were made has
    no labels yet, which is expected (and counted in `unlabelled_sources`), never an error."""
    labelled_sources = {r["source_id"] for r in rows if r["sentence_id"] in labels}
    unlabelled_sources = sorted({r["source_id"] for r in rows} - labelled_sources)
    rows = [r for r in rows if r["source_id"] in labelled_sources]
    unknown = sorted(set(labels) - {r["sentence_id"] for r in rows})
    unlabelled = sorted({r["sentence_id"] for r in rows} - set(labels))
    if unknown or unlabelled:
        raise ValueError(
            f"the labels do not match the sentences: {len(unknown)} unknown id(s) {unknown[:3]}, "
            f"{len(unlabelled)} sentence(s) without a label {unlabelled[:3]}; "
            f"label the sentences of {SENTENCES} as they are now"
        )
    hit = [(r, (r["source_id"], r["start"]) in listed) for r in rows]
    return SweepScore(
        sentences=len(rows),
        labelled=sum(labels.values()),
        listed=sum(is_listed for _, is_listed in hit),
        found=sum(is_listed and labels[r["sentence_id"]] for r, is_listed in hit),
        missed=[r for r, is_listed in hit if labels[r["sentence_id"]] and not is_listed],
        unlabelled_sources=unlabelled_sources,
    )
