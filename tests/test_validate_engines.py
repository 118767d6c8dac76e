"""`ai-openness validate --engine fast` runs the vectorised checker behind the same
descriptor and path checks as the default engine."""

from __future__ import annotations

import json
from pathlib import Path

from ai_openness.cli import main


def test_fast_engine_accepts_a_valid_package(mini: Path, capsys):
    assert main(["validate", str(mini), "--engine", "fast", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is True


def test_fast_engine_finds_a_quote_off_its_offsets(mini: Path, capsys):
    stances = mini / "data" / "stances.csv"
    text = stances.read_text(encoding="utf-8")
    stances.write_text(text.replace("開源軟件最安全。", "開源軟件最不安全。"), encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(mini), "--engine", "fast", "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert any(p["file"] == "data/stances.csv" and p["line"] == 2 for p in problems), problems


def test_fast_engine_refuses_an_unsafe_path_before_reading(mini: Path, capsys):
    descriptor = mini / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    data["resources"][0]["path"] = "../outside.csv"
    descriptor.write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(mini), "--engine", "fast", "--format", "json"]) in (1, 2)
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert any(p["file"] == "datapackage.json" for p in problems)
