"""The second coding: every stance of its release coded twice, and the agreement the codebook quotes.

A second coding belongs to one release (codings/reliability/second-coding-<release>.csv):
it must cover exactly that release's stances, read from the commit CHANGELOG.md records
for the release. Stances added since are reported as not yet double-coded, never a failure:
only an independent second coder can extend the file.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("krippendorff", reason="the agreement figures need the `krippendorff` package (test extra)")

from ai_openness.publish.release import recorded_release
from ai_openness.views.reliability import agreement, releases

pytestmark = pytest.mark.data  # reads the package's own data, codings or sources

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


def _release_stances(release: str) -> str:
    """data/stances.csv as the release published it (git, at the commit CHANGELOG.md records)."""
    recorded = recorded_release(ROOT, release)
    assert recorded is not None, f"CHANGELOG.md records no release {release}, yet a second coding belongs to it"
    return subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{recorded.commit}:data/stances.csv"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _csv_rows(text: str) -> dict[str, dict]:
    return {row["stance_id"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}


@pytest.fixture(scope="module", params=releases(ROOT))
def release(request) -> str:
    return request.param


def test_the_release_of_a_second_coding_is_coded_twice_in_full(release: str):
    published = _csv_rows(_release_stances(release))
    second = _rows(ROOT / "codings" / "reliability" / f"second-coding-{release}.csv")
    assert set(second) == set(published)
    assert {row["position"] for row in second.values()} <= {"open", "closed", "mixed", "neutral"}


def test_stances_added_after_the_release_are_reported_not_failed(release: str):
    # Every current stance is either double-coded or listed as not yet double-coded; here it
    # is checked with stances of a contribution that no second coder has seen.
    current = _rows(ROOT / "data" / "stances.csv")
    text = (ROOT / "data" / "stances.csv").read_text(encoding="utf-8")
    row = next(iter(current.values()))
    added = {**row, "stance_id": "zz-added-after-the-release"}
    writer = io.StringIO(newline="")
    csv.DictWriter(writer, fieldnames=list(row), lineterminator="\n").writerow(added)
    result = agreement(ROOT, release, text + writer.getvalue())
    second = _rows(ROOT / "codings" / "reliability" / f"second-coding-{release}.csv")
    assert result.not_double_coded == sorted((set(current) - set(second)) | {"zz-added-after-the-release"})
    assert result.units == len(set(current) & set(second))
    assert "not yet double-coded" in result.text() and "zz-added-after-the-release" in result.text()


def test_agreement_matches_an_independent_computation_and_the_codebook():
    release = releases(ROOT)[-1]
    first_coding = _release_stances(release)
    result = agreement(ROOT, release, first_coding)
    stances = _csv_rows(first_coding)
    second = _rows(ROOT / "codings" / "reliability" / f"second-coding-{release}.csv")
    pairs = [(stances[s]["position"], second[s]["position"]) for s in sorted(second)]
    assert result.units == len(pairs) and result.not_double_coded == []
    assert result.position_agreed == sum(a == b for a, b in pairs)
    assert result.position_alpha == pytest.approx(_nominal_alpha(pairs), abs=1e-9)
    codebook = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    quoted = re.search(rf"{re.escape(release)}.*?alpha[^0-9]*([0-9.]+)", codebook, re.S)
    assert quoted and float(quoted.group(1)) == pytest.approx(result.position_alpha, abs=5e-4), (
        "docs/codebook.md section 10 must quote the alpha that scripts/agreement.py computes"
    )
    assert f"{result.position_agreed} of {result.units}" in codebook
    assert f"{result.date_agreed} of {result.units}" in codebook
