"""An undated stance says why (undated_reason); a dated one has nothing to explain."""

from __future__ import annotations

from pathlib import Path

import pytest

from ai_openness.commands.cli import main
from conftest import copy_tree

STANCE = """  - stance_id: openai-undated-closed-again
    organisation_id: openai
{dating}    kind: statement
    attribution: paraphrase
    position: closed
    quote: 閉源。
    occurrence: 3
    quote_en: Closed source.
"""


def _with_stance(built_mini: Path, tmp_path: Path, dating: str) -> Path:
    root = copy_tree(built_mini, tmp_path / "mini")
    path = root / "codings/stances/mini.yaml"
    path.write_text(path.read_text(encoding="utf-8") + STANCE.format(dating=dating), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "dating, problem",
    [
        ("", "an undated stance needs undated_reason"),
        (
            "    date: 2023\n    date_basis: stated\n    undated_reason: ongoing\n",
            "a dated stance has no undated_reason",
        ),
        ("    undated_reason: someday\n", "not in the column's vocabulary"),
    ],
)
def test_bad_undated_reason_stops_the_build(built_mini, tmp_path, capsys, dating, problem):
    root = _with_stance(built_mini, tmp_path, dating)
    assert main(["build", "--root", str(root), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "codings/stances/mini.yaml:" in err and "[undated_reason]" in err and problem in err


def test_undated_stance_with_a_reason_builds(built_mini, tmp_path):
    root = _with_stance(built_mini, tmp_path, "    undated_reason: statement-undated\n")
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    assert ",statement-undated," in (root / "data/stances.csv").read_text(encoding="utf-8")
