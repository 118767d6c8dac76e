"""Dates as intervals, one actor per stance, and the position_changes table.

The oracles here read data/stances.csv with the csv module and compute last days with
the calendar module, sharing no code with the build.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import json
import shutil
from itertools import groupby, pairwise
from pathlib import Path

import pytest

from ai_openness.commands.cli import main
from ai_openness.compile.changes import position_changes
from ai_openness.core.dates import expected_end, last_day, partial_date
from conftest import ROOT

pytestmark = pytest.mark.data  # reads the package's own data, codings or sources


def _csv(root: Path, name: str) -> list[dict]:
    with open(root / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _oracle_end(first: str, precision: str) -> str:
    year, month, _day = map(int, first.split("-"))
    if precision == "year":
        return f"{year:04d}-12-31"
    if precision == "month":
        return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    return first


@pytest.mark.parametrize(
    "written, first, end",
    [
        ("2024", "2024-01-01", "2024-12-31"),
        ("2024-05", "2024-05-01", "2024-05-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),  # leap year
        ("2023-02", "2023-02-01", "2023-02-28"),
        ("1900-02", "1900-02-01", "1900-02-28"),  # not a leap year
        ("2024-04", "2024-04-01", "2024-04-30"),
        ("2023-03-14", "2023-03-14", "2023-03-14"),
    ],
)
def test_a_written_date_is_an_interval(written, first, end):
    date, precision = partial_date(written)
    assert (date.isoformat(), last_day(date, precision).isoformat()) == (first, end)


def test_the_published_ends_are_the_last_possible_days():
    for table, column in (("stances", "date"), ("models", "released")):
        rows = _csv(ROOT, table)
        header = list(rows[0])
        assert header.index(f"{column}_end") == header.index(column) + 1
        for row in rows:
            if row[column]:
                assert row[f"{column}_end"] == _oracle_end(row[column], row[f"{column}_precision"]), row
            else:
                assert row[f"{column}_end"] == "" and row[f"{column}_precision"] == ""
    years = [r for r in _csv(ROOT, "stances") if r["date_precision"] == "year"]
    assert years and all(r["date_end"].endswith("-12-31") for r in years)


def test_expected_end_judges_published_cells():
    assert expected_end("2024-05-01", "month", "2024-05-31") is None
    assert expected_end("2024-05-01", "month", "2024-05-01") == "2024-05-31"
    assert expected_end("", "", "2024-05-31") == ""
    assert expected_end("", "", "") is None
    assert expected_end("2024-13-01", "month", "x") is None  # the date rule reports a bad date


def test_actor_is_the_person_else_the_organisation():
    rows = _csv(ROOT, "stances")
    header = list(rows[0])
    assert header[header.index("organisation_id") + 1 : header.index("organisation_id") + 3] == [
        "actor_id",
        "actor_type",
    ]
    for row in rows:
        if row["person_id"]:
            assert (row["actor_id"], row["actor_type"]) == (row["person_id"], "person")
        else:
            assert (row["actor_id"], row["actor_type"]) == (row["organisation_id"], "organisation")
    assert {r["actor_type"] for r in rows} == {"person", "organisation"}


def _oracle_changes(stances: list[dict]) -> list[tuple]:
    """Changes computed from the CSV text alone: ISO dates compare as strings."""
    dated = []
    for s in stances:
        if not s["date"]:
            continue
        actor = ("person", s["person_id"]) if s["person_id"] else ("organisation", s["organisation_id"])
        dated.append((actor, s["date"], _oracle_end(s["date"], s["date_precision"]), s["stance_id"], s["position"]))
    dated.sort()
    changes = []
    for actor, own in groupby(dated, key=lambda d: d[0]):
        own = list(own)
        for a, b in pairwise(own):
            if a[2] < b[1] and a[4] != b[4]:
                changes.append((*actor, a[3], a[1], a[4], b[3], b[1], b[4]))
    return sorted(changes, key=lambda c: (c[2], c[5]))


def test_position_changes_match_an_oracle_from_stances_csv():
    published = [tuple(r.values()) for r in _csv(ROOT, "position_changes")]
    assert published == _oracle_changes(_csv(ROOT, "stances"))
    assert published  # the real package has some
    # Mistral AI released open weights in 2023 and went closed with Microsoft in February 2024.
    assert (
        "organisation",
        "mistral-ai",
        "mistral-ai-2023-open-weights",
        "2023-01-01",
        "open",
        "mistral-ai-2024-02-paid-closed-with-microsoft",
        "2024-02-01",
        "closed",
    ) in published


def test_the_readme_query_names_the_organisations_that_changed_position():
    import ai_openness

    changes = ai_openness.load("position_changes")
    organisations = changes[changes.actor_type == "organisation"]
    answer = organisations[["actor_id", "from_date", "from_position", "to_date", "to_position"]]
    expected = [
        (c[1], c[3], c[4], c[6], c[7]) for c in _oracle_changes(_csv(ROOT, "stances")) if c[0] == "organisation"
    ]
    got = [
        (r.actor_id, r.from_date.date().isoformat(), r.from_position, r.to_date.date().isoformat(), r.to_position)
        for r in answer.itertuples()
    ]
    assert sorted(got) == sorted(expected) and expected
    assert 'organisations[["actor_id", "from_date"' in (ROOT / "README.md").read_text(encoding="utf-8")


def _stance(stance_id, actor, date, end, position):
    return {
        "stance_id": stance_id,
        "actor_type": "organisation",
        "actor_id": actor,
        "date": dt.date.fromisoformat(date) if date else None,
        "date_end": dt.date.fromisoformat(end) if end else None,
        "position": position,
    }


def test_only_pairs_of_certain_order_count():
    rows = position_changes(
        [
            _stance("a-2023", "a", "2023-01-01", "2023-12-31", "open"),  # a year
            _stance("a-2023-06-01", "a", "2023-06-01", "2023-06-01", "closed"),  # a day in it: order unknown
            _stance("a-2024-02", "a", "2024-02-01", "2024-02-29", "open"),
            _stance("a-undated", "a", None, None, "mixed"),  # undated: never in a pair
            _stance("b-2023-03", "b", "2023-03-01", "2023-03-31", "open"),
            _stance("b-2023-03-31", "b", "2023-03-31", "2023-03-31", "closed"),  # the month's last day: overlap
            _stance("c-2023", "c", "2023-01-01", "2023-12-31", "open"),
            _stance("c-2024", "c", "2024-01-01", "2024-12-31", "open"),  # same position: no change
        ]
    )
    assert [(r["from_stance_id"], r["to_stance_id"]) for r in rows] == [("a-2023-06-01", "a-2024-02")]


def _build_fails_with(root: Path, capsys, words: str) -> str:
    capsys.readouterr()
    assert main(["build", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("column", ["date_end", "date_precision", "actor_id", "actor_type"])
def test_a_coding_that_writes_a_generated_stance_column_is_refused(built_mini, tmp_path, capsys, column):
    root = shutil.copytree(built_mini, tmp_path / "mini")
    path = root / "codings/stances/mini.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    date: 2023\n", f"    date: 2023\n    {column}: x\n", 1), encoding="utf-8")
    err = _build_fails_with(root, capsys, "remove it")
    assert f"codings/stances/mini.yaml:6 [{column}]" in err
    assert err.count(f"[{column}]") == 1  # said once


def test_a_model_that_writes_released_end_is_refused(built_mini, tmp_path, capsys):
    root = shutil.copytree(built_mini, tmp_path / "mini")
    path = root / "codings/models.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("  released: 2024-03\n", "  released: 2024-03\n  released_end: 2024-03-31\n", 1), encoding="utf-8"
    )
    err = _build_fails_with(root, capsys, "is computed by the build")
    assert "codings/models.yaml:5 [released_end]" in err


def test_validate_reports_a_hand_edited_date_end(built_mini, tmp_path, capsys):
    root = shutil.copytree(built_mini, tmp_path / "mini")
    path = root / "data/stances.csv"
    text = path.read_text(encoding="utf-8")
    assert ",2023-01-01,2023-12-31,year," in text
    path.write_text(text.replace(",2023-01-01,2023-12-31,year,", ",2023-01-01,2023-01-01,year,"), encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(root), "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    ends = [p for p in problems if p["field"] == "date_end" and "last day" in p["message"]]
    assert len(ends) == 1 and ends[0]["expected"] == "2023-12-31" and ends[0]["file"] == "data/stances.csv"


def test_a_date_end_after_today_is_not_a_future_date():
    """A year-precision date of this year ends on 31 December, which may lie ahead."""
    import polars as pl

    from ai_openness.checks.findings import Findings
    from ai_openness.checks.package_rules import check_dates

    typed = pl.DataFrame(
        {
            "stance_id": ["a", "b"],
            "date": [dt.date(2026, 1, 1)] * 2,
            "date_end": [dt.date(2026, 12, 31), dt.date(2026, 6, 30)],
            "date_precision": ["year"] * 2,
        }
    )
    unreliable = pl.DataFrame({c: [False, False] for c in typed.columns})
    schema = {
        "fields": [
            {"name": "stance_id", "type": "string"},
            {"name": "date", "type": "date"},
            {"name": "date_end", "type": "date"},
            {"name": "date_precision", "type": "string"},
        ]
    }
    findings = Findings()
    check_dates("data/stances.csv", schema, typed, unreliable, 1, dt.date(2026, 12, 1), findings)
    assert [(f.row, f.field, f.expected) for f in findings.found] == [(2, "date_end", "2026-12-31")]
