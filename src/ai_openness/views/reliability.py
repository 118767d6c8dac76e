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
    from ai_openness.compile.candidates import content_sentences, sentence_id
    from ai_openness.compile.collect import collect

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
