"""The second coding: every stance of its release coded twice, and the agreement the codebook quotes.

A second coding belongs to one release (codings/reliability/second-coding-<release>.csv):
it must cover exactly that release's stances, read from the commit CHANGELOG.md records
for the release. Stances added since are reported as not yet double-coded, never a failure:
only an independent second coder can extend the file.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("krippendorff", reason="the agreement figures need the `krippendorff` package (test extra)")

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


def _rows(path: Path, key: str = "stance_id") -> dict[str, dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row[key]: row for row in csv.DictReader(handle)}


RELIABILITY = ROOT / "codings" / "reliability"


def test_the_release_is_coded_twice_in_full():
    release = releases(ROOT)[-1]
    first = _rows(RELIABILITY / f"first-coding-{release}.csv")
    second = _rows(RELIABILITY / f"second-coding-{release}.csv")
    examples = _rows(RELIABILITY / f"codebook-examples-{release}.csv")
    assert set(second) == set(first) == set(examples) and len(first) == 59
    for coding in (first, second):
        assert {row["position"] for row in coding.values()} <= {"open", "closed", "mixed", "neutral"}
    # The first coding is the release as published: every id is a stance now or a retired one.
    current = set(_rows(ROOT / "data" / "stances.csv"))
    retired = set(_rows(ROOT / "data" / "retired_ids.csv", "id"))
    assert set(first) <= current | retired and set(first) - current


def test_releases_are_ordered_by_number_not_as_text(tmp_path: Path):
    folder = tmp_path / "codings" / "reliability"
    folder.mkdir(parents=True)
    for release in ("0.10.0", "0.9.0", "0.3.0", "1.0.0", "0.9.12"):
        (folder / f"second-coding-{release}.csv").write_text("stance_id\n", encoding="utf-8")
    (folder / "first-coding-2.0.0.csv").write_text("stance_id\n", encoding="utf-8")  # not a second coding
    assert releases(tmp_path) == ["0.3.0", "0.9.0", "0.9.12", "0.10.0", "1.0.0"]
    (folder / "second-coding-latest.csv").write_text("stance_id\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"second-coding-latest\.csv: name the release as X\.Y\.Z"):
        releases(tmp_path)


def test_stances_added_after_the_release_are_reported_not_failed(tmp_path: Path):
    # Every current stance is either double-coded or listed as not yet double-coded; here it
    # is checked with a stance of a contribution that no second coder has seen.
    release = releases(ROOT)[-1]
    shutil.copytree(RELIABILITY, tmp_path / "codings" / "reliability")
    (tmp_path / "data").mkdir()
    current = _rows(ROOT / "data" / "stances.csv")
    text = (ROOT / "data" / "stances.csv").read_text(encoding="utf-8")
    row = next(iter(current.values()))
    writer = io.StringIO(newline="")
    csv.DictWriter(writer, fieldnames=list(row), lineterminator="\n").writerow(
        {**row, "stance_id": "zz-added-after-the-release"}
    )
    (tmp_path / "data" / "stances.csv").write_text(text + writer.getvalue(), encoding="utf-8")
    result = agreement(tmp_path, release)
    second = _rows(RELIABILITY / f"second-coding-{release}.csv")
    assert result.not_double_coded == sorted((set(current) - set(second)) | {"zz-added-after-the-release"})
    assert result.units == len(_rows(RELIABILITY / f"first-coding-{release}.csv").keys() & second.keys())
    assert "not yet double-coded" in result.text() and "zz-added-after-the-release" in result.text()


# The stances of release 0.3.0 whose dates the two coders wrote differently, read by hand
# from first-coding-0.3.0.csv and second-coding-0.3.0.csv.
DATES_APART_0_3_0 = {
    "center-for-data-innovation-2024-regulatory-complexity",
    "databricks-2023-dolly",
    "le-monde-2024-03-grok-new-tactic",
    "marc-andreessen-2024-safest-software",
    "vinod-khosla-2024-like-nuclear-weapons",
}


def test_agreement_matches_an_independent_computation_and_the_codebook():
    release = releases(ROOT)[-1]
    result = agreement(ROOT, release)
    first = _rows(RELIABILITY / f"first-coding-{release}.csv")
    second = _rows(RELIABILITY / f"second-coding-{release}.csv")
    examples = _rows(RELIABILITY / f"codebook-examples-{release}.csv")
    pairs = [(first[s]["position"], second[s]["position"]) for s in sorted(second)]
    plain = [
        (first[s]["position"], second[s]["position"]) for s in sorted(second) if examples[s]["gives_position"] == "0"
    ]
    assert result.units == len(pairs)
    assert result.position_agreed == sum(a == b for a, b in pairs)
    assert result.position_alpha == pytest.approx(_nominal_alpha(pairs), abs=1e-9)
    assert (result.plain_position_units, result.plain_position_agreed) == (len(plain), sum(a == b for a, b in plain))
    assert result.plain_position_alpha == pytest.approx(_nominal_alpha(plain), abs=1e-9)
    assert result.plain_position_units < result.units
    codebook = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    for alpha in (result.position_alpha, result.plain_position_alpha):
        assert f"{alpha:.3f}" in codebook, (
            "docs/codebook.md section 10 must quote the alphas scripts/agreement.py computes"
        )
    assert f"{result.position_agreed} of {result.units}" in codebook
    assert f"{result.plain_position_agreed} of {result.plain_position_units}" in codebook
    assert f"{result.date_agreed} of {result.units}" in codebook
    assert f"{result.plain_date_agreed} of {result.plain_date_units}" in codebook
    # The dates, by the plain rule (a disagreement is two written dates that differ) ...
    dated_apart = {s for s, column, *_ in result.disagreements if column == "date"}
    assert dated_apart == {s for s in second if first[s]["date"] != second[s]["date"]}
    assert result.date_agreed == result.units - len(dated_apart)
    plain_dates = [s for s in second if examples[s]["gives_date"] == "0"]
    assert (result.plain_date_units, result.plain_date_agreed) == (
        len(plain_dates),
        sum(first[s]["date"] == second[s]["date"] for s in plain_dates),
    )
    # ... and release 0.3.0's, whose files stay as they were made, against the list by hand.
    kept = agreement(ROOT, "0.3.0")
    assert {s for s, column, *_ in kept.disagreements if column == "date"} == DATES_APART_0_3_0
    assert (kept.units, kept.date_agreed, kept.plain_date_units, kept.plain_date_agreed) == (59, 54, 27, 22)
    # Each disagreement is adjudicated in the codebook by a rule, named with its row.
    for stance_id, _column, _first, _second in result.disagreements:
        assert stance_id in codebook


def test_the_sentences_file_is_the_sentence_rule_applied_to_the_articles():
    from ai_openness.views.reliability import SENTENCE_COLUMNS, sentence_rows

    with open(RELIABILITY / "sentences.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == SENTENCE_COLUMNS  # ids, sources, offsets, texts: no labels
        committed = list(reader)
    # The study's articles (an article added since has no sentences listed yet).
    studied = {row["source_id"] for row in committed}
    assert committed == [
        {k: str(v) for k, v in row.items()} for row in sentence_rows(ROOT) if row["source_id"] in studied
    ]
    for row in committed:  # each text is the article's, at its offsets
        text = (ROOT / "sources" / "articles" / f"{row['source_id']}.txt").read_text(encoding="utf-8")
        assert text[int(row["start"]) : int(row["end"])] == row["text"]


def test_every_sentence_is_labelled_once_and_the_sweep_lists_every_stance_bearing_one():
    from ai_openness.compile.candidates import sweep
    from ai_openness.views.reliability import LABELS

    sentences = _rows(RELIABILITY / "sentences.csv", "sentence_id")
    with open(ROOT / LABELS, encoding="utf-8", newline="") as handle:
        labels = list(csv.DictReader(handle))
    assert [row["sentence_id"] for row in labels] == list(sentences)
    assert {row["label"] for row in labels} == {"0", "1"}
    listed = {(r.source_id, start) for r in sweep(ROOT) for start, _ in r.listed}
    missed = [
        row["sentence_id"]
        for row in labels
        if row["label"] == "1"
        and (sentences[row["sentence_id"]]["source_id"], int(sentences[row["sentence_id"]]["start"])) not in listed
    ]
    assert missed == []  # recall 100%


def test_candidates_score_reports_precision_and_recall(capsys):
    import json

    from ai_openness.commands.cli import main

    assert main(["candidates", "--score", "--format", "json", "--root", str(ROOT)]) == 0
    score = json.loads(capsys.readouterr().out)
    labelled = sum(
        row["label"] == "1" for row in _rows(RELIABILITY / "unitizing-adjudicated.csv", "sentence_id").values()
    )
    assert score["labelled"] == labelled and score["recall"] == 1.0 and score["missed"] == []
    assert score["precision"] == pytest.approx(labelled / score["listed"], abs=1e-4)
    assert main(["candidates", "--score", "--root", str(ROOT)]) == 0
    assert "recall 100.0%" in capsys.readouterr().out


def test_unitizing_agreement_on_hand_made_labels(tmp_path):
    from ai_openness.views.reliability import unitizing

    folder = tmp_path / "codings" / "reliability"
    folder.mkdir(parents=True)
    (folder / "sentences.csv").write_text(
        "sentence_id,source_id,start,end,text\n"
        "000-001,000_a,0,2,x\n000-002,000_a,2,4,x\n000-003,000_a,4,6,x\n000-004,000_a,6,8,x\n"
        "001-001,001_b,0,2,x\n001-002,001_b,2,4,x\n",
        encoding="utf-8",
    )
    (folder / "unitizing-first-reader.csv").write_text(
        "sentence_id,label,note\n000-001,1,\n000-002,0,\n000-003,1,\n000-004,0,\n001-001,1,\n001-002,0,\n",
        encoding="utf-8",
    )
    assert unitizing(tmp_path) is None  # no second reader yet
    # The second reader labelled article 000 only, and differs on 000-003.
    (folder / "unitizing-second-reader.csv").write_text(
        "sentence_id,label\n000-001,1\n000-002,0\n000-003,0\n000-004,0\n", encoding="utf-8"
    )
    result = unitizing(tmp_path)
    assert (result.sentences, result.agreed, result.first_ones, result.second_ones) == (4, 3, 2, 1)
    assert result.disagreements == [("000-003", "1", "0")]
    assert result.alpha == pytest.approx(_nominal_alpha([("1", "1"), ("0", "0"), ("1", "0"), ("0", "0")]))
    # By hand: 8 values, three 1s and five 0s; one pair differs, 2 of the 8 coincidences:
    # observed disagreement 2/8, expected 2*3*5/(8*7).
    assert result.alpha == pytest.approx(1 - (2 / 8) / (30 / 56))
    assert [(s, n, a) for s, n, a, _ in result.by_source] == [("000_a", 4, 3)]


def test_the_readers_agreement_is_recomputed_and_quoted_in_the_codebook():
    from ai_openness.views.reliability import unitizing

    result = unitizing(ROOT)
    first = _rows(RELIABILITY / "unitizing-first-reader.csv", "sentence_id")
    second = _rows(RELIABILITY / "unitizing-second-reader.csv", "sentence_id")
    examples = _rows(RELIABILITY / "unitizing-codebook-examples.csv", "sentence_id")
    pairs = [(first[s]["label"], second[s]["label"]) for s in first if s in second]
    plain = [(first[s]["label"], second[s]["label"]) for s in first if s in second and s not in examples]
    assert result.sentences == len(pairs) >= 2 * 30  # at least two articles
    assert result.agreed == sum(a == b for a, b in pairs)
    assert result.alpha == pytest.approx(_nominal_alpha(pairs), abs=1e-9)
    assert (result.plain_sentences, result.plain_agreed) == (len(plain), sum(a == b for a, b in plain))
    assert result.plain_alpha == pytest.approx(_nominal_alpha(plain), abs=1e-9)
    codebook = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    assert f"{result.agreed} of {result.sentences}" in codebook and f"{result.alpha:.3f}" in codebook
    assert f"{result.plain_agreed} of {result.plain_sentences}" in codebook and f"{result.plain_alpha:.3f}" in codebook
    # Every disagreement is settled in the adjudicated labels, with the rule applied.
    adjudicated = _rows(RELIABILITY / "unitizing-adjudicated.csv", "sentence_id")
    assert list(adjudicated) == list(first)
    for sentence_id, _a, _b in result.disagreements:
        assert adjudicated[sentence_id]["note"].startswith("adjudicated") and "§" in adjudicated[sentence_id]["note"]
    changed = [s for s in first if first[s]["label"] != adjudicated[s]["label"]]
    assert set(changed) <= {s for s, _, _ in result.disagreements}


def test_an_article_added_after_the_labels_is_not_scored_and_is_named():
    from ai_openness.views.reliability import sweep_score

    rows = [
        {"sentence_id": "000-001", "source_id": "000", "start": 0, "text": "a"},
        {"sentence_id": "000-002", "source_id": "000", "start": 5, "text": "b"},
        {"sentence_id": "009-001", "source_id": "009", "start": 0, "text": "new"},
    ]
    score = sweep_score(rows, {("000", 0)}, {"000-001": 1, "000-002": 0})
    assert (score.sentences, score.labelled, score.listed, score.found) == (2, 1, 1, 1)
    assert score.unlabelled_sources == ["009"] and score.missed == []
    with pytest.raises(ValueError):  # a sentence of a labelled article without a label is still an error
        sweep_score(rows, set(), {"000-001": 1})
