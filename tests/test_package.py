"""The committed package: current, deterministic, valid for frictionless, quotes grounded."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from ai_openness.commands.cli import main
from ai_openness.compile.pipeline import build
from conftest import ROOT, fields, resource_names, snapshot

pytestmark = pytest.mark.data  # reads the package's own data, codings or sources

SHARED_MARKERS = ("../" + "shared", "/" + "shared/")  # spelled so this file does not match itself
FRICTIONLESS = Path(sys.executable).with_name("frictionless")


def test_committed_outputs_are_current():
    _, outdated = build(ROOT, check=True)
    assert outdated == []


def test_two_builds_give_identical_bytes(package_copy: Path):
    for name in ("data", "datapackage.json", "datapackage.parquet.json"):
        path = package_copy / name
        if path.is_dir():
            for file in path.iterdir():
                file.unlink()
        else:
            path.unlink()
    assert main(["build", "--root", str(package_copy), "--quiet"]) == 0
    first = snapshot(package_copy)
    assert main(["build", "--root", str(package_copy), "--quiet"]) == 0
    assert snapshot(package_copy) == first
    assert first == snapshot(ROOT)


@pytest.mark.parametrize("descriptor", ["datapackage.json", "datapackage.parquet.json"])
def test_official_frictionless_validate_passes(descriptor):
    result = subprocess.run(
        [str(FRICTIONLESS), "validate", descriptor], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "INVALID" not in result.stdout


def test_package_validator_passes():
    assert main(["validate", str(ROOT)]) == 0


def _csv(name: str) -> list[dict]:
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_quote_sits_at_its_offsets():
    texts = {s["source_id"]: (ROOT / s["path"]).read_text(encoding="utf-8") for s in _csv("sources") if s["path"]}
    stances = _csv("stances")
    assert stances
    for stance in stances:
        text = texts[stance["source_id"]]
        assert text[int(stance["quote_start"]) : int(stance["quote_end"])] == stance["quote"], stance["stance_id"]


@pytest.mark.parametrize("name", resource_names())
def test_parquet_twin_equals_csv(name):
    table = pq.read_table(ROOT / "data" / f"{name}.parquet")
    assert table.schema.names == [f["name"] for f in fields(name)]
    from_csv = pd.read_csv(ROOT / "data" / f"{name}.csv", dtype=str, keep_default_na=False)
    assert table.num_rows == len(from_csv)
    for field in fields(name):
        column = table.column(field["name"]).to_pylist()
        expected = from_csv[field["name"]].tolist()
        rendered = ["" if v is None else ("true" if v is True else "false" if v is False else str(v)) for v in column]
        assert rendered == expected, (name, field["name"])


def test_parquet_carries_version_metadata():
    meta = pq.read_schema(ROOT / "data" / "stances.parquet").metadata
    assert meta[b"ai_openness.resource"] == b"stances"
    assert meta[b"ai_openness.version"].decode() == __import__("ai_openness").data_version()


def test_nothing_reads_the_shared_folder():
    offenders = []
    for folder in ("src", "scripts", "tests", "Makefile", ".ci"):
        path = ROOT / folder
        for file in [path] if path.is_file() else path.rglob("*"):
            if file.is_file() and file.suffix not in {".parquet", ".pyc"}:
                text = file.read_text(encoding="utf-8", errors="ignore")
                if any(marker in text for marker in SHARED_MARKERS):
                    offenders.append(str(file.relative_to(ROOT)))
    assert offenders == []
