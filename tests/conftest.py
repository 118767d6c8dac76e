"""Shared fixtures: copies of the real package and of a small test package."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
INPUTS = ("schema", "sources", "codings")  # what a build reads
OUTPUTS = ("data", "datapackage.json", "datapackage.parquet.json")  # what a build writes


# The package's schema read directly (json, yaml), as an oracle independent of ai_openness.contract.


def package_yaml(root: Path = ROOT) -> dict:
    return yaml.safe_load((root / "schema" / "package.yaml").read_text(encoding="utf-8"))


def resource_names(root: Path = ROOT) -> list[str]:
    return [r["name"] for r in package_yaml(root)["resources"]]


def table_schema(name: str, root: Path = ROOT) -> dict:
    return json.loads((root / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))


def fields(name: str, root: Path = ROOT) -> list[dict]:
    return table_schema(name, root)["fields"]


def enum_values(name: str, field: str, root: Path = ROOT) -> list[str]:
    return next(f for f in fields(name, root) if f["name"] == field)["constraints"]["enum"]


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
        for file in [path] if path.is_file() else sorted(path.rglob("*")) if path.is_dir() else []:
            if file.is_file():
                files[file.relative_to(root).as_posix()] = file.read_bytes()
    return files


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A built copy of the small test package in tests/fixtures/mini."""
    from ai_openness.commands.cli import main

    root = copy_tree(FIXTURES / "mini", tmp_path / "mini")
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    return root


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the real package's inputs and committed outputs."""
    return copy_tree(ROOT, tmp_path / "package")


@pytest.fixture(scope="session")
def built_mini(tmp_path_factory) -> Path:
    """The small test package, built once per session; copy it before changing it."""
    from ai_openness.commands.cli import main

    root = copy_tree(FIXTURES / "mini", tmp_path_factory.mktemp("built") / "mini")
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    return root


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under root (links recorded by their target), to prove nothing was written."""
    files = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            files[rel] = b"-> " + str(path.readlink()).encode()
        elif path.is_file():
            files[rel] = path.read_bytes()
    return files


class AuditRecorder:
    """Records, while active, the files opened and the network and process events raised
    by the Python runtime (PEP 578 audit hooks see every open(), socket and subprocess)."""

    WATCHED = (
        "socket.connect",
        "socket.getaddrinfo",
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.fork",
    )

    def __init__(self):
        self.active = False
        self.opened: list[str] = []
        self.listed: list[str] = []
        self.events: list[str] = []

    def __call__(self, event: str, args: tuple) -> None:
        if not self.active:
            return
        if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            self.opened.append(os.path.abspath(os.fsdecode(args[0])))
        elif event == "os.scandir" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            self.listed.append(os.path.abspath(os.fsdecode(args[0])))
        elif event in self.WATCHED:
            self.events.append(event)


AUDIT = AuditRecorder()
sys.addaudithook(AUDIT)  # hooks cannot be removed; the recorder is inert unless active


@pytest.fixture
def audit():
    AUDIT.opened, AUDIT.listed, AUDIT.events = [], [], []
    AUDIT.active = True
    try:
        yield AUDIT
    finally:
        AUDIT.active = False


@pytest.fixture(scope="session")
def figure_files() -> dict[str, bytes]:
    """Every figure of the real package, drawn once per session (drawing takes seconds)."""
    figures = pytest.importorskip("ai_openness.views.figures", reason="needs the figures extra")
    pytest.importorskip("vl_convert", reason="needs the figures extra")
    return figures.draw(ROOT)
