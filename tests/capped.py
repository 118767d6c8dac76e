"""Run `ai-openness` command lines, each in a child process under a wall-time and memory cap.

    python tests/capped.py < jobs.json > results.json

Each job is {"argv": [...], "cwd": DIR, "out": FILE, "err": FILE}. The libraries are imported
once, here; each job then runs in a child forked from this process (so a case costs its
own work, not the interpreter's start), with RLIMIT_DATA set to the memory cap and killed
when it passes the wall time. A child that crashes (a segmentation fault on a deep stack)
or is killed shows as a negative exit code: the signal. Results, one per job, in order:
{"exit": int | None, "seconds": float, "max_rss_mb": float, "killed": bool}.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import signal
import sys
import time

# What the commands import: loaded before the first fork, never again in a child.
PRELOAD = (
    "ai_openness.commands.cli",
    "ai_openness.validate",
    "ai_openness.compile.pipeline",
    "ai_openness.compile.candidates",
    "ai_openness.publish.diff",
    "ai_openness.publish.difftext",
    "ai_openness.views.export",
    "ai_openness.views.load",
    "polars",
    "pyarrow.parquet",
    "pandas",
)
# Tables made on first use, in pure Python or numpy (a polars query is never run before a
# fork: its thread pool would not exist in the child).
WARM = (("ai_openness.core.invisible", "_tables", ()), ("ai_openness.core.script", "fold", ("開源",)))


def _child(job: dict, memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    for fd, path in ((1, job["out"]), (2, job["err"])):
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(handle, fd)
        os.close(handle)
    os.chdir(job["cwd"])
    code = 70
    try:
        from ai_openness.commands.cli import main

        code = main(job["argv"])
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def run(jobs: list[dict], memory: int, seconds: float, parallel: int) -> list[dict]:
    results: list[dict | None] = [None] * len(jobs)
    running: dict[int, tuple[int, float]] = {}  # pid -> (job index, start)
    waiting = list(range(len(jobs)))
    while waiting or running:
        while waiting and len(running) < parallel:
            index = waiting.pop(0)
            pid = os.fork()
            if pid == 0:
                _child(jobs[index], memory)
            running[pid] = (index, time.monotonic())
        for pid, (index, start) in list(running.items()):
            done, status, usage = os.wait4(pid, os.WNOHANG)
            elapsed = time.monotonic() - start
            killed = done == 0 and elapsed > seconds
            if killed:
                os.kill(pid, signal.SIGKILL)
                done, status, usage = os.wait4(pid, 0)
            if done:
                results[index] = {
                    "exit": None if killed else os.waitstatus_to_exitcode(status),
                    "seconds": elapsed,
                    "max_rss_mb": usage.ru_maxrss / 1024,
                    "killed": killed,
                }
                del running[pid]
        time.sleep(0.02)
    return results


def main() -> None:
    request = json.load(sys.stdin)
    for name in PRELOAD:
        importlib.import_module(name)
    for module, function, args in WARM:
        getattr(importlib.import_module(module), function)(*args)
    results = run(request["jobs"], int(request["memory"]), float(request["seconds"]), int(request.get("parallel", 1)))
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
