"""load() returns DataFrames with real dtypes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import ai_openness
from conftest import ROOT, enum_values, fields, package_yaml, resource_names


def test_load_stances_dtypes():
    stances = ai_openness.load("stances")
    assert len(stances) > 0
    assert str(stances["date"].dtype).startswith("datetime64")
    assert isinstance(stances["position"].dtype, pd.CategoricalDtype)
    assert list(stances["position"].cat.categories) == enum_values("stances", "position")
    assert str(stances["quote_start"].dtype) == "Int64"
    assert str(stances["quote"].dtype) == "string"
    assert stances["stance_id"].is_unique


def test_load_nullable_types():
    licences = ai_openness.load("licences")
    assert str(licences["osi_approved"].dtype) == "boolean"
    assert str(licences["user_limit"].dtype) == "Int64"
    models = ai_openness.load("models")
    assert str(models["released"].dtype).startswith("datetime64")
    assert str(models["parameters"].dtype) == "Int64"


def test_load_everything():
    tables = ai_openness.load()
    assert list(tables) == resource_names()
    assert all(isinstance(t, pd.DataFrame) for t in tables.values())


def test_unknown_table_is_a_clear_error():
    with pytest.raises(ValueError, match="no table 'stance'"):
        ai_openness.load("stance")


def test_version():
    # The expected value is read from the files, not through the package: __version__ is
    # data_version(), so comparing the two could not fail.
    published = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert published == str(package_yaml()["version"])
    assert ai_openness.__version__ == published
    assert ai_openness.data_version() == published


def test_a_version_that_is_the_installed_one_loads_the_installed_data():
    installed = ai_openness.data_version()
    pd.testing.assert_frame_equal(ai_openness.load("stances", version=installed), ai_openness.load("stances"))
    assert list(ai_openness.load(version=installed)) == resource_names()


@pytest.mark.parametrize("version", ["0.3", "v0.3.0", "0.3.0.1", "03.0.0", "", "latest"])
def test_a_malformed_version_is_refused_never_read_as_another(version):
    with pytest.raises(ValueError, match=r"is not a release version: write all three numbers, X\.Y\.Z"):
        ai_openness.load("stances", version=version)


def test_describe_gives_each_column_its_type_description_and_vocabulary():
    described = ai_openness.describe("stances")
    schema = fields("stances")  # the Table Schema as JSON, not through the package's contract
    assert list(described.index) == [f["name"] for f in schema]
    for field in schema:
        row = described.loc[field["name"]]
        assert row["type"] == field["type"] and row["description"] == field["description"]
        assert row["values"] == field.get("constraints", {}).get("enum")
        assert row["required"] == bool(field.get("constraints", {}).get("required"))
    assert described.loc["position", "values"] == ["open", "closed", "mixed", "neutral"]
    assert described.attrs["description"].startswith("One row per dated statement")
    with pytest.raises(ValueError, match="no table 'stance'"):
        ai_openness.describe("stance")


def test_resolve_id_searches_every_table_and_says_which_it_searched():
    assert ai_openness.resolve_id("openai") == "openai"  # an organisation
    assert ai_openness.resolve_id("xai-2024-03-18-releases-grok-1") == "elon-musk-2024-03-18-releases-grok-1"
    assert ai_openness.resolve_id("us-congress") is None  # an organisation retired without a successor
    with pytest.raises(KeyError, match=r"of any table \(sources, organisations, people, licences, models, stances\)"):
        ai_openness.resolve_id("no-such-id")
    with pytest.raises(KeyError, match="of the table people"):
        ai_openness.resolve_id("openai", table="people")
    with pytest.raises(ValueError, match="not keyed by one id column"):
        ai_openness.resolve_id("x", table="stance_arguments")
