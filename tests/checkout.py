"""A throwaway checkout of this repository, for tests that run the commands a person types.

It is a git clone of HEAD (sharing its objects, so it is fast) with the files of the
working tree laid over it and committed, so that it holds exactly the code and data under
test; `origin/main` points at that commit, the base a contributor starts from. `.venv`
links to the interpreter running the tests, so `make` and `.venv/bin/ai-openness` work in
it without installing anything; `run` makes the checkout's own src/ the code imported.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

# The identity of the commits made in the checkout (never pushed anywhere).
GIT = [
    "git",
    "-c",
    "user.name=ai-openness tests",
    "-c",
    "user.email=tests@ai-openness.invalid",
    "-c",
    "commit.gpgsign=false",
]
# Make must never reinstall into the shared interpreter: its install stamps count as done.
MAKE_OPTIONS = ["-o", ".venv/.installed", "-o", ".venv/.installed-test"]


def git(root: Path, *args: str) -> str:
    return subprocess.run([*GIT, "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def make_checkout(target: Path) -> Path:
    try:
        tracked = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        deleted = git(ROOT, "ls-files", "-z", "--deleted")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("this copy of the package is not a git checkout (e.g. an sdist)")
    subprocess.run(
        ["git", "clone", "--quiet", "--shared", "--no-checkout", str(ROOT), str(target)],
        check=True,
        capture_output=True,
    )
    git(target, "checkout", "--quiet", "--detach", "HEAD")
    for rel in filter(None, deleted.split("\0")):
        (target / rel).unlink(missing_ok=True)
    for rel in filter(None, tracked.split("\0")):
        source = ROOT / rel
        if source.is_file() and not source.is_symlink():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    git(target, "add", "-A")
    if git(target, "status", "--porcelain"):
        git(target, "commit", "--quiet", "--no-verify", "-m", "The working tree under test")
    git(target, "update-ref", "refs/remotes/origin/main", "HEAD")
    # mypy's cache of this checkout, as a contributor's clone keeps it between runs of `make
    # check` (it ignores itself in git). mypy checks every entry against the file's size, time
    # and hash, so a module whose bytes differ is checked again; a cold run costs 16 s of CPU.
    if (ROOT / ".mypy_cache").is_dir():
        shutil.copytree(ROOT / ".mypy_cache", target / ".mypy_cache")
    (target / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    with open(target / ".git/info/exclude", "a", encoding="utf-8") as exclude:
        exclude.write(".venv\n")  # .gitignore's `.venv/` matches a directory, not this link
    return target


def environment(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(root / "src"), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("NO_COLOR", None)
    for who in ("AUTHOR", "COMMITTER"):  # the guide's `git commit`, in a checkout without a user
        env[f"GIT_{who}_NAME"], env[f"GIT_{who}_EMAIL"] = "ai-openness tests", "tests@ai-openness.invalid"
    return env


def run(root: Path, argv: list[str], timeout: int = 600) -> subprocess.CompletedProcess:
    """Run `argv` in the checkout as a person would (`make` gets MAKE_OPTIONS)."""
    if argv[0] == "make":
        argv = ["make", *MAKE_OPTIONS, *argv[1:]]
    return subprocess.run(
        argv, cwd=root, env=environment(root), capture_output=True, text=True, timeout=timeout, check=False
    )


def ai_openness(root: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """The `ai-openness` command, run in the checkout."""
    return subprocess.run(
        [sys.executable, "-m", "ai_openness.commands.cli", *args],
        cwd=root,
        env=environment(root),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
