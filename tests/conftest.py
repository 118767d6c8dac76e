"""Shared fixtures: copies of the real package and of a small test package."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
INPUTS = ("schema", "sources", "codings")  # what a build reads
OUTPUTS = ("data", "datapackage.json", "datapackage.parquet.json")  # what a build writes


def copy_tree(source: Path, target: Path, names=INPUTS + OUTPUTS) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, target / name)
        elif path.is_file():
            shutil.copy2(path, target / name)
    return target


def snapshot(root: Path) -> dict[str, bytes]:
    """Bytes of every generated file under root."""
    files = {}
    for name in OUTPUTS:
        path = root / name
        for file in ([path] if path.is_file() else sorted(path.rglob("*")) if path.is_dir() else []):
            if file.is_file():
                files[file.relative_to(root).as_posix()] = file.read_bytes()
    return files


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A built copy of the small test package in tests/fixtures/mini."""
    from ai_openness.cli import main

    root = copy_tree(FIXTURES / "mini", tmp_path / "mini")
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    return root


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the real package's inputs and committed outputs."""
    return copy_tree(ROOT, tmp_path / "package")
