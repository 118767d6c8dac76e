"""Shared fixtures: copies of the real package and of a small test package, and what is
expensive to make (a wheel, a fresh virtual environment holding it, the figures), made once.

Tests run on two workers (pytest-xdist, `--dist loadgroup`): a session fixture is made once
per worker that uses it, so the tests that share an expensive one are put in one
`xdist_group` (WHEEL_GROUP, FIGURES_GROUP) and it is made once per run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
INPUTS = ("schema", "sources", "codings")  # what a build reads
WHEEL_GROUP = pytest.mark.xdist_group("wheel")  # the tests of the wheel and of a fresh environment
FIGURES_GROUP = pytest.mark.xdist_group("figures")  # the tests of the figures drawn once
# A fresh environment must not see this checkout (a PYTHONPATH pointing at src/).
CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
OUTPUTS = ("data", "datapackage.json", "datapackage.parquet.json")  # what a build writes
# The modules whose tests (or shared fixture) take longest, longest first: they are started
# first, so that the two workers take the long work at once and end together, instead of
# one of them starting a minute-long test when every other test is done. The README's
# fresh-environment test comes before test_wheel.py, whose last test adds the tools to that
# environment (the wheel's group runs in this order).
LONGEST_FIRST = (
    "test_contributing.py",
    "test_source_cache.py",
    "test_readme_commands.py",
    "test_wheel.py",
    "test_hostile.py",
    "test_release.py",
    "test_benchmarks.py",
    "test_inputs_strict.py",
    "test_figures.py",
    "test_engine.py",
    "test_help_examples.py",
    "test_validate_contributions.py",
    "test_makefile.py",
)


@pytest.hookimpl(trylast=True)  # after pytest's own ordering by fixture, which it keeps within a module
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests of LONGEST_FIRST's modules first, in its order; the others after them, as
    collected. xdist (`--no-loadscope-reorder`) hands them out in this order."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


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


PIP_WHEEL = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """The wheel of this checkout, as `ai-openness release` builds it (tests in WHEEL_GROUP)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [*PIP_WHEEL, "--wheel-dir", str(out), str(ROOT)],
        check=True,
        timeout=300,
    )
    return next(out.glob("ai_openness-*.whl"))


@pytest.fixture(scope="session")
def slim_env(wheel: Path, tmp_path_factory) -> Path:
    """A fresh virtual environment holding the wheel and only its base dependencies, as a
    data user installs it (tests in WHEEL_GROUP). Byte-compiling pandas and pyarrow is left
    out (PIP_NO_COMPILE): it changes what is installed in no way the tests can see, and it
    was a third of the install's time."""
    env = tmp_path_factory.mktemp("slim") / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    subprocess.run(
        [
            str(env / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "-c",
            str(ROOT / "constraints.txt"),
            str(wheel),
        ],
        check=True,
        env={**CLEAN_ENV, "PIP_NO_COMPILE": "1"},
        timeout=900,
    )
    return env


def headless_chromium(binary: str, driver: str, profile: Path, *arguments: str) -> Any:
    """A headless Chromium, driven by the given chromedriver (Selenium never fetches one)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1000",
        *arguments,
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(driver), options=options)
    browser.set_page_load_timeout(60)
    return browser
