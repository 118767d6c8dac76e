"""The wheel ships the data and their licences, and a data user's install is slim: the wheel
with only its base dependencies, in a fresh virtual environment, loads every table with the
documented dtypes."""

from __future__ import annotations

import json
import subprocess
import tomllib
import zipfile
from pathlib import Path

import pytest

from checkout import make_checkout
from conftest import CLEAN_ENV, ROOT, WHEEL_GROUP

pytestmark = WHEEL_GROUP  # one wheel and one fresh environment for the whole run


def test_wheel_ships_the_data_and_not_the_sources(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "ai_openness/package/datapackage.json",
        "ai_openness/package/data/stances.parquet",
        "ai_openness/package/data/stances.csv",
        "ai_openness/package/schema/stances.schema.json",
    ):
        assert expected in names
    assert not any(name.startswith("ai_openness/package/sources") for name in names)


def test_wheel_ships_the_licences_beside_the_data_and_in_its_metadata(wheel: Path):
    archive = zipfile.ZipFile(wheel)
    dist_info = next(n.split("/")[0] for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    for name in ("LICENSE", "LICENSE-DATA.md"):
        original = (ROOT / name).read_bytes()
        assert archive.read(f"ai_openness/package/{name}") == original
        assert archive.read(f"{dist_info}/licenses/{name}") == original
    metadata = archive.read(f"{dist_info}/METADATA").decode("utf-8")
    assert "License-File: LICENSE\n" in metadata and "License-File: LICENSE-DATA.md\n" in metadata
    # The wheel's licence expression names the code's licence and every licence of the data.
    expression = next(
        line.split(": ", 1)[1] for line in metadata.splitlines() if line.startswith("License-Expression: ")
    )
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert set(expression.split(" AND ")) == {"MIT"} | {licence["name"] for licence in descriptor["licenses"]}


# Run inside the fresh environment: every table, its dtypes checked against the Table Schema
# as read here (JSON), not through the package's own dtype mapping.
_CHECK_TABLES = r"""
import contextlib, io, json, sys
from pathlib import Path
import pandas as pd
import ai_openness
import ai_openness.core.paths

root = ai_openness.core.paths.package_root()
assert "site-packages" in str(root), root
expected = {"date": "datetime64", "integer": "Int64", "boolean": "boolean", "string": "string", "number": "Float64"}
tables = ai_openness.load()
descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
assert sorted(tables) == sorted(r["name"] for r in descriptor["resources"]), sorted(tables)
for resource in descriptor["resources"]:
    frame = tables[resource["name"]]
    assert len(frame) > 0, resource["name"]
    for field in resource["schema"]["fields"]:
        dtype, where = frame[field["name"]].dtype, f"{resource['name']}.{field['name']}"
        if "enum" in field.get("constraints", {}):
            assert isinstance(dtype, pd.CategoricalDtype), (where, dtype)
            assert list(dtype.categories) == field["constraints"]["enum"], where
        elif field["type"] == "date":
            assert str(dtype).startswith("datetime64"), (where, dtype)
        elif field["type"] == "string":
            assert isinstance(dtype, pd.StringDtype), (where, dtype)
        else:
            assert str(dtype) == expected[field["type"]], (where, dtype)
described = ai_openness.describe("stances")  # from the installed datapackage.json alone
stances = next(r for r in descriptor["resources"] if r["name"] == "stances")
assert list(described.index) == [f["name"] for f in stances["schema"]["fields"]]
assert described.loc["position", "values"] == next(
    f["constraints"]["enum"] for f in stances["schema"]["fields"] if f["name"] == "position")
pinned = ai_openness.load("stances", version=ai_openness.data_version())  # the installed data: no archive
assert pinned.equals(tables["stances"])
help_text = io.StringIO()
with contextlib.redirect_stdout(help_text):
    help(ai_openness)
print(json.dumps({"rows": {n: len(t) for n, t in tables.items()}, "version": ai_openness.data_version(),
                  "help": help_text.getvalue(), "modules": sorted(sys.modules)}))
"""


def test_slim_install_holds_only_the_base_dependencies(slim_env: Path):
    listed = subprocess.run(
        [str(slim_env / "bin" / "python"), "-m", "pip", "list", "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
        env=CLEAN_ENV,
        timeout=120,
    ).stdout
    installed = {p["name"].lower().replace("_", "-") for p in json.loads(listed)}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert {"pandas", "pyarrow", "pydantic", "ai-openness"} <= installed
    for heavy in ("polars", "frictionless", "opencc", "rich", "altair", "pyyaml"):
        assert heavy not in installed, heavy
    assert len(project["dependencies"]) == 3


def test_slim_install_loads_every_table_with_the_documented_dtypes(slim_env: Path, tmp_path: Path):
    result = subprocess.run(
        [str(slim_env / "bin" / "python"), "-c", _CHECK_TABLES],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=CLEAN_ENV,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert report["version"] == descriptor["version"]
    assert report["rows"]["stances"] == sum(1 for _ in (ROOT / "data/stances.csv").open(encoding="utf-8")) - 1
    # help(ai_openness) describes the tables and load() first, before pydoc's list of modules.
    description = report["help"].split("PACKAGE CONTENTS")[0]
    for resource in descriptor["resources"]:
        assert f"    {resource['name']} " in description, resource["name"]
    assert "ai_openness.load(" in description and "FUNCTIONS" not in description.split("Tables")[0]
    assert not {"polars", "frictionless", "yaml"} & set(report["modules"])


def test_slim_install_command_names_the_extra_to_install(slim_env: Path, tmp_path: Path):
    result = subprocess.run(
        [str(slim_env / "bin" / "ai-openness"), "validate"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=CLEAN_ENV,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    version = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert f"pip install 'ai_openness-{version}-py3-none-any.whl[tools]'" in result.stderr, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_fresh_venv_with_the_tools_blocks_run_as_written(slim_env: Path, tmp_path: Path):
    # Last in this module, and so in the wheel's group: it adds the tools to the fresh
    # environment the tests above found slim (README, "fresh venv with the tools").
    from test_readme_commands import _readme, _run_block

    checkout = make_checkout(tmp_path / "ai-openness")
    blocks = [(language, body) for where, language, body in _readme() if where == "fresh venv with the tools"]
    assert blocks and all("pip install -c constraints.txt '.[tools]'" in body for _, body in blocks)
    # Byte-compiling what pip installs is left out: it changes nothing a command sees.
    for language, body in blocks:
        _run_block(language, body, checkout, slim_env / "bin", {**CLEAN_ENV, "PIP_NO_COMPILE": "1"})
