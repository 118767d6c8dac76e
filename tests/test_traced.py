"""validate, build --check, export and diff of hostile copies, traced by the kernel
(strace, tests/traced.py): nothing opened outside the package, the output named on the
command line, and the command's own temporary folder (besides the Python installation,
this package's code and schema, and the system's files).

The audit hooks of tests/test_validate_contributions.py see what Python opens; strace also
sees what C libraries (polars, DuckDB, SQLite, pyarrow) and child processes (git) open.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from contributions import ARTICLE, CANARY, CASES, HOSTILE, make_outside
from traced import STRACE, allowed, opened, stray

pytestmark = pytest.mark.skipif(STRACE is None, reason="strace is not installed, so the runs cannot be traced")


def _copy(built_mini: Path, tmp_path: Path, *cases) -> tuple[Path, Path]:
    root, outside = tmp_path / "package", tmp_path / "outside"
    shutil.copytree(built_mini, root)
    make_outside(outside)
    for case in cases:
        case.patch(root, outside)
    return root, outside


def _links_out(root: Path, outside: Path) -> None:
    """A stored article and a Parquet table that are links to files outside the package."""
    (outside / "canary.txt").write_text(CANARY, encoding="utf-8")
    (root / ARTICLE).unlink()
    (root / ARTICLE).symlink_to(outside / "canary.txt")
    (root / "data/organisations.parquet").unlink()
    (root / "data/organisations.parquet").symlink_to(outside / "canary.parquet")


def _check(argv: list[str], root: Path, outside: Path, scratch: Path, output: Path | None = None) -> int:
    code, paths = opened(argv, root, scratch)
    assert any(p.startswith(f"{root.resolve()}/") for p in paths), "the trace saw no file of the package read"
    assert stray(paths, allowed(root, scratch, output)) == []
    assert not [p for p in paths if p.startswith(str(outside.resolve()))]
    return code


@pytest.mark.parametrize("argv", [["validate", "{root}"], ["build", "--check", "--root", "{root}"]])
def test_validate_and_build_of_a_copy_with_links_and_paths_out(argv, built_mini, tmp_path):
    root, outside = _copy(
        built_mini, tmp_path, CASES["path-traversal"], CASES["symlink-out-in-codings"], CASES["symlink-out"]
    )
    _links_out(root, outside)
    code = _check([a.format(root=root) for a in argv], root, outside, tmp_path / "scratch")
    assert code == 1


@pytest.mark.parametrize("kind", ["sqlite", "duckdb"])
def test_export_of_a_copy_whose_names_and_tables_lead_out(kind, built_mini, tmp_path):
    root, outside = _copy(built_mini, tmp_path, HOSTILE[f"export-{kind}-name-walks-out"])
    _links_out(root, outside)
    out = tmp_path / "out"
    out.mkdir()
    code = _check(["export", kind, str(out / f"x.{kind}"), "--root", str(root)], root, outside, tmp_path / "s", out)
    assert code == 2
    # With the names restored, the link out is what stops it.
    document = (root / "datapackage.json").read_text(encoding="utf-8").replace("../../outside/canary", "people")
    (root / "datapackage.json").write_text(document, encoding="utf-8")
    code = _check(["export", kind, str(out / f"y.{kind}"), "--root", str(root)], root, outside, tmp_path / "t", out)
    assert code == 2
    assert not os.listdir(out)  # nothing half-written


def test_diff_of_a_pull_request_that_plants_the_base_and_a_path_out(built_mini, tmp_path):
    root, outside = _copy(built_mini, tmp_path, HOSTILE["diff-base-shadowed-by-a-link"], CASES["path-traversal"])
    sha = (outside / "ref").read_text(encoding="utf-8")
    code = _check(["diff", sha, "--root", str(root), "--format", "json"], root, outside, tmp_path / "scratch")
    assert code == 2  # the working tree's people resource leads out: refused, not read
