"""The pull-request workflow: linted by actionlint, audited by zizmor (offline), and held
to the rules for running untrusted contributions."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

WORKFLOW = ROOT / ".github/workflows/validate.yml"
BIN = Path(sys.executable).parent


def _run(tool: str, *args: str) -> subprocess.CompletedProcess:
    # No token in the environment: zizmor stays offline, and neither tool could publish anything.
    env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN")}
    return subprocess.run(
        [str(BIN / tool), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_actionlint_passes():
    result = _run("actionlint", "-no-color", str(WORKFLOW))
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_offline_finds_nothing_even_pedantic():
    result = _run("zizmor", "--offline", "--persona=pedantic", "--no-progress", str(WORKFLOW))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout + result.stderr


def test_runs_on_pull_request_only_with_read_permissions():
    workflow = _workflow()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"pull_request"}
    assert "pull_request_target" not in WORKFLOW.read_text(encoding="utf-8")
    assert workflow["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in workflow["jobs"].values())
    assert "secrets." not in WORKFLOW.read_text(encoding="utf-8")


def test_actions_are_pinned_by_full_sha_with_the_version_as_comment():
    uses = re.findall(r"uses: (\S+)(.*)", WORKFLOW.read_text(encoding="utf-8"))
    assert {name.split("@")[0] for name, _ in uses} == {"actions/checkout", "actions/setup-python"}
    for name, comment in uses:
        assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", name), name
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), comment


def _steps() -> list[dict]:
    return next(iter(_workflow()["jobs"].values()))["steps"]


def _make_targets(lines: list[str]) -> list[str]:
    """The make targets the lines run, in order (variable settings such as X=y left out)."""
    targets = []
    for line in lines:
        words = line.split()
        if words[:1] == ["make"]:
            targets += [word for word in words[1:] if "=" not in word and not word.startswith("-")]
    return targets


def _ci_run_lines() -> list[str]:
    return [line.strip() for line in (ROOT / ".ci/run").read_text(encoding="utf-8").splitlines()]


def _make_dry_run(*args: str) -> str:
    # -n prints the recipes without running them; -B as if nothing had been made yet.
    result = subprocess.run(
        ["make", "-n", "-B", *args], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_steps_install_validate_check_test_and_summarise():
    steps = _steps()
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False
    runs = [s["run"] for s in steps if "run" in s]
    assert runs[:5] == [
        "make install PYTHON=python",
        "make validate VALIDATE_FORMAT=github",
        "make check",
        "make test",
        "git diff --exit-code",
    ]
    assert runs[5] == '.venv/bin/ai-openness diff "$BASE_SHA" --format markdown >> "$GITHUB_STEP_SUMMARY"'
    # What those targets run, read from the Makefile itself.
    assert "ai-openness validate --format github" in _make_dry_run("validate", "VALIDATE_FORMAT=github")
    check = _make_dry_run("check")
    assert "ai-openness build --check" in check and "ai-openness figures --check" in check
    assert "-m pytest" in _make_dry_run("test")


def test_the_workflow_and_ci_run_run_the_same_make_targets_in_the_same_order():
    workflow = _make_targets([s["run"] for s in _steps() if "run" in s])
    assert workflow == _make_targets(_ci_run_lines()) == ["install", "validate", "check", "test"]
    # Both end by checking that nothing differs from the commit.
    assert "git diff --exit-code" in [s.get("run") for s in _steps()]
    assert _ci_run_lines()[-1] == "git diff --exit-code"


def test_nothing_is_installed_but_by_make_install():
    # One list of what CI installs: the Makefile's. A `pip install` anywhere else would be a second one.
    for text in (WORKFLOW.read_text(encoding="utf-8"), (ROOT / ".ci/run").read_text(encoding="utf-8")):
        assert "pip install" not in text and "pip3 install" not in text
    install = _make_dry_run("install")
    assert re.search(r'-m pip install --quiet -c constraints.txt -e "\.\[[\w,-]+\]"', install), install


def _extras_installed_by_make() -> set[str]:
    match = re.search(r"^EXTRAS\s*:?=\s*(\S+)\s*$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    return set(match.group(1).split(","))


def test_make_installs_every_extra_but_the_benchmarks():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert _extras_installed_by_make() == set(extras) - {"bench"}


def test_every_extra_a_test_names_when_it_skips_is_installed_by_make():
    # A test that skips without an extra says so ("needs the figures extra"); CI must install
    # that extra, or the skip would hide a check that never runs.
    named = set()
    for test in (ROOT / "tests").glob("test_*.py"):
        named |= set(re.findall(r"needs the (\w+) extra", test.read_text(encoding="utf-8")))
    assert named and named <= _extras_installed_by_make(), named


# The summary step, run as the workflow runs it, on a contribution that plants a path -----------


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def _plant_directory(repo: Path, sha: str) -> None:
    """A copy of the package named like the base commit, holding what the contribution
    would like the base to have been."""
    shutil.copytree(repo, repo / sha, ignore=shutil.ignore_patterns(".git"))
    for path in (repo / sha / "data").glob("organisations.csv"):
        path.write_text(path.read_text(encoding="utf-8").replace("OpenAI Global", "TAMPERED NAME"), encoding="utf-8")


def _plant_link(repo: Path, sha: str) -> None:
    """A link named like the base commit to the checkout itself: read as the base, it would
    make the pull request look like no change at all."""
    (repo / sha).symlink_to(".")


@pytest.mark.parametrize("plant", [_plant_directory, _plant_link], ids=["directory", "link"])
def test_the_summary_shows_the_base_commits_rows_whatever_the_contribution_plants(plant, built_mini, tmp_path):
    from contributions import rebuild, replace

    repo = tmp_path / "checkout"
    shutil.copytree(built_mini, repo)
    _git(repo, "init", "--quiet")
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=base", "-c", "user.email=base@example.org", "commit", "--quiet", "-m", "base")
    sha = _git(repo, "rev-parse", "HEAD").strip()
    # The contribution: one organisation renamed, and a path named like the base commit.
    replace(repo, "codings/organisations.yaml", "name: OpenAI", "name: OpenAI Global")
    rebuild(repo)
    plant(repo, sha)
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=pr", "-c", "user.email=pr@example.org", "commit", "--quiet", "-m", "contribution")
    step = next(s for s in _steps() if "$GITHUB_STEP_SUMMARY" in s.get("run", ""))
    summary = tmp_path / "summary.md"
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"].replace(".venv/bin/", f"{BIN}/")],
        cwd=repo,
        env={**os.environ, **step["env"], "BASE_SHA": sha, "GITHUB_STEP_SUMMARY": str(summary)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    text = summary.read_text(encoding="utf-8")
    assert "`OpenAI` -> `OpenAI Global`" in text, text  # the base commit's row, against the contribution's
    assert "TAMPERED NAME" not in text and "No change" not in text
