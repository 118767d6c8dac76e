"""Each Parquet twin holds exactly the rows of its CSV, cell for cell.

The twin is opened within the limits before any data page is decoded: its footer's column
count and sizes, then (untrusted input) its text columns read dictionary-encoded and
measured before they are expanded, so a small file that would decode into gigabytes is
refused. Then it is read in slices, in step with the CSV's chunks, and each cell written as
the CSV writes it must equal the CSV cell. A cell already reported as invalid in the CSV is
not reported again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from ai_openness.checks.findings import Findings
from ai_openness.checks.schema_checks import Cells
from ai_openness.contract import arrow_type
from ai_openness.core.limits import Limits
from ai_openness.core.problems import shown


def _decoded_bytes(table: Any) -> int:
    """Bytes the table takes once every dictionary-encoded cell is expanded, computed
    without expanding anything (a repeated value can stand for millions of copies)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    total = 0
    for column in table.columns:
        for chunk in column.chunks:
            if pa.types.is_dictionary(chunk.type):
                lengths = pc.take(pc.binary_length(chunk.dictionary), chunk.indices)
                total += (pc.sum(lengths).as_py() or 0) + chunk.indices.nbytes
            else:
                total += chunk.nbytes
    return total


class Twin:
    def __init__(self, path: Path, rel: str, csv_rel: str, schema: dict[str, Any], limits: Limits, csv_bytes: int):
        self.path, self.rel, self.csv_rel, self.schema = path, rel, csv_rel, schema
        self.names = [f["name"] for f in schema["fields"]]
        self.rows = 0  # rows read so far
        self.total = 0
        self.problem = self._open(limits, csv_bytes)  # why it cannot be compared, or None

    def _open(self, limits: Limits, csv_bytes: int) -> str | None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        size = self.path.stat().st_size
        if limits.table_bytes is not None and size > limits.table_bytes:
            return f"is {size} bytes, more than the limit of {limits.table_bytes} bytes"
        try:
            meta = pq.read_metadata(self.path)
            stored = sum(
                meta.row_group(i).column(j).total_uncompressed_size
                for i in range(meta.num_row_groups)
                for j in range(meta.num_columns)
            )
            self.total = meta.num_rows
            if limits.table_bytes is not None and (
                meta.num_columns > limits.columns
                or stored > limits.parquet_uncompressed
                or meta.num_rows * 4 > limits.table_bytes
            ):
                return (
                    f"declares {meta.num_rows} rows, {meta.num_columns} columns and {stored} uncompressed bytes, "
                    f"beyond the limits ({limits.columns} columns, {limits.parquet_uncompressed} bytes)"
                )
            arrow = meta.schema.to_arrow_schema()
            if limits.table_bytes is not None:
                text = [
                    f.name
                    for f in arrow
                    if pa.types.is_string(f.type)
                    or pa.types.is_large_string(f.type)
                    or pa.types.is_binary(f.type)
                    or pa.types.is_dictionary(f.type)
                ]
                # Only text columns can expand: a value of another type takes at most 8 bytes.
                decoded = _decoded_bytes(
                    pq.ParquetFile(self.path, read_dictionary=text).read(columns=text)
                ) + 8 * meta.num_rows * (len(arrow) - len(text))
                if decoded > limits.table_bytes:
                    return (
                        f"decodes to {decoded} bytes, beyond the limit of {limits.table_bytes} "
                        "(its CSV twin cannot be larger)"
                    )
                if meta.num_rows > csv_bytes:
                    return (
                        f"declares {meta.num_rows} rows, beyond the limits: its CSV twin {self.csv_rel} "
                        f"({csv_bytes} bytes) cannot hold that many"
                    )
            if arrow.names != self.names:
                return f"has other columns than {self.csv_rel}: {shown(', '.join(arrow.names), 200)}"
            for f in self.schema["fields"]:
                held, wanted = arrow.field(f["name"]).type, arrow_type(f)
                if held != wanted:
                    return f"holds {held} in column {f['name']}, where the schema says {f['type']} ({wanted})"
            self.scan = pl.scan_parquet(self.path)
        except (pa.ArrowException, OSError, pl.exceptions.PolarsError) as exc:
            return f"is not a readable Parquet file ({shown(exc, 200)})"
        return None

    def compare(self, chunk: pl.DataFrame, cells: Cells, row0: int, findings: Findings) -> None:
        if self.problem:
            return
        try:
            # A slice of a lazy scan decodes only the pages it needs; polars' batch stream
            # reads ahead and held a gigabyte of mentions at a million stances.
            twin = self.scan.slice(row0, chunk.height).collect()
        except pl.exceptions.PolarsError as exc:
            self.problem = f"is not a readable Parquet file ({shown(exc, 200)})"
            return
        self.rows += twin.height
        m = min(chunk.height, twin.height)
        mine = chunk.head(m).select([pl.col(n).fill_null("") for n in self.names])
        theirs = twin.head(m).select([pl.col(n).cast(pl.String).fill_null("") for n in self.names])
        differs = pl.DataFrame({n: (mine[n] != theirs[n]) & ~cells.unreliable[n].head(m) for n in self.names})
        for name in (n for n in self.names if differs[n].any()):
            for i in differs[name].arg_true().to_list():
                findings.add(
                    self.csv_rel,
                    row0 + i,
                    name,
                    "twin",
                    mine[name][i],
                    expected="the same value in the CSV and in its Parquet twin",
                    note=f"differs from its Parquet twin {self.rel}, which "
                    f"has {shown(theirs[name][i], 60)!r} in row {row0 + i + 1}",
                )

    def finish(self, csv_rows: int, findings: Findings) -> None:
        if self.problem:
            findings.add(self.rel, None, None, "twin", note=self.problem)
        elif self.total != csv_rows:
            rows = f"has {self.total} rows, {self.csv_rel} has {csv_rows}"
            findings.add(self.rel, None, None, "twin", expected="the same rows in both files", note=rows)
