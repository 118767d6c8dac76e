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
from pathlib import Path

import pytest

from ai_openness.commands.cli import main
from ai_openness.compile.changes import position_changes
from ai_openness.core.dates import expected_end, last_day, partial_date
from conftest import ROOT


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


SIDES = {"open", "closed", "mixed"}


def _oracle_changes(stances: list[dict]) -> list[tuple]:
    """Changes computed from the CSV text alone, by brute force over every pair (ISO dates
    compare as strings): for each counted stance, the counted stances of its actor that end
    before it begins, less those that another of them certainly follows."""
    counted = [
        {**s, "end": _oracle_end(s["date"], s["date_precision"])}
        for s in stances
        if s["date"] and s["position"] in SIDES and not s["repeats"]
    ]
    rows = []
    for level, column in (("person", "person_id"), ("organisation", "organisation_id")):
        for later in counted:
            actor = later[column]
            if not actor:
                continue
            before = [s for s in counted if s[column] == actor and s["end"] < later["date"]]
            state = [a for a in before if not any(a["end"] < b["date"] for b in before)]
            if not state:
                continue
            sides = {s["position"] for s in state}
            earlier = sides.pop() if len(sides) == 1 else "mixed"
            if earlier != later["position"]:
                ids = "; ".join(sorted(s["stance_id"] for s in state))
                rows.append((level, actor, earlier, ids, later["stance_id"], later["date"], later["position"]))
    return sorted(rows)


def _published(root: Path = ROOT) -> list[tuple]:
    return sorted(
        (r["actor_type"], r["actor_id"], r["from_position"], r["from_stance_ids"], r["to_stance_id"], r["to_date"],
         r["to_position"])
        for r in _csv(root, "position_changes")
    )  # fmt: skip


def test_position_changes_match_an_oracle_from_stances_csv():
    assert _published() == _oracle_changes(_csv(ROOT, "stances"))


def test_the_real_changes_are_there_and_no_artefacts():
    rows = {(r["actor_type"], r["actor_id"], r["to_stance_id"]): r for r in _csv(ROOT, "position_changes")}
    # OpenAI at the organisation level: open at its founding, closed in 2019, closed in March
    # 2023 (its own withholding and its chief scientist's interview), open again in 2025.
    assert rows["organisation", "openai", "openai-2019-closes-source"]["from_stance_id"] == "openai-2015-founded-open"
    turn = rows["organisation", "openai", "sam-altman-2025-wrong-side-of-history"]
    assert (turn["from_position"], turn["to_position"], turn["to_date"]) == ("closed", "open", "2025-01-01")
    assert turn["from_stance_ids"] == "ilya-sutskever-2023-03-we-were-wrong; openai-2023-03-gpt-4-details-withheld"
    stability = rows["organisation", "stability-ai", "stability-ai-2023-12-charges-commercial-use"]
    assert (stability["from_position"], stability["to_position"]) == ("open", "mixed")
    stances = {s["stance_id"]: s for s in _csv(ROOT, "stances")}
    for row in rows.values():
        for column in ("from_stance_id", "to_stance_id"):
            assert stances[row[column]]["position"] != "neutral", row
            assert not stances[row[column]]["repeats"], row
        for stance_id in row["from_stance_ids"].split("; "):
            assert stances[stance_id]["position"] != "neutral" and not stances[stance_id]["repeats"], row


def _stance(stance_id, date, end, position, person=None, organisation=None, repeats=None):
    return {
        "stance_id": stance_id,
        "person_id": person,
        "organisation_id": organisation,
        "date": dt.date.fromisoformat(date) if date else None,
        "date_end": dt.date.fromisoformat(end) if end else None,
        "position": position,
        "repeats": repeats,
    }


def _rows(stances):
    return sorted(
        (r["actor_type"], r["actor_id"], r["from_stance_id"], r["from_position"], r["from_stance_ids"], r["to_stance_id"],
         r["to_position"])
        for r in position_changes(stances)
    )  # fmt: skip


def test_same_interval_stances_of_different_sides_make_the_earlier_state_mixed():
    rows = _rows(
        [
            _stance("a-2023", "2023-01-01", "2023-12-31", "open", organisation="a"),  # a year
            _stance("a-2023-06-01", "2023-06-01", "2023-06-01", "closed", organisation="a"),  # a day in it
            _stance("a-2024-02", "2024-02-01", "2024-02-29", "open", organisation="a"),
        ]
    )
    # The year and the day overlap: no change between them, and together they are mixed.
    # The state names the stance that starts last, and lists both.
    assert rows == [
        ("organisation", "a", "a-2023-06-01", "mixed", "a-2023; a-2023-06-01", "a-2024-02", "open"),
    ]


def test_a_stance_certainly_followed_is_not_the_earlier_state():
    rows = _rows(
        [
            _stance("b-2020", "2020-01-01", "2020-12-31", "open", organisation="b"),
            _stance("b-2021-03", "2021-03-01", "2021-03-31", "closed", organisation="b"),
            _stance("b-2021-06", "2021-06-01", "2021-06-30", "open", organisation="b"),
            _stance("b-2021-03-31", "2021-03-31", "2021-03-31", "closed", organisation="b"),  # overlaps b-2021-03
        ]
    )
    assert rows == [
        ("organisation", "b", "b-2020", "open", "b-2020", "b-2021-03", "closed"),
        ("organisation", "b", "b-2020", "open", "b-2020", "b-2021-03-31", "closed"),
        ("organisation", "b", "b-2021-03-31", "closed", "b-2021-03; b-2021-03-31", "b-2021-06", "open"),
    ]


def test_neutral_stances_second_reports_and_undated_stances_never_start_or_end_a_change():
    rows = _rows(
        [
            _stance("c-2019", "2019-01-01", "2019-12-31", "open", person="c"),
            _stance("c-2020", "2020-01-01", "2020-12-31", "neutral", person="c"),
            _stance("c-2021", "2021-01-01", "2021-12-31", "closed", person="c", repeats="x-2021"),
            _stance("c-undated", None, None, "closed", person="c"),
            _stance("c-2022", "2022-01-01", "2022-12-31", "mixed", person="c"),
            _stance("d-2019", "2019-01-01", "2019-12-31", "open", person="d"),
            _stance("d-2020", "2020-01-01", "2020-12-31", "neutral", person="d"),
            _stance("d-2021", "2021-01-01", "2021-12-31", "open", person="d"),
        ]
    )
    assert rows == [("person", "c", "c-2019", "open", "c-2019", "c-2022", "mixed")]


def test_an_organisation_answers_for_the_people_who_speak_for_it():
    rows = _rows(
        [
            _stance("acme-2019-closes", "2019-01-01", "2019-12-31", "closed", organisation="acme"),
            _stance("ceo-2025-05-05-opens", "2025-05-05", "2025-05-05", "open", person="ceo", organisation="acme"),
            _stance("ceo-2025-06-personal", "2025-06-01", "2025-06-30", "closed", person="ceo"),  # own view
        ]
    )
    assert rows == [
        ("organisation", "acme", "acme-2019-closes", "closed", "acme-2019-closes", "ceo-2025-05-05-opens", "open"),
        ("person", "ceo", "ceo-2025-05-05-opens", "open", "ceo-2025-05-05-opens", "ceo-2025-06-personal", "closed"),
    ]


def test_the_rows_do_not_depend_on_the_order_of_ids():
    def stances(first, second):
        return [
            _stance("e-2024", "2024-01-01", "2024-12-31", "open", person="e"),
            _stance(first, "2025-01-10", "2025-01-10", "open", person="e"),
            _stance(second, "2025-01-10", "2025-01-10", "closed", person="e"),
            _stance("e-2025-06", "2025-06-01", "2025-06-30", "open", person="e"),
        ]

    def meaning(rows):
        return sorted((position, ids, to, to_position) for _, _, _, position, ids, to, to_position in rows)

    one, other = _rows(stances("e-a", "e-b")), _rows(stances("e-b", "e-a"))
    # The same day, two sides: only the closed one differs from 2024; after both, the state is mixed.
    assert meaning(one) == [("mixed", "e-a; e-b", "e-2025-06", "open"), ("open", "e-2024", "e-b", "closed")]
    assert meaning(other) == [("mixed", "e-a; e-b", "e-2025-06", "open"), ("open", "e-2024", "e-a", "closed")]


def test_a_chief_executives_stance_gives_the_organisation_a_change(built_mini, tmp_path, capsys):
    """A contribution adds the CEO's dated stance for an organisation whose earlier stance is
    its own: the organisation-level row appears in the built table."""
    root = shutil.copytree(built_mini, tmp_path / "mini")
    with open(root / "codings/people.yaml", "a", encoding="utf-8") as handle:
        handle.write("- person_id: sam-altman\n  name: Sam Altman\n  organisation_id: openai\n")
    with open(root / "codings/stances/mini.yaml", "a", encoding="utf-8") as handle:
        handle.write(
            "  - stance_id: sam-altman-2025-05-05-opens\n    person_id: sam-altman\n    organisation_id: openai\n"
            "    date: 2025-05-05\n    date_basis: stated\n    kind: statement\n    attribution: paraphrase\n"
            "    position: open\n    quote: 開源軟件最安全。\n    quote_en: Open-source software is the safest.\n"
        )
    assert main(["build", "--root", str(root), "--quiet"]) == 0, capsys.readouterr().err
    assert _published(root) == [
        (
            "organisation",
            "openai",
            "closed",
            "openai-2023-stays-closed",
            "sam-altman-2025-05-05-opens",
            "2025-05-05",
            "open",
        )
    ]


def test_the_readme_example_lists_openai():
    """The README's example, run as written, in a fresh interpreter."""
    import re
    import subprocess
    import sys

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Who held which position, when") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert 'actor_type == "organisation"' in code
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    lines = [line.split() for line in run.stdout.splitlines()]
    assert any(fields[1:] == ["openai", "2023-03-01", "closed", "2025-01-01", "open"] for fields in lines if fields), (
        run.stdout
    )


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
