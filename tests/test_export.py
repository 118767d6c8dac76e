"""SQLite and DuckDB exports: every row, the keys enforced, descriptions and version kept."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from ai_openness import data_version
from ai_openness.commands.cli import main
from conftest import ROOT, fields, resource_names, table_schema

export = pytest.importorskip("ai_openness.views.export")
pytest.importorskip("sqlite_utils", reason="needs the export extra")
duckdb = pytest.importorskip("duckdb", reason="needs the export extra")


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "ai-openness.db"
    assert main(["export", "sqlite", str(path), "--quiet"]) == 0
    return path


@pytest.fixture(scope="module")
def duckdb_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("duckdb") / "ai-openness.duckdb"
    assert main(["export", "duckdb", str(path), "--quiet"]) == 0
    return path


def _schema_foreign_keys(name: str) -> list[tuple[str, str, str]]:
    """(column, table, column) of each foreign key, as the Table Schema states it."""
    keys = []
    for fk in table_schema(name).get("foreignKeys", []):
        ref = fk["reference"]
        keys += [(c, ref.get("resource") or name, r) for c, r in zip(fk["fields"], ref["fields"])]
    return keys


def _expected(name: str) -> list[tuple]:
    columns = [f["name"] for f in fields(name)]
    return sorted(tuple(row[c] for c in columns) for row in export.table_rows(name))


def _as_sqlite(name: str, rows: list[tuple]) -> list[tuple]:
    """What SQLite stores for a row: dates as ISO text, booleans as 0/1."""
    types = [f["type"] for f in fields(name)]
    converted = []
    for row in rows:
        converted.append(
            tuple(
                None if v is None else v.isoformat() if t == "date" else int(v) if t == "boolean" else v
                for v, t in zip(row, types)
            )
        )
    return sorted(converted, key=lambda r: tuple((v is None, str(v)) for v in r))


@pytest.mark.parametrize("name", resource_names())
def test_sqlite_has_every_row(sqlite_db: Path, name: str):
    columns = ", ".join(f'"{f["name"]}"' for f in fields(name))
    with sqlite3.connect(sqlite_db) as con:
        stored = con.execute(f'select {columns} from "{name}"').fetchall()
    assert len(stored) > 0
    key = lambda r: tuple((v is None, str(v)) for v in r)
    assert sorted(stored, key=key) == _as_sqlite(name, _expected(name))


@pytest.mark.parametrize("name", resource_names())
def test_duckdb_has_every_row(duckdb_db: Path, name: str):
    columns = ", ".join(f'"{f["name"]}"' for f in fields(name))
    with duckdb.connect(str(duckdb_db), read_only=True) as con:
        stored = con.execute(f'select {columns} from "{name}"').fetchall()
    key = lambda r: tuple((v is None, str(v)) for v in r)
    assert sorted(stored, key=key) == sorted(_expected(name), key=key)


def _csv_row_count(name: str) -> int:
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def test_row_counts_equal_the_csvs(sqlite_db: Path, duckdb_db: Path):
    """Independent of export.table_rows: the CSVs read with the csv module."""
    expected = {name: _csv_row_count(name) for name in resource_names()}
    with sqlite3.connect(sqlite_db) as con:
        in_sqlite = {name: con.execute(f'select count(*) from "{name}"').fetchone()[0] for name in expected}
    with duckdb.connect(str(duckdb_db), read_only=True) as con:
        in_duckdb = {name: con.execute(f'select count(*) from "{name}"').fetchone()[0] for name in expected}
    assert in_sqlite == expected and in_duckdb == expected


def test_sqlite_keys_are_declared_and_hold(sqlite_db: Path):
    with sqlite3.connect(sqlite_db) as con:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        for name in resource_names():
            declared = {(row[3], row[2], row[4]) for row in con.execute(f'PRAGMA foreign_key_list("{name}")')}
            expected = set(_schema_foreign_keys(name))
            assert declared == expected, name
            pk = [row[1] for row in sorted(con.execute(f'PRAGMA table_info("{name}")'), key=lambda r: r[5]) if row[5]]
            assert pk == table_schema(name)["primaryKey"], name
        # With enforcement on (as Datasette users can turn it on), a dangling reference is refused.
        con.execute("PRAGMA foreign_keys = ON")
        with pytest.raises(sqlite3.IntegrityError):
            con.execute("insert into stance_arguments (stance_id, argument) values ('no-such-stance', 'safety')")


def test_duckdb_enforces_foreign_keys(duckdb_db: Path):
    with duckdb.connect(str(duckdb_db), read_only=True) as con:
        declared = {
            (t, text)
            for t, text in con.execute(
                "select table_name, constraint_text from duckdb_constraints() where constraint_type = 'FOREIGN KEY'"
            ).fetchall()
        }
    expected = {
        (name, f"FOREIGN KEY ({column}) REFERENCES {target}({ref})")
        for name in resource_names()
        for column, target, ref in _schema_foreign_keys(name)
    }
    assert expected and expected <= declared, sorted(expected - declared)
    copy = duckdb_db.with_name("copy.duckdb")
    copy.write_bytes(duckdb_db.read_bytes())
    with duckdb.connect(str(copy)) as con:
        with pytest.raises(duckdb.ConstraintException):
            con.execute("insert into stance_arguments values ('no-such-stance', 'safety')")
        with pytest.raises(duckdb.ConstraintException):  # vocabularies are CHECK constraints
            con.execute(
                "update stances set position = 'sideways' where stance_id = (select min(stance_id) from stances)"
            )


def test_descriptions_and_version_in_sqlite(sqlite_db: Path):
    with sqlite3.connect(sqlite_db) as con:
        described = {(t, c): d for t, c, d in con.execute("select table_name, column_name, description from _columns")}
        package = dict(con.execute("select key, value from _package"))
        tables = dict(con.execute("select table_name, description from _tables"))
        assert con.execute("select count(*) from stances_by_actor").fetchone()[0] == len(export.table_rows("stances"))
    for name in resource_names():
        for field in fields(name):
            assert described[(name, field["name"])] == field["description"]
    assert package["version"] == data_version()
    assert set(tables) == set(resource_names())


def test_descriptions_and_version_in_duckdb(duckdb_db: Path):
    with duckdb.connect(str(duckdb_db), read_only=True) as con:
        comments = {
            (t, c): d
            for t, c, d in con.execute("select table_name, column_name, comment from duckdb_columns()").fetchall()
        }
        table_comments = dict(con.execute("select table_name, comment from duckdb_tables()").fetchall())
        package = dict(con.execute("select key, value from _package").fetchall())
        by_licence = con.execute("select count(*) from models_by_licence").fetchone()[0]
    for name in resource_names():
        assert table_comments[name]
        for field in fields(name):
            assert comments[(name, field["name"])] == field["description"]
    assert package["version"] == data_version()
    assert by_licence == len(export.table_rows("models"))


def test_datasette_metadata_comes_from_the_descriptor(sqlite_db: Path):
    metadata = json.loads(export.metadata_path(sqlite_db).read_text(encoding="utf-8"))
    descriptor = json.loads(Path(export.package_root() / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["version"] in metadata["title"]
    assert metadata["license"] == descriptor["licenses"][0]["name"]
    assert metadata["license_url"] == descriptor["licenses"][0]["path"]
    for source in descriptor["sources"]:
        if source.get("path"):
            assert source["path"].replace("&", "&amp;") in metadata["description_html"]
    database = metadata["databases"][sqlite_db.stem]
    stances = database["tables"]["stances"]
    assert stances["columns"]["quote_en"] == next(
        f["description"] for f in fields("stances") if f["name"] == "quote_en"
    )
    assert "position" in stances["facets"]
    assert database["tables"]["people"]["label_column"] == "name"
    assert set(database["queries"]) == {
        "stances_by_actor_over_time",
        "models_by_licence",
        "quotes_of_one_position",
        "organisations_that_changed_position",
    }


@pytest.mark.parametrize(
    "query, params, check",
    [
        (
            "stances_by_actor_over_time",
            {"actor": "elon-musk"},
            lambda rows: rows and {r[0] for r in rows} == {"Elon Musk"},
        ),
        ("stances_by_actor_over_time", {"actor": ""}, lambda rows: len(rows) == len(export.table_rows("stances"))),
        ("models_by_licence", {}, lambda rows: len(rows) == len(export.table_rows("models"))),
        (
            "quotes_of_one_position",
            {"position": "closed"},
            lambda rows: len(rows) == sum(r["position"] == "closed" for r in export.table_rows("stances")),
        ),
    ],
)
def test_canned_queries_run(sqlite_db: Path, query, params, check):
    sql = export.CANNED_QUERIES[query]["sql"]
    with sqlite3.connect(sqlite_db) as con:
        rows = con.execute(sql, params).fetchall()
    assert check(rows)


def test_organisations_that_changed_position(sqlite_db: Path):
    """The canned query answers with every organisation row of position_changes.csv (read
    with the csv module), in the order of actor and date."""
    with open(export.package_root() / "data/position_changes.csv", encoding="utf-8", newline="") as handle:
        expected = [
            (r["actor_id"], r["from_date"], r["from_position"], r["to_date"], r["to_position"])
            for r in csv.DictReader(handle)
            if r["actor_type"] == "organisation"
        ]
    with sqlite3.connect(sqlite_db) as con:
        rows = [
            (r[0], r[3], r[4], r[5], r[6])
            for r in con.execute(export.CANNED_QUERIES["organisations_that_changed_position"]["sql"])
        ]
    assert expected and rows == sorted(expected, key=lambda r: (r[0], r[3], r[1]))


def test_stances_by_actor_uses_the_actor_columns(sqlite_db: Path):
    with sqlite3.connect(sqlite_db) as con:
        mismatched = con.execute(
            "select count(*) from stances_by_actor v join stances s using (stance_id) "
            "where v.actor_id is not s.actor_id or v.actor_type is not s.actor_type "
            "or v.actor is null"
        ).fetchone()[0]
        spoken_for = con.execute(
            "select speaking_for from stances_by_actor where actor_id = 'sam-altman' and speaking_for is not null"
        ).fetchall()
    assert mismatched == 0
    assert spoken_for and {r[0] for r in spoken_for} == {"OpenAI"}


def test_stances_by_actor_over_time_is_in_date_order(sqlite_db: Path):
    with sqlite3.connect(sqlite_db) as con:
        dates = [
            r[2] for r in con.execute(export.CANNED_QUERIES["stances_by_actor_over_time"]["sql"], {"actor": "openai"})
        ]
    dated = [d for d in dates if d]
    assert dated == sorted(dated) and dates[: len(dated)] == dated  # undated last


def test_export_replaces_an_existing_file_and_reports_json(tmp_path: Path, capsys):
    path = tmp_path / "out.db"
    path.write_bytes(b"not a database")
    capsys.readouterr()
    assert main(["export", "sqlite", str(path), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows"]["stances"] == len(export.table_rows("stances"))
    assert report["datasette_metadata"] == str(tmp_path / "out.metadata.json")
    with sqlite3.connect(path) as con:
        assert con.execute("select count(*) from stances").fetchone()[0] == report["rows"]["stances"]
    assert not list(tmp_path.glob(".*tmp-*"))
