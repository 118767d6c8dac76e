"""Stable identifiers: codings/retired.yaml, the retired_ids table, resolve_id, and the
release check that refuses to drop a released id without a retired row."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

import ai_openness
from ai_openness.commands.cli import main
from ai_openness.core.retired import UnknownId, follow
from conftest import ROOT

pytestmark = pytest.mark.data  # reads the package's own data, codings or sources

FIRST_RELEASE = "d8ceb8d"  # release 0.1.0 (CHANGELOG.md: "Released from commit d8ceb8d")


def _csv_text(text: str) -> dict[str, dict]:
    return {r["stance_id"]: r for r in csv.DictReader(text.splitlines())}


def _stances_of(commit: str) -> dict[str, dict]:
    shown = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{commit}:data/stances.csv"], capture_output=True, text=True, check=True
    )
    return _csv_text(shown.stdout)


def _retired() -> list[dict]:
    return yaml.safe_load((ROOT / "codings/retired.yaml").read_text(encoding="utf-8"))


def test_retired_yaml_has_the_agreed_shape():
    entries = _retired()
    assert entries and isinstance(entries, list)
    for entry in entries:
        assert set(entry) <= {"table", "id", "successor", "reason", "retired_in"}
        assert {"table", "id", "reason", "retired_in"} <= set(entry)
        assert isinstance(entry["retired_in"], str) and re.fullmatch(r"\d+\.\d+\.\d+", entry["retired_in"])


def _release_commit(version: str) -> str:
    """The commit that added the release's section to CHANGELOG.md."""
    log = subprocess.run(
        ["git", "-C", str(ROOT), "log", "--format=%H", "-S", f"## [{version}] - ", "--", "CHANGELOG.md"],
        capture_output=True,
        text=True,
        check=True,
    )
    return log.stdout.split()[-1]


def test_the_0_1_0_ids_dropped_in_0_2_0_are_retired_and_renames_keep_the_quote():
    first, second = _stances_of(FIRST_RELEASE), _stances_of(_release_commit("0.2.0"))
    retired = {e["id"]: e for e in _retired() if e["table"] == "stances" and e["retired_in"] == "0.2.0"}
    assert set(first) - set(second) == set(retired)
    assert len(retired) == 30 and sum("successor" in e for e in retired.values()) == 20
    for identifier, entry in retired.items():
        if "successor" in entry:
            old, new = first[identifier], second[entry["successor"]]
            assert (old["source_id"], old["quote_start"], old["quote_end"]) == (
                new["source_id"],
                new["quote_start"],
                new["quote_end"],
            ), identifier


def test_every_released_stance_id_is_current_or_retired():
    with open(ROOT / "data/stances.csv", encoding="utf-8", newline="") as handle:
        current = {r["stance_id"] for r in csv.DictReader(handle)}
    released = set(_stances_of(FIRST_RELEASE)) | set(_stances_of(_release_commit("0.2.0")))
    retired = {e["id"] for e in _retired() if e["table"] == "stances"}
    assert released - current <= retired
    assert not retired & current  # never reused


def test_changelog_removals_of_0_2_0_are_all_retired():
    """The changelog of 0.2.0 lists the removed stance ids (cut at 60 characters)."""
    section = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").split("## [0.2.0]")[1].split("## [0.1.0]")[0]
    stances = section.split("### stances")[1].split("###")[0]
    removed = re.search(r"^- removed: (.*)$", stances, re.M).group(1)
    listed = [item.strip().strip("`") for item in removed.split(";")]
    retired = {e["id"] for e in _retired() if e["table"] == "stances" and e["retired_in"] == "0.2.0"}
    assert len(listed) == len(retired)
    for item in listed:
        assert any(r == item or (item.endswith("…") and r.startswith(item[:-1])) for r in retired), item


def test_retired_ids_table_is_published_from_the_yaml():
    with open(ROOT / "data/retired_ids.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    published = {(r["table"], r["id"]): (r["successor"] or None, r["reason"], r["retired_in"]) for r in rows}
    written = {(e["table"], e["id"]): (e.get("successor"), e["reason"], e["retired_in"]) for e in _retired()}
    assert published == written


def test_resolve_id_follows_successors():
    with open(ROOT / "data/stances.csv", encoding="utf-8", newline="") as handle:
        current = {r["stance_id"] for r in csv.DictReader(handle)}
    successors = {e["id"]: e.get("successor") for e in _retired() if e["table"] == "stances"}
    assert successors["xai-2024-03-18-releases-grok-1"] == "elon-musk-2024-03-18-releases-grok-1"
    assert ai_openness.resolve_id("xai-2024-03-18-releases-grok-1") == ai_openness.resolve_id(
        "elon-musk-2024-03-18-releases-grok-1"
    )
    for old, new in successors.items():  # a chain ends at a current stance, or at none
        while new is not None and new not in current:
            new = successors[new]
        assert ai_openness.resolve_id(old) == new, old
    assert ai_openness.resolve_id(sorted(current)[0]) == sorted(current)[0]
    assert ai_openness.resolve_id("us-congress-undated-foreign-adversaries") is None  # retired, no successor
    assert ai_openness.resolve_id("us-congress", "organisations") is None
    assert ai_openness.resolve_id("openai", "organisations") == "openai"
    with pytest.raises(KeyError, match="neither a current nor a retired id of any table"):
        ai_openness.resolve_id("no-such-stance")


def test_follow_chains_and_refuses_circles():
    assert follow("a", {"c"}, {"a": "b", "b": "c"}) == "c"
    assert follow("a", {"c"}, {"a": "b", "b": None}) is None
    with pytest.raises(ValueError, match="a -> b -> a"):
        follow("a", {"c"}, {"a": "b", "b": "a"})
    with pytest.raises(UnknownId, match="a names successor x"):
        follow("a", {"c"}, {"a": "x"})


def _write_retired(root: Path, text: str) -> None:
    (root / "codings/retired.yaml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    "entry, words, line",
    [
        ('- table: stances\n  id: openai-2023-stays-closed\n  reason: x\n  retired_in: "0.2.0"\n', "never reused", 2),
        (
            '- table: stances\n  id: gone\n  successor: nowhere\n  reason: x\n  retired_in: "0.2.0"\n',
            "gone names successor nowhere",
            3,
        ),
        ('- table: aliases\n  id: gone\n  reason: x\n  retired_in: "0.2.0"\n', "keyed by one id column", 1),
        ('- table: stances\n  id: gone\n  reason: x\n  retired_in: "0.2"\n', "pattern", 4),
    ],
)
def test_bad_retired_entries_stop_the_build(built_mini, tmp_path, capsys, entry, words, line):
    root = shutil.copytree(built_mini, tmp_path / "mini")
    _write_retired(root, entry)
    capsys.readouterr()
    assert main(["build", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert f"codings/retired.yaml:{line}" in err and words in err and "Traceback" not in err, err


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def released_repo(tmp_path: Path) -> Path:
    """The mini package in a git repository, released as 0.1.0 (archives skipped)."""
    from conftest import FIXTURES, copy_tree

    root = copy_tree(FIXTURES / "mini", tmp_path / "repo")
    shutil.copytree(ROOT / "schema", root / "schema", dirs_exist_ok=True)
    _git(root, "init", "-q")
    _git(root, "config", "user.email", "release@example.org")
    _git(root, "config", "user.name", "release test")
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## [0.1.0] - 2026-01-01\n\nInitial release.\n", encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "release 0.1.0")
    return root


def _drop_stance(root: Path) -> None:
    path = root / "codings/stances/mini.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.split("  - stance_id: openai-2023-stays-closed")[0], encoding="utf-8")
    assert main(["build", "--root", str(root), "--quiet"]) == 0


def test_release_refuses_to_drop_a_released_id_without_a_retired_row(released_repo, capsys, monkeypatch):
    from ai_openness.publish import release

    made = []
    monkeypatch.setattr(release, "_build_archives", lambda root, version, date, dist: made.append(version) or [])
    _drop_stance(released_repo)
    capsys.readouterr()
    assert main(["release", "0.2.0", "--root", str(released_repo)]) == 1
    err = capsys.readouterr().err
    assert "openai-2023-stays-closed" in err and "codings/retired.yaml" in err and "Traceback" not in err
    assert made == []

    _write_retired(
        released_repo,
        '- table: stances\n  id: openai-2023-stays-closed\n  reason: a test removal\n  retired_in: "1.0.0"\n',
    )
    assert main(["build", "--root", str(released_repo), "--quiet"]) == 0
    # Listed as retired, the removal is allowed, as a major version: a published row is gone.
    assert main(["release", "0.2.0", "--root", str(released_repo), "--date", "2026-02-01"]) == 1
    assert "at least 1.0.0" in capsys.readouterr().err
    assert main(["release", "1.0.0", "--root", str(released_repo), "--date", "2026-02-01"]) == 0
    assert made == ["1.0.0"]
