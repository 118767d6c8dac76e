"""The second coding: every stance coded twice, and the agreement the codebook quotes."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("krippendorff", reason="the agreement figures need the `krippendorff` package (test extra)")

from ai_openness.views.reliability import agreement, releases

ROOT = Path(__file__).resolve().parents[1]


def _nominal_alpha(pairs: list[tuple[str, str]]) -> float:
    """Krippendorff's alpha for two coders and no missing values, from its coincidence matrix."""
    coincidences = Counter()
    for a, b in pairs:
        coincidences[(a, b)] += 1
        coincidences[(b, a)] += 1
    n = 2 * len(pairs)
    totals = Counter()
    for (a, _), count in coincidences.items():
        totals[a] += count
    observed = sum(count for (a, b), count in coincidences.items() if a != b) / n
    expected = sum(totals[a] * totals[b] for a in totals for b in totals if a != b) / (n * (n - 1))
    return 1 - observed / expected


def _rows(path: Path) -> dict[str, dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["stance_id"]: row for row in csv.DictReader(handle)}


def test_the_current_release_is_coded_twice_in_full():
    stances = _rows(ROOT / "data" / "stances.csv")
    second = _rows(ROOT / "codings" / "reliability" / f"second-coding-{releases(ROOT)[-1]}.csv")
    assert set(second) == set(stances)
    assert {row["position"] for row in second.values()} <= {"open", "closed", "mixed", "neutral"}


def test_agreement_matches_an_independent_computation_and_the_codebook():
    release = releases(ROOT)[-1]
    result = agreement(ROOT, release)
    stances = _rows(ROOT / "data" / "stances.csv")
    second = _rows(ROOT / "codings" / "reliability" / f"second-coding-{release}.csv")
    pairs = [(stances[s]["position"], second[s]["position"]) for s in sorted(second)]
    assert result.units == len(pairs)
    assert result.position_agreed == sum(a == b for a, b in pairs)
    assert result.position_alpha == pytest.approx(_nominal_alpha(pairs), abs=1e-9)
    codebook = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    quoted = re.search(rf"{re.escape(release)}.*?alpha[^0-9]*([0-9.]+)", codebook, re.S)
    assert quoted and float(quoted.group(1)) == pytest.approx(result.position_alpha, abs=5e-4), (
        "docs/codebook.md section 10 must quote the alpha that scripts/agreement.py computes"
    )
    assert f"{result.position_agreed} of {result.units}" in codebook
    assert f"{result.date_agreed} of {result.units}" in codebook
