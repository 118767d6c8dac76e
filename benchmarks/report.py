#!/usr/bin/env python3
"""Print the tables of benchmarks/RESULTS.md from benchmarks/results.json.

    python benchmarks/report.py [results.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _n(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("results.json")
    results = json.loads(path.read_text())
    m = results["machine"]
    print(f"Machine: {m['cores']} cores ({m['physical_cores']} physical, {m['usable_cores']} usable), "
          f"{m['memory_mb'] // 1024} GiB, {m['cpu']}; Python {m['python']}, polars {m['polars']}, "
          f"pyarrow {m['pyarrow']}, frictionless {m['frictionless']}. Total wall time "
          f"{results.get('total_seconds', 0) / 60:.1f} min.\n")

    print("| size | stances | sources (articles + references) | characters of stored text | aliases | mentions "
          "| rows in all tables |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for s in results["sizes"]:
        r, g = s["rows"], s["generated"]
        print(f"| {s['size']} | {_n(r['stances'])} | {_n(r['sources'])} | {_n(g['characters'])} | "
              f"{_n(r['aliases'])} | {_n(r['mentions'])} | {_n(s['total_rows'])} |")
    print()

    print("| size | step | wall s | rows/s | peak RSS MB |")
    print("|---|---|---:|---:|---:|")
    steps = [("generate", "generate inputs"), ("build", "`ai-openness build`"),
             ("validate", "`ai-openness validate` (published copy)"),
             ("fastcheck", "fast checker (`python -m ai_openness.fastcheck`, before the one engine)"),
             ("frictionless", "`frictionless validate datapackage.json`")]
    for s in results["sizes"]:
        for key, label in steps:
            step = s.get(key)
            if not step:
                continue
            note = f" (extrapolated from {step['extrapolated_from']})" if step.get("extrapolated_from") else ""
            rate = s["total_rows"] / step["seconds"] if step.get("seconds") and key != "generate" else None
            print(f"| {s['size']} | {label}{note} | {_n(step['seconds'], 2)} | {_n(rate)} | "
                  f"{_n(step.get('peak_rss_mb'))} |")
        friction, fast = s.get("frictionless"), s.get("validate") or s.get("fastcheck")
        if friction and fast:
            print(f"| {s['size']} | frictionless ÷ {'validate' if 'validate' in s else 'fast checker'} | "
                  f"{friction['seconds'] / fast['seconds']:.1f}× | | |")
    print()

    print("Loading (seconds inside the process, after imports, median of five (stances) or three processes; peak RSS):\n")
    print("| size | `load()` all tables | `load('stances')` | `pd.read_csv` stances | `pd.read_parquet` stances "
          "| `load('mentions')` | `pd.read_csv` mentions | `pd.read_parquet` mentions |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for s in results["sizes"]:
        cells = [s[k] for k in ("load_all", "load_stances", "read_csv_stances", "read_parquet_stances",
                                "load_mentions", "read_csv_mentions", "read_parquet_mentions")]
        print(f"| {s['size']} | " + " | ".join(f"{c['seconds']:.3f} s ({_n(c['peak_rss_mb'])} MB)" for c in cells)
              + " |")
    print()

    if results.get("matching"):
        print("| aliases | distinct first characters | documents | characters | mentions | match s | "
              "documents/s | characters/s |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in results["matching"]:
            print(f"| {_n(r['aliases'])} | {_n(r.get('distinct_first_characters'))} | {_n(r['documents'])} | "
                  f"{_n(r['characters'])} | {_n(r['mentions'])} | {r['match_seconds']:.1f} | "
                  f"{_n(r['documents'] / r['match_seconds'])} | {_n(r['characters'] / r['match_seconds'])} |")
    sizes = {s["size"]: s for s in results["sizes"]}
    for s in results["sizes"]:
        runs = s["load_stances"].get("runs_seconds")
        if runs:
            print(f"\nload('stances') at {s['size']}: runs {', '.join(f'{r:.3f}' for r in runs)} s", end="")
    print()
    if "100k" in sizes and "1m" in sizes:
        a, b = sizes["100k"], sizes["1m"]
        print(f"\nBuild 100k -> 1m: rows x{b['total_rows'] / a['total_rows']:.2f}, "
              f"time x{b['build']['seconds'] / a['build']['seconds']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
