"""Materialise the published part of a git commit into a directory, without a checkout.

`git archive` writes the commit's data/, schema/ and descriptors as a tar stream, which is
unpacked with tarfile's "data" filter (no links out, no absolute paths, no special files),
so the user's working tree and index are never touched.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from ai_openness.core.problems import Problem, Unreadable

PUBLISHED = ("datapackage.json", "datapackage.parquet.json", "data", "schema")


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, timeout=120, check=False)


def repository(path: Path) -> Path | None:
    """The top of the git work tree holding `path`, or None outside a repository."""
    try:
        result = _git(path, "rev-parse", "--show-toplevel")
    except (OSError, subprocess.TimeoutExpired):
        return None
    return Path(result.stdout.decode().strip()) if result.returncode == 0 else None


def commit_of(repo: Path, ref: str) -> str | None:
    """The full commit id `ref` names in `repo`, or None when it names none."""
    if not ref or ref.startswith("-"):  # never let a ref be read as an option
        return None
    result = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    return result.stdout.decode().strip() if result.returncode == 0 else None


def materialise(repo: Path, ref: str, target: Path) -> Path:
    """Write the published files of commit `ref` under `target`; return `target`."""
    commit = commit_of(repo, ref)
    if commit is None:
        raise Unreadable(
            [
                Problem(
                    ref,
                    None,
                    None,
                    f"is neither a directory nor a commit of the repository at {repo}",
                    fix="give a branch, tag or commit id (e.g. origin/main), or a package directory",
                )
            ]
        )
    listed = _git(repo, "ls-tree", "--name-only", commit, "--", *PUBLISHED)
    present = [name for name in listed.stdout.decode().splitlines() if name in PUBLISHED]
    if "datapackage.json" not in present:
        raise Unreadable(
            [
                Problem(
                    f"{ref}:datapackage.json",
                    None,
                    None,
                    "the commit has no datapackage.json",
                    fix="compare with a commit that holds the built package",
                )
            ]
        )
    archive = _git(repo, "archive", "--format=tar", commit, "--", *present)
    if archive.returncode != 0:
        raise Unreadable([Problem(ref, None, None, f"git archive failed: {archive.stderr.decode(errors='replace')}")])
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target
