#!/usr/bin/env python3
"""Benchmark the package pipeline on synthetic packages of growing size.

For each size: generate the inputs (benchmarks/generate.py), `ai-openness build` them,
check the built package with `ai-openness validate` (on its published copy: the tables,
their twins and the descriptors, so that the comparison with a rebuild is not timed) and
with the official `frictionless validate`, and load it with `ai_openness.load()`, `pandas.read_csv` and
`pandas.read_parquet`. Then match every alias over the largest package's documents with
100, 1,000, 10,000 and all of its aliases. Every step runs in its own process, so its wall
time and its peak resident memory (from wait4) are its own.

    python benchmarks/run.py                      # all sizes -> benchmarks/results.json
    python benchmarks/run.py --sizes 1x 10k       # some sizes

The packages are written under benchmarks/out/ (not committed). frictionless is run up to
--frictionless-max-rows rows; beyond that its time is extrapolated from its rows per
second on the largest package it was run on, and the result says so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BIN = Path(sys.executable).parent
ORDER = ["1x", "10k", "100k", "1m"]


def _child(command: list[str], cwd: Path | None = None) -> dict:
    """Run one child process and wait for it with wait4: wall time and its own peak RSS."""
    start = time.perf_counter()
    with open(os.devnull, "rb") as stdin:
        out_path = HERE / "out" / f".child-{os.getpid()}.out"
        err_path = HERE / "out" / f".child-{os.getpid()}.err"
        with open(out_path, "w") as out, open(err_path, "w") as err:
            child = subprocess.Popen(command, cwd=cwd, stdin=stdin, stdout=out, stderr=err)
            _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = out_path.read_text(), err_path.read_text()
    out_path.unlink()
    err_path.unlink()
    return {"seconds": round(seconds, 3), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "returncode": child.returncode, "stdout": stdout, "stderr": stderr[-2000:]}


def machine() -> dict:
    import polars
    import pyarrow

    import frictionless

    import psutil

    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return {"cores": os.cpu_count(), "physical_cores": psutil.cpu_count(logical=False),
            "usable_cores": len(os.sched_getaffinity(0)), "memory_mb": psutil.virtual_memory().total >> 20,
            "cpu": model, "python": platform.python_version(), "polars": polars.__version__,
            "pyarrow": pyarrow.__version__, "frictionless": frictionless.__version__}


def table_rows(root: Path) -> dict[str, int]:
    import pyarrow.parquet as pq

    return {path.stem: pq.ParquetFile(path).metadata.num_rows for path in sorted((root / "data").glob("*.parquet"))}


# Steps run inside a child process (python benchmarks/run.py --task NAME ROOT) print the
# seconds of the step itself, without interpreter start-up and imports.
def task(name: str, root: Path, extra: str | None) -> None:
    import pandas as pd

    import ai_openness

    start = time.perf_counter()
    if name == "load-all":
        frames = ai_openness.load(root=root)
        rows = sum(len(f) for f in frames.values())
    elif name == "load":
        rows = len(ai_openness.load(extra, root=root))
    elif name == "read-csv":
        dates = {"stances": ["date"]}.get(extra)
        rows = len(pd.read_csv(root / "data" / f"{extra}.csv", parse_dates=dates))
    elif name == "read-parquet":
        rows = len(pd.read_parquet(root / "data" / f"{extra}.parquet"))
    elif name == "match":
        rows = match(root, int(extra))
    else:
        raise SystemExit(f"unknown task {name}")
    print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows}))


def match(root: Path, count: int) -> int:
    """Match `count` of the package's aliases (0: all) over every stored document."""
    import random

    import pyarrow.parquet as pq

    from ai_openness.build.mentions import Alias, AliasMatcher

    aliases = [Alias(*row) for row in zip(*(pq.read_table(root / "data" / "aliases.parquet")
                                              .select(["entity_type", "entity_id", "alias"]).to_pydict().values()))]
    if count:
        aliases = random.Random(1).sample(aliases, count)
    paths = sorted((root / "sources" / "articles").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    start = time.perf_counter()
    matcher = AliasMatcher(aliases)
    found = sum(1 for text in texts for _ in matcher.find(text))
    elapsed = time.perf_counter() - start
    from ai_openness.script import fold

    first = len({fold(a.alias)[0] for a in aliases})  # the automaton's root has one branch per character
    print(json.dumps({"documents": len(texts), "aliases": len(aliases), "distinct_first_characters": first,
                      "mentions": found,
                      "characters": sum(map(len, texts)), "match_seconds": elapsed}), file=sys.stderr)
    return len(texts)


def run_task(name: str, root: Path, extra: str | None = None, repeat: int = 1) -> dict:
    """Run a task `repeat` times, each in a new process; the median run is reported."""
    runs = []
    for _ in range(repeat):
        result = _child([sys.executable, str(HERE / "run.py"), "--task", name, str(root)]
                        + ([extra] if extra is not None else []))
        if result["returncode"] != 0:
            raise SystemExit(f"task {name} {extra} failed:\n{result['stderr']}")
        runs.append((json.loads(result["stdout"].strip().splitlines()[-1]), result))
    runs.sort(key=lambda run: run[0]["seconds"])
    inner, result = runs[len(runs) // 2]
    out = {"seconds": round(inner["seconds"], 3), "process_seconds": result["seconds"],
           "peak_rss_mb": result["peak_rss_mb"], "rows": inner["rows"]}
    if repeat > 1:
        out["runs_seconds"] = [round(run[0]["seconds"], 3) for run in runs]
    if name == "match":
        out |= json.loads(result["stderr"].strip().splitlines()[-1])
    return out


def publish(root: Path, target: Path) -> Path:
    """The published copy of a built package (data/ and the descriptors), hard-linked."""
    import shutil

    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copytree(root / "data", target / "data", copy_function=os.link)
    for name in ("datapackage.json", "datapackage.parquet.json"):
        os.link(root / name, target / name)
    return target


def warm(root: Path) -> None:
    """Read every file of the package once, so each tool is timed with the files in the page
    cache: after a large build the first reader otherwise also pays for the disk."""
    for folder in ("data", "sources"):
        for path in (root / folder).rglob("*"):
            if path.is_file():
                with open(path, "rb") as handle:
                    while handle.read(16 << 20):
                        pass


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def bench_size(size: str, out: Path, seed: int, frictionless_max_rows: int, reference: dict | None) -> dict:
    root = out / size
    result: dict = {"size": size}
    log(f"{size}: generate")
    result["generate"] = _child([sys.executable, str(HERE / "generate.py"), "--size", size, "--seed", str(seed),
                                 "--out", str(root)])
    result["generated"] = json.loads((root / "generated.json").read_text())["counts"]
    log(f"{size}: build ({result['generate']['seconds']} s to generate)")
    result["build"] = _child([str(BIN / "ai-openness"), "build", "--root", str(root), "--quiet"])
    assert result["build"]["returncode"] == 0, result["build"]["stderr"]
    rows = result["rows"] = table_rows(root)
    total = sum(rows.values())
    result["total_rows"] = total
    log(f"{size}: ai-openness validate ({result['build']['seconds']} s to build {total} rows)")
    published = publish(root, out / f"{size}-published")
    warm(published)
    result["validate"] = _child([str(BIN / "ai-openness"), "validate", str(published)])
    assert result["validate"]["returncode"] == 0, result["validate"]["stdout"][-2000:]
    if total <= frictionless_max_rows:
        log(f"{size}: frictionless validate ({result['validate']['seconds']} s ai-openness validate)")
        warm(root)
        result["frictionless"] = _child([str(BIN / "frictionless"), "validate", "datapackage.json"], cwd=root)
        assert result["frictionless"]["returncode"] == 0, result["frictionless"]["stdout"][-2000:]
        result["frictionless"]["rows_per_second"] = round(total / result["frictionless"]["seconds"])
    elif reference is not None:
        rate = reference["frictionless"]["rows_per_second"]
        result["frictionless"] = {"seconds": round(total / rate, 1), "extrapolated_from": reference["size"],
                                  "rows_per_second": rate, "peak_rss_mb": None}
    for step in ("build", "validate", "frictionless"):
        if step in result and result[step].get("seconds"):
            result[step]["rows_per_second"] = round(total / result[step]["seconds"])
            result[step].pop("stdout", None)
    log(f"{size}: load")
    warm(root)
    # Loading takes a second or less and varies from run to run (page faults of fresh
    # memory): each is run in several new processes and the median reported.
    result["load_all"] = run_task("load-all", root, repeat=3)
    for table, repeat in (("stances", 5), ("mentions", 3)):
        result[f"load_{table}"] = run_task("load", root, table, repeat=repeat)
        result[f"read_csv_{table}"] = run_task("read-csv", root, table, repeat=repeat)
        result[f"read_parquet_{table}"] = run_task("read-parquet", root, table, repeat=repeat)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", choices=ORDER, default=ORDER)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    parser.add_argument("--frictionless-max-rows", type=int, default=2_000_000,
                        help="run frictionless up to this many rows; extrapolate above")
    parser.add_argument("--match-aliases", nargs="+", type=int, default=[100, 1_000, 10_000, 0],
                        help="alias counts for the matching benchmark (0: all the package's aliases)")
    parser.add_argument("--task", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.task:
        task(args.task[0], Path(args.task[1]), args.task[2] if len(args.task) > 2 else None)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results = {"command": "python benchmarks/run.py " + " ".join(argv or sys.argv[1:]),
               "machine": machine(), "sizes": []}
    reference = None
    for size in sorted(args.sizes, key=ORDER.index):
        result = bench_size(size, args.out, args.seed, args.frictionless_max_rows, reference)
        if "frictionless" in result and "extrapolated_from" not in result["frictionless"]:
            reference = result
        results["sizes"].append(result)
        args.results.write_text(json.dumps(results, indent=2) + "\n")
    largest = args.out / sorted(args.sizes, key=ORDER.index)[-1]
    results["matching"] = []
    for count in args.match_aliases:
        log(f"matching: {count or 'all'} aliases over {largest.name}'s documents")
        results["matching"].append(run_task("match", largest, str(count)))
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    args.results.write_text(json.dumps(results, indent=2) + "\n")
    log(f"done in {results['total_seconds']} s; results in {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
