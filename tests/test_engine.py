"""The validator's engine finds what frictionless finds, and the package's rules besides.

frictionless is the oracle here, never a run-time engine: on a 10,000-stance package with a
known fault of every class written into it, and on every broken contribution of
tests/contributions.py that frictionless can be shown safely, the engine and `frictionless
validate` must agree on every (file, line, field, kind) of the kinds frictionless checks.
frictionless counts rows; the oracle turns its row numbers into CSV lines with the csv
module, independently of the engine's own line map.
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import pytest

from ai_openness.commands.cli import main
from ai_openness.validate import validate
from conftest import ROOT
from contributions import CASES, make_outside

sys.path.insert(0, str(ROOT / "benchmarks"))
import faults
import generate

ROW_ERRORS = {"primary-key", "foreign-key", "blank-row", "extra-cell"}  # frictionless names no single field
# What frictionless checks on the CSV resources of a package it can read.
FRICTIONLESS_KINDS = {
    "type-error",
    "constraint-error",
    "unique-error",
    "primary-key",
    "foreign-key",
    "missing-cell",
    "extra-cell",
    "blank-row",
    "incorrect-label",
    "missing-label",
    "extra-label",
    "blank-label",
    "duplicate-label",
    "hash-count",
    "byte-count",
}
# Contributions frictionless cannot be shown: it would read outside the package, fetch a
# URL, evaluate a hostile pattern or read a gigabyte (the descriptor and path cases), or it
# reads the file differently (encodings; a header past the column limit). The engine
# refuses each of them before reading rows, as test_refused_before_rows_are_read shows.
UNSEEN = {
    "path-traversal",
    "absolute-path",
    "symlink-out",
    "remote-url",
    "remote-profile",
    "compressed-resource",
    "regex-bomb-in-schema",
    "deep-json",
    "unreadable-json",
    "long-number-json",
    "missing-descriptor",
    "huge-file",
    "utf8-bom",
    "latin-1",
    "utf-16",
    "crlf",
    "many-columns",
}


def _key(file: str, line: int | None, field: str | None, kind: str) -> tuple:
    return (file, line, None if kind in ROW_ERRORS else field, kind)


def _mine(root: Path, kinds: set[str] | None = None) -> set[tuple]:
    # The engine's findings on the published tables (the comparison with a rebuild names codings),
    # and a changed stored text, reported once, at its sha256 line in sources/articles.yaml.
    found = {
        _key(p.file, p.line, p.field, p.code)
        for p in validate(root).problems
        if p.file.startswith("data/") or p.code == "source-text-changed"
    }
    return {k for k in found if (k[3] in kinds if kinds is not None else k[3] not in (None, "generated"))}


def _row_lines(path: Path) -> dict[int, int]:
    """frictionless row number (the header is row 1) -> the CSV line where that row starts."""
    lines, last = {}, 0
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        for number, _ in enumerate(reader, start=1):
            lines[number], last = last + 1, reader.line_num
    return lines


def _frictionless(root: Path) -> set[tuple]:
    import frictionless

    report = frictionless.validate(str(root / "datapackage.json"))
    found = set()
    for task in report.tasks:
        rel = Path(task.place).as_posix()
        lines = _row_lines(root / rel)
        for error in task.errors:
            row = getattr(error, "row_number", None)
            line = 1 if error.type.endswith("-label") else lines.get(row) if row else None
            found.add(_key(rel, line, getattr(error, "field_name", None), error.type))
    return found | {("datapackage.json", None, None, error.type) for error in report.errors}


@pytest.fixture(scope="module")
def faulty(tmp_path_factory) -> tuple[Path, list[faults.Expected]]:
    root = tmp_path_factory.mktemp("faulty") / "package"
    generate.generate(root, generate.replace(generate.SIZES["10k"], mentions_per_article=10), seed=7)
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    return root, faults.inject(root, seed=7)


@pytest.mark.xdist_group("faulty")  # with the next test: the 10,000-stance package is made once
def test_engine_finds_exactly_the_injected_faults(faulty):
    root, expected = faulty
    assert {e.kind for e in expected} == {
        "type-error",
        "constraint-error",
        "unique-error",
        "primary-key",
        "foreign-key",
        "quote",
        "source-text-changed",
        "twin",
    }
    assert _mine(root) == {_key(e.file, e.line, e.field, e.kind) for e in expected}


@pytest.mark.xdist_group("faulty")
def test_engine_and_frictionless_agree_on_the_injected_faults(faulty):
    root, expected = faulty
    theirs = _frictionless(root)
    assert theirs == {_key(e.file, e.line, e.field, e.kind) for e in expected if e.kind in FRICTIONLESS_KINDS}
    assert _mine(root, FRICTIONLESS_KINDS) == theirs


def test_the_differential_corpus_covers_every_kind_frictionless_finds_in_rows():
    assert set(CASES) >= UNSEEN and set(FRICTIONLESS_FINDS) <= set(DIFFERENTIAL)
    assert set().union(*FRICTIONLESS_FINDS.values()) >= {"constraint-error", "foreign-key", "primary-key", "type-error"}


# The broken contributions that edit a published CSV: frictionless sees them (it reads the
# CSVs through datapackage.json; a coding, a stored text or a Parquet twin it never reads).
DIFFERENTIAL = sorted(
    n for n in set(CASES) - UNSEEN if CASES[n].file.startswith("data/") and CASES[n].file.endswith(".csv")
)
# What frictionless must find in them besides the edited file's hash and size, written out by
# hand: the rest are the package's own rules, which frictionless does not make.
FRICTIONLESS_FINDS = {
    "bad-enum": {"constraint-error"},
    "dangling-foreign-key": {"foreign-key"},
    "duplicate-primary-key": {"primary-key", "unique-error", "foreign-key"},
    "impossible-day": {"type-error"},
}


@pytest.mark.parametrize("name", DIFFERENTIAL)
def test_engine_and_frictionless_agree_on_a_broken_contribution(name, built_mini, tmp_path):
    root, outside = tmp_path / "package", tmp_path / "outside"
    shutil.copytree(built_mini, root)
    make_outside(outside)
    CASES[name].patch(root, outside)
    theirs = _frictionless(root)
    assert {k[3] for k in theirs} - {"hash-count", "byte-count"} == FRICTIONLESS_FINDS.get(name, set())
    assert _mine(root, FRICTIONLESS_KINDS) == theirs


def test_engine_and_frictionless_agree_on_rows_of_the_wrong_shape(built_mini, tmp_path):
    root = tmp_path / "package"
    shutil.copytree(built_mini, root)
    path = root / "data" / "stances.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = ",".join(lines[1].split(",")[:3])  # too few cells
    lines[2] += ",extra,more"  # too many
    lines[3:3] = ["", ",,,,,,,,,,,,,,,,,,"]  # a blank line, and a row of empty cells
    path.write_text("\n".join(lines), encoding="utf-8")
    theirs = _frictionless(root)
    assert {k[3] for k in theirs} >= {"missing-cell", "extra-cell", "blank-row", "primary-key"}
    assert _mine(root, FRICTIONLESS_KINDS) == theirs


@pytest.mark.parametrize("name", sorted(UNSEEN))
def test_refused_before_rows_are_read(name, built_mini, tmp_path):
    root, outside = tmp_path / "package", tmp_path / "outside"
    shutil.copytree(built_mini, root)
    make_outside(outside)
    CASES[name].patch(root, outside)
    report = validate(root)
    refusals = [p for p in report.problems if p.file.startswith("datapackage") or p.code in ("encoding-error", "limit")]
    assert refusals and not [p for p in report.problems if p.code in FRICTIONLESS_KINDS - {"hash-count", "byte-count"}]


def test_committed_package_passes():
    assert validate(ROOT).problems == []


def test_generated_package_builds_as_generated(tmp_path: Path):
    root = tmp_path / "one"
    counts = generate.generate(root, generate.SIZES["1x"], seed=3)
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    report = validate(root)
    assert report.problems == []
    for name in ("sources", "organisations", "people", "licences", "models", "stances", "stance_arguments", "aliases"):
        assert report.rows[name] == counts[name], name
        with open(root / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
            assert sum(1 for _ in csv.reader(handle)) - 1 == counts[name], name
