"""The README's diagram of the layers is the import-linter contract that `make check` enforces."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _contract_layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    [layers] = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    return layers


def _readme_layers() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The code, in layers", 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.S).group(1)
    return [line.split()[0] for line in block.splitlines() if line.strip()]


def test_readme_diagram_is_the_import_linter_contract():
    assert _readme_layers() == _contract_layers()


def test_every_folder_of_the_library_is_a_layer():
    folders = sorted(p.name for p in (ROOT / "src/ai_openness").iterdir() if (p / "__init__.py").is_file())
    assert folders == sorted(_contract_layers())


def test_no_folder_is_named_like_build_output():
    named = [p for p in (ROOT / "src").rglob("*") if p.is_dir() and p.name in ("build", "dist", "_build")]
    assert not named
