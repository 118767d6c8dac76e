"""load() returns DataFrames with real dtypes."""

from __future__ import annotations

import pandas as pd
import pytest

import ai_openness
from conftest import enum_values, resource_names


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
    assert ai_openness.__version__ == ai_openness.data_version()
