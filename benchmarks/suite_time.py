"""Time `make test`: the whole suite, as CI runs it, a few times in a row.

python benchmarks/suite_time.py [--runs 3] [--wait-load 1.0] [--installed]

Before each run it waits (up to ten minutes) for the one-minute load average to fall below
--wait-load, since other work on the machine slows the suite down, and records the load it
started at. It prints the wall time of each run and their median, minimum and maximum, as
the Markdown lines RESULTS.md ("`make test`") records, and the tests collected and passed.
--installed counts .venv as installed (`make -o` its stamps): for a copy of the repository
whose .venv is a link to an installed one.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _wait_for_load(limit: float, patience: float = 600.0) -> float:
    deadline = time.monotonic() + patience
    while os.getloadavg()[0] >= limit and time.monotonic() < deadline:
        time.sleep(10)
    return os.getloadavg()[0]


def run_once(wait_load: float, installed: bool = False) -> dict:
    load = _wait_for_load(wait_load)
    stamps = ["-o", ".venv/.installed", "-o", ".venv/.installed-test"] if installed else []
    start = time.monotonic()
    result = subprocess.run(
        ["make", "--no-print-directory", *stamps, "test"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    seconds = time.monotonic() - start
    summary = next((line for line in reversed(result.stdout.splitlines()) if " in " in line and "=" in line), "")
    counts = {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|failed|skipped|error)", summary)}
    return {"seconds": seconds, "load": load, "exit": result.returncode, "counts": counts, "summary": summary}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--wait-load", type=float, default=1.0, help="start a run below this load average")
    parser.add_argument("--installed", action="store_true", help="count .venv as installed (make -o its stamps)")
    args = parser.parse_args()
    runs = []
    for number in range(1, args.runs + 1):
        run = run_once(args.wait_load, args.installed)
        runs.append(run)
        print(f"| {number} | {run['seconds']:.0f} s | {run['load']:.2f} | {run['summary'].strip('= ')} |", flush=True)
    times = [r["seconds"] for r in runs]
    loads = ", ".join(f"{r['load']:.2f}" for r in runs)
    print(
        f"median {statistics.median(times):.0f} s, min {min(times):.0f} s, max {max(times):.0f} s "
        f"over {len(times)} runs; load averages at the start: {loads}"
    )
    return 0 if all(r["exit"] == 0 for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
