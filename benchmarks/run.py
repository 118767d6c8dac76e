#!/usr/bin/env python3
"""Benchmark the package pipeline on synthetic packages of growing size.

For each size: generate the inputs (benchmarks/generate.py), `ai-openness build` them,
check the built package with `ai-openness validate` on its published copy (the CSV tables
and datapackage.json, as a CSV release archive holds them: the files frictionless reads)
and on the checkout (which is also rebuilt in memory and compared), and with the official
`frictionless validate`; then make a throwaway git repository with the package and the
project's files, a next version of it with some stances changed, removed and added, and
time `ai-openness diff` and `ai-openness release` on them; load the package with
`ai_openness.load()`, `pandas.read_csv` and `pandas.read_parquet`. Then match every alias
over the largest package's documents with 100, 1,000, 10,000 and all of its aliases, and
time `make` in the project root on a warm venv. Every step runs in its own process, so its
wall time, CPU time and peak resident memory (from wait4) are its own; the load average
before each step is recorded beside them.

    python benchmarks/run.py                      # all sizes -> benchmarks/results.json
    python benchmarks/run.py --sizes 1x 10k       # some sizes
    python benchmarks/report.py --write           # then benchmarks/RESULTS.md from the results

The packages are written under benchmarks/out/ (git-ignored). frictionless is run up to
--frictionless-max-rows rows; beyond that its time is extrapolated from its rows per
second on the largest package it was run on, and the result says so. `make` is run with
--make-args (e.g. VENV=DIR to use another installed venv); it must find nothing to
install, and the result records whether it did.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BIN = Path(sys.executable).parent
ORDER = ["1x", "10k", "100k", "1m"]


def _child(command: list[str], cwd: Path | None = None) -> dict:
    """Run one child process and wait for it with wait4: wall time, CPU time (user + system)
    and its own peak RSS, with the machine's load average just before it started (the cores
    are shared, so a wall time is read with the load it ran under)."""
    load = [round(x, 2) for x in os.getloadavg()]
    start = time.perf_counter()
    with open(os.devnull, "rb") as stdin, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, cwd=cwd, stdin=stdin, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    return {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "load_before": load,
        "returncode": child.returncode,
        "stdout": stdout,
        "stderr": stderr[-2000:],
    }


def machine() -> dict:
    import frictionless
    import polars
    import psutil
    import pyarrow

    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cores": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False),
        "usable_cores": len(os.sched_getaffinity(0)),
        "memory_mb": psutil.virtual_memory().total >> 20,
        "cpu": model,
        "python": platform.python_version(),
        "polars": polars.__version__,
        "pyarrow": pyarrow.__version__,
        "frictionless": frictionless.__version__,
    }


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

    from ai_openness.compile.mentions import Alias, AliasMatcher

    aliases = [
        Alias(*row)
        for row in zip(
            *(
                pq.read_table(root / "data" / "aliases.parquet")
                .select(["entity_type", "entity_id", "alias"])
                .to_pydict()
                .values()
            )
        )
    ]
    if count and count < len(aliases):  # a smaller package may have fewer aliases: then all of them
        aliases = random.Random(1).sample(aliases, count)
    paths = sorted((root / "sources" / "articles").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    start = time.perf_counter()
    matcher = AliasMatcher(aliases)
    found = len(matcher.match(texts).start)  # all documents in one call, as the build matches a chunk
    elapsed = time.perf_counter() - start
    from ai_openness.core.script import fold

    first = len({fold(a.alias)[0] for a in aliases})  # the automaton's root has one branch per character
    print(
        json.dumps(
            {
                "documents": len(texts),
                "aliases": len(aliases),
                "distinct_first_characters": first,
                "mentions": found,
                "characters": sum(map(len, texts)),
                "match_seconds": elapsed,
            }
        ),
        file=sys.stderr,
    )
    return len(texts)


def run_task(name: str, root: Path, extra: str | None = None, repeat: int = 1) -> dict:
    """Run a task `repeat` times, each in a new process; the median run is reported."""
    runs = []
    for _ in range(repeat):
        result = _child(
            [sys.executable, str(HERE / "run.py"), "--task", name, str(root)] + ([extra] if extra is not None else [])
        )
        if result["returncode"] != 0:
            raise SystemExit(f"task {name} {extra} failed:\n{result['stderr']}")
        runs.append((json.loads(result["stdout"].strip().splitlines()[-1]), result))
    runs.sort(key=lambda run: run[0]["seconds"])
    inner, result = runs[len(runs) // 2]
    out = {
        "seconds": round(inner["seconds"], 3),
        "process_seconds": result["seconds"],
        "peak_rss_mb": result["peak_rss_mb"],
        "rows": inner["rows"],
    }
    if repeat > 1:
        out["runs_seconds"] = [round(run[0]["seconds"], 3) for run in runs]
    if name == "match":
        out |= json.loads(result["stderr"].strip().splitlines()[-1])
    return out


def publish(root: Path, target: Path) -> Path:
    """The published copy of a built package as its CSV release archive holds it (the CSV
    tables and datapackage.json marked as a published copy, see ai_openness.publish.archives),
    with the tables hard-linked rather than zipped."""
    import shutil

    from ai_openness.publish.archives import published

    shutil.rmtree(target, ignore_errors=True)
    (target / "data").mkdir(parents=True)
    for path in sorted((root / "data").glob("*.csv")):
        os.link(path, target / "data" / path.name)
    (target / "datapackage.json").write_bytes(published((root / "datapackage.json").read_bytes()))
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


def _findings(step: dict, tool: str) -> None:
    """Replace a checker's JSON output by the number of findings it reported."""
    try:
        report = json.loads(step.pop("stdout"))
    except (KeyError, ValueError):
        step["findings"] = None
        return
    if tool == "frictionless":
        step["findings"] = len(report.get("errors", [])) + sum(
            len(t.get("errors", [])) for t in report.get("tasks", [])
        )
    else:
        step["findings"] = len(report.get("problems", []))


def _version(root: Path) -> str:
    text = (root / "schema" / "package.yaml").read_text(encoding="utf-8")
    return next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("version:"))


def _next_major(version: str) -> str:
    """The next version after removing published rows (README, "Versions and releases")."""
    return f"{int(version.split('.')[0]) + 1}.0.0"


def change_stances(root: Path, files: int, retired_in: str) -> dict:
    """Turn the package inputs under `root` into a next version: in each of the first `files`
    stance files (sorted by name) one stance's quote_en changes; in every third of them the
    last stance is removed (and listed in codings/retired.yaml, as a release requires), and
    in every third, from the second, a copy of the first stance is added under a new id."""
    import yaml

    from generate import mapping

    counts = {"changed": 0, "removed": 0, "added": 0}
    retired = []
    for index, path in enumerate(sorted((root / "codings" / "stances").glob("*.yaml"))[:files]):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        stances = document["stances"]
        stances[0]["quote_en"] = f"{stances[0].get('quote_en', '')} (revised)"
        counts["changed"] += 1
        if index % 3 == 0 and len(stances) > 1:
            gone = stances.pop()
            retired.append(
                {
                    "table": "stances",
                    "id": gone["stance_id"],
                    "reason": "Removed in the benchmark's next version.",
                    "retired_in": retired_in,
                }
            )
            counts["removed"] += 1
        if index % 3 == 1:
            stances.append(
                stances[0] | {"stance_id": f"{stances[0]['stance_id']}-added", "quote_en": "An added stance."}
            )
            counts["added"] += 1
        lines = [f"source_id: {document['source_id']}", "stances:"]
        lines += [mapping(stance, "  ").rstrip("\n") for stance in stances]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    listed = root / "codings" / "retired.yaml"
    old = listed.read_text(encoding="utf-8") if listed.is_file() else ""
    listed.write_text(old + "".join(mapping(entry) for entry in retired), encoding="utf-8")
    return counts


# The project's files a release needs besides the package (the wheel is built from
# pyproject.toml and src/); the package's own inputs come from the synthetic package.
_NOT_COPIED = ("data/", "sources/", "codings/", "tests/", "benchmarks/", "CHANGELOG.md")


def release_repository(root: Path, target: Path) -> Path:
    """A throwaway git repository: this project's files with the synthetic package's inputs
    in place of its own, built and committed with a CHANGELOG.md section for the version it
    records, so that `ai-openness release` finds a previous release in its history."""
    import shutil

    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    tracked = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, check=True)
    for name in tracked.stdout.decode().split("\0"):
        if name and not name.startswith(_NOT_COPIED) and (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    shutil.copytree(root / "sources", target / "sources", copy_function=os.link)
    shutil.copytree(root / "codings", target / "codings")
    shutil.rmtree(target / "schema")
    shutil.copytree(root / "schema", target / "schema")
    text = (target / "schema" / "package.yaml").read_text(encoding="utf-8")
    released = next(
        (line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("released:")), "2026-01-01"
    )
    (target / "CHANGELOG.md").write_text(
        f"# Changelog\n\n## [{_version(target)}] - {released}\n\nInitial release.\n", encoding="utf-8"
    )
    built = _child([str(BIN / "ai-openness"), "build", "--root", str(target), "--quiet"])
    if built["returncode"] != 0:
        raise SystemExit(f"build of the release repository failed:\n{built['stderr']}{built['stdout'][-2000:]}")
    env = os.environ | {
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
    }
    for command in (["init", "--quiet"], ["add", "--all"], ["commit", "--quiet", "-m", "Previous release"]):
        subprocess.run(["git", "-C", str(target), *command], check=True, env=env, capture_output=True)
    return target


def bench_versions(size: str, root: Path, published: Path, out: Path, files: int) -> dict:
    """`ai-openness diff` and `ai-openness release` between the package and a next version
    of it with `files` stance files changed, in a throwaway git repository under out/."""
    result: dict = {}
    log(f"{size}: release repository (build and commit of the package with the project's files)")
    repo = release_repository(root, out / f"{size}-release")
    nxt = _next_major(_version(repo))
    result["changes"] = change_stances(repo, files, nxt)
    log(f"{size}: build the next version ({result['changes']})")
    result["build_next"] = _child([str(BIN / "ai-openness"), "build", "--root", str(repo), "--quiet"])
    if result["build_next"]["returncode"] != 0:
        result["build_next"]["stdout"] = result["build_next"]["stdout"][-2000:]
        return result
    result["build_next"].pop("stdout")
    next_published = publish(repo, out / f"{size}-next-published")
    warm(published)
    warm(next_published)
    log(f"{size}: ai-openness diff (two directories)")
    step = _child([str(BIN / "ai-openness"), "diff", str(published), str(next_published), "--format", "json"])
    result["diff"] = _diff_counts(step)
    log(f"{size}: ai-openness diff HEAD (the commit against the working tree)")
    step = _child([str(BIN / "ai-openness"), "diff", "HEAD", "--root", str(repo), "--format", "json"])
    result["diff_git"] = _diff_counts(step)
    log(f"{size}: ai-openness release {nxt}")
    step = _child(
        [str(BIN / "ai-openness"), "release", nxt, "--root", str(repo), "--date", "2026-12-31", "--format", "json"]
    )
    step["stdout"] = step["stdout"][-2000:]
    if step["returncode"] == 0:
        step["made"] = sorted(p.name for p in (repo / "dist").iterdir())
    result["release"] = step
    return result


def _diff_counts(step: dict) -> dict:
    """Keep the numbers of rows added, removed and changed per table, not the rows."""
    try:
        report = json.loads(step["stdout"])
        tables = report.get("diff", report).get("tables", {})
        step["rows"] = {
            name: {k: len(t.get(k, [])) for k in ("added", "removed", "changed")}
            for name, t in tables.items()
            if any(t.get(k) for k in ("added", "removed", "changed"))
        }
        step.pop("stdout")
    except (ValueError, AttributeError):
        step["stdout"] = step["stdout"][-2000:]
    return step


# What `make` runs for `all`, in order, in one process (see the Makefile); each is timed here as a
# process of its own.
MAKE_STEPS = [
    ("build", ["build"]),
    ("figures", ["figures"]),
    ("validate", ["validate", "--format", "text"]),
    ("coverage", ["coverage"]),
    ("candidates", ["candidates"]),
]


def bench_make(make_args: list[str]) -> dict:
    """`make` in the project root on a warm venv: one warm-up run, then `make` timed, then
    each command it runs timed on its own (run with this harness's interpreter)."""
    result: dict = {"command": " ".join(["make", *make_args])}
    log("make: warm-up run")
    warmup = _child(["make", *make_args], cwd=REPO)
    result["warmup"] = {k: warmup[k] for k in ("seconds", "returncode")}
    result["warmup"]["installed"] = "pip install" in warmup["stdout"]
    if warmup["returncode"] != 0:
        result["error"] = (warmup["stdout"] + warmup["stderr"])[-2000:]
        return result
    log(f"make: timed run (warm-up {warmup['seconds']} s)")
    timed = _child(["make", *make_args], cwd=REPO)
    timed["installed"] = "pip install" in timed["stdout"]
    timed.pop("stdout")
    result["make"] = timed
    result["steps"] = {}
    for name, command in MAKE_STEPS:
        step = _child([str(BIN / "ai-openness"), *command], cwd=REPO)
        step.pop("stdout")
        result["steps"][name] = step
    return result


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def bench_size(
    size: str, out: Path, seed: int, frictionless_max_rows: int, reference: dict | None, version_files: int
) -> dict:
    root = out / size
    result: dict = {"size": size}
    log(f"{size}: generate")
    result["generate"] = _child(
        [sys.executable, str(HERE / "generate.py"), "--size", size, "--seed", str(seed), "--out", str(root)]
    )
    result["generated"] = json.loads((root / "generated.json").read_text())["counts"]
    log(f"{size}: build ({result['generate']['seconds']} s to generate)")
    result["build"] = _child([str(BIN / "ai-openness"), "build", "--root", str(root), "--quiet"])
    assert result["build"]["returncode"] == 0, result["build"]["stderr"]
    rows = result["rows"] = table_rows(root)
    total = sum(rows.values())
    result["total_rows"] = total
    log(f"{size}: ai-openness validate, published copy ({result['build']['seconds']} s to build {total} rows)")
    published = publish(root, out / f"{size}-published")
    warm(published)
    # The published copy (data/ and the descriptors) is what frictionless checks too; the
    # checkout (with sources/ and codings/) is also compared with a rebuild in memory.
    result["validate"] = _child([str(BIN / "ai-openness"), "validate", str(published), "--trusted", "--format", "json"])
    assert result["validate"]["returncode"] == 0, result["validate"]["stdout"][-2000:]
    _findings(result["validate"], "ai-openness")
    log(f"{size}: ai-openness validate, checkout ({result['validate']['seconds']} s on the published copy)")
    warm(root)
    result["validate_checkout"] = _child(
        [str(BIN / "ai-openness"), "validate", str(root), "--trusted", "--format", "json"]
    )
    assert result["validate_checkout"]["returncode"] == 0, result["validate_checkout"]["stdout"][-2000:]
    _findings(result["validate_checkout"], "ai-openness")
    if total <= frictionless_max_rows:
        log(f"{size}: frictionless validate ({result['validate_checkout']['seconds']} s on the checkout)")
        warm(root)
        result["frictionless"] = _child([str(BIN / "frictionless"), "validate", "--json", "datapackage.json"], cwd=root)
        assert result["frictionless"]["returncode"] == 0, result["frictionless"]["stdout"][-2000:]
        _findings(result["frictionless"], "frictionless")
        result["frictionless"]["rows_per_second"] = round(total / result["frictionless"]["seconds"])
    elif reference is not None:
        rate = reference["frictionless"]["rows_per_second"]
        result["frictionless"] = {
            "seconds": round(total / rate, 1),
            "extrapolated_from": reference["size"],
            "rows_per_second": rate,
            "peak_rss_mb": None,
        }
    for step in ("build", "validate", "validate_checkout", "frictionless"):
        if step in result and result[step].get("seconds"):
            result[step]["rows_per_second"] = round(total / result[step]["seconds"])
            result[step].pop("stdout", None)
    if version_files:
        result["versions"] = bench_versions(size, root, published, out, version_files)
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
    parser.add_argument(
        "--frictionless-max-rows",
        type=int,
        default=2_000_000,
        help="run frictionless up to this many rows; extrapolate above",
    )
    parser.add_argument(
        "--match-aliases",
        nargs="+",
        type=int,
        default=[100, 1_000, 10_000, 0],
        help="alias counts for the matching benchmark (0: all the package's aliases)",
    )
    parser.add_argument(
        "--version-files",
        type=int,
        default=300,
        help="stance files changed in the next version that diff and release compare (0: skip)",
    )
    parser.add_argument(
        "--make-args", nargs="*", default=[], help="arguments of the timed `make` in the project root (e.g. VENV=DIR)"
    )
    parser.add_argument("--no-make", action="store_true", help="do not time `make` in the project root")
    parser.add_argument("--no-matching", action="store_true", help="skip the alias matching benchmark")
    parser.add_argument(
        "--resume", action="store_true", help="keep the sizes already in the results file and run only the rest"
    )
    parser.add_argument("--task", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.task:
        task(args.task[0], Path(args.task[1]), args.task[2] if len(args.task) > 2 else None)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results = {
        "command": "python benchmarks/run.py " + " ".join(argv or sys.argv[1:]),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "sizes_requested": args.sizes,
        "commit": subprocess.run(
            ["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True, check=False
        ).stdout.strip()
        or None,
        "machine": machine(),
        "sizes": [],
    }
    reference = None
    done = {}
    if args.resume and args.results.is_file():
        earlier = json.loads(args.results.read_text())
        done = {s["size"]: s for s in earlier["sizes"]}
        results["command"], results["started"] = (
            earlier["command"] + " (resumed: " + results["command"] + ")",
            earlier.get("started"),
        )
    for size in sorted(args.sizes, key=ORDER.index):
        if size in done:
            log(f"{size}: kept from {args.results}")
            result = done[size]
            result.setdefault("commit", earlier.get("commit"))  # the code that size was measured on
            if "frictionless" in result and "extrapolated_from" not in result["frictionless"]:
                reference = result
            results["sizes"].append(result)
            continue
        result = bench_size(size, args.out, args.seed, args.frictionless_max_rows, reference, args.version_files)
        result["commit"] = results["commit"]
        if "frictionless" in result and "extrapolated_from" not in result["frictionless"]:
            reference = result
        results["sizes"].append(result)
        args.results.write_text(json.dumps(results, indent=2) + "\n")
    largest = args.out / sorted(args.sizes, key=ORDER.index)[-1]
    results["matching"] = []
    for count in [] if args.no_matching else args.match_aliases:
        log(f"matching: {count or 'all'} aliases over {largest.name}'s documents")
        results["matching"].append(run_task("match", largest, str(count)))
        args.results.write_text(json.dumps(results, indent=2) + "\n")
    if not args.no_make:
        results["make"] = bench_make(args.make_args)
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    args.results.write_text(json.dumps(results, indent=2) + "\n")
    log(f"done in {results['total_seconds']} s; results in {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
