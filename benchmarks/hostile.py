#!/usr/bin/env python3
"""The classes of hostile input an adversarial run of 0.3.0 found, at its sizes.

Each case is a copy of the small test package (tests/fixtures/mini, built) with one hostile
change, and the command a contribution meets, run in a fresh process under RLIMIT_DATA of
1 GiB (but the figures, see UNCAPPED) and cut after 60 s. Recorded: wall and CPU time, peak RSS (wait4), the exit code and
the first finding, against the target of the issue: exit 1 or 2 (0 where the input is
valid) within 10 s and 1 GB, one JSON report, no internal error or traceback.
tests/test_hostile.py runs the same classes at sizes that keep the suite fast.

    python benchmarks/hostile.py            # -> benchmarks/hostile.json
    python benchmarks/hostile.py --write    # and the section of benchmarks/RESULTS.md
    python benchmarks/hostile.py --only retired-chain-100k
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO / "tests"))

import contributions as c  # noqa: E402  (after the path is set)

MEMORY = 1 << 30
CUT = 60  # seconds
TARGET_SECONDS, TARGET_MB = 10, 1024
MIB = 1 << 20
START, END = "<!-- hostile.py: start -->", "<!-- hostile.py: end -->"


def _retired(n: int, circle: bool) -> str:
    last = "r0" if circle else "openai-2023-stays-closed"
    return "".join(
        f"- table: stances\n  id: r{i}\n  successor: {f'r{i + 1}' if i + 1 < n else last}\n  reason: x\n"
        '  retired_in: "0.1.0"\n'
        for i in range(n)
    )


def retired(n: int, circle: bool = False):
    def patch(root: Path, outside: Path) -> None:
        (root / "codings/retired.yaml").write_text(_retired(n, circle), encoding="utf-8")

    return patch


def built_chain(root: Path, outside: Path) -> None:
    retired(4_000)(root, outside)
    c.rebuild(root)


def not_content_letter(root: Path, outside: Path) -> None:  # 1.6 MB of "A, B, "
    c.store_article(root, (c.article_text(root) + "A, B, " * 270_000).encode())
    c.append(root, c.ARTICLES, '  not_content: [{text: "A"}]\n')


def not_content_hundred(root: Path, outside: Path) -> None:  # 100 markers on an 8 MiB article
    text = c.article_text(root)
    c.store_article(root, (text + "A, B, " * ((8 * MIB - len(text.encode()) - 64) // 6)).encode())
    markers = ", ".join(f'{{text: "{"A, B, " * (i + 1)}A"}}' for i in range(100))
    c.append(root, c.ARTICLES, f"  not_content: [{markers}]\n")


def million_empty(root: Path, outside: Path) -> None:  # 4 MB
    (root / c.STANCES).write_text("source_id: mini\nstances:\n" + "- {}\n" * 1_000_000, encoding="utf-8")


def _aliases_in_articles(root: Path, chars: list[str], repeats: int) -> None:
    """One-character aliases of one person, all of them `repeats` times in each of 8 stored articles."""
    body = ("".join(chars) * repeats).encode()
    entries = []
    for k in range(8):
        (root / f"sources/articles/x{k}.txt").write_bytes(body)
        entries.append(
            f"- source_id: x{k}\n  kind: article\n  title: x\n  language: zh-Hans\n"
            f"  path: sources/articles/x{k}.txt\n  sha256: {hashlib.sha256(body).hexdigest()}\n"
        )
    c.append(root, c.ARTICLES, "".join(entries))
    c.append(root, c.PEOPLE, "  aliases: [" + ", ".join(chars) + "]\n")


def cjk_aliases(root: Path, outside: Path) -> None:
    """4,000 one-character aliases, each character 4,992 times in 8 stored articles: about 20
    million matches, the declared maximum. Characters that fold to one Simplified spelling
    (壜 and 坛) are one alias, matched by both: those pass the 5,000 per alias."""
    _aliases_in_articles(root, [chr(0x4E00 + i) for i in range(4_000)], 624)


def cjk_aliases_within(root: Path, outside: Path) -> None:
    """1,000 one-character aliases that fold to distinct spellings found nowhere else in the
    package, each 4,992 times: five million mentions, within every limit (a package to build)."""
    from ai_openness.core.script import fold

    taken, chars = {fold(ch) for ch in c.article_text(root)}, []
    for point in range(0x4E00, 0x9FA0):
        if len(chars) < 1_000 and fold(chr(point)) == chr(point) and chr(point) not in taken:
            chars.append(chr(point))
    _aliases_in_articles(root, chars, 624)


def candidates_flood(root: Path, outside: Path) -> None:  # one 8 MiB article of 开源。
    text = c.article_text(root)
    c.store_article(root, (text + "开源。" * ((8 * MIB - len(text.encode())) // 9)).encode())


def long_note(root: Path, outside: Path) -> None:
    c.append(root, c.PEOPLE, "  note: " + "x" * 140_000 + "\n")


def long_cell(n: int):
    def patch(root: Path, outside: Path) -> None:
        c.set_cell(root, "people", 2, "note", "x" * n)

    return patch


def hostile_person(root: Path, outside: Path) -> None:
    """The real package (the figures need its stances), with a person named to break a page."""
    shutil.rmtree(root)
    for name in ("schema", "sources", "codings"):
        shutil.copytree(REPO / name, root / name)
    c.replace(root, c.PEOPLE, "name: Elon Musk", 'name: "Elon <!--<script>"')
    c.rebuild(root)


BUILD_CHECK = ("build", "--check", "--root", "{root}")
VALIDATE = ("validate", "{root}")
# name -> (patch, command, what the adversarial run saw)
CASES = {
    "deep-brackets-30000": (c.HOSTILE["deep-brackets-in-coding"].patch, VALIDATE, "segmentation fault"),
    "deep-mappings-30000": (c.HOSTILE["deep-mappings-in-coding"].patch, BUILD_CHECK, "segmentation fault"),
    "deep-package-yaml-30000": (c.HOSTILE["deep-package-yaml"].patch, BUILD_CHECK, "segmentation fault"),
    "deep-schema-json-30000": (c.HOSTILE["deep-schema-json"].patch, BUILD_CHECK, "-"),
    "long-integer-5001-digits": (c.HOSTILE["long-integer-in-package-yaml"].patch, BUILD_CHECK, "internal error"),
    "retired-chain-3000": (retired(3_000), BUILD_CHECK, "45 s"),
    "retired-chain-4000-built-validate": (built_chain, VALIDATE, "213 s"),
    "retired-chain-100k": (retired(100_000), BUILD_CHECK, "no answer in 300 s"),
    "retired-circle-100k": (retired(100_000, circle=True), BUILD_CHECK, "no answer in 300 s"),
    "not-content-letter-1.6MB": (not_content_letter, BUILD_CHECK, "196 s"),
    "not-content-100-markers-8MiB": (not_content_hundred, BUILD_CHECK, "no answer in 300 s"),
    "million-empty-stances": (million_empty, BUILD_CHECK, "257 s, 15.7 GB, traceback"),
    "cjk-aliases-4000x8": (cjk_aliases, BUILD_CHECK, "MemoryError at 12.8 GB"),
    "cjk-aliases-1000x8-within-limits": (cjk_aliases_within, BUILD_CHECK, "-"),
    "candidates-json-8MiB": (candidates_flood, ("candidates", "--root", "{root}"), "536 MB of output at 8 GB"),
    "note-140000": (long_note, BUILD_CHECK, "built, then internal error in validate"),
    "cell-140000": (long_cell(140_000), VALIDATE, "internal error"),
    "cell-200000": (long_cell(200_000), VALIDATE, "internal error"),
    "nul-in-article-path": (
        c.HOSTILE["nul-escape-in-article-path"].patch,
        ("build", "--root", "{root}"),
        "internal error",
    ),
    "nul-byte-in-coding": (c.HOSTILE["nul-byte-in-coding"].patch, VALIDATE, "line 1"),
    "control-character-in-coding": (c.HOSTILE["control-character-in-coding"].patch, VALIDATE, "no line"),
    "empty-organisations": (c.HOSTILE["empty-coding-file"].patch, VALIDATE, "never named"),
    "readme-1GiB": (c.HOSTILE["readme-too-large"].patch, VALIDATE, "read without a limit"),
    "export-duckdb-name-walks-out": (
        c.HOSTILE["export-duckdb-name-walks-out"].patch,
        ("export", "duckdb", "{out}/x.duckdb", "--root", "{root}"),
        "internal error (CatalogException)",
    ),
    "export-sqlite-name-walks-out": (
        c.HOSTILE["export-sqlite-name-walks-out"].patch,
        ("export", "sqlite", "{out}/x.db", "--root", "{root}"),
        "exit 0 after reading outside",
    ),
    "forged-published-marker": (c.HOSTILE["forged-published-marker"].patch, VALIDATE, "exit 0 on a forged quote"),
    "diff-base-shadowed-by-a-directory": (
        c.HOSTILE["diff-base-shadowed-by-a-directory"].patch,
        ("diff", "{ref}", "--root", "{root}"),
        "the contribution's rows",
    ),
    "diff-base-shadowed-by-a-link": (
        c.HOSTILE["diff-base-shadowed-by-a-link"].patch,
        ("diff", "{ref}", "--root", "{root}"),
        '"No change"',
    ),
    "figures-hostile-name": (hostile_person, ("figures", "--root", "{root}"), "figure pages do not draw"),
}


# The finding to show, by words of its message, where another one sorts before it.
SHOWN = {
    "cell-140000": "longer than the limit",
    "cell-200000": "longer than the limit",
    "nul-in-article-path": "U+0000",
    "forged-published-marker": "published copy",
}
# vl-convert's JavaScript engine (V8) reserves far more address space than it uses and
# aborts under RLIMIT_DATA: the figures run uncapped, and their peak RSS is what is measured.
# Drawing the real package's figures takes longer than 10 s with or without the hostile name
# (subsetting the CJK font): their target is to draw, with the name as text, within 1 GB.
UNCAPPED = {"figures-hostile-name"}


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_DATA, (MEMORY, MEMORY))


def run_case(name: str, base: Path, work: Path) -> dict:
    patch, command, before = CASES[name]
    folder = work / name
    root, outside, out = folder / "package", folder / "outside", folder / "out"
    shutil.copytree(base, root)
    c.make_outside(outside)
    out.mkdir()
    patch(root, outside)
    ref = outside / "ref"
    places = {"root": str(root), "out": str(out), "ref": ref.read_text(encoding="utf-8") if ref.exists() else ""}
    argv = [str(BIN / "ai-openness"), *(a.format(**places) for a in command), "--format", "json"]
    load = round(os.getloadavg()[0], 2)
    start = time.perf_counter()
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        limit = None if name in UNCAPPED else _limit
        child = subprocess.Popen(argv, cwd=root, stdout=stdout, stderr=stderr, preexec_fn=limit)
        deadline, status, usage = start + CUT, None, None
        while status is None:
            pid, waited, used = os.wait4(child.pid, os.WNOHANG)
            if pid:
                status, usage = waited, used
            elif time.perf_counter() > deadline:
                child.kill()
                _, status, usage = os.wait4(child.pid, 0)
            else:
                time.sleep(0.02)
        seconds = time.perf_counter() - start
        stdout.seek(0), stderr.seek(0)
        text, errors = stdout.read().decode(errors="replace"), stderr.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    try:
        report = json.loads(text)
    except ValueError:
        report = None
    problems = (report or {}).get("problems") or []
    # The finding of the class itself, when the case names it; its consequences may sort first.
    first = next((p for p in problems if SHOWN.get(name, "") in p["message"]), problems[0] if problems else None)
    summary = f"{first['file']}:{first['line'] or ''} {first['message']}" if first else ""
    if report is not None and name.startswith("diff-"):
        changed = report["tables"]["organisations"]["changed"]
        summary = "organisations changed: " + "; ".join(
            f"{ch['fields']['name']['old']} -> {ch['fields']['name']['new']}" for ch in changed
        )
    page = root / "docs/figures/stance-timeline.html"
    if name == "figures-hostile-name" and page.is_file():
        page = page.read_text(encoding="utf-8")
        spec = page.split('id="spec">', 1)[1].split("</script>", 1)[0]
        escaped = "Elon \\u003c!--\\u003cscript>"
        summary = f'the chart\'s script holds "<": {"<" in spec}; holds {escaped}: {escaped in spec}'
    mb = usage.ru_maxrss / 1024
    ok = (
        code in (0, 1, 2)
        and report is not None
        and not any(w in text + errors for w in ("internal error", "Traceback"))
        and (seconds <= TARGET_SECONDS or name in UNCAPPED)
        and mb <= TARGET_MB
    )
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "name": name,
        "command": " ".join(command),
        "before": before,
        "exit": code,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(mb),
        "load_before": load,
        "json_report": report is not None,
        "finding": summary[:160],
        "met": ok,
    }


def traced(base: Path, work: Path) -> list[dict]:
    """validate, build --check, export and diff of hostile copies under strace (tests/traced.py):
    what each opened, and what of it lies outside the package, its output and its scratch folder."""
    import traced as t

    def copy(name: str, *patches) -> tuple[Path, Path, Path]:
        folder = work / f"traced-{name}"
        root, outside, out = folder / "package", folder / "outside", folder / "out"
        shutil.copytree(base, root)
        c.make_outside(outside)
        out.mkdir()
        for patch in patches:
            patch(root, outside)
        return root, outside, out

    def links_out(root: Path, outside: Path) -> None:
        (outside / "canary.txt").write_text(c.CANARY, encoding="utf-8")
        (root / c.ARTICLE).unlink()
        (root / c.ARTICLE).symlink_to(outside / "canary.txt")

    hostile = (c.CASES["path-traversal"].patch, c.CASES["symlink-out-in-codings"].patch, links_out)
    runs = [
        ("validate", copy("validate", *hostile), lambda r, o: ["validate", str(r)]),
        ("build --check", copy("build", *hostile), lambda r, o: ["build", "--check", "--root", str(r)]),
        (
            "export sqlite",
            copy("sqlite", c.HOSTILE["export-sqlite-name-walks-out"].patch),
            lambda r, o: ["export", "sqlite", str(o / "x.db"), "--root", str(r)],
        ),
        (
            "export duckdb",
            copy("duckdb", c.HOSTILE["export-duckdb-name-walks-out"].patch),
            lambda r, o: ["export", "duckdb", str(o / "x.duckdb"), "--root", str(r)],
        ),
        (
            "diff",
            copy("diff", c.HOSTILE["diff-base-shadowed-by-a-link"].patch, c.CASES["path-traversal"].patch),
            lambda r, o: ["diff", (r.parent / "outside/ref").read_text(encoding="utf-8"), "--root", str(r)],
        ),
    ]
    results = []
    for command, (root, outside, out), argv in runs:
        scratch = root.parent / "scratch"
        code, paths = t.opened(argv(root, out), root, scratch)
        stray = t.stray(paths, t.allowed(root, scratch, out))
        inside = sorted({p for p in paths if p.startswith(f"{root.resolve()}/")})
        results.append(
            {
                "command": command,
                "exit": code,
                "opens": len(paths),
                "package_files": len(inside),
                "outside_canary": sum(p.startswith(str(outside.resolve())) for p in paths),
                "stray": stray,
            }
        )
    return results


def _base(work: Path) -> Path:
    from ai_openness.commands.cli import main

    base = work / "base"
    shutil.copytree(REPO / "tests/fixtures/mini", base)
    assert main(["build", "--root", str(base), "--quiet"]) == 0
    return base


# Why a case misses its target, where the cause is known; shown under the table.
NOTES = {
    "cjk-aliases-1000x8-within-limits": "a package within every limit, so it is built, and the build holds its "
    "five million mention rows (made, sorted, rendered and compared with the committed tables): under the cap "
    "the making of the rows runs out of memory (a MemoryError reported as an internal error); uncapped it built "
    "in 38 s at a peak of 3.1 GB, about 600 bytes a mention. The matching is counted first and bounded; the "
    "rows are not. With MAX_MENTIONS at 20 million (twice the million-stance size's 10 million), a contribution "
    "within the limits can need more than 1 GiB: a limit on a contribution's mentions that fits 1 GiB (by the "
    "figures above, about a million), lifted for a package of one's own, or rows streamed to disk, would close it.",
}


def _notes(results: list[dict]) -> list[str]:
    lines = []
    for r in results:
        if r["met"]:
            continue
        if r["name"] in NOTES:
            lines.append(f"- {r['name']}: {NOTES[r['name']]}")
        elif r["exit"] in (0, 1, 2) and r["json_report"] and r["cpu_seconds"] <= TARGET_SECONDS:
            lines.append(
                f"- {r['name']}: {r['cpu_seconds']:.1f} s of CPU; the wall time passed {TARGET_SECONDS} s under a "
                f"load of {r['load_before']} on {os.cpu_count()} cores."
            )
    return ["", "Not met:", "", *lines] if lines else []


def _traced_table(runs: list[dict]) -> list[str]:
    lines = [
        "",
        "Traced runs (`strace -f -y -e trace=open,openat`, tests/traced.py) of hostile copies: a copy whose",
        "descriptor leads out of the package (`../outside/canary.csv`), whose `codings/people.yaml` and stored",
        "article are links to files outside it; a copy whose resource is named `../../outside/canary`; a pull",
        "request that plants a link named like its base commit and a resource path out. Every successful open of",
        "the command and its children (git), with the real path of what it opened; none may lie outside the package,",
        "the named output, the run's scratch folder (TMPDIR, HOME), the Python installation, this package's code",
        "and schema, and the system's files.",
        "",
        "| command | exit | files opened | of the package | of the outside folder | elsewhere |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in runs:
        stray = ", ".join(r["stray"]) or "none"
        lines.append(
            f"| `{r['command']}` | {r['exit']} | {r['opens']} | {r['package_files']} | {r['outside_canary']} | {stray} |"
        )
    return lines


def _table(results: list[dict], machine: dict, runs: list[dict]) -> str:
    lines = [
        START,
        "## Hostile inputs",
        "",
        "Every class of input that broke release 0.3.0 in an adversarial run, at the run's sizes, each",
        "in a fresh process under RLIMIT_DATA of 1 GiB (`python benchmarks/hostile.py --write`). Target:",
        f"exit 0, 1 or 2 with one JSON report and no internal error, within {TARGET_SECONDS} s and {TARGET_MB} MB.",
        f"Machine: {machine['cores']} cores, Python {machine['python']}; commit {machine['commit']},"
        f" {machine['when']}. The one-minute load average before each case is given (the cores are shared).",
        "",
        "| case | command | 0.3.0 | exit | wall s | CPU s | peak MB | load | first finding (or what the output shows) | met |",
        "|---|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        finding = r["finding"].replace("|", "\\|").replace("`", "'")
        lines.append(
            f"| {r['name']} | `{r['command']}` | {r['before']} | {r['exit']} | {r['seconds']:.2f} | "
            f"{r['cpu_seconds']:.2f} | {r['peak_rss_mb']:,} | {r['load_before']} | {finding} | "
            f"{'met' if r['met'] else '**not met**'} |"
        )
    return "\n".join([*lines, *_notes(results), *_traced_table(runs), "", END])


def write_results_md(section: str) -> None:
    path = HERE / "RESULTS.md"
    text = path.read_text(encoding="utf-8")
    if START in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), help="run these cases only")
    parser.add_argument("--write", action="store_true", help="write the section of benchmarks/RESULTS.md")
    parser.add_argument("--render", action="store_true", help="only write the section from benchmarks/hostile.json")
    args = parser.parse_args(argv)
    if args.render:
        recorded = json.loads((HERE / "hostile.json").read_text(encoding="utf-8"))
        write_results_md(_table(recorded["results"], recorded["machine"], recorded["traced"]))
        return 0
    names = args.only or list(CASES)
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    machine = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "commit": commit.stdout.strip(),
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    with tempfile.TemporaryDirectory(prefix="hostile-") as scratch:
        work = Path(scratch)
        base = _base(work)
        results = []
        for name in names:
            result = run_case(name, base, work)
            print(json.dumps(result, ensure_ascii=False), flush=True)
            results.append(result)
        runs = traced(base, work) if shutil.which("strace") else []
        for run in runs:
            print(json.dumps(run), flush=True)
    recorded = HERE / "hostile.json"
    if args.only and recorded.exists():  # the other cases keep their recorded figures
        fresh = {r["name"]: r for r in results}
        results = [fresh.pop(r["name"], r) for r in json.loads(recorded.read_text(encoding="utf-8"))["results"]]
        results += fresh.values()
    (HERE / "hostile.json").write_text(
        json.dumps({"machine": machine, "results": results, "traced": runs}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    if args.write:
        write_results_md(_table(results, machine, runs))
    return 0 if all(r["met"] for r in results) and not any(r["stray"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
