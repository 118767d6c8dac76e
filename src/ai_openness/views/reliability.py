"""Agreement between the coding in the tables and an independent second coding.

A second coder re-codes `position` and the date of every stance from the articles and the
codebook alone, without seeing the first coding; the result is kept by hand in
`codings/reliability/second-coding-<release>.csv`. This module compares the two, so the
figures quoted in docs/codebook.md section 10 can be recomputed by anyone:

    python scripts/agreement.py            # every second coding under codings/reliability/

Krippendorff's alpha (nominal) is computed by the `krippendorff` package, so it can be
compared across releases and with other datasets.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

RELIABILITY_DIR = "codings/reliability"
SENTENCES = f"{RELIABILITY_DIR}/sentences.csv"
# The labels the sweep is scored against: which content sentences carry a stance (codebook
# section 12), as the first reader labelled them before seeing any other reader's labels.
LABELS = f"{RELIABILITY_DIR}/unitizing-first-reader.csv"
SENTENCE_COLUMNS = ("sentence_id", "source_id", "start", "end", "text")


@dataclass
class Agreement:
    release: str
    units: int
    position_agreed: int
    date_agreed: int
    position_alpha: float
    disagreements: list[tuple[str, str, str, str]]  # (stance_id, column, first, second)

    def text(self) -> str:
        lines = [
            f"release {self.release}: {self.units} stances coded twice",
            f"  position agreed {self.position_agreed}/{self.units} "
            f"({100 * self.position_agreed / self.units:.1f}%), "
            f"Krippendorff's alpha (nominal) {self.position_alpha:.3f}",
            f"  date agreed {self.date_agreed}/{self.units} ({100 * self.date_agreed / self.units:.1f}%)",
        ]
        lines += [
            f"  {sid}: {column} {first or '(undated)'} vs {second or '(undated)'}"
            for sid, column, first, second in self.disagreements
        ]
        return "\n".join(lines)


def written_date(date: str, precision: str) -> str:
    """A date as a coder writes it: YYYY, YYYY-MM or YYYY-MM-DD by its precision."""
    if not date:
        return ""
    return {"year": date[:4], "month": date[:7]}.get(precision, date)


def _alpha(pairs: list[tuple[str, str]]) -> float:
    import krippendorff

    categories = sorted({value for pair in pairs for value in pair})
    data = [[categories.index(first) for first, _ in pairs], [categories.index(second) for _, second in pairs]]
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def agreement(root: Path, release: str) -> Agreement:
    """Compare data/stances.csv with codings/reliability/second-coding-<release>.csv."""
    with open(root / "data" / "stances.csv", encoding="utf-8", newline="") as handle:
        first = {row["stance_id"]: row for row in csv.DictReader(handle)}
    path = root / RELIABILITY_DIR / f"second-coding-{release}.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        second = {row["stance_id"]: row for row in csv.DictReader(handle)}
    units = sorted(first.keys() & second.keys())
    positions = [(first[s]["position"], second[s]["position"]) for s in units]
    dates = [(written_date(first[s]["date"], first[s]["date_precision"]), second[s]["date"]) for s in units]
    disagreements = [(s, "position", a, b) for s, (a, b) in zip(units, positions) if a != b]
    disagreements += [(s, "date", a, b) for s, (a, b) in zip(units, dates) if a != b]
    return Agreement(
        release,
        len(units),
        sum(a == b for a, b in positions),
        sum(a == b for a, b in dates),
        _alpha(positions),
        sorted(disagreements),
    )


def releases(root: Path) -> list[str]:
    folder = root / RELIABILITY_DIR
    return sorted(p.stem.removeprefix("second-coding-") for p in folder.glob("second-coding-*.csv"))


def sentence_rows(root: Path) -> list[dict]:
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


def sentences_csv(rows: list[dict]) -> str:
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
    missed: list[dict]  # labelled 1, not listed: sentence rows

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


def sweep_score(rows: list[dict], listed: set[tuple[str, int]], labels: dict[str, int]) -> SweepScore:
    """Score the sweep: `rows` are the content sentences (sentence_rows), `listed` the
    (source_id, start) of each sentence the sweep lists, `labels` the labels by sentence id."""
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
    )
