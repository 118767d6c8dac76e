"""`python -m ai_openness.commands.steps`, which `make` runs: several commands in one process, each
printing and exiting as it does on its own, the first that fails stopping the rest."""

from __future__ import annotations

import shlex
from pathlib import Path

from ai_openness.commands import steps
from ai_openness.commands.cli import main


def test_each_step_prints_and_exits_as_the_command_on_its_own(mini: Path, capsys):
    root = shlex.quote(str(mini))
    lines = [
        f"build --root {root}",
        f"validate --root {root}",
        f"coverage --root {root} --format json",
        f"candidates --root {root}",
    ]
    capsys.readouterr()
    codes, outs, errs = [], [], []
    for line in lines:  # the oracle: each command in turn, as make ran them as processes
        codes.append(main(shlex.split(line)))
        out, err = capsys.readouterr()
        outs.append(out)
        errs.append(err)
    assert "Built the package" in outs[0] and "Valid" in outs[1] and '"sources"' in outs[2]

    code = steps.main(lines)
    out, err = capsys.readouterr()
    assert code == next((c for c in codes if c), 0)
    assert out == "".join(outs) and err == "".join(errs)


def test_the_first_step_that_fails_stops_the_rest_with_its_exit_code(mini: Path, capsys):
    root = shlex.quote(str(mini))
    capsys.readouterr()
    code = steps.main([f"coverage --root {root} --format markdown", f"build --root {root}"])
    out, err = capsys.readouterr()
    assert code == 2  # a usage error: coverage writes no markdown
    assert "ai-openness coverage: the command line is wrong" in err
    assert "Built the package" not in out  # the build after it never ran
