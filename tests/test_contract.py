"""The contract: one object decides types, keys and vocabularies, taken from the package at hand.

Oracles here are independent of ai_openness.contract: the schema files read with json and
yaml, the CSVs read with the csv module, the Parquet schemas read with pyarrow, and small
type tables written out below.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ai_openness.commands.cli import main
from ai_openness.contract import Contract
from ai_openness.core.limits import MAX_DESCRIPTOR_BYTES
from ai_openness.safeio.installed import installed_contract
from ai_openness.safeio.schema import read_contract
from conftest import FIXTURES, ROOT, copy_tree, fields, package_yaml, resource_names

SRC = ROOT / "src" / "ai_openness"
NEW_POSITION = "undecided"


# --- a package whose own schema adds a vocabulary value --------------------------------


@pytest.fixture(scope="module")
def widened(tmp_path_factory) -> Path:
    """A copy of the package whose schema adds `undecided` to stances.position, and whose
    codings use it where they said `neutral`; built with its own schema."""
    root = copy_tree(ROOT, tmp_path_factory.mktemp("widened") / "package")
    path = root / "schema" / "stances.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    position = next(f for f in schema["fields"] if f["name"] == "position")
    position["constraints"]["enum"].append(NEW_POSITION)
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    changed = 0
    for coding in (root / "codings" / "stances").glob("*.yaml"):
        text, n = re.subn(r"(?m)^(\s*position: )neutral$", rf"\g<1>{NEW_POSITION}", coding.read_text(encoding="utf-8"))
        coding.write_text(text, encoding="utf-8")
        changed += n
    assert changed > 0
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    return root


def _undecided_in_csv(root: Path) -> set[str]:
    with open(root / "data" / "stances.csv", encoding="utf-8", newline="") as handle:
        return {row["stance_id"] for row in csv.DictReader(handle) if row["position"] == NEW_POSITION}


def test_load_with_root_keeps_a_value_only_that_package_allows(widened: Path):
    import ai_openness

    expected = _undecided_in_csv(widened)
    assert expected
    stances = ai_openness.load("stances", root=widened)
    assert stances["position"].isna().sum() == 0
    assert set(stances.loc[stances["position"] == NEW_POSITION, "stance_id"]) == expected
    assert NEW_POSITION in list(stances["position"].cat.categories)
    # The installed package is untouched and still reads with its own vocabulary.
    assert NEW_POSITION not in list(ai_openness.load("stances")["position"].cat.categories)


def test_figures_draw_the_value_and_show_it_in_the_legend(widened: Path):
    figures = pytest.importorskip("ai_openness.views.figures", reason="needs the figures extra")

    tables, contract = figures.drawn_from(widened)
    spec = figures.arguments_by_position(tables, contract).to_dict()
    drawn = {row["position"] for row in spec["data"]["values"]}
    assert NEW_POSITION in drawn
    assert NEW_POSITION in spec["encoding"]["color"]["scale"]["domain"]
    timeline = json.dumps(figures.stance_timeline(tables, contract).to_dict())
    assert f'"position": "{NEW_POSITION}"' in timeline


def test_sqlite_export_keeps_the_value(widened: Path, tmp_path: Path):
    db = tmp_path / "widened.db"
    assert main(["export", "sqlite", str(db), "--root", str(widened), "--quiet"]) == 0
    with sqlite3.connect(db) as con:
        found = {r[0] for r in con.execute("select stance_id from stances where position = ?", (NEW_POSITION,))}
        empty = con.execute("select count(*) from stances where position is null").fetchone()[0]
    assert found == _undecided_in_csv(widened) and empty == 0


def test_duckdb_export_keeps_the_value(widened: Path, tmp_path: Path):
    duckdb = pytest.importorskip("duckdb")
    db = tmp_path / "widened.duckdb"
    assert main(["export", "duckdb", str(db), "--root", str(widened), "--quiet"]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        found = {
            r[0] for r in con.execute("select stance_id from stances where position = ?", [NEW_POSITION]).fetchall()
        }
    assert found == _undecided_in_csv(widened)


def test_load_of_a_release_uses_the_archive_descriptor(widened: Path, tmp_path: Path, monkeypatch):
    import zipfile

    import ai_openness
    from ai_openness.views.load import RELEASES_ENV, release_archive_name

    version = json.loads((widened / "datapackage.json").read_text(encoding="utf-8"))["version"]
    descriptor = json.loads((widened / "datapackage.parquet.json").read_text(encoding="utf-8"))
    with zipfile.ZipFile(tmp_path / release_archive_name(version), "w") as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor))
        for resource in descriptor["resources"]:
            archive.write(widened / resource["path"], resource["path"])
    monkeypatch.setenv(RELEASES_ENV, str(tmp_path))
    stances = ai_openness.load("stances", version=version)
    assert set(stances.loc[stances["position"] == NEW_POSITION, "stance_id"]) == _undecided_in_csv(widened)


# --- one place for the type maps ---------------------------------------------------------

# Literals that only a map from Table Schema types to an engine's types would hold.
TYPE_MAP_LITERALS = (
    "BIGINT",
    "DOUBLE",
    "sc:Integer",
    "sc:Float",
    "sc:Date",
    "sc:Text",
    "sc:Boolean",
    "pa.int64(",
    "pa.float64(",
    "pa.date32(",
    "pa.bool_(",
    "pa.int64,",
    "pa.date32,",
    "pl.Float64",
    "pl.Boolean",
    "pl.Date",
    '"Int64"',
    '"Float64"',
    "datetime64",
)
TYPE_KEYED_DICT = re.compile(r"""(?:^|[{,])\s*["'](?:integer|number|boolean)["']\s*:""")  # a dict keyed by type


def test_no_type_map_outside_the_contract():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path.parent.name == "contract":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            hits = [lit for lit in TYPE_MAP_LITERALS if lit in line] + TYPE_KEYED_DICT.findall(line)
            if "pl.Int64" in line and "row" not in line:  # row numbers are Int64; a column type is not
                hits.append("pl.Int64")
            if hits:
                found.append(f"{path.relative_to(ROOT)}:{number}: {hits}")
    assert not found, "a type map outside src/ai_openness/contract/:\n" + "\n".join(found)


def test_keys_are_normalised_only_in_the_contract():
    pattern = re.compile(r"isinstance\([^)]*(?:fields|primaryKey|\bpk\b)[^)]*, str\)")
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sorted(SRC.rglob("*.py"))
        if p.parent.name != "contract"
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert not found, found


ARROW = {"string": "string", "integer": "int64", "number": "double", "boolean": "bool", "date": "date32[day]"}


@pytest.mark.parametrize("name", resource_names())
def test_written_parquet_types_follow_the_schema(name):
    schema = pq.read_schema(ROOT / "data" / f"{name}.parquet")
    expected = [
        (f["name"], ARROW[f["type"]], not f.get("constraints", {}).get("required", False)) for f in fields(name)
    ]
    assert [(f.name, str(f.type), f.nullable) for f in schema] == expected


def test_version_is_the_one_in_package_yaml():
    import ai_openness

    assert ai_openness.__version__ == str(package_yaml()["version"])


def test_contract_views_agree_with_the_files():
    contract = read_contract(ROOT)
    assert contract.names == resource_names()
    assert contract.meta["version"] == package_yaml()["version"]
    installed = installed_contract()
    assert installed.names == contract.names
    for name in contract.names:
        assert installed.schema(name) == contract.schema(name)
        raw = json.loads((ROOT / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert contract.primary_key(name) == raw["primaryKey"]
        for fk, written in zip(contract.foreign_keys(name), raw.get("foreignKeys", []), strict=True):
            assert (fk.fields, fk.reference) == (written["fields"], written["reference"]["fields"])
            assert fk.resource == written["reference"].get("resource", name)


def test_a_key_written_as_a_name_is_a_list():
    schema = {
        "fields": [{"name": "a", "type": "string"}, {"name": "b", "type": "string"}],
        "primaryKey": "a",
        "foreignKeys": [{"fields": "b", "reference": {"fields": "a"}}],
    }
    contract = Contract.from_descriptor({"name": "x", "resources": [{"name": "t", "schema": schema}]})
    assert contract.primary_key("t") == ["a"]
    assert [(fk.fields, fk.resource, fk.reference) for fk in contract.foreign_keys("t")] == [(["b"], "t", ["a"])]


def test_load_needs_only_the_base_dependencies(widened: Path):
    """ai_openness.views.load works where polars, duckdb and PyYAML are not installed (the base
    install is pandas, pyarrow and pydantic, for the contract's objects)."""
    script = f"""
import sys
class Absent:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("polars", "duckdb", "yaml", "frictionless", "opencc", "rich"):
            raise ImportError("not installed: " + name)
sys.meta_path.insert(0, Absent())
import ai_openness
assert len(ai_openness.load("stances")) > 0
assert "{NEW_POSITION}" in set(ai_openness.load("stances", root={str(widened)!r})["position"].dropna())
print(ai_openness.__version__)
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(package_yaml()["version"])


# --- reading schema/ safely ---------------------------------------------------------------


def _with_own_schema(tmp_path: Path) -> Path:
    root = copy_tree(FIXTURES / "mini", tmp_path / "package")
    shutil.copytree(ROOT / "schema", root / "schema")
    return root


def _symlink_out(root: Path, outside: Path) -> str:
    target = outside / "stances.schema.json"
    shutil.copy(root / "schema" / "stances.schema.json", target)
    (root / "schema" / "stances.schema.json").unlink()
    (root / "schema" / "stances.schema.json").symlink_to(target)
    return "schema/stances.schema.json"


def _fifo(root: Path, outside: Path) -> str:
    (root / "schema" / "people.schema.json").unlink()
    os.mkfifo(root / "schema" / "people.schema.json")
    return "schema/people.schema.json"


def _oversized(root: Path, outside: Path) -> str:
    path = root / "schema" / "models.schema.json"
    path.write_bytes(path.read_bytes() + b" " * MAX_DESCRIPTOR_BYTES)
    return "schema/models.schema.json"


def _yaml_alias(root: Path, outside: Path) -> str:
    path = root / "schema" / "package.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("version: ", "x: &v 1\ny: *v\nversion: ", 1), encoding="utf-8"
    )
    return "schema/package.yaml"


def _invalid_json(root: Path, outside: Path) -> str:
    path = root / "schema" / "licences.schema.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"fields"', "fields", 1), encoding="utf-8")
    return "schema/licences.schema.json"


def _unknown_type(root: Path, outside: Path) -> str:
    path = root / "schema" / "sources.schema.json"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"type": "string"', '"type": "geopoint"', 1), encoding="utf-8"
    )
    return "schema/sources.schema.json"


def _long_number(root: Path, outside: Path) -> str:
    # Python refuses to turn an integer of over 4,300 digits into an int.
    path = root / "schema" / "stances.schema.json"
    path.write_text(path.read_text(encoding="utf-8").replace("{", '{"x": ' + "9" * 5001 + ",", 1), encoding="utf-8")
    return "schema/stances.schema.json"


def _schema_dir_links_out(root: Path, outside: Path) -> str:
    shutil.move(root / "schema", outside / "schema")
    (root / "schema").symlink_to(outside / "schema")
    return "schema/"


def _pattern(pattern: str):
    def patch(root: Path, outside: Path) -> str:
        path = root / "schema" / "people.schema.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        field = next(f for f in schema["fields"] if f["name"] == "person_id")
        field.setdefault("constraints", {})["pattern"] = pattern
        path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
        return "schema/people.schema.json"

    return patch


HOSTILE = {
    "symlink-out": _symlink_out,
    "fifo": _fifo,
    "oversized": _oversized,
    "yaml-alias": _yaml_alias,
    "invalid-json": _invalid_json,
    "unknown-type": _unknown_type,
    "long-number": _long_number,
    "schema-dir-links-out": _schema_dir_links_out,
    # Python's re rejects the first; Rust's regex engine (pydantic's, polars') the second.
    "unclosed-pattern": _pattern("([a-z"),
    "lookahead-pattern": _pattern("^(?=[a-z])[a-z-]+$"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_schema_dir_is_refused_naming_the_file(case, tmp_path: Path, capsys, audit):
    audit.active = False  # setting up may read and write anything; the build may not
    root = _with_own_schema(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    rel = HOSTILE[case](root, outside)
    capsys.readouterr()
    audit.active = True
    code = main(["build", "--root", str(root)])
    audit.active = False
    err = capsys.readouterr().err
    assert code == 1, err
    assert rel in err, err
    assert {
        "long-number": "more than the limit of 4300",
        "unclosed-pattern": "is not a valid regular expression",
        "lookahead-pattern": "no look-around",
    }.get(case, "") in err, err
    assert "Traceback" not in err and "internal error" not in err
    outside_real = outside.resolve()
    assert not [p for p in audit.opened if Path(p).resolve().is_relative_to(outside_real)]
    assert not (root / "data").exists()  # nothing was written


@pytest.mark.parametrize("case", ["symlink-out", "invalid-json", "yaml-alias"])
def test_from_root_raises_a_located_problem(case, tmp_path: Path):
    from ai_openness.core.problems import BuildFailed

    root = _with_own_schema(tmp_path)
    (tmp_path / "outside").mkdir()
    rel = HOSTILE[case](root, tmp_path / "outside")
    with pytest.raises(BuildFailed) as failed:
        read_contract(root)
    assert [p.file for p in failed.value.problems] == [rel]
    if case != "symlink-out":
        assert failed.value.problems[0].line  # where in the file


def test_load_from_a_folder_without_a_package_is_a_clear_error(tmp_path: Path):
    import ai_openness

    with pytest.raises(FileNotFoundError, match=r"datapackage\.json does not exist"):
        ai_openness.load("stances", root=tmp_path)


CROISSANT = {
    "string": "sc:Text",
    "integer": "sc:Integer",
    "number": "sc:Float",
    "boolean": "sc:Boolean",
    "date": "sc:Date",
}
DUCKDB = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE"}


def test_croissant_types_follow_the_schema():
    croissant = json.loads((ROOT / "croissant.json").read_text(encoding="utf-8"))
    written = {(rs["name"], f["name"]): f["dataType"] for rs in croissant["recordSet"] for f in rs["field"]}
    expected = {(name, f["name"]): CROISSANT[f["type"]] for name in resource_names() for f in fields(name)}
    assert written == expected


def test_duckdb_ddl_types_follow_the_schema():
    from ai_openness.views.export import duckdb_ddl

    contract = installed_contract()
    for name in resource_names():
        ddl = duckdb_ddl(contract, name)
        for f in fields(name):
            assert f'"{f["name"]}" {DUCKDB[f["type"]]}' in ddl, (name, f["name"])


def test_a_descriptor_of_the_wrong_shape_is_unreadable():
    from ai_openness.core.problems import Unreadable

    with pytest.raises(Unreadable):
        Contract.from_descriptor({"resources": [{"name": "t"}]})
    with pytest.raises(Unreadable) as refused:
        Contract.from_descriptor({"resources": [{"name": "t", "schema": {"fields": [{"name": "a", "type": "geo"}]}}]})
    assert "geo" in str(refused.value.problems[0])
