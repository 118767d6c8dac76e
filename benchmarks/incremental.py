#!/usr/bin/env python3
"""What a contribution costs: the cold build, the rebuild after one stance file is edited,
and `validate` on the checkout as a pull request's CI runs it, with and without the
per-source cache (compile/source.py); `frictionless validate` and the two exports beside
them. Each step runs `--repeat` times (default 3) in processes of its own; the report
gives the median, min and max, and the one-minute load average before each run.

    python benchmarks/incremental.py --sizes 10k 100k     # writes benchmarks/incremental.json
    python benchmarks/incremental.py --markdown           # the RESULTS.md section from it

The packages are generated as `benchmarks/run.py` does (benchmarks/out/SIZE, made if
missing). "Base cache": the cache a build of the package before the edit filled, copied
afresh (hard links) for each run, so every run starts from the same cache. The edited
package is built and its tables written before `validate` runs, as a pull request commits
them; `validate` must then find nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import BIN, _child, log, machine, table_rows  # noqa: E402


def _ai(*args: str) -> list[str]:
    return [str(BIN / "ai-openness"), *args]


def _edit(root: Path, number: int) -> Path:
    """Change one stance's quote_en in the `number`-th stance file (a different file each run)."""
    files = sorted((root / "codings" / "stances").glob("*.yaml"))
    path = files[number % len(files)]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("quote_en:", f"quote_en: Edit {number} -", 1), encoding="utf-8")
    return path


def _fresh_cache(base: Path, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["cp", "-al", str(base), str(target)], check=True)
    return target


def _summary(runs: list[dict]) -> dict:
    seconds = [r["seconds"] for r in runs]
    return {
        "median_s": round(statistics.median(seconds), 2),
        "min_s": round(min(seconds), 2),
        "max_s": round(max(seconds), 2),
        "median_cpu_s": round(statistics.median(r["cpu_seconds"] for r in runs), 2),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "loads": [r["load_before"][0] for r in runs],
        "exit_codes": sorted({r["returncode"] for r in runs}),
        "runs": len(runs),
    }


def _repeat(name: str, repeat: int, command, before=None, cwd: Path | None = None) -> dict:
    runs = []
    for number in range(repeat):
        if before:
            before(number)
        log(f"{name} ({number + 1}/{repeat})")
        run = _child(command(number) if callable(command) else command, cwd=cwd)
        run.pop("stdout")
        runs.append(run)
    return _summary(runs)


def bench(size: str, out: Path, repeat: int, frictionless: bool, exports: bool = True, executors: bool = True) -> dict:
    root = out / size
    if not (root / "generated.json").is_file():
        log(f"{size}: generate")
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--size", size, "--out", str(root)], check=True)
    work, caches = out / f"{size}-incremental", out / f"{size}-caches"
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(caches, ignore_errors=True)
    shutil.copytree(root, work, copy_function=os.link, ignore=shutil.ignore_patterns("data", "datapackage*.json"))
    for folder in ("codings",):  # edited below: real copies, not links to the generated package
        shutil.rmtree(work / folder)
        shutil.copytree(root / folder, work / folder)
    base = caches / "base"
    result: dict = {"size": size}
    result["build_cold"] = _repeat(
        f"{size}: cold build (no cache)", repeat, _ai("build", "--root", str(work), "--no-cache", "--quiet")
    )
    for label, options in (
        (
            ("build_cold_pool2", ["--jobs", "2"]),
            ("build_cold_dask1", ["--scheduler", "local", "--jobs", "1"]),
            ("build_cold_dask2", ["--scheduler", "local", "--jobs", "2"]),
        )
        if executors
        else ()
    ):
        result[label] = _repeat(
            f"{size}: cold build {' '.join(options)}",
            repeat,
            _ai("build", "--root", str(work), "--no-cache", "--quiet", *options),
        )
    log(f"{size}: the base cache")
    result["build_filling_cache"] = _summary(
        [_child(_ai("build", "--root", str(work), "--cache", str(base), "--quiet"))]
    )
    result["rows"] = sum(table_rows(work).values())
    result["build_warm_unchanged"] = _repeat(
        f"{size}: warm build, nothing changed",
        repeat,
        _ai("build", "--root", str(work), "--cache", str(base), "--quiet"),
    )
    scratch = caches / "run"
    result["build_one_file_edited"] = _repeat(
        f"{size}: rebuild after one stance file is edited (base cache)",
        repeat,
        lambda n: _ai("build", "--root", str(work), "--cache", str(scratch), "--quiet"),
        before=lambda n: (_edit(work, n), _fresh_cache(base, scratch)),
    )
    # The pull request: its edit and its regenerated tables committed; CI validates the checkout.
    _child(_ai("build", "--root", str(work), "--no-cache", "--quiet"))
    result["validate_checkout_cold_cache"] = _repeat(
        f"{size}: validate the checkout (no cache)",
        repeat,
        _ai("validate", str(work), "--trusted", "--no-cache", "--format", "json"),
    )
    result["validate_checkout_base_cache"] = _repeat(
        f"{size}: validate the checkout (base cache)",
        repeat,
        lambda n: _ai("validate", str(work), "--trusted", "--cache", str(scratch), "--format", "json"),
        before=lambda n: _fresh_cache(base, scratch),
    )
    if frictionless:
        result["frictionless"] = _repeat(
            f"{size}: frictionless validate",
            repeat,
            [str(BIN / "frictionless"), "validate", "--json", "datapackage.json"],
            cwd=work,
        )
    for kind in ("sqlite", "duckdb") if exports else ():
        target = caches / f"export.{kind}"
        result[f"export_{kind}"] = _repeat(
            f"{size}: export {kind}", repeat, _ai("export", kind, str(target), "--root", str(work), "--quiet")
        )
    shutil.rmtree(caches, ignore_errors=True)
    return result


STEPS = [
    ("build_cold", "`build`, cold (no cache)"),
    ("build_cold_pool2", "`build`, cold, `--jobs 2` (a pool of two processes)"),
    ("build_cold_dask1", "`build`, cold, `--scheduler local --jobs 1` (Dask, one worker)"),
    ("build_cold_dask2", "`build`, cold, `--scheduler local --jobs 2` (Dask, two workers)"),
    ("build_filling_cache", "`build`, cold, filling an empty cache (one run)"),
    ("build_warm_unchanged", "`build`, warm cache, nothing changed"),
    ("build_one_file_edited", "`build` after one stance file is edited (base cache)"),
    ("validate_checkout_cold_cache", "`validate` on the checkout of a one-file edit, no cache"),
    ("validate_checkout_base_cache", "`validate` on the checkout of a one-file edit, base cache"),
    ("frictionless", "`frictionless validate datapackage.json` (same files)"),
    ("export_sqlite", "`export sqlite`"),
    ("export_duckdb", "`export duckdb`"),
]


def markdown(results: dict) -> str:
    lines = [
        "| size | step | median s | min s | max s | CPU s (median) | peak RSS MB | load before each run | exit |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for size in results["sizes"]:
        for key, words in STEPS:
            if key in size:
                s = size[key]
                loads = ", ".join(f"{x:.1f}" for x in s["loads"])
                lines.append(
                    f"| {size['size']} | {words} | {s['median_s']:.2f} | {s['min_s']:.2f} | {s['max_s']:.2f} | "
                    f"{s['median_cpu_s']:.2f} | {s['peak_rss_mb']:,.0f} | {loads} | {s['exit_codes']} |"
                )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["10k", "100k"])
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--results", type=Path, default=HERE / "incremental.json")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-frictionless", action="store_true")
    parser.add_argument("--no-exports", action="store_true")
    parser.add_argument("--no-executors", action="store_true", help="skip the cold builds on a pool and on Dask")
    parser.add_argument("--markdown", action="store_true", help="print the RESULTS.md table from --results")
    args = parser.parse_args()
    if args.markdown:
        print(markdown(json.loads(args.results.read_text())))
        return 0
    results = json.loads(args.results.read_text()) if args.results.is_file() else {"sizes": []}
    results["machine"] = machine()
    results["commit"] = subprocess.run(
        ["git", "-C", str(HERE.parent), "describe", "--always", "--dirty"], capture_output=True, text=True, check=False
    ).stdout.strip()
    for size in args.sizes:
        measured = bench(
            size, args.out, args.repeat, not args.no_frictionless, not args.no_exports, not args.no_executors
        )
        measured["commit"] = results["commit"]
        results["sizes"] = [s for s in results["sizes"] if s["size"] != size] + [measured]
        args.results.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
