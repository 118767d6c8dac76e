"""The wheel ships the data and their licences, and a data user's install is slim: the wheel
with only its base dependencies, in a fresh virtual environment, loads every table with the
documented dtypes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
        timeout=300,
    )
    return next(out.glob("ai_openness-*.whl"))


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
help_text = io.StringIO()
with contextlib.redirect_stdout(help_text):
    help(ai_openness)
print(json.dumps({"rows": {n: len(t) for n, t in tables.items()}, "version": ai_openness.data_version(),
                  "help": help_text.getvalue(), "modules": sorted(sys.modules)}))
"""


# The fresh environment must not see this checkout (a PYTHONPATH pointing at src/).
CLEAN = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


@pytest.fixture(scope="module")
def slim_env(wheel: Path, tmp_path_factory) -> Path:
    """A fresh virtual environment holding the wheel and only its base dependencies."""
    env = tmp_path_factory.mktemp("slim") / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    python = env / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "-c", str(ROOT / "constraints.txt"), str(wheel)],
        check=True,
        env=CLEAN,
        timeout=900,
    )
    return env


def test_slim_install_holds_only_the_base_dependencies(slim_env: Path):
    listed = subprocess.run(
        [str(slim_env / "bin" / "python"), "-m", "pip", "list", "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
        env=CLEAN,
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
        env=CLEAN,
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
        env=CLEAN,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "pip install 'ai-openness[tools]'" in result.stderr, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
