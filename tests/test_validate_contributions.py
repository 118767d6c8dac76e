"""`ai-openness validate` on a corpus of broken contributions (tests/contributions.py).

For every class: the exit code, the file and line named, an explanation with the expected
words, no traceback, nothing read outside the package (audited opens, a canary), no network
or process, nothing written, and the untouched package still valid.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ai_openness.commands.cli import main
from conftest import tree_bytes
from contributions import CANARY, CASES, make_outside


@pytest.fixture(scope="module")
def pristine(built_mini: Path) -> tuple[Path, dict[str, bytes]]:
    """The built mini package, checked valid once; each test proves it is still untouched."""
    assert main(["validate", str(built_mini)]) == 0
    return built_mini, tree_bytes(built_mini)


def _run(root: Path, capsys) -> tuple[int, dict, str]:
    capsys.readouterr()
    code = main(["validate", str(root), "--format", "json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.out + captured.err


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 20


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_contribution_is_found_and_contained(name, pristine, tmp_path, capsys, audit):
    audit.active = False  # setting up may read and write anything; the validator may not
    case = CASES[name]
    built, pristine_bytes = pristine
    root, outside = tmp_path / "package", tmp_path / "outside"
    shutil.copytree(built, root)
    make_outside(outside)
    case.patch(root, outside)
    before = tree_bytes(root)
    line = case.line(root) if callable(case.line) else case.line
    audit.active = True

    code, report, output = _run(root, capsys)

    audit.active = False
    assert code == case.exit_code, output
    located = [p for p in report["problems"] if p["file"] == case.file and (line is None or p["line"] == line)]
    explained = [
        p for p in located if case.words in " ".join(str(p[k]) for k in ("message", "value", "expected", "fix"))
    ]
    assert explained, f"no problem at {case.file}:{line} saying {case.words!r}:\n{output}"
    assert all(p["fix"] for p in explained), "every finding says how to fix it"
    assert "Traceback" not in output
    assert CANARY not in output
    outside_real = outside.resolve()
    touched = [p for p in audit.opened + audit.listed if Path(p).resolve().is_relative_to(outside_real)]
    assert touched == [], "read outside the package"
    assert audit.events == [], "network or process activity"
    assert tree_bytes(root) == before, "the validator wrote into the package"
    assert tree_bytes(built) == pristine_bytes


@pytest.mark.parametrize("name", ["formula-injection", "path-traversal", "deep-json"])
def test_human_output_names_file_line_and_fix(name, pristine, tmp_path, capsys):
    case = CASES[name]
    root, outside = tmp_path / "package", tmp_path / "outside"
    shutil.copytree(pristine[0], root)
    make_outside(outside)
    case.patch(root, outside)
    line = case.line(root) if callable(case.line) else case.line
    capsys.readouterr()

    code = main(["validate", str(root)])

    out = capsys.readouterr().out
    assert code == case.exit_code
    assert f"{case.file}:{line}" in out
    assert case.words in out
    assert "    fix:" in out and "    expected:" in out
    assert out.startswith("Cannot validate" if code == 2 else "Invalid")
