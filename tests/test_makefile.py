"""`make` refuses a Python older than 3.11 before touching .venv, and makes .venv again when it
was made with another Python or is broken, so one mistaken run never leaves `make` stuck."""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def _script(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _make(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL")}
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


def _version(python: Path | str) -> str:
    return subprocess.run(
        [str(python), "-c", "import sys; print(sys.version)"], capture_output=True, text=True, timeout=60, check=False
    ).stdout


def test_an_old_python_is_refused_with_the_fix_and_venv_is_left_alone(tmp_path: Path):
    # Stands in for a Python 3.10: says so when asked, and fails any version check.
    old = _script(tmp_path / "bin/python3.10", 'case "$1" in --version) echo "Python 3.10.14";; *) exit 1;; esac\n')
    venv = tmp_path / "venv"
    result = _make("venv", f"PYTHON={old}", f"VENV={venv}")
    assert result.returncode != 0
    assert "needs Python 3.11 or newer" in result.stderr and "Python 3.10.14" in result.stderr
    assert "make PYTHON=python3.11" in result.stderr
    assert not venv.exists()

    venv.mkdir()
    (venv / "keep").write_text("x", encoding="utf-8")
    assert _make("venv", f"PYTHON={old}", f"VENV={venv}").returncode != 0
    assert (venv / "keep").read_text(encoding="utf-8") == "x"

    missing = _make("venv", f"PYTHON={tmp_path / 'no-such-python'}", f"VENV={venv}")
    assert missing.returncode != 0 and "not a working Python" in missing.stderr


def test_a_broken_venv_or_one_made_with_another_python_is_made_again(tmp_path: Path):
    venv = tmp_path / "venv"
    _script(venv / "bin/python", "exit 1\n")  # broken: its python does not run
    (venv / ".installed").write_text("", encoding="utf-8")  # and a stale install stamp
    result = _make("venv", f"PYTHON={sys.executable}", f"VENV={venv}")
    assert result.returncode == 0, result.stderr
    assert "making it again" in result.stdout
    assert _version(venv / "bin/python") == _version(sys.executable)
    assert not (venv / ".installed").exists()  # so `make install` installs again

    # A second run keeps the good .venv as it is.
    marker = venv / "keep"
    marker.write_text("x", encoding="utf-8")
    again = _make("venv", f"PYTHON={sys.executable}", f"VENV={venv}")
    assert again.returncode == 0 and "making it again" not in again.stdout and marker.exists()

    # Made by another interpreter (here: one that reports another version): made again.
    other = _script(tmp_path / "bin/other-python", f'exec {sys.executable} "$@"\n')
    (venv / "bin/python").unlink()
    _script(venv / "bin/python", 'echo "3.99.0 (another build)"\n')
    remade = _make("venv", f"PYTHON={other}", f"VENV={venv}")
    assert remade.returncode == 0, remade.stderr
    assert "making it again" in remade.stdout and not marker.exists()


def test_the_install_stamp_depends_on_the_interpreter_check():
    # A remade .venv must reinstall: the stamp's prerequisites include the check's file.
    result = _make("-n", "-p", "VENV=.venv-probe")
    assert result.returncode == 0, result.stderr
    rule = next(line for line in result.stdout.splitlines() if line.startswith(".venv-probe/.installed:"))
    assert ".venv-probe/.python" in rule and "pyproject.toml" in rule and "constraints.txt" in rule


def _ai_openness_commands(*args: str) -> list[list[str]]:
    """The ai-openness command lines `make -n` prints, as argument lists: one per line of
    `.venv/bin/ai-openness ARGS`, one per argument of `python -m ai_openness.commands.steps`."""
    result = _make("-n", "-o", ".venv/.installed", *args)
    assert result.returncode == 0, result.stderr
    commands = []
    for line in result.stdout.splitlines():
        words = shlex.split(line)
        if words and words[0].endswith("/ai-openness"):
            commands.append(words[1:])
        elif "ai_openness.commands.steps" in words:
            commands += [shlex.split(step) for step in words[words.index("ai_openness.commands.steps") + 1 :]]
    return commands


@pytest.mark.parametrize("variables", [[], ["VALIDATE_FORMAT=github"]])
def test_make_runs_the_steps_of_build_figures_validate_coverage_candidates_in_order(variables):
    # `all` runs them in one process; each must stay the command its own target runs.
    separately = _ai_openness_commands(*variables, "build", "figures", "validate", "coverage", "candidates")
    assert [command[0] for command in separately] == ["build", "figures", "validate", "coverage", "candidates"]
    assert _ai_openness_commands(*variables) == separately
