#!/usr/bin/env python3
"""Write benchmarks/RESULTS.md from benchmarks/results.json, or print its tables.

    python benchmarks/report.py                  # print the tables of benchmarks/results.json
    python benchmarks/report.py --write          # rewrite benchmarks/RESULTS.md from it
    python benchmarks/report.py RESULTS_JSON --write --out FILE

Every number in RESULTS.md comes from the results file (or, for the sizes of the synthetic
packages, from benchmarks/generate.py); the text around them is written here, so a new run
of `make bench` is recorded by running this once.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["1x", "10k", "100k", "1m"]
NOT_MEASURED = "not measured in this run"
HAND_WRITTEN = "<!-- Written by hand below this line (measurements by the tools above); report.py --write keeps it. -->"


def _n(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _load(step: dict | None) -> str:
    load = (step or {}).get("load_before")
    return f"{load[0]:.1f}" if load else "–"


# --- the targets ------------------------------------------------------------------------
# Each target: (size, label, check). A check gets the size's results (None when the size was
# not run) and returns (measured, met): met is True, False or None (not measured).


def _ratio(s: dict, key: str = "validate") -> float | None:
    friction, ours = s.get("frictionless"), s.get(key)
    if not friction or not ours or not ours.get("seconds"):
        return None
    return friction["seconds"] / ours["seconds"]


def _same_findings(s: dict) -> bool | None:
    friction, ours = s.get("frictionless", {}), s.get("validate", {})
    if "findings" not in friction or "findings" not in ours:
        return None
    return friction["findings"] == ours["findings"]


def _validate_vs_frictionless(factor: float, rss_mb: float | None = None):
    def check(s: dict) -> tuple[str, bool | None]:
        ratio = _ratio(s)
        if ratio is None:
            return "frictionless not run or extrapolated from no size", None
        friction = s["frictionless"]
        how = f"extrapolated from {friction['extrapolated_from']}" if friction.get("extrapolated_from") else "measured"
        same = _same_findings(s)
        text = f"{s['validate']['seconds']:.2f} s against {friction['seconds']:.1f} s ({how}): **{ratio:.1f}×**"
        met = ratio >= factor
        if same is not None:
            text += f"; findings {s['validate']['findings']} and {friction['findings']}"
            met = met and same
        elif not friction.get("extrapolated_from"):
            met = None
        if rss_mb is not None:
            rss = s["validate"]["peak_rss_mb"]
            text += f"; peak RSS {rss:,.0f} MB"
            met = met and rss < rss_mb
        return text, met

    return check


def _build(seconds: float, rss_mb: float):
    def check(s: dict) -> tuple[str, bool | None]:
        b = s["build"]
        return (
            f"{b['seconds']:.1f} s, {b['peak_rss_mb']:,.0f} MB",
            b["seconds"] <= seconds and b["peak_rss_mb"] <= rss_mb,
        )

    return check


def _within_validate(step_key: str):
    def check(s: dict) -> tuple[str, bool | None]:
        versions = s.get("versions") or {}
        step, reference = versions.get(step_key), s.get("validate_checkout")
        if not step:
            return "not run", None
        if step.get("returncode") != 0:
            return f"failed (exit {step.get('returncode')}, {step['peak_rss_mb']:,.0f} MB)", False
        ratio = step["seconds"] / reference["seconds"]
        return (
            f"{step['seconds']:.1f} s, {step['peak_rss_mb']:,.0f} MB; {ratio:.2f}× validate on the checkout "
            f"({reference['seconds']:.1f} s)",
            ratio <= 2,
        )

    return check


# (size, step, target, check): the step is the key of the row the target is read from.
TARGETS = [
    ("100k", "validate", "≥ 10× faster than `frictionless validate`, same findings", _validate_vs_frictionless(10)),
    ("1m", "validate", "≥ 25× faster than frictionless, peak RSS < 2 GB", _validate_vs_frictionless(25, rss_mb=2048)),
    ("100k", "build", "≤ 20 s and ≤ 500 MB", _build(20, 500)),
    ("1m", "build", "≤ 200 s and ≤ 2 GB", _build(200, 2048)),
    ("1m", "diff", "works, ≤ 2× validate's time (checkout)", _within_validate("diff")),
    ("1m", "diff_git", "works, ≤ 2× validate's time (checkout)", _within_validate("diff_git")),
    ("1m", "release", "works, ≤ 2× validate's time (checkout)", _within_validate("release")),
]
TARGET = {(size, step): (text, check) for size, step, text, check in TARGETS}


def _met(met: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[met]


def targets_table(results: dict) -> list[str]:
    sizes = {s["size"]: s for s in results["sizes"]}
    labels = dict(STEPS + VERSION_STEPS)
    lines = ["| size | step | target | measured | load before | met |", "|---|---|---|---|---:|---|"]
    for size, step, target, check in TARGETS:
        s = sizes.get(size)
        if s is None:
            lines.append(f"| {size} | {labels[step]} | {target} | {NOT_MEASURED} | – | not measured |")
            continue
        text, met = check(s)
        row = s.get(step) or (s.get("versions") or {}).get(step)
        lines.append(f"| {size} | {labels[step]} | {target} | {text} | {_load(row)} | {_met(met)} |")
    make = (results.get("make") or {}).get("make")
    target = "≤ 10 s"
    if make:
        met = make["returncode"] == 0 and make["seconds"] <= 10
        lines.append(
            f"| today's package | `make` on a warm venv | {target} | {make['seconds']:.1f} s "
            f"(CPU {make['cpu_seconds']:.1f} s) | {_load(make)} | {_met(met)} |"
        )
    else:
        lines.append(f"| today's package | `make` on a warm venv | {target} | {NOT_MEASURED} | – | not measured |")
    return lines


# --- the tables of every step ---------------------------------------------------------------

STEPS = [
    ("generate", "generate inputs"),
    ("build", "`ai-openness build`"),
    ("validate", "`ai-openness validate` (published copy: CSV tables, datapackage.json)"),
    ("validate_checkout", "`ai-openness validate` (checkout: also rebuilds and compares)"),
    ("frictionless", "`frictionless validate datapackage.json`"),
]
VERSION_STEPS = [
    ("build_next", "`ai-openness build` of the next version (setup)"),
    ("diff", "`ai-openness diff BASE NEXT` (two published copies)"),
    ("diff_git", "`ai-openness diff HEAD` (commit against working tree)"),
    ("release", "`ai-openness release` (throwaway repository)"),
]


def sizes_table(results: dict) -> list[str]:
    lines = [
        "| size | stances | sources (articles + references) | characters of stored text | aliases | mentions "
        "| rows in all tables |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for s in results["sizes"]:
        r, g = s["rows"], s["generated"]
        lines.append(
            f"| {s['size']} | {_n(r['stances'])} | {_n(r['sources'])} | {_n(g['characters'])} | "
            f"{_n(r['aliases'])} | {_n(r['mentions'])} | {_n(s['total_rows'])} |"
        )
    return lines


def steps_table(results: dict) -> list[str]:
    lines = [
        "| size | step | wall s | CPU s | rows/s | peak RSS MB | load before | exit | target | met |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    measured = {s["size"] for s in results["sizes"]}
    labels = dict(STEPS + VERSION_STEPS)
    for s in results["sizes"]:
        steps = [(s.get(k), label, k) for k, label in STEPS]
        steps += [((s.get("versions") or {}).get(k), label, k) for k, label in VERSION_STEPS]
        for step, label, key in steps:
            if not step:
                continue
            if step.get("extrapolated_from"):
                lines.append(
                    f"| {s['size']} | {label} (extrapolated from {step['extrapolated_from']}: "
                    f"{_n(s['total_rows'])} rows at {_n(step['rows_per_second'])} rows/s) | "
                    f"{_n(step['seconds'], 1)} | – | {_n(step['rows_per_second'])} | – | – | – | | |"
                )
                continue
            target, met = TARGET.get((s["size"], key), ("–", None)), ""
            if target[0] != "–":
                target, met = target[0], _met(target[1](s)[1])
            else:
                target = "–"
            rate = (
                s["total_rows"] / step["seconds"]
                if key in ("build", "validate", "validate_checkout", "frictionless")
                else None
            )
            lines.append(
                f"| {s['size']} | {label} | {_n(step['seconds'], 2)} | {_n(step.get('cpu_seconds'), 2)} | "
                f"{_n(rate)} | {_n(step.get('peak_rss_mb'))} | {_load(step)} | {step.get('returncode', '–')} | "
                f"{target} | {met} |"
            )
        ratio = _ratio(s)
        if ratio is not None:
            lines.append(
                f"| {s['size']} | frictionless ÷ `ai-openness validate` (published copy) | {ratio:.1f}× | | | | | | | |"
            )
    for size in ORDER:
        if size not in measured:
            lines.append(f"| {size} | every step | {NOT_MEASURED} | | | | | | | |")
            lines += [
                f"| {size} | {labels[k]} | {NOT_MEASURED} | | | | | | {t} | not measured |"
                for (z, k), (t, _) in TARGET.items()
                if z == size
            ]
    return lines


def versions_table(results: dict) -> list[str]:
    lines = [
        "| size | stance files edited | stances changed, removed, added | rows `diff` found (added/removed/changed) |",
        "|---|---:|---|---|",
    ]
    for s in results["sizes"]:
        v = s.get("versions")
        if not v:
            continue
        c = v["changes"]
        rows = (v.get("diff") or {}).get("rows") or {}
        found = "; ".join(f"{name} {r['added']}/{r['removed']}/{r['changed']}" for name, r in rows.items()) or "–"
        lines.append(f"| {s['size']} | {_n(c['changed'])} | {c['changed']}, {c['removed']}, {c['added']} | {found} |")
    return lines


def make_table(results: dict) -> list[str]:
    make = results.get("make")
    if not make:
        return [f"`make`: {NOT_MEASURED}."]
    if "make" not in make:
        return [f"`{make['command']}` failed in its warm-up run: {make.get('error', '')[-300:]}"]
    lines = ["| command | wall s | CPU s | peak RSS MB | load before | exit |", "|---|---:|---:|---:|---:|---:|"]
    m = make["make"]
    lines.append(
        f"| `{make['command']}` (after a warm-up run of {make['warmup']['seconds']:.1f} s; "
        f"{'installed packages' if m.get('installed') else 'nothing installed'}) | {m['seconds']:.2f} | "
        f"{m['cpu_seconds']:.2f} | {_n(m['peak_rss_mb'])} | {_load(m)} | {m['returncode']} |"
    )
    for name, step in make["steps"].items():
        lines.append(
            f"| its step `{name}` alone (`ai-openness {name}`) | {step['seconds']:.2f} | "
            f"{step['cpu_seconds']:.2f} | {_n(step['peak_rss_mb'])} | {_load(step)} | {step['returncode']} |"
        )
    return lines


def loading_table(results: dict) -> list[str]:
    lines = [
        "| size | `load()` all tables | `load('stances')` | `pd.read_csv` stances | `pd.read_parquet` stances "
        "| `load('mentions')` | `pd.read_csv` mentions | `pd.read_parquet` mentions |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    keys = (
        "load_all",
        "load_stances",
        "read_csv_stances",
        "read_parquet_stances",
        "load_mentions",
        "read_csv_mentions",
        "read_parquet_mentions",
    )
    for s in results["sizes"]:
        if all(k in s for k in keys):
            lines.append(
                f"| {s['size']} | "
                + " | ".join(f"{s[k]['seconds']:.3f} s ({_n(s[k]['peak_rss_mb'])} MB)" for k in keys)
                + " |"
            )
    return lines


def matching_table(results: dict) -> list[str]:
    if not results.get("matching"):
        return [f"Alias matching: {NOT_MEASURED}."]
    lines = [
        "| aliases | distinct first characters | documents | characters | mentions | match s | "
        "documents/s | characters/s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results["matching"]:
        lines.append(
            f"| {_n(r['aliases'])} | {_n(r.get('distinct_first_characters'))} | {_n(r['documents'])} | "
            f"{_n(r['characters'])} | {_n(r['mentions'])} | {r['match_seconds']:.1f} | "
            f"{_n(r['documents'] / r['match_seconds'])} | {_n(r['characters'] / r['match_seconds'])} |"
        )
    return lines


def machine_line(results: dict) -> str:
    m = results["machine"]
    loads = [
        step["load_before"][0]
        for s in results["sizes"]
        for step in s.values()
        if isinstance(step, dict) and step.get("load_before")
    ]
    text = (
        f"Machine: {m['cores']} cores ({m['physical_cores']} physical, {m['usable_cores']} usable), "
        f"{m['memory_mb'] // 1024} GiB, {m['cpu']}; Python {m['python']}, polars {m['polars']}, "
        f"pyarrow {m['pyarrow']}, frictionless {m['frictionless']}. Command: `{results['command'].strip()}`"
    )
    if results.get("commit"):
        text += f", at commit {results['commit']}"
        other = {
            s["size"]: s["commit"] for s in results["sizes"] if s.get("commit", results["commit"]) != results["commit"]
        }
        if other:  # sizes kept from an earlier run (--resume)
            text += " (" + ", ".join(f"{size} measured at commit {c}" for size, c in other.items()) + ")"
    if results.get("started"):
        text += f", started {results['started']}"
    text += f"; wall time {results.get('total_seconds', 0) / 60:.1f} min (of the last invocation, when resumed)."
    if loads:
        text += (
            f" One-minute load average before the steps: {min(loads):.1f} to {max(loads):.1f} "
            f"(the cores are shared; CPU s is the steadier figure when the load exceeds the cores)."
        )
    return text


def generator_table() -> list[str]:
    sys.path.insert(0, str(HERE))
    from generate import SIZES

    lines = [
        "| size | stances | articles | references | stances per article | mentions per article "
        "| organisations, people, models, licences |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, size in SIZES.items():
        lines.append(
            f"| `{name}` | {_n(size.stances)} | {_n(size.articles)} | {_n(size.references)} | "
            f"{size.stances_per_article:g} | {size.mentions_per_article} | {size.organisations}, "
            f"{size.people}, {size.models}, {size.licences} |"
        )
    return lines


def tables(results: dict) -> str:
    blocks = [
        machine_line(results),
        "\n".join(targets_table(results)),
        "\n".join(sizes_table(results)),
        "\n".join(steps_table(results)),
        "\n".join(versions_table(results)),
        "\n".join(make_table(results)),
        "\n".join(loading_table(results)),
        "\n".join(matching_table(results)),
    ]
    return "\n\n".join(blocks) + "\n"


def document(results: dict) -> str:
    """The whole of RESULTS.md."""

    def block(lines: list[str]) -> str:
        return "\n".join(lines)

    return f"""# Benchmarks

How the build, the validator, `diff`, `release` and `make` scale from today's package to a
million stances, against the project's performance targets.

<!-- Generated by `python benchmarks/report.py --write` from benchmarks/results.json, down to the
marker line near the end; edit report.py, not this file, except below that marker. -->

**Reproduce**:

```sh
make bench                          # every size (1x, 10k, 100k, 1m): writes benchmarks/results.json
python benchmarks/report.py --write # rewrites this file from benchmarks/results.json
```

`make bench` installs the `bench` extra and runs `python benchmarks/run.py`; `python
benchmarks/run.py --sizes 1x 10k 100k` runs some sizes only (the build of the largest size holds its rows as Python
objects and needs many gigabytes of memory). The sizes a run did not reach are marked "{NOT_MEASURED}"
below.

{machine_line(results)}

## Targets

On two cores. `ai-openness validate` is compared with frictionless on the **published copy**:
the CSV tables and the datapackage.json a CSV release archive holds (marked as published),
the same files `frictionless validate datapackage.json` reads. Both `validate` steps run with
`--trusted`: the packages are the harness's own, and at a million stances `mentions.csv` is
larger than the 512 MiB a contribution's table may be (the work is the same; the limits only refuse). `diff` and `release` are
compared with `ai-openness validate` on the **checkout** of the same package (with sources/
and codings/, which it rebuilds in memory and compares with the tables), since `diff HEAD`
and `release` work in a checkout too. "Same findings": both tools' findings are counted
from their JSON output (`--format json`, `--json`); on a valid generated package both must
report none. That they find the same faults in a broken package is `tests/test_engine.py`'s
work, not this harness's.

{block(targets_table(results))}

## Every step

Each step runs in its own process; wall time, CPU time (user + system) and peak resident
memory come from `wait4` on that process, and the one-minute load average is read just
before it starts. Wall times are whole processes, interpreter start-up included. Each tool
is timed with the package's files already in the page cache (the harness reads them once
before), so that no tool is charged for disk reads the others are spared.

`frictionless validate` runs up to `--frictionless-max-rows` rows in all tables (default
2,000,000); above that its time is extrapolated: the package's rows divided by the rows per
second frictionless reached on the largest size it ran on, and the row says so.

{block(sizes_table(results))}

{block(steps_table(results))}

## `diff` and `release` between two versions

For each size the harness makes a throwaway git repository under `benchmarks/out/SIZE-release/`
(git-ignored): this project's files (pyproject.toml, src/, the README and the other files a
release writes or packs) with the synthetic package's inputs in place of the project's own,
built and committed with a CHANGELOG.md section for the version `schema/package.yaml`
records. It then edits the first `--version-files` stance files (300 by default): in each,
one stance's `quote_en` changes; in every third the last stance is removed and listed in
`codings/retired.yaml`; in every third from the second a copy of the first stance is added
under a new id. After `ai-openness build` of that next version it times
`ai-openness diff` between the published copies of both versions, `ai-openness diff HEAD`
(the commit against the working tree, read through `git archive`), and `ai-openness release`
of the next minor version (two builds, the row-level diff, the changelog, the two zip
archives and the wheel, written to that repository's dist/). The project itself is never
touched.

{block(versions_table(results))}

## `make` on a warm venv

`make` (build, figures, validate, coverage, candidates, run in one process) in the project
root, run once to warm up and then timed; then each command it runs, timed alone as a
process of its own. "Warm": everything
installed and nothing changed, so make installs nothing (the row says whether it did).

{block(make_table(results))}

## Loading

`load()` returns the documented dtypes (categoricals in documented order, nullable integers
and booleans, dates); `pandas.read_csv` returns plain strings, `float64` where an integer
column has gaps and `object` for booleans with gaps, so the two are not the same work.
Seconds inside the process after the imports, median of five (stances) or three processes,
with the process's peak RSS:

{block(loading_table(results))}

## Mention extraction at scale

The build's `AliasMatcher` (polars' Aho-Corasick automaton, the Rust `aho-corasick` crate,
over OpenCC-folded text) with a random sample of 100, 1,000 or 10,000 of the largest measured
package's aliases, or all of them, over all of its stored documents, in one process. (The
pyahocorasick automaton it replaced scanned each trie node's children one by one, so its cost
grew with the number of distinct first characters of the aliases: 15 s over the 100k
package's 31 million characters.)

{block(matching_table(results))}

## The synthetic packages

`benchmarks/generate.py --size SIZE --out DIR [--seed N]` writes the *inputs* of a package
of the real schema, byte for byte the same for the same size and seed: stored texts in
`sources/articles/`, `sources/articles.yaml` with their SHA-256 (and `not_content` footers
in three articles in ten), `sources/references.yaml`, the entity codings and one stance
file per article. `ai-openness build` turns them into tables like the real package, so
**every table benchmarked here was written by the build**; the generator never writes
tables.

{block(generator_table())}

Choices, and why:

- `1x` mirrors today's package (its stances in five articles of about 10,000 characters,
  with about as many mentions per article). Larger sizes keep ten stances and a hundred
  mentions per article, so `1m` is 100,000 articles and ten million mentions: the low end
  of "tens of millions" of mentions, chosen so that the build still runs on one machine.
- The entity registry grows about as the square root of the stances: new articles mostly
  name actors that are already coded.
- Chinese-like text: names are drawn from one set of characters and filler mostly from
  another; as in today's articles about a third of the filler characters also occur in
  names, so the matcher does real work and a few chance matches occur. Half the Chinese
  names are coded in Traditional script while two articles in three are Simplified, so
  matching goes through the OpenCC folding as in the real package.
- Stances: 60 % by a person, dates of day, month or year precision with every
  `date_basis`, 1.2 arguments each; quotes are spans of the text around a name, with
  `occurrence` when a span repeats.
- `--faults` (with `--build`) then writes one or more faults of every class the validator
  detects into the built package and lists the findings a checker must report in
  `faults.json` (see `benchmarks/faults.py`); `tests/test_engine.py` uses it to require the
  same findings from `ai-openness validate` and frictionless.

## Other tools, not run by `make bench`

- `python benchmarks/build_phases.py DIR` times each phase of `ai-openness build` (read,
  type, check, find mentions, sort, render) on a generated package, to see where the
  build's time goes.
- `python benchmarks/engines.py DIR` runs the core of the validator's table checks in
  polars, DuckDB and pyarrow's compute functions, the measurement by which polars was
  chosen as the engine.
- `python benchmarks/invisible.py` times the validator's checks for invisible characters in
  cells (results below, by hand).
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="?", type=Path, default=HERE / "results.json")
    parser.add_argument("--write", action="store_true", help="write RESULTS.md instead of printing the tables")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    results = json.loads(args.results.read_text(encoding="utf-8"))
    if args.write:
        # Measurements made with the other tools are written by hand below the marker, and kept.
        old = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        kept = old[old.index(HAND_WRITTEN) :] if HAND_WRITTEN in old else HAND_WRITTEN + "\n"
        args.out.write_text(document(results) + "\n" + kept, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        print(tables(results), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
