"""The catalogue of findings (core/errors.py): every check's codes are in it, and broken
packages give exactly the (file, line, field, code) rows written out below by hand, as
frictionless-py's tests assert flattened error tables."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from ai_openness.commands.cli import main
from ai_openness.core.errors import CATALOGUE
from ai_openness.validate import validate

ROOT = Path(__file__).resolve().parents[1]
CHECKS = ROOT / "src/ai_openness/checks"


def _emits(path: Path) -> tuple[str, ...]:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["EMITS"]:
            return tuple(ast.literal_eval(node.value))
    return ()


def _codes_used(path: Path) -> set[str]:
    """The codes a module passes to Findings.add (its fourth argument, when a literal), and
    the codes written in rule tables (a string literal among a tuple's items that is a code)."""
    used = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "add" and len(node.args) >= 4:
            code = node.args[3]
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                used.add(code.value)
        if isinstance(node, ast.Tuple):
            used |= {e.value for e in node.elts if isinstance(e, ast.Constant) and e.value in CATALOGUE}
    return used


@pytest.mark.parametrize("module", sorted(p.name for p in CHECKS.glob("*.py") if _emits(p)))
def test_a_check_emits_only_the_codes_it_declares_and_each_is_catalogued(module):
    path = CHECKS / module
    declared = set(_emits(path))
    assert declared <= set(CATALOGUE), declared - set(CATALOGUE)
    assert _codes_used(path) <= declared, _codes_used(path) - declared


def test_every_catalogue_entry_has_its_parts_and_a_code_of_its_own():
    from ai_openness.core.errors import ENTRIES

    entries = list(ENTRIES)
    codes = [e.code for e in entries]
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)  # no code twice
    assert codes == list(CATALOGUE)
    for entry in entries:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", entry.code), entry.code
        assert entry.template and entry.description and entry.fix, entry.code


# --- flattened error tables -------------------------------------------------------------


def _rows(root: Path, rel: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO((root / rel).read_text(encoding="utf-8"))))


def _write_rows(root: Path, rel: str, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (root / rel).write_text(out.getvalue(), encoding="utf-8")


def _set_cell(root: Path, rel: str, row: int, column: str, value: str) -> None:
    """Set one cell of data row `row` (1-based: the CSV's line is row + 1)."""
    rows = _rows(root, rel)
    rows[row][rows[0].index(column)] = value
    _write_rows(root, rel, rows)


def _table(problems) -> list[tuple]:
    """The findings on the tables, as (file, line, field, code), without the descriptor's hash
    and size (which any edit of a CSV changes) and the comparison with a rebuild (which any
    edit of a table fails): the rows edited below are the faults."""
    skip = {"hash-count", "byte-count", "generated", "twin"}  # the Parquet twins are left as they were
    return sorted(
        (p.file, p.line, p.field, p.code) for p in problems if p.file.startswith("data/") and p.code not in skip
    )


@pytest.fixture
def published(built_mini: Path, tmp_path: Path) -> Path:
    """A built copy of the small package, whose tables the tests below edit by hand."""
    root = tmp_path / "package"
    shutil.copytree(built_mini, root)
    return root


def test_cell_faults_of_a_published_table(published: Path):
    stances = "data/stances.csv"
    _set_cell(published, stances, 1, "position", "undecided")  # not in the vocabulary
    _set_cell(published, stances, 2, "quote_en", "=HYPERLINK(1)")  # a formula
    _set_cell(published, "data/organisations.csv", 1, "country", "usa")  # breaks the pattern
    assert _table(validate(published).problems) == [
        ("data/organisations.csv", 2, "country", "constraint-error"),
        ("data/stances.csv", 2, "position", "constraint-error"),
        ("data/stances.csv", 3, "quote_en", "formula"),
    ]


def test_key_faults_of_a_published_table(published: Path):
    stances = "data/stances.csv"
    rows = _rows(published, stances)
    rows.append(list(rows[1]))  # the first stance again: its id twice
    _write_rows(published, stances, rows)
    _set_cell(published, stances, 2, "person_id", "nobody-of-that-name")
    assert _table(validate(published).problems) == [
        ("data/stances.csv", 3, "person_id", "foreign-key"),
        ("data/stances.csv", 4, "stance_id", "primary-key"),
        ("data/stances.csv", 4, "stance_id", "unique-error"),  # the id column is also marked unique
    ]


def test_dating_faults_of_a_published_table(published: Path):
    stances = "data/stances.csv"
    _set_cell(published, stances, 1, "date_basis", "")  # dated, but not said how
    _set_cell(published, stances, 2, "date", "2023-02-30")  # no such day
    assert _table(validate(published).problems) == [
        ("data/stances.csv", 2, "date", "date-basis-missing"),
        ("data/stances.csv", 3, "date", "type-error"),
    ]


def test_evidence_faults_of_a_published_table(published: Path):
    sources = "data/sources.csv"
    rows = _rows(published, sources)
    reference = next(n for n, row in enumerate(rows) if row[rows[0].index("kind")] == "licence-text")
    _set_cell(published, sources, reference, "url", "")  # a reference read at no address
    _set_cell(published, "data/stances.csv", 1, "quote", " ")  # a quote of one space
    assert _table(validate(published).problems) == [
        ("data/sources.csv", reference + 1, "url", "reference-url"),
        ("data/stances.csv", 2, "quote", "constraint-error"),
        ("data/stances.csv", 2, "quote", "quote"),  # and no longer the text at its offsets
    ]


def test_faults_of_a_coding_are_found_at_its_lines(built_mini: Path, tmp_path: Path, capsys):
    root = tmp_path / "mini"
    shutil.copytree(built_mini, root)
    coding = root / "codings/stances/mini.yaml"
    text = coding.read_text(encoding="utf-8")
    typo = text.replace("    person_id: elon-musk\n", "    person_id: elon-muks\n")  # line 4
    assert typo != text
    coding.write_text(typo, encoding="utf-8")
    assert main(["build", "--root", str(root), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(p["file"], p["line"], p["field"], p["code"]) for p in report["problems"]] == [
        ("codings/stances/mini.yaml", 4, "person_id", "foreign-key")
    ]
