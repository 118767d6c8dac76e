"""The CSV writer against Python's own csv module, on the awkward cells a table can hold.

The oracle writes each row with csv.writer here, the cells formatted here (empty for null,
true/false, ISO dates, str() for numbers), sharing no code with ai_openness.compile.write.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_openness.compile import write
from ai_openness.compile.write import arrow_table, csv_bytes
from ai_openness.contract import Contract

MIXED = [
    {"name": "text", "type": "string"},
    {"name": "required", "type": "string", "constraints": {"required": True}},
    {"name": "count", "type": "integer"},
    {"name": "flag", "type": "boolean"},
    {"name": "day", "type": "date"},
    {"name": "share", "type": "number"},
]
CONTRACT = Contract(
    {"name": "t", "version": "1.0.0", "resources": [{"name": n} for n in ("mixed", "one", "one_count")]},
    {
        "mixed": {"fields": MIXED},
        "one": {"fields": [{"name": "only", "type": "string"}]},
        "one_count": {"fields": [{"name": "only", "type": "integer"}]},
    },
)


def stdlib_csv(columns: list[str], rows: list[dict]) -> bytes:
    def text(value) -> str:
        if value is None:
            return ""
        if value is True or value is False:
            return "true" if value else "false"
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    # The terminator holds \r so that every Python quotes a bare \r (3.11.9 and later do so
    # anyway, CPython gh-67044); each record then ends in exactly "\n\r", replaced by "\n".
    out = []
    for record in [columns] + [[text(row.get(c)) for c in columns] for row in rows]:
        line = io.StringIO(newline="")
        csv.writer(line, lineterminator="\n\r").writerow(record)
        assert line.getvalue().endswith("\n\r")
        out.append(line.getvalue()[:-2] + "\n")
    return "".join(out).encode("utf-8")


AWKWARD = [",", '"', "\r", "\n", "\r\n", " ", "", "=", "=1+2", "😀", "\x00", "\t", "\u2028", "\x85", "é", "中文"]
# Cells built of awkward pieces and of any character a UTF-8 file can hold (no surrogates).
cells = st.lists(st.sampled_from(AWKWARD) | st.characters(exclude_categories=("Cs",)), max_size=6).map("".join)
mixed_rows = st.lists(
    st.fixed_dictionaries(
        {
            "text": st.none() | cells,
            "required": cells,
            "count": st.none() | st.integers(-(2**63), 2**63 - 1),
            "flag": st.none() | st.booleans(),
            "day": st.none() | st.dates(),
            "share": st.none() | st.floats(),
        }
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(mixed_rows)
def test_cells_of_every_type_are_written_as_python_writes_them(rows):
    expected = stdlib_csv([f["name"] for f in MIXED], rows)
    assert csv_bytes(CONTRACT, "mixed", rows) == expected
    assert csv_bytes(CONTRACT, "mixed", arrow_table(CONTRACT, "mixed", rows)) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.none() | cells, max_size=8), st.lists(st.none() | st.integers(-(2**63), 2**63 - 1), max_size=8))
def test_a_one_column_table_writes_an_empty_cell_as_two_quotes(texts, counts):
    assert csv_bytes(CONTRACT, "one", [{"only": v} for v in texts]) == stdlib_csv(
        ["only"], [{"only": v} for v in texts]
    )
    assert csv_bytes(CONTRACT, "one_count", [{"only": v} for v in counts]) == stdlib_csv(
        ["only"], [{"only": v} for v in counts]
    )


def test_named_awkward_cells():
    rows = [
        {"text": t, "required": "x", "count": 2**62, "flag": True, "day": dt.date(2024, 2, 29), "share": None}
        for t in ["a,b", 'say "no"', "two\nlines", "bare\rcr", " padded ", "", None, "=SUM(A1)", "𠀀"]
    ]
    written = csv_bytes(CONTRACT, "mixed", rows)
    assert written == stdlib_csv([f["name"] for f in MIXED], rows)
    lines = written.decode("utf-8").split("\n")
    assert lines[1] == '"a,b",x,4611686018427387904,true,2024-02-29,'
    assert lines[2] == '"say ""no""",x,4611686018427387904,true,2024-02-29,'
    assert '"bare\rcr"' in written.decode("utf-8")
    assert ",x,4611686018427387904,true,2024-02-29," in lines  # both the empty string and the null
    assert csv_bytes(CONTRACT, "one", [{"only": ""}, {"only": None}, {"only": "a"}]) == b'only\n""\n""\na\n'


@pytest.mark.parametrize("slice_bytes", [64 * 1024, None])
def test_a_large_table_is_written_in_order_and_the_same_every_time(slice_bytes, monkeypatch):
    # Many slices, each many batches of polars' threads: the rows must come out whole, in order.
    if slice_bytes:
        monkeypatch.setattr(write, "CSV_SLICE_BYTES", slice_bytes)
    values = ["plain", "a,b", 'q"q', "x\ny", "", None, "😀"]
    rows = [
        {
            "text": values[i % len(values)],
            "required": f"r{i}",
            "count": i * 7919 - 10**12,
            "flag": [True, False, None][i % 3],
            "day": dt.date(2000, 1, 1) + dt.timedelta(days=i % 9000),
            "share": None,
        }
        for i in range(120_000)
    ]
    first = csv_bytes(CONTRACT, "mixed", rows)
    assert first == stdlib_csv([f["name"] for f in MIXED], rows)
    assert csv_bytes(CONTRACT, "mixed", pa.Table.from_pylist(rows)) == first
