"""Each Parquet twin holds exactly the rows of its CSV, cell for cell."""

from __future__ import annotations

from ..limits import MAX_COLUMNS, MAX_PARQUET_UNCOMPRESSED, MAX_ROWS, MAX_TABLE_BYTES
from ..problems import Problem, shown
from ..write import cell_text
from .descriptor import Resource
from .files import REGENERATE, Refused, read_bounded
from .tables import Table

MAX_REPORTED = 20  # differing cells reported per table; the fix is the same for all


def _decoded_bytes(table) -> int:
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


def read_parquet(resource: Resource, rel_descriptor: str):
    """The Parquet table, or None with the problems that kept it from being read.

    The footer's row, column and size counts are checked before any data page is decoded,
    and text columns are read dictionary-encoded and measured before they are expanded, so
    a small file that would decode into gigabytes is refused.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    rel = resource.path
    try:
        data = read_bounded(resource.file, rel, MAX_TABLE_BYTES)
    except Refused as refused:
        return None, [Problem(rel_descriptor, resource.line, "path", refused.message, fix=refused.fix)]
    try:
        meta = pq.ParquetFile(pa.BufferReader(data)).metadata
        stored = sum(meta.row_group(i).column(j).total_uncompressed_size
                     for i in range(meta.num_row_groups) for j in range(meta.num_columns))
        if meta.num_columns > MAX_COLUMNS or meta.num_rows > MAX_ROWS or stored > MAX_PARQUET_UNCOMPRESSED:
            return None, [Problem(rel, None, None, f"declares {meta.num_rows} rows, {meta.num_columns} columns and "
                                  f"{stored} uncompressed bytes, beyond the limits ({MAX_ROWS} rows, {MAX_COLUMNS} "
                                  f"columns, {MAX_PARQUET_UNCOMPRESSED} bytes)", fix=REGENERATE)]
        text_columns = [f.name for f in meta.schema.to_arrow_schema()
                        if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
                        or pa.types.is_binary(f.type)]
        table = pq.ParquetFile(pa.BufferReader(data), read_dictionary=text_columns).read()
        decoded = _decoded_bytes(table)
        if decoded > MAX_TABLE_BYTES:
            return None, [Problem(rel, None, None, f"decodes to {decoded} bytes, beyond the limit of {MAX_TABLE_BYTES} "
                                  "(its CSV twin cannot be larger)", fix=REGENERATE)]
        return table, []
    except (pa.ArrowException, OSError) as exc:
        return None, [Problem(rel, None, None, f"is not a readable Parquet file ({shown(exc, 200)})",
                              fix=REGENERATE)]


def twin_problems(csv_table: Table, parquet, rel_parquet: str) -> list[Problem]:
    names = parquet.schema.names
    if names != csv_table.header:
        return [Problem(rel_parquet, None, None, f"has other columns than {csv_table.rel}", shown(", ".join(names)),
                        expected=shown(", ".join(csv_table.header), 300), fix=REGENERATE)]
    problems = []
    if parquet.num_rows != len(csv_table.rows):
        problems.append(Problem(rel_parquet, None, None, f"has {parquet.num_rows} rows, {csv_table.rel} has "
                                f"{len(csv_table.rows)}", expected="the same rows in both files", fix=REGENERATE))
    columns = {name: parquet.column(name).to_pylist() for name in names}
    differing = 0
    for index, (line, cells) in enumerate(csv_table.rows[: parquet.num_rows]):
        for name, cell in zip(names, cells):
            twin = cell_text(columns[name][index])
            if twin == cell:
                continue
            differing += 1
            if differing <= MAX_REPORTED:
                problems.append(Problem(csv_table.rel, line, name, f"differs from its Parquet twin {rel_parquet}, "
                                        f"which has {shown(twin, 60)!r} in row {index + 1}", shown(cell),
                                        expected="the same value in the CSV and in its Parquet twin",
                                        fix=REGENERATE, column=csv_table.column(line, name)))
    if differing > MAX_REPORTED:
        problems.append(Problem(csv_table.rel, None, None, f"and {differing - MAX_REPORTED} more cells differ from "
                                f"{rel_parquet}", fix=REGENERATE))
    return problems
