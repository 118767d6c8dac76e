#!/usr/bin/env python3
"""The measurement behind the checking engine's choice of polars: the same checks in polars, DuckDB and
pyarrow's compute functions, on one built table.

The workload is the core of what the validator's engine does with a large table: read
every cell as text, type the integer and boolean columns, test a vocabulary, find
repeated primary keys and test a foreign key against a set of ids. Each engine runs in its
own process (wall time and peak RSS from wait4); an engine that is not installed is
skipped (DuckDB is not a dependency of the package).

    python benchmarks/engines.py benchmarks/out/1m
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

KEY = ["source_id", "start", "entity_type", "entity_id"]
TYPES = ["organisation", "person", "model", "licence"]


def polars_check(root: Path) -> dict:
    import polars as pl

    sources = pl.read_csv(root / "data" / "sources.csv", infer_schema=False, columns=["source_id"])["source_id"]
    hashes, bad = [], 0
    for chunk in pl.scan_csv(root / "data" / "mentions.csv", infer_schema=False).collect_batches(chunk_size=250_000):
        typed = chunk.with_columns(
            pl.col("start", "end").cast(pl.Int64, strict=False),
            pl.col("in_content").replace_strict({"true": True, "false": False}, default=None, return_dtype=pl.Boolean),
        )
        bad += typed.select(
            (
                pl.col("start").is_null()
                | pl.col("end").is_null()
                | pl.col("in_content").is_null()
                | ~pl.col("entity_type").is_in(TYPES)
            ).sum()
        ).item()
        values = typed.select(pl.col("source_id").unique())
        bad += values.filter(~pl.col("source_id").is_in(sources.implode())).height
        hashes.append(typed.select(pl.struct(KEY).hash(seed=0)).to_series())
    repeated = pl.concat(hashes).is_duplicated().sum()
    return {"invalid": bad, "repeated_keys": int(repeated)}


def duckdb_check(root: Path) -> dict:
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 2")
    mentions = f"read_csv('{root / 'data' / 'mentions.csv'}', all_varchar = true, header = true)"
    sources = f"read_csv('{root / 'data' / 'sources.csv'}', all_varchar = true, header = true)"
    con.execute(f"CREATE TEMP TABLE m AS SELECT * FROM {mentions}")
    bad = con.execute(
        'SELECT count(*) FROM m WHERE try_cast(start AS BIGINT) IS NULL OR try_cast("end" AS BIGINT) IS NULL '
        "OR in_content NOT IN ('true', 'false') OR entity_type NOT IN ('organisation', 'person', 'model', 'licence')"
    ).fetchone()[0]
    bad += con.execute(
        f"SELECT count(*) FROM (SELECT DISTINCT source_id FROM m) WHERE source_id NOT IN "
        f"(SELECT source_id FROM {sources})"
    ).fetchone()[0]
    repeated = con.execute(
        "SELECT count(*) FROM (SELECT source_id, start, entity_type, entity_id FROM m GROUP BY ALL HAVING count(*) > 1)"
    ).fetchone()[0]
    return {"invalid": bad, "repeated_keys": repeated}


def pyarrow_check(root: Path) -> dict:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    names = ["source_id", "start", "end", "entity_type", "entity_id", "alias", "text", "in_content"]
    text = pcsv.ConvertOptions(column_types={n: pa.string() for n in names})
    sources = pcsv.read_csv(root / "data" / "sources.csv").column("source_id")
    bad, keys = 0, []
    for batch in pcsv.open_csv(root / "data" / "mentions.csv", convert_options=text):
        for column in ("start", "end"):
            bad += pc.sum(pc.invert(pc.match_substring_regex(batch.column(column), r"^\d+$"))).as_py() or 0
        bad += pc.sum(pc.invert(pc.is_in(batch.column("in_content"), pa.array(["true", "false"])))).as_py() or 0
        bad += pc.sum(pc.invert(pc.is_in(batch.column("entity_type"), pa.array(TYPES)))).as_py() or 0
        bad += pc.sum(pc.invert(pc.is_in(pc.unique(batch.column("source_id")), sources))).as_py() or 0
        # pyarrow has no row hash: the key is joined into one string to count repeats.
        keys.append(pc.binary_join_element_wise(*[pc.cast(batch.column(c), pa.string()) for c in KEY], "\x1f"))
    table = pa.table({"key": pa.chunked_array(keys)})
    repeated = table.group_by("key").aggregate([("key", "count")]).filter(pc.field("key_count") > 1).num_rows
    return {"invalid": bad, "repeated_keys": repeated}


ENGINES = {"polars": polars_check, "duckdb": duckdb_check, "pyarrow": pyarrow_check}


def main() -> int:
    if len(sys.argv) == 3:  # a child: one engine
        start = time.perf_counter()
        result = ENGINES[sys.argv[2]](Path(sys.argv[1]))
        print(json.dumps(result | {"seconds": round(time.perf_counter() - start, 2)}))
        return 0
    root = Path(sys.argv[1])
    results = {}
    for engine in ENGINES:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, __file__, str(root), engine], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        _, status, usage = os.wait4(child.pid, 0)
        out, err = child.stdout.read(), child.stderr.read()
        if os.waitstatus_to_exitcode(status) != 0:
            results[engine] = {"skipped": err.strip().splitlines()[-1] if err.strip() else "failed"}
            continue
        results[engine] = json.loads(out) | {
            "process_seconds": round(time.perf_counter() - start, 2),
            "peak_rss_mb": round(usage.ru_maxrss / 1024),
        }
        print(engine, results[engine], flush=True)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
