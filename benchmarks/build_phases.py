#!/usr/bin/env python3
"""Time each phase of `ai-openness build` on a package, to see where the time goes.

The phases are the build's own functions called in the build's order (read the sources,
the entities and the stances, type the rows, check keys and rules, find the mentions,
sort, build the Arrow tables, render CSV and Parquet from them), under the same
cycle-collector setting as the build.

    python benchmarks/build_phases.py benchmarks/out/100k
    python benchmarks/build_phases.py benchmarks/out/100k --collector   # with the collector on
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ai_openness.compile import collect, inputs, write
from ai_openness.compile.cache import NoCache
from ai_openness.compile.check import check_rows
from ai_openness.compile.executors import Executor
from ai_openness.compile.records import yaml_problems
from ai_openness.compile.source import LocatedRows, arguments_of, derive_stances
from ai_openness.safeio.inputs import read_inputs
from ai_openness.safeio.schema import contract_for_build


def phases(root: Path) -> dict[str, dict[str, float]]:
    """phase -> seconds and the process's peak RSS (MB) when the phase ends."""
    times: dict[str, dict[str, float]] = {}
    last = time.perf_counter()

    def lap(name: str, seconds: float | None = None) -> None:
        """Phase `name` ends now; it took `seconds`, or the time since the last phase ended."""
        nonlocal last
        now = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        times[name] = {"seconds": round(now - last if seconds is None else seconds, 2), "peak_mb": round(peak)}
        last = now

    contract = contract_for_build(root)
    read = inputs.Inputs(files=read_inputs(root))
    lap("read every input file")
    inputs.read_sources(root, read, contract)
    lap("sources and stored texts")
    aliases = inputs.read_entities(root, read, contract)
    read.tables["aliases"] = inputs.alias_rows(aliases)
    read.aliases = [a for a, _ in aliases]
    read.alias_origins = dict(aliases)
    lap("read entities")
    stances = derive_stances(read, contract, NoCache(), Executor())  # the per-source stage, no cache
    read.tables["stances"] = LocatedRows(stances)
    read.tables["stance_arguments"] = LocatedRows(arguments_of(contract, stances), {"argument": "arguments"})
    inputs.read_excluded(root, read)
    inputs.read_retired(root, read)
    lap("read stances and locate quotes")
    for name in contract.names:
        rows = read.tables.get(name)
        if name not in contract.matched_tables + contract.derived_tables and not isinstance(rows, LocatedRows):
            yaml_problems(contract, name, rows)
    lap("YAML forms of the values")
    check_rows(
        contract,
        {n: read.tables[n] for n in contract.names if n not in contract.matched_tables + contract.derived_tables},
        dt.date.today(),
    )
    lap("type cells, keys and rules (the checking engine)")
    mentions = collect.mention_table(read, contract)
    lap("find mentions")
    tables = collect.assemble(contract, read, mentions)
    lap("sort")
    # One table at a time, as write.render holds them: each step's seconds summed over the tables.
    spent = dict.fromkeys(("Arrow tables", "render CSV", "render Parquet"), 0.0)
    for name, rows in tables.items():
        start = time.perf_counter()
        table = write.arrow_table(contract, name, rows)
        built = time.perf_counter()
        write.csv_bytes(contract, name, table)
        rendered = time.perf_counter()
        write.parquet_bytes(contract, name, table)
        for step, seconds in zip(spent, (built - start, rendered - built, time.perf_counter() - rendered)):
            spent[step] += seconds
    for step, seconds in spent.items():
        lap(step, seconds)
    times["total"] = {
        "seconds": round(sum(t["seconds"] for t in times.values()), 2),
        "peak_mb": max(t["peak_mb"] for t in times.values()),
    }
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--collector", action="store_true", help="leave the cycle collector on")
    args = parser.parse_args()
    if not args.collector:
        gc.disable()
    print(json.dumps(phases(args.root), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
