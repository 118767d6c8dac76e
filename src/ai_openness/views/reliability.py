"""Agreement between the coding in the tables and an independent second coding.

A second coder re-codes `position` and the date of every stance from the articles and the
codebook alone, without seeing the first coding; the result is kept by hand in
`codings/reliability/second-coding-<release>.csv`. This module compares the two, so the
figures quoted in docs/codebook.md section 10 can be recomputed by anyone:

    python scripts/agreement.py            # every second coding under codings/reliability/

A second coding belongs to one release: it covers that release's stances, and only those
are compared. Stances added since are listed as not yet double-coded, which is expected
until the next second coding, never an error.

Krippendorff's alpha (nominal) is computed by the `krippendorff` package, so it can be
compared across releases and with other datasets.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

RELIABILITY_DIR = "codings/reliability"


@dataclass
class Agreement:
    release: str
    units: int
    position_agreed: int
    date_agreed: int
    position_alpha: float
    disagreements: list[tuple[str, str, str, str]]  # (stance_id, column, first, second)
    not_double_coded: list[str]  # stances of the first coding that the second does not cover (added since)

    def text(self) -> str:
        lines = [
            f"release {self.release}: {self.units} stances coded twice",
            f"  position agreed {self.position_agreed}/{self.units} "
            f"({100 * self.position_agreed / self.units:.1f}%), "
            f"Krippendorff's alpha (nominal) {self.position_alpha:.3f}",
            f"  date agreed {self.date_agreed}/{self.units} ({100 * self.date_agreed / self.units:.1f}%)",
        ]
        if self.not_double_coded:
            lines.append(
                f"  not yet double-coded (added after {self.release}): {len(self.not_double_coded)} "
                f"({', '.join(self.not_double_coded)})"
            )
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


def agreement(root: Path, release: str, first_coding: str | None = None) -> Agreement:
    """Compare the first coding with codings/reliability/second-coding-<release>.csv.

    The first coding is `first_coding` (the text of a stances.csv: the release's own, read
    from its commit by scripts/agreement.py), else data/stances.csv. Only the stances both
    cover are compared; the others of the first coding are listed as not yet double-coded.
    """
    if first_coding is None:
        first_coding = (root / "data" / "stances.csv").read_text(encoding="utf-8")
    first = {row["stance_id"]: row for row in csv.DictReader(io.StringIO(first_coding, newline=""))}
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
        sorted(first.keys() - second.keys()),
    )


def releases(root: Path) -> list[str]:
    folder = root / RELIABILITY_DIR
    return sorted(p.stem.removeprefix("second-coding-") for p in folder.glob("second-coding-*.csv"))
