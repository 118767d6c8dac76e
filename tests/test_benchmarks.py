"""The benchmark harness's own code paths at the smallest size: the next version that `diff`
and `release` are timed on, and the report's reading of the targets.

These check that the harness measures what it says; they time nothing (speed targets live
in `make bench` and benchmarks/RESULTS.md).
"""

from __future__ import annotations

import csv
import subprocess
import sys

import yaml

from ai_openness.commands.cli import main
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate
import report
import run


def _stance_ids(path) -> set[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["stance_id"] for row in csv.DictReader(handle)}


def test_diff_and_release_run_on_a_next_version_in_a_throwaway_repository(tmp_path):
    root = tmp_path / "1x"
    generate.generate(root, generate.SIZES["1x"])
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    before = _stance_ids(root / "data" / "stances.csv")
    changelog = (ROOT / "CHANGELOG.md").read_bytes()

    published = run.publish(root, tmp_path / "1x-published")
    result = run.bench_versions("1x", root, published, tmp_path, files=4)

    repo = tmp_path / "1x-release"
    after = _stance_ids(repo / "data" / "stances.csv")
    # Four files: every one changed, the first and fourth lose a stance, the second gains one.
    assert result["changes"] == {"changed": 4, "removed": 2, "added": 1}
    assert (len(before - after), len(after - before)) == (2, 1)
    retired = yaml.safe_load((repo / "codings" / "retired.yaml").read_text(encoding="utf-8"))
    assert {entry["id"] for entry in retired} == before - after
    for step in ("diff", "diff_git"):
        assert result[step]["returncode"] == 0, result[step]
        assert result[step]["rows"]["stances"] == {"added": 1, "removed": 2, "changed": 4}, result[step]
    assert result["release"]["returncode"] == 0, result["release"]
    assert any(name.endswith("-csv.zip") for name in result["release"]["made"])
    assert any(name.endswith(".whl") for name in result["release"]["made"])
    # Stances removed: a major version (README, "Versions and releases").
    assert "## [1.0.0]" in (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    # The release happened in the throwaway repository, not in the project.
    assert (ROOT / "CHANGELOG.md").read_bytes() == changelog
    log = subprocess.run(["git", "-C", str(repo), "log", "--format=%s"], capture_output=True, text=True, check=True)
    assert log.stdout.splitlines() == ["Previous release"]


def _step(seconds: float, rss: float, **extra) -> dict:
    return {
        "seconds": seconds,
        "cpu_seconds": seconds,
        "peak_rss_mb": rss,
        "load_before": [1.0, 1.0, 1.0],
        "returncode": 0,
    } | extra


def test_report_reads_each_target_from_its_size_and_marks_sizes_not_run():
    size = {
        "size": "100k",
        "rows": {"stances": 1, "sources": 1, "aliases": 1, "mentions": 1},
        "generated": {"characters": 1},
        "total_rows": 1_000_000,
        "generate": _step(1, 100),
        "build": _step(25.0, 400),  # too slow, small enough
        "validate": _step(2.0, 600, findings=0),
        "validate_checkout": _step(30.0, 900, findings=0),
        "frictionless": _step(30.0, 400, findings=0, rows_per_second=33_333),
    }  # 15×, same findings
    results = {
        "command": "python benchmarks/run.py --sizes 100k",
        "machine": {
            "cores": 2,
            "physical_cores": 2,
            "usable_cores": 2,
            "memory_mb": 8192,
            "cpu": "x",
            "python": "3",
            "polars": "1",
            "pyarrow": "1",
            "frictionless": "5",
        },
        "sizes": [size],
        "matching": [],
        "make": {"command": "make", "warmup": {"seconds": 9.0}, "make": _step(8.0, 300), "steps": {}},
    }
    rows = {line.split(" | ")[0] + " | " + line.split(" | ")[1]: line for line in report.targets_table(results)[2:]}
    assert rows["| 100k | " + dict(report.STEPS)["validate"]].endswith("| met |")
    assert rows["| 100k | `ai-openness build`"].endswith("| **not met** |")
    assert rows["| 1m | `ai-openness build`"].endswith(f"| {report.NOT_MEASURED} | – | not measured |")
    assert rows["| today's package | `make` on a warm venv"].endswith("| met |")
    document = report.document(results)
    assert "| 1m | every step | not measured in this run |" in document
    assert "fast checker" not in document
