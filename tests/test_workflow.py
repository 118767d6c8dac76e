"""The pull-request workflow: linted by actionlint, audited by zizmor (offline), and held
to the rules for running untrusted contributions."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT

WORKFLOW = ROOT / ".github/workflows/validate.yml"
BIN = Path(sys.executable).parent


def _run(tool: str, *args: str) -> subprocess.CompletedProcess:
    # No token in the environment: zizmor stays offline, and neither tool could publish anything.
    env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN")}
    return subprocess.run([str(BIN / tool), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


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


def test_steps_install_validate_check_test_and_summarise():
    steps = next(iter(_workflow()["jobs"].values()))["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False
    runs = "\n".join(s.get("run", "") for s in steps)
    for command in ('pip install -c constraints.txt -e ".[test,figures]"', "ai-openness validate --format github",
                    "ai-openness build --check", "ai-openness figures --check", "pytest",
                    'ai-openness diff "$BASE_SHA" --format markdown >> "$GITHUB_STEP_SUMMARY"'):
        assert command in runs, command
