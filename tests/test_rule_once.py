"""Each rule is applied once: a fault in a coding or a stored text is one finding, in the same
words from `ai-openness build` and from `ai-openness validate`, at the coding's line.

The expected rows are written out by hand from the fixture (tests/fixtures/mini) and the
words of the rules, not taken from the code under test.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ai_openness.commands.cli import main
from contributions import replace

STANCES = "codings/stances/mini.yaml"
FIX = "correct the coding at this line, then run `ai-openness build`"
RESTORE = (
    "a stored source never changes: restore it (`git checkout origin/main -- sources/articles/mini.txt`); "
    "if the new bytes are intended, record their SHA-256 in sources/articles.yaml and run `ai-openness build`"
)
OLD_SHA = "e4284aed6098b1d16922c75eb7c446851029f4b58628ca633b03a37078ca9ae2"


def _vocabulary(root: Path) -> None:
    replace(root, STANCES, "    position: closed", "    position: half-open")


def _date(root: Path) -> None:
    replace(root, STANCES, "    date: 2023-03-14", "    date: 2023-02-30")


def _stored_text(root: Path) -> None:
    with open(root / "sources/articles/mini.txt", "ab") as handle:
        handle.write("改".encode())


# fault -> the one finding (file, line, field, message, value, fix) both commands must report
EXPECTED = {
    "vocabulary": (
        _vocabulary,
        (
            STANCES,
            19,
            "position",
            "the value is not in the column's vocabulary",
            "half-open",
            FIX,
        ),
    ),
    "date": (
        _date,
        (STANCES, 15, "date", "the value is not of the column's type (date)", "2023-02-30", FIX),
    ),
    "stored-text": (
        _stored_text,
        (
            "sources/articles.yaml",
            6,
            "sha256",
            "sources/articles/mini.txt does not match its recorded SHA-256",
            OLD_SHA,
            RESTORE,
        ),
    ),
}


def _problems(argv: list[str], capsys) -> tuple[int, list[tuple]]:
    capsys.readouterr()
    code = main(argv)
    report = json.loads(capsys.readouterr().out)
    keys = ("file", "line", "field", "message", "value", "fix")
    return code, [tuple(p[k] for k in keys) for p in report["problems"]]


@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_one_finding_in_the_same_words_from_build_and_validate(fault, built_mini, tmp_path, capsys):
    root = tmp_path / "package"
    shutil.copytree(built_mini, root)
    patch, expected = EXPECTED[fault]
    patch(root)

    built = _problems(["build", "--root", str(root), "--format", "json"], capsys)
    validated = _problems(["validate", str(root), "--format", "json"], capsys)

    assert built == (1, [expected])
    assert validated == (1, [expected])


def test_faults_together_are_one_finding_each(built_mini, tmp_path, capsys):
    root = tmp_path / "package"
    shutil.copytree(built_mini, root)
    for patch, _ in EXPECTED.values():
        patch(root)
    expected = sorted(row for _, row in EXPECTED.values())

    assert _problems(["build", "--root", str(root), "--format", "json"], capsys) == (1, expected)
    assert _problems(["validate", str(root), "--format", "json"], capsys) == (1, expected)


def test_a_value_yaml_reads_as_a_truth_value_is_one_finding_with_the_yaml_hint(built_mini, tmp_path, capsys):
    root = tmp_path / "package"
    shutil.copytree(built_mini, root)
    replace(root, STANCES, "    position: closed", "    position: no")  # YAML 1.1 reads `no` as false
    expected = (
        STANCES,
        19,
        "position",
        "is read as a truth value (YAML reads yes, no, on, off, true and false so), but text is expected; "
        "put the value in quotes",
        "False",
        'write it in quotes: position: "…", then run `ai-openness build`',
    )
    code, found = _problems(["build", "--root", str(root), "--format", "json"], capsys)
    assert (code, found) == (1, [expected])
