"""What users read equals what the CSVs say, cell by cell: load(), the SQLite export and the
DuckDB export, each compared with the CSV files read by Python's csv module and typed by
this file's own reading of the Table Schema types (nothing of the library's readers)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

import ai_openness
from ai_openness.commands.cli import main
from conftest import ROOT, resource_names

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
SCHEMAS = {r["name"]: r["schema"] for r in DESCRIPTOR["resources"]}


def _typed(cell: str, kind: str) -> object:
    """A CSV cell as a Python value, as the Table Schema type says (empty: None)."""
    if cell == "":
        return None
    if kind == "integer":
        return int(cell)
    if kind == "number":
        return float(cell)
    if kind == "boolean":
        return {"true": True, "false": False}[cell]
    if kind == "date":
        return dt.date.fromisoformat(cell)
    return cell


def csv_rows(name: str) -> list[tuple]:
    """Every row of data/<name>.csv, typed, in file order."""
    kinds = [f.get("type", "string") for f in SCHEMAS[name]["fields"]]
    with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        assert header == [f["name"] for f in SCHEMAS[name]["fields"]]
        return [tuple(_typed(cell, kind) for cell, kind in zip(row, kinds)) for row in reader]


def _key(row: tuple) -> tuple:
    return tuple((v is None, str(v)) for v in row)


def _plain(value: object, kind: str) -> object:
    """A pandas or database value as the plain Python value the CSV reading gives."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if kind == "date":
        if isinstance(value, str):  # SQLite stores dates as ISO text
            return dt.date.fromisoformat(value)
        if isinstance(value, dt.datetime):  # pandas' Timestamp is a datetime
            return value.date()
        return value
    if kind == "boolean":
        return bool(value)
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    return str(value)


@pytest.mark.parametrize("name", resource_names())
def test_load_returns_the_csv_values(name: str):
    frame = ai_openness.load(name)
    kinds = [f.get("type", "string") for f in SCHEMAS[name]["fields"]]
    assert list(frame.columns) == [f["name"] for f in SCHEMAS[name]["fields"]]
    loaded = [tuple(_plain(v, k) for v, k in zip(row, kinds)) for row in frame.astype(object).itertuples(index=False)]
    expected = csv_rows(name)
    assert expected, name
    assert loaded == expected  # the same rows, in the same order


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory) -> Path:
    pytest.importorskip("sqlite_utils", reason="needs the export extra")
    path = tmp_path_factory.mktemp("values") / "ai-openness.db"
    assert main(["export", "sqlite", str(path), "--quiet"]) == 0
    return path


@pytest.fixture(scope="module")
def duckdb_db(tmp_path_factory) -> Path:
    pytest.importorskip("duckdb", reason="needs the export extra")
    path = tmp_path_factory.mktemp("values") / "ai-openness.duckdb"
    assert main(["export", "duckdb", str(path), "--quiet"]) == 0
    return path


@pytest.mark.parametrize("name", resource_names())
def test_sqlite_holds_the_csv_values(sqlite_db: Path, name: str):
    fields = SCHEMAS[name]["fields"]
    columns = ", ".join(f'"{f["name"]}"' for f in fields)
    with sqlite3.connect(sqlite_db) as con:
        stored = con.execute(f'select {columns} from "{name}"').fetchall()
    kinds = [f.get("type", "string") for f in fields]
    stored = [tuple(_plain(v, k) for v, k in zip(row, kinds)) for row in stored]
    assert sorted(stored, key=_key) == sorted(csv_rows(name), key=_key)


@pytest.mark.parametrize("name", resource_names())
def test_duckdb_holds_the_csv_values(duckdb_db: Path, name: str):
    import duckdb

    fields = SCHEMAS[name]["fields"]
    columns = ", ".join(f'"{f["name"]}"' for f in fields)
    with duckdb.connect(str(duckdb_db), read_only=True) as con:
        stored = con.execute(f'select {columns} from "{name}"').fetchall()
    kinds = [f.get("type", "string") for f in fields]
    stored = [tuple(_plain(v, k) for v, k in zip(row, kinds)) for row in stored]
    assert sorted(stored, key=_key) == sorted(csv_rows(name), key=_key)
