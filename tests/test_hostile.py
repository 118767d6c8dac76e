"""Every hostile contribution of tests/contributions.py (CASES and HOSTILE), run as the
command a contribution meets, in its own child process under a wall-time and a memory cap.

Whatever the input, each run must end by itself within the caps (no hang, no crash: a
segmentation fault shows as a negative exit code) with exit code 0, 1 or 2, exactly one JSON
report on stdout under --format json, no "internal error" and no traceback; and it must give
the case's exit code and its located finding. The cap on time is far above what any case
takes (about a second): it stops a hang, it is not a speed target (benchmarks/hostile.py
measures the adversarial sizes against 10 s and 1 GB).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from contributions import CASES, HOSTILE, make_outside

CAPPED = Path(__file__).resolve().parent / "capped.py"
MEMORY = 1 << 30  # bytes of data a run may hold (RLIMIT_DATA)
SECONDS = 120  # a run still going after this is a hang


def _every_case() -> dict:
    return {**CASES, **HOSTILE}


@pytest.fixture(scope="module")
def runs(built_mini: Path, tmp_path_factory) -> dict[str, tuple]:
    """name -> (case, expected line, result, stdout, stderr) of every case, run once."""
    jobs, prepared = [], []
    for name, case in sorted(_every_case().items()):
        base = tmp_path_factory.mktemp("hostile")
        root, outside, out = base / "package", base / "outside", base / "out"
        shutil.copytree(built_mini, root)
        make_outside(outside)
        out.mkdir()
        case.patch(root, outside)
        line = case.line(root) if callable(case.line) else case.line
        ref = outside / "ref"
        places = {"root": str(root), "out": str(out), "ref": ref.read_text(encoding="utf-8") if ref.exists() else ""}
        command = getattr(case, "command", ("validate", "{root}"))
        argv = [arg.format(**places) for arg in command] + ["--format", "json"]
        jobs.append({"argv": argv, "cwd": str(root), "out": str(base / "stdout"), "err": str(base / "stderr")})
        prepared.append((name, case, line))
    request = {"jobs": jobs, "memory": MEMORY, "seconds": SECONDS, "parallel": 2}
    done = subprocess.run(
        [sys.executable, str(CAPPED)], input=json.dumps(request), capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    return {
        name: (
            case,
            line,
            result,
            Path(job["out"]).read_text(errors="replace"),
            Path(job["err"]).read_text(errors="replace"),
        )
        for (name, case, line), result, job in zip(prepared, results, jobs)
    }


def _failure(case, line, result: dict, stdout: str, stderr: str) -> str | None:
    """Why one run fails the harness, or None."""
    if result["killed"]:
        return f"still running after {SECONDS} s"
    if result["exit"] not in (0, 1, 2):
        return f"exit code {result['exit']} (a negative one is the signal that ended it)"
    for bad in ("internal error", "Traceback"):
        if bad in stdout + stderr:
            return f"{bad!r} in the output"
    try:
        report = json.loads(stdout)
    except ValueError:
        return "no JSON report (or more than one) on stdout"
    if result["exit"] != case.exit_code or report.get("exit_code") != case.exit_code:
        return f"exit code {result['exit']}, expected {case.exit_code}"
    if case.words:
        located = [p for p in report["problems"] if p["file"] == case.file and (line is None or p["line"] == line)]
        said = [
            p for p in located if case.words in " ".join(str(p[k]) for k in ("message", "value", "expected", "fix"))
        ]
        if not said:
            return f"no finding at {case.file}:{line} saying {case.words!r}"
    check = getattr(case, "check", None)
    if check is not None and not check(report):
        return "the report does not show what the case expects"
    return None


def test_the_corpus_covers_every_class_of_the_adversarial_run():
    classes = {
        "deep-brackets-in-coding",
        "deep-mappings-in-coding",
        "deep-package-yaml",
        "deep-schema-json",
        "long-integer-in-package-yaml",
        "retired-ids-in-a-circle",
        "not-content-one-letter",
        "rows-past-the-limit",
        "one-character-aliases-in-many-articles",
        "long-note-in-coding",
        "long-cell-in-table",
        "nul-escape-in-article-path",
        "nul-byte-in-coding",
        "control-character-in-coding",
        "empty-coding-file",
        "readme-too-large",
        "export-sqlite-name-walks-out",
        "export-duckdb-name-walks-out",
        "forged-published-marker",
        "diff-base-shadowed-by-a-directory",
        "diff-base-shadowed-by-a-link",
        "diff-ref-that-is-only-a-folder",
        "candidates-flood",
    }
    assert set(HOSTILE) == classes
    assert not set(HOSTILE) & set(CASES)


def test_every_case_ends_within_the_caps_with_its_finding(runs):
    failures = {name: _failure(*run) for name, run in runs.items()}
    failures = {name: why for name, why in failures.items() if why}
    assert failures == {}, "\n".join(
        f"{name}: {why}\n  argv exit {runs[name][2]}\n  stdout: {runs[name][3][:600]}\n  stderr: {runs[name][4][-600:]}"
        for name, why in failures.items()
    )
    assert len(runs) == len(CASES) + len(HOSTILE)
