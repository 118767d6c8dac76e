"""Serialise tables to bytes (CSV, Parquet, descriptors) and write them atomically.

Everything is produced in memory first, so `build --check` compares bytes without
writing, and a failed build writes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..contract import Contract

DESCRIPTOR = "datapackage.json"
PARQUET_DESCRIPTOR = "datapackage.parquet.json"
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"


def cell_text(value: object) -> str:
    """A value as it is written into a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_bytes(contract: Contract, name: str, rows: list[dict] | pa.Table) -> bytes:
    """A table as CSV: `rows` are dicts, or Arrow columns (the same bytes either way)."""
    columns = contract.columns(name)
    buffer = io.BytesIO()
    text = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(columns)
    if isinstance(rows, pa.Table):
        for batch in rows.select(columns).to_batches(max_chunksize=100_000):
            writer.writerows(zip(*([cell_text(v) for v in batch.column(c).to_pylist()] for c in columns)))
    else:
        for row in rows:
            writer.writerow([cell_text(row.get(c)) for c in columns])
    text.flush()
    return buffer.getvalue()


def schema_hash(contract: Contract, name: str) -> str:
    canonical = json.dumps(contract.schema(name), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parquet_bytes(contract: Contract, name: str, rows: list[dict] | pa.Table) -> bytes:
    meta = contract.meta
    schema = contract.arrow_schema(name).with_metadata({
        "ai_openness.package": meta["name"],
        "ai_openness.version": str(meta["version"]),
        "ai_openness.resource": name,
        "ai_openness.schema_sha256": schema_hash(contract, name),
    })
    if isinstance(rows, pa.Table):
        table = rows.select(schema.names).cast(schema)
    else:
        table = pa.Table.from_pydict({f.name: [row.get(f.name) for row in rows] for f in schema}, schema=schema)
    sink = pa.BufferOutputStream()
    # Fixed writer settings: the same rows give the same bytes with the same pyarrow.
    pq.write_table(table, sink, compression="zstd", compression_level=3, use_dictionary=True,
                   write_statistics=True, version="2.6", data_page_version="1.0")
    return sink.getvalue().to_pybytes()


def _resource(contract: Contract, name: str, path: str, data: bytes, fmt: str) -> dict:
    info = contract.resource(name)
    resource = {"name": name, "type": "table", "title": info["title"], "description": info["description"],
                "path": path, "scheme": "file", "format": fmt,
                "mediatype": "text/csv" if fmt == "csv" else "application/vnd.apache.parquet"}
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


def resource_schema(contract: Contract, name: str, fmt: str) -> dict:
    """The Table Schema a descriptor gives resource `name` in format `fmt`."""
    schema = contract.schema(name)
    if fmt == "parquet":
        # frictionless reads Parquet through pandas, where a null integer becomes the float
        # NaN; declaring "nan" missing lets it validate the twins. The CSV side stays strict
        # and `ai-openness validate` checks that each twin equals its CSV.
        schema = {**schema, "missingValues": ["", "nan"]}
    return schema


def descriptor_bytes(contract: Contract, files: dict[str, bytes], fmt: str, sources: list[dict]) -> bytes:
    meta = contract.meta
    descriptor = {"$schema": PROFILE}
    for key in ("name", "title", "version", "description", "homepage", "keywords", "licenses", "contributors"):
        if key in meta:
            descriptor[key] = meta[key]
    descriptor["sources"] = [
        {"title": s.get("title") or s["source_id"], **({"path": s["url"]} if s.get("url") else {})}
        for s in sources if s["kind"] == "article"]
    descriptor["resources"] = [
        _resource(contract, r["name"], f"data/{r['name']}.{fmt}", files[f"data/{r['name']}.{fmt}"], fmt)
        for r in meta["resources"]]
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def render(contract: Contract, tables: dict[str, list[dict] | pa.Table]) -> dict[str, bytes]:
    """Every generated file of the package: relative path -> bytes."""
    files: dict[str, bytes] = {}
    for name, rows in tables.items():
        files[f"data/{name}.csv"] = csv_bytes(contract, name, rows)
        files[f"data/{name}.parquet"] = parquet_bytes(contract, name, rows)
    files[DESCRIPTOR] = descriptor_bytes(contract, files, "csv", tables["sources"])
    files[PARQUET_DESCRIPTOR] = descriptor_bytes(contract, files, "parquet", tables["sources"])
    return files


def stale(root: Path, files: dict[str, bytes]) -> list[str]:
    """Generated files whose committed bytes differ from `files` (or are missing)."""
    return [rel for rel, data in files.items()
            if not (root / rel).is_file() or (root / rel).read_bytes() != data]


def write_atomically(root: Path, files: dict[str, bytes]) -> None:
    """Write every file to a temporary sibling first, then rename them into place.

    Data files are renamed before the descriptors, so a reader never sees a descriptor
    whose hashes do not match the data beside it.
    """
    temporaries = []
    try:
        for rel, data in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
            temporary.write_bytes(data)
            temporaries.append((temporary, target))
    except BaseException:
        for temporary, _ in temporaries:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in sorted(temporaries, key=lambda t: t[1].name.startswith("datapackage")):
        os.replace(temporary, target)
