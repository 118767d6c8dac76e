"""Serialise tables to bytes (CSV, Parquet, descriptors) and write them atomically.

Everything is produced in memory first, so `build --check` compares bytes without
writing, and a failed build writes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any, cast

import pyarrow as pa
import pyarrow.parquet as pq

from ai_openness.contract import DESCRIPTOR, PARQUET_DESCRIPTOR, Contract, resource_schema
from ai_openness.contract.model import ROWS_PROPERTY
from ai_openness.core.cells import cell_text

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
CSV_SLICE_BYTES = 8 * 2**20  # of Arrow columns rendered to CSV at a time


def arrow_table(contract: Contract, name: str, rows: list[dict[str, Any]] | pa.Table) -> pa.Table:
    """A table as Arrow columns of the contract's types: the one form both files are rendered from."""
    schema = contract.arrow_schema(name)
    if isinstance(rows, pa.Table):
        return rows.select(schema.names).cast(schema)
    # Converted as structs, in C++ (from_pylist gathers each column in Python first: 2-3x slower);
    # a missing key is null, as from_pylist has it.
    return pa.Table.from_struct_array(pa.array(rows, pa.struct(schema)))


def csv_bytes(contract: Contract, name: str, rows: list[dict[str, Any]] | pa.Table) -> bytes:
    """A table as CSV: `rows` are dicts, or Arrow columns (the same bytes either way).

    The bytes are those of Python's csv.writer (QUOTE_MINIMAL, "\n", cells as `cell_text`),
    written by polars' compiled writer, many times faster, which quotes exactly the cells
    holding a comma, a quote, \r or \n, writes true/false, ISO dates and plain integers, and
    keeps the row order. Where the two differ, the cells are mended first:
    - polars writes an empty string as "" (to tell it from null), csv.writer writes nothing,
      so empty strings become null;
    - csv.writer writes a row of one empty cell as "" (else it would be a blank line), so a
      one-column table gets its nulls as empty strings, which polars then quotes;
    - polars writes some floats otherwise (1e-05 as 0.00001, nan as NaN), so a `number`
      column, should a schema have one, is written by Python, cell by cell.
    A bare \r is quoted, as Python's writer does from 3.11.9 on (CPython gh-67044).
    """
    import polars as pl
    import polars.selectors as cs

    table = arrow_table(contract, name, rows)
    buffer = io.BytesIO()
    # In slices: polars copies the strings it is given, and a slice's copy is small.
    step = max(1, table.num_rows * CSV_SLICE_BYTES // max(table.nbytes, 1))
    for start in range(0, max(table.num_rows, 1), step):
        frame = cast(pl.DataFrame, pl.from_arrow(table.slice(start, step)))
        frame = frame.with_columns(cs.float().map_elements(cell_text, return_dtype=pl.String))
        if frame.width == 1:
            frame = frame.select(pl.all().cast(pl.String).fill_null(""))
        else:
            frame = frame.with_columns(cs.string().replace("", None))
        frame.write_csv(buffer, include_header=start == 0, line_terminator="\n", quote_style="necessary", null_value="")
    return buffer.getvalue()


def schema_hash(contract: Contract, name: str) -> str:
    canonical = json.dumps(contract.schema(name), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parquet_bytes(contract: Contract, name: str, rows: list[dict[str, Any]] | pa.Table) -> bytes:
    meta = contract.meta
    table = arrow_table(contract, name, rows).replace_schema_metadata(
        {
            "ai_openness.package": meta["name"],
            "ai_openness.version": str(meta["version"]),
            "ai_openness.resource": name,
            "ai_openness.schema_sha256": schema_hash(contract, name),
        }
    )
    sink = pa.BufferOutputStream()
    # Fixed writer settings: the same rows give the same bytes with the same pyarrow.
    pq.write_table(
        table,
        sink,
        compression="zstd",
        compression_level=3,
        use_dictionary=True,
        write_statistics=True,
        version="2.6",
        data_page_version="1.0",
    )
    data: bytes = sink.getvalue().to_pybytes()
    return data


def _resource(contract: Contract, name: str, path: str, data: bytes, fmt: str) -> dict[str, Any]:
    info = contract.resource(name)
    resource = {
        "name": name,
        "type": "table",
        "title": info["title"],
        "description": info["description"],
        ROWS_PROPERTY: contract.rows_from(name),
        "path": path,
        "scheme": "file",
        "format": fmt,
        "mediatype": "text/csv" if fmt == "csv" else "application/vnd.apache.parquet",
    }
    if fmt == "csv":
        resource["encoding"] = "utf-8"
        resource["dialect"] = {"header": True, "delimiter": ","}
        # frictionless reads Parquet through pandas and cannot count its bytes, so size
        # and hash are given for the CSVs only; `ai-openness validate` compares each
        # Parquet twin with its CSV row by row instead.
        resource["bytes"] = len(data)
        resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    resource["schema"] = resource_schema(contract, name, fmt)
    return resource


def descriptor_bytes(contract: Contract, files: dict[str, bytes], fmt: str, sources: list[dict[str, Any]]) -> bytes:
    meta = contract.meta
    descriptor: dict[str, Any] = {"$schema": PROFILE}
    for key in ("name", "title", "version", "description", "homepage", "keywords", "licenses", "contributors"):
        if key in meta:
            descriptor[key] = meta[key]
    descriptor["sources"] = [
        {"title": s.get("title") or s["source_id"], **({"path": s["url"]} if s.get("url") else {})}
        for s in sources
        if s["kind"] == "article"
    ]
    descriptor["resources"] = [
        _resource(contract, r["name"], f"data/{r['name']}.{fmt}", files[f"data/{r['name']}.{fmt}"], fmt)
        for r in meta["resources"]
    ]
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def render(contract: Contract, tables: dict[str, list[dict[str, Any]] | pa.Table]) -> dict[str, bytes]:
    """Every generated file of the package: relative path -> bytes."""
    files: dict[str, bytes] = {}
    for name, rows in tables.items():
        table = arrow_table(contract, name, rows)  # built once, rendered twice
        files[f"data/{name}.csv"] = csv_bytes(contract, name, table)
        files[f"data/{name}.parquet"] = parquet_bytes(contract, name, table)
    files[DESCRIPTOR] = descriptor_bytes(contract, files, "csv", tables["sources"])
    files[PARQUET_DESCRIPTOR] = descriptor_bytes(contract, files, "parquet", tables["sources"])
    return files
