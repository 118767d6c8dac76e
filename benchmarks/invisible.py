#!/usr/bin/env python3
"""Time the validator's invisible-character checks, and count what the byte pre-check flags.

Two timings on a synthetic column of short Chinese strings (ideographs, full-width and
CJK punctuation, curly quotes, as the notes and quotes of the package hold), none of them
holding an invisible character, so every cell has to be searched to the end:

- the cell check (`checks/cells.check_hygiene` with the file marked suspect): the
  whole-column regex every string column of a suspect file goes through;
- the byte pre-check (`validate/invisible.suspect`, as safeio/scan.py calls it) on the same cells written as CSV text,
  which decides whether a file is suspect at all.

With a package folder, also counts the rows of its data/*.csv that the pre-check flags
(each record checked on its own), which should be only the rows holding an invisible
character (a tab, a control, a zero-width or other invisible character; a line break in
a cell is allowed).

    python benchmarks/invisible.py --rows 10000000
    python benchmarks/invisible.py --rows 1000000 --package .
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ai_openness.checks.cells import check_hygiene
from ai_openness.checks.findings import Findings
from ai_openness.core.invisible import suspect as _suspect
from ai_openness.safeio.scan import scan

_PUNCTUATION = "，。、：；！？（）「」《》“”‘’…—"


def column(rows: int, seed: int = 7) -> pl.Series:
    """`rows` strings of 4 to 15 characters, drawn from 20,000 distinct ones."""
    rng = np.random.default_rng(seed)
    distinct = []
    for _ in range(20_000):
        length = int(rng.integers(4, 16))
        codes = rng.integers(0x4E00, 0x9FA6, length)
        text = [chr(c) for c in codes]
        for at in rng.integers(0, length, int(rng.integers(0, 3))):
            text[at] = _PUNCTUATION[int(rng.integers(0, len(_PUNCTUATION)))]
        distinct.append("".join(text))
    return pl.Series("note", distinct).gather(rng.integers(0, len(distinct), rows))


def time_cell_check(series: pl.Series) -> tuple[float, float]:
    """Seconds of wall-clock and of CPU time (all threads)."""
    schema = {"fields": [{"name": "note", "type": "string"}]}
    frame = series.to_frame()
    findings = Findings()
    start, cpu = time.perf_counter(), time.process_time()
    check_hygiene("data/x.csv", schema, frame, 0, True, findings)
    elapsed = time.perf_counter() - start, time.process_time() - cpu
    assert not [f for f in findings.found if f.kind == "invisible-character"]
    return elapsed


def time_pre_check(series: pl.Series) -> tuple[tuple[float, float], int]:
    data = ("\n".join(series.to_list()) + "\n").encode("utf-8")
    _suspect(b"")  # the tables are derived from the rule once per process: not timed
    start, cpu = time.perf_counter(), time.process_time()
    block = 8 << 20  # as safeio/scan.py reads a file
    flagged = sum(_suspect(data[i : i + block]) for i in range(0, len(data), block))
    return (time.perf_counter() - start, time.process_time() - cpu), flagged


def flagged_rows(package: Path) -> dict[str, tuple[int, int]]:
    """(rows flagged, rows) of each data/*.csv, each record given to the pre-check alone."""
    counts = {}
    for path in sorted((package / "data").glob("*.csv")):
        data, found = path.read_bytes(), scan(path, path.name)
        starts = [int(end) + 1 for end in found.ends[:-1]]
        records = [data[start : int(end)] for start, end in zip(starts, found.ends[1:])]
        counts[path.name] = (sum(_suspect(record) for record in records), len(records))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--package", type=Path, help="also count the rows of PACKAGE/data/*.csv it flags")
    args = parser.parse_args()
    series = column(args.rows)
    time_cell_check(series.head(10))  # the regex is derived from the rule once per process: not timed
    print(f"{args.rows:,} strings, {series.str.len_bytes().sum() / 1e6:,.0f} MB of UTF-8")
    check = min(time_cell_check(series) for _ in range(3))
    print(f"cell check (whole column, file suspect): {check[0]:.2f} s, {check[1]:.2f} s of CPU")
    pre, blocks = min(time_pre_check(series) for _ in range(3))
    print(f"byte pre-check: {pre[0]:.2f} s, {pre[1]:.2f} s of CPU; {blocks} block(s) of 8 MB flagged")
    if args.package:
        total_flagged = total = 0
        for name, (flagged, rows) in flagged_rows(args.package).items():
            print(f"  {name}: {flagged} of {rows} rows flagged")
            total_flagged, total = total_flagged + flagged, total + rows
        print(f"pre-check flags {total_flagged} of {total} rows")


if __name__ == "__main__":
    main()
