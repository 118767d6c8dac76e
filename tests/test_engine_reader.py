"""The engine's reader: lines and columns after multi-line cells, what a file that is not
text really is, stored texts never followed out of the package, and limits as a parameter."""

from __future__ import annotations

import csv
import gzip
import io
import re
import unicodedata
from pathlib import Path

from ai_openness.limits import STRICT, TRUSTED, Limits
from ai_openness.validate import validate
from ai_openness.validate.descriptor import read_descriptor
from ai_openness.validate.read import read_frame
from ai_openness.validate.scan import _suspect, scan
from contributions import CANARY, make_outside


def test_scan_finds_rows_lines_and_cells(tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_bytes(b'a,b\n1,"x\ny"\n2,"""q""\n\n"\n3,z,w\n\n4\n5,6')
    found = scan(path, "t.csv")
    assert found.problem is None
    assert [found.line(row) for row in range(found.rows)] == [2, 4, 7, 8, 9, 10]
    assert found.cells[1:].tolist() == [2, 2, 3, 1, 1, 2]


def test_findings_after_a_multi_line_cell_keep_their_line_and_column(mini: Path):
    path = mini / "data" / "organisations.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[1][rows[0].index("note")] = "first line\nsecond line\nthird line"
    rows[-1][rows[0].index("country")] = "usa"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    lines = out.getvalue().split("\n")
    line = len(rows) + 2  # two line breaks inside the note
    assert lines[line - 1].split(",")[rows[0].index("country")] == "usa"
    found = [p for p in validate(mini).problems if p.message.startswith("constraint-error")]
    column = len(",".join(lines[line - 1].split(",")[:rows[0].index("country")])) + 2
    assert [(p.file, p.line, p.field, p.column) for p in found] == [("data/organisations.csv", line, "country", column)]


def test_a_csv_that_is_binary_or_gzip_is_named_so(mini: Path):
    path = mini / "data" / "people.csv"
    data = path.read_bytes()
    path.write_bytes(gzip.compress(data))
    messages = [p.message for p in validate(mini).problems if p.file == "data/people.csv"]
    assert any("gzip-compressed data" in m for m in messages) and not any("UTF-16" in m for m in messages)
    path.write_bytes(data.replace(b"\n", b"\x00\n", 3))
    messages = [p.message for p in validate(mini).problems if p.file == "data/people.csv"]
    assert any("binary data" in m for m in messages) and not any("UTF-16" in m for m in messages)


def test_a_stored_text_linked_out_of_the_package_is_not_read(mini: Path, tmp_path: Path, audit):
    audit.active = False
    outside = tmp_path / "outside"
    make_outside(outside)
    article = next((mini / "sources" / "articles").glob("*.txt"))
    article.unlink()
    article.symlink_to(outside / "canary.csv")
    audit.active = True
    report = validate(mini)
    audit.active = False
    text = " ".join(str(v) for p in report.problems for v in p.to_dict().values())
    assert "symbolic link to a place outside the package" in text
    assert CANARY not in text
    assert not [p for p in audit.opened if Path(p).resolve().is_relative_to(outside.resolve())]


def test_the_invisible_prefilter_misses_no_invisible_character():
    from ai_openness.validate.cells import _invisible

    missed = [hex(c) for c in range(0x110000)
              if not 0xD800 <= c < 0xE000 and _invisible(chr(c)) and not _suspect(chr(c).encode("utf-8"))]
    assert missed == []
    assert unicodedata.category("\u200b") == "Cf" and _suspect("a\u200bb".encode())
    assert not _suspect("開源軟件最安全。“引號”…—".encode())


def test_limits_are_a_parameter_and_trusted_runs_have_none(mini: Path):
    descriptor, problems = read_descriptor(mini, "datapackage.json")
    assert problems == []
    resource = descriptor.resources["mentions"]
    tiny = Limits(100, STRICT.columns, STRICT.cell_chars, STRICT.parquet_uncompressed, STRICT.text_bytes)
    frame, problems = read_frame(resource, "datapackage.json", tiny)
    assert frame is None and re.search(r"more than the limit of 100 bytes", problems[0].message)
    frame, problems = read_frame(resource, "datapackage.json", TRUSTED)
    assert problems == [] and frame.height > 0
    assert [p for p in validate(mini, limits=tiny).problems if "more than the limit of 100 bytes" in p.message]


def test_an_unclosed_quote_is_located(mini: Path):
    path = mini / "data" / "stance_arguments.csv"
    header, first = path.read_text(encoding="utf-8").split("\n")[:2]
    path.write_text(f'{header}\n{first}\nx,"competition\n', encoding="utf-8")
    found = [p for p in validate(mini).problems if "never closed" in p.message]
    assert [(p.file, p.line) for p in found] == [("data/stance_arguments.csv", 3)]
