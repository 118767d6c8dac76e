"""The engine's reader: lines and columns after multi-line cells, what a file that is not
text really is, stored texts never followed out of the package, and limits as a parameter."""

from __future__ import annotations

import csv
import gzip
import io
import re
from pathlib import Path

import pytest

from ai_openness.core import invisible
from ai_openness.core.characters import is_invisible
from ai_openness.core.limits import STRICT, TRUSTED, Limits
from ai_openness.publish.frames import read_frame
from ai_openness.safeio import scan as scan_module
from ai_openness.safeio.descriptor import read_descriptor
from ai_openness.safeio.scan import scan
from ai_openness.validate import validate
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
    found = [p for p in validate(mini).problems if p.code == "constraint-error"]
    column = len(",".join(lines[line - 1].split(",")[: rows[0].index("country")])) + 2
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


# Every code point a string can hold (surrogates cannot be encoded as UTF-8).
EVERY_CHARACTER = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]


def _hidden_in_a_cell(char: str) -> bool:
    """The oracle: the project's one rule, less the line break a cell may hold."""
    return char != "\n" and is_invisible(char)


def test_the_validator_agrees_with_the_rule_on_every_code_point():
    import numpy as np
    import polars as pl

    from ai_openness.checks.cells import check_hygiene
    from ai_openness.checks.findings import Findings

    expected = np.array([_hidden_in_a_cell(c) for c in EVERY_CHARACTER])
    # The column test.
    found = pl.Series(EVERY_CHARACTER).str.contains(invisible.regex()).to_numpy()
    assert [hex(ord(EVERY_CHARACTER[i])) for i in np.flatnonzero(found != expected)] == []
    # The byte filter, on all of them one after the other: it names the byte where each hidden one begins.
    starts = np.cumsum([0] + [len(c.encode("utf-8")) for c in EVERY_CHARACTER[:-1]])
    assert invisible.hidden_at("".join(EVERY_CHARACTER).encode("utf-8")).tolist() == starts[expected].tolist()
    # The whole cell check (column test, then the report's own look at each flagged cell).
    findings = Findings()
    frame = pl.DataFrame({"note": EVERY_CHARACTER})
    check_hygiene("data/x.csv", {"fields": [{"name": "note"}]}, frame, 0, True, findings)
    assert findings.counts[("data/x.csv", "invisible-character")] == expected.sum()
    reported = [f.row for f in findings.found if f.code == "invisible-character"]
    assert reported == np.flatnonzero(expected)[: len(reported)].tolist()


@pytest.mark.parametrize(
    "char",
    [
        "\u034f",
        "\ufe00",
        "\ufe0f",
        "\U000e0100",
        "\U000e01ef",
        "\u2800",
        "\u200b",
        "\u3164",
        "\t",
        "\x7f",
        "\u0378",
        "\ue000",
        "\U0010ffff",
        "\U000e0001",
    ],
)
def test_hidden_characters_make_a_file_suspect_wherever_a_block_ends(char, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(scan_module, "BLOCK", 16)
    path = tmp_path / "t.csv"
    for before in range(20):  # the character cut by a block's end at each of its bytes
        path.write_bytes(("a\n" + "x" * before + char + "y\n").encode("utf-8"))
        assert scan(path, "t.csv").suspect, before


@pytest.mark.parametrize("text", ["開源軟件最安全。“引號”…—，（）：！？「」《》、", "a\nb", "Open AI\u3000x", "é ü ß"])
def test_visible_text_is_not_suspect(text, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(scan_module, "BLOCK", 16)
    path = tmp_path / "t.csv"
    path.write_bytes(("a\n" + text * 3 + "\n").encode("utf-8"))
    assert not scan(path, "t.csv").suspect


def test_a_cell_the_column_test_flags_but_holding_nothing_hidden_is_not_reported(monkeypatch):
    import polars as pl

    from ai_openness.checks.cells import check_hygiene
    from ai_openness.checks.findings import Findings

    monkeypatch.setattr(invisible, "regex", lambda: "[a]")  # a column test that flags more than the rule
    findings = Findings()
    check_hygiene(
        "data/x.csv", {"fields": [{"name": "note"}]}, pl.DataFrame({"note": ["abc", "b\u034f"]}), 0, True, findings
    )
    assert findings.found == []


def test_an_invisible_character_is_shown_by_its_code_point(mini: Path):
    path = mini / "data" / "people.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[1][rows[0].index("note")] = "first line\nsecond\ufe0f line"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    found = [p for p in validate(mini).problems if "invisible character" in p.message]
    assert [(p.file, p.line, p.field) for p in found] == [("data/people.csv", 2, "note")]
    assert "U+FE0F VARIATION SELECTOR-16 at position 17" in found[0].message
    assert found[0].value == "first line\\nsecond\\ufe0f line"


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


def test_a_descriptor_beyond_the_strict_limit_is_read_in_a_trusted_run(mini: Path):
    """A package of 100,000 articles lists them all in datapackage.json (9 MB at a million
    stances): a contribution's limit refuses it, `validate --trusted` reads it."""
    small = Limits(
        *[getattr(STRICT, f) for f in ("table_bytes", "columns", "cell_chars", "parquet_uncompressed", "text_bytes")],
        descriptor_bytes=1_000,
    )
    assert (mini / "datapackage.json").stat().st_size > 1_000
    assert [
        p
        for p in validate(mini, limits=small).problems
        if p.file == "datapackage.json" and "more than the limit of 1000 bytes" in p.message
    ]
    assert validate(mini, limits=TRUSTED).problems == validate(mini).problems == []


def test_an_unclosed_quote_is_located(mini: Path):
    path = mini / "data" / "stance_arguments.csv"
    header, first = path.read_text(encoding="utf-8").split("\n")[:2]
    path.write_text(f'{header}\n{first}\nx,"competition\n', encoding="utf-8")
    found = [p for p in validate(mini).problems if "never closed" in p.message]
    assert [(p.file, p.line) for p in found] == [("data/stance_arguments.csv", 3)]


def test_a_table_larger_than_the_limit_is_compared_with_the_rebuild(mini: Path, monkeypatch):
    """The comparison with a rebuild reads a committed file as large as the one the build
    made (at a million stances mentions.csv is 843 MB, over the 512 MiB a table may be)."""
    from ai_openness.validate import generated

    assert (mini / "codings").is_dir() and (mini / "data" / "mentions.csv").stat().st_size > 100
    monkeypatch.setattr(generated, "MAX_TABLE_BYTES", 100)
    assert [p for p in validate(mini, limits=TRUSTED).problems if "cannot be compared" in p.message] == []
    path = mini / "data" / "mentions.csv"
    path.write_bytes(path.read_bytes() + b"x" * 100)  # larger than the limit and than the rebuild's
    found = [p for p in validate(mini, limits=TRUSTED).problems if p.file == "data/mentions.csv"]
    assert any("cannot be compared" in p.message for p in found), found
