"""The wheel ships the data: load() works from an installed wheel, not only a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT


def test_wheel_ships_and_loads_the_data(tmp_path: Path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(tmp_path), str(ROOT)], check=True, timeout=300)
    wheel = next(tmp_path.glob("ai_openness-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("ai_openness/package/datapackage.json", "ai_openness/package/data/stances.parquet",
                     "ai_openness/package/data/stances.csv", "ai_openness/package/schema/stances.schema.json"):
        assert expected in names
    assert not any(name.startswith("ai_openness/package/sources") for name in names)

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import ai_openness, ai_openness.paths as p;"
              "assert str(p.package_root()).startswith(sys.argv[1]), p.package_root();"
              "df = ai_openness.load('stances'); print(len(df), df['date'].dtype)")
    result = subprocess.run([sys.executable, "-c", script, str(site)], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    rows, dtype = result.stdout.split()
    assert int(rows) > 0 and dtype.startswith("datetime64")
