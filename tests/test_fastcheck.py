"""The vectorised checker finds what frictionless finds, and the package rules besides.

The differential test generates a 10,000-stance package, writes a known fault of every
class into it and requires the checker, frictionless and the list of injected faults to
agree on every (file, line, field, kind).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ai_openness.cli import main
from ai_openness.fastcheck import _record_lines, check_package
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import faults  # noqa: E402
import generate  # noqa: E402

ROW_ERRORS = {"primary-key", "foreign-key"}  # frictionless names no single field for these


def _key(file: str, line: int | None, field: str | None, kind: str) -> tuple:
    return (file, line, None if kind in ROW_ERRORS else field, kind)


def _mine(root: Path) -> set[tuple]:
    return {_key(p.file, p.line, p.field, p.message.split(":", 1)[0]) for p in check_package(root)}


def _frictionless(root: Path) -> set[tuple]:
    import frictionless

    report = frictionless.validate(str(root / "datapackage.json"))
    found = set()
    for task in report.tasks:
        for error in task.errors:
            field = getattr(error, "field_name", None)
            found.add(_key(Path(task.place).as_posix(), getattr(error, "row_number", None), field, error.type))
    found |= {("datapackage.json", None, None, error.type) for error in report.errors}
    return found


@pytest.fixture(scope="module")
def faulty(tmp_path_factory) -> tuple[Path, list[faults.Expected]]:
    root = tmp_path_factory.mktemp("faulty") / "package"
    size = generate.SIZES["10k"]
    generate.generate(root, generate.replace(size, mentions_per_article=10), seed=7)
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    return root, faults.inject(root, seed=7)


def test_checker_finds_exactly_the_injected_faults(faulty):
    root, expected = faulty
    assert {e.kind for e in expected} == {"type-error", "constraint-error", "unique-error", "primary-key",
                                          "foreign-key", "quote", "source-text", "twin"}
    assert _mine(root) == {_key(e.file, e.line, e.field, e.kind) for e in expected}


def test_checker_and_frictionless_agree(faulty):
    root, expected = faulty
    theirs = _frictionless(root)
    schema_kinds = {kind for *_, kind in theirs}
    assert theirs == {_key(e.file, e.line, e.field, e.kind) for e in expected if e.kind in schema_kinds}
    assert {k for k in _mine(root) if k[3] in schema_kinds} == theirs


def test_committed_package_passes():
    assert check_package(ROOT) == []


def test_generated_package_builds_as_generated(tmp_path: Path):
    root = tmp_path / "one"
    counts = generate.generate(root, generate.SIZES["1x"], seed=3)
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    assert check_package(root) == []
    for name in ("sources", "organisations", "people", "licences", "models", "stances", "stance_arguments",
                 "aliases"):
        with open(root / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
            assert sum(1 for _ in csv.reader(handle)) - 1 == counts[name], name
    again = tmp_path / "two"
    generate.generate(again, generate.SIZES["1x"], seed=3)
    for path in sorted((root / "codings").rglob("*.yaml")):
        assert path.read_bytes() == (again / path.relative_to(root)).read_bytes()


def _rewrite(root: Path, name: str, edit) -> None:
    """Apply `edit(rows)` to a table's CSV and Parquet twin alike; record the new hash."""
    table = pq.read_table(root / "data" / f"{name}.parquet")
    rows = table.to_pylist()
    edit(rows)
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), root / "data" / f"{name}.parquet")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.schema.names)
    for row in rows:
        writer.writerow(["" if v is None else str(v) for v in row.values()])
    data = buffer.getvalue().encode("utf-8")
    (root / "data" / f"{name}.csv").write_bytes(data)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == name:
            resource["bytes"], resource["hash"] = len(data), "sha256:" + hashlib.sha256(data).hexdigest()
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def test_lines_count_line_breaks_inside_quoted_cells(mini: Path):
    def edit(rows):
        rows[0]["note"] = "first line\nsecond line\nthird line"
        rows[-1]["country"] = "usa"

    _rewrite(mini, "organisations", edit)
    problems = check_package(mini)
    rows = len(pq.read_table(mini / "data" / "organisations.parquet"))
    assert [(p.file, p.line, p.field) for p in problems] == [("data/organisations.csv", rows + 1 + 2, "country")]


def test_record_lines(tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_bytes(b'a,b\n1,"x\ny"\n2,"""q""\n\n"\n3,z\n')
    assert _record_lines(path).tolist() == [2, 4, 7]


def test_stale_descriptor_and_wrong_labels(mini: Path):
    path = mini / "data" / "people.csv"
    data = path.read_bytes()
    path.write_bytes(data.replace(b"person_id", b"person", 1))
    found = {(p.file, p.line, p.field, p.message.split(":", 1)[0]) for p in check_package(mini)}
    assert ("data/people.csv", None, None, "hash-count") in found
    assert ("data/people.csv", None, "person_id", "incorrect-label") in found
