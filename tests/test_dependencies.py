"""Every module the library imports is declared in pyproject.toml, load() needs only the base
dependencies, and the command names the extra to install when one is missing."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib import metadata

import pytest

from ai_openness.safeio.installed import installed_contract
from conftest import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _name(spec: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", spec).group(0)).lower()


BASE = {_name(spec) for spec in PROJECT["dependencies"]}
EXTRAS = {extra: {_name(spec) for spec in specs} for extra, specs in PROJECT["optional-dependencies"].items()}


def _imported_modules() -> set[str]:
    """Top-level names of every absolute import in src/, at module level or inside functions."""
    names = set()
    for path in (ROOT / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"__future__", "ai_openness"}


def test_every_imported_module_comes_from_a_declared_distribution():
    # The installed distributions say which module each provides (not a table of ours).
    provided_by = metadata.packages_distributions()
    declared = BASE.union(*EXTRAS.values())
    undeclared = {
        module: provided_by.get(module)
        for module in _imported_modules()
        if not {_name(d) for d in provided_by.get(module, [])} & declared
    }
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


def test_base_dependencies_are_only_what_load_needs():
    assert {"pandas", "pyarrow", "pydantic"} == BASE


def test_load_imports_no_module_of_an_extra():
    # Run load() with every module of every extra made unimportable; pandas, pyarrow and
    # pydantic (and what they need) stay.
    provided_by = metadata.packages_distributions()
    extra_only = set().union(*EXTRAS.values()) - BASE - {"ai-openness"}
    blocked = sorted(
        module
        for module, dists in provided_by.items()
        if {_name(d) for d in dists} & extra_only
        and module.isidentifier()
        and module not in ("numpy", "dateutil", "tzdata", "six")
    )  # pandas' own needs
    assert {"polars", "frictionless", "rich", "opencc", "yaml"} <= set(blocked)
    script = (
        "import sys\n"
        f"for name in {blocked!r}: sys.modules[name] = None\n"
        "import ai_openness\n"
        "tables = ai_openness.load()\n"
        "print(len(tables), ai_openness.data_version())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert int(result.stdout.split()[0]) == len(installed_contract().names)


@pytest.mark.parametrize(
    "command, module, extra",
    [
        (["validate", str(ROOT)], "polars", "tools"),
        (["build", "--check", "--root", str(ROOT)], "opencc", "tools"),
        (["figures", "--check", "--root", str(ROOT)], "altair", "figures"),
        (["export", "duckdb", "out.duckdb"], "duckdb", "export"),
    ],
)
def test_a_missing_extra_is_named_not_called_an_internal_error(command, module, extra, tmp_path):
    # In a fresh interpreter, with the module made unimportable the way Python marks a module
    # that is not installed.
    script = (
        f"import sys; sys.modules[{module!r}] = None\n"
        "from ai_openness.commands.cli import main\n"
        f"sys.exit(main({command!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=300, check=False
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert f"pip install 'ai-openness[{extra}]'" in result.stderr and repr(module) in result.stderr
