"""The codebook describes every vocabulary value, and every value that occurs in the data."""

from __future__ import annotations

import csv

import pytest

from conftest import ROOT, fields

CODEBOOK = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
CODED = ["stances", "stance_arguments", "models", "organisations"]


@pytest.mark.parametrize("name", CODED)
def test_every_vocabulary_value_is_in_the_codebook(name):
    for field in fields(name):
        for value in field.get("constraints", {}).get("enum", []):
            assert f"`{value}`" in CODEBOOK, f"{name}.{field['name']} = {value} is not described"


def test_every_value_in_the_data_is_in_the_codebook():
    # The cells as written in the CSVs (a loader would turn a value outside the vocabulary
    # into a missing one, which this test could then never see).
    for name in CODED:
        with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows, name
        for field in fields(name):
            if field.get("constraints", {}).get("enum"):
                for value in {row[field["name"]] for row in rows} - {""}:
                    assert f"`{value}`" in CODEBOOK, f"{name}.{field['name']} = {value}"


def test_schema_descriptions_agree_with_codebook_on_positions():
    position = next(f for f in fields("stances") if f["name"] == "position")
    for value in position["constraints"]["enum"]:
        assert f"{value}:" in position["description"]
        assert f"`{value}`" in CODEBOOK, value  # the codebook defines each position the schema lists
    assert "docs/codebook.md" in position["description"]
