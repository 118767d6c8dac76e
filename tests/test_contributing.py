"""CONTRIBUTING.md, followed to the letter on a throwaway checkout of this repository.

The commands, the YAML templates and the list of files to commit are read from the guide
itself, so the test breaks when the guide and the tools drift apart. After the guide's
steps, the checks a pull request runs (validate, build --check, figures --check) must pass
and every file the steps changed must be staged by the guide's `git add -A`.

`make test` is the one step not run here: it is the suite this test belongs to.
"""

from __future__ import annotations

import csv
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from checkout import ai_openness, git, make_checkout, run
from conftest import ROOT

GUIDE = ROOT / "CONTRIBUTING.md"
NOT_RUN = (["make", "test"],)  # the test suite itself


def _sections() -> dict[str, str]:
    """The guide's sections by number ("2", "3", ...)."""
    text = GUIDE.read_text(encoding="utf-8")
    parts = re.split(r"^## (\d+)\. .*$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def _blocks(section: str, language: str) -> list[str]:
    return re.findall(rf"^ *```{language}\n(.*?)^ *```", section, flags=re.M | re.S)


def _dedent(block: str) -> str:
    lines = block.splitlines()
    margin = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return "\n".join(line[margin:] for line in lines) + "\n"


def _commands(block: str) -> list[list[str]]:
    """The command lines of a shell block (continuations joined, comments dropped)."""
    joined = re.sub(r"\\\n\s*", " ", _dedent(block))
    return [argv for line in joined.splitlines() if (argv := shlex.split(line, comments=True))]


def _run_ok(root: Path, argv: list[str]) -> str:
    result = run(root, argv)
    assert result.returncode == 0, f"`{shlex.join(argv)}` exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _generated_paths() -> list[str]:
    """The generated files the guide tells a contributor to commit (its bulleted list)."""
    section = _sections()["4"]
    listed = [
        path for line in section.splitlines() if line.startswith("- ") for path in re.findall(r"`([^`\s]+)`", line)
    ]
    assert "data/" in listed and "docs/figures/" in listed, listed
    return listed


def _is_listed(rel: str, listed: list[str]) -> bool:
    return any(rel == path or (path.endswith("/") and rel.startswith(path)) for path in listed)


def _regenerate_check_and_commit(root: Path, edited: set[str]) -> set[str]:
    """Section 4's commands, ending with the commit, then what the pull request runs on that
    commit; returns the files committed."""
    commands = _commands(_blocks(_sections()["4"], "sh")[0])
    assert ["make"] in commands and ["git", "add", "-A"] in commands and commands[-1][:2] == ["git", "commit"]
    base = git(root, "rev-parse", "HEAD").strip()
    for argv in commands:
        if argv not in NOT_RUN:
            _run_ok(root, argv)
    assert git(root, "status", "--porcelain", "--untracked-files=all") == "", "the guide's commit left files out"
    # The pull request sees the commit, not the contributor's working tree: check a clone of it.
    pull_request = root.parent / "pull-request"
    subprocess.run(
        ["git", "clone", "--quiet", "--shared", "--no-checkout", str(root), str(pull_request)],
        check=True,
        capture_output=True,
    )
    git(pull_request, "checkout", "--quiet", "--detach", git(root, "rev-parse", "HEAD").strip())
    for check in (["validate"], ["build", "--check"], ["figures", "--check"]):
        result = ai_openness(pull_request, *check)
        assert result.returncode == 0, f"ai-openness {' '.join(check)}:\n{result.stdout}\n{result.stderr}"
    changed = set(git(root, "diff", "--name-only", base, "HEAD").splitlines())
    generated = changed - edited
    listed = _generated_paths()
    assert edited <= changed
    assert [rel for rel in sorted(generated) if not _is_listed(rel, listed)] == [], (
        "make changed files that CONTRIBUTING.md does not list among the files to commit"
    )
    # Adding a stance redraws the figures and rewrites the metadata: the files the guide
    # once forgot, so the checks above would fail without them.
    assert any(rel.startswith("docs/figures/") for rel in generated), generated
    assert {"data/stances.csv", "data/stances.parquet", "datapackage.json"} <= generated, generated
    return changed


def _stance_template() -> tuple[dict, dict]:
    """The stances file of section 3, as the guide writes it."""
    for block in _blocks(_sections()["3"], "yaml"):
        document = yaml.safe_load(_dedent(block))
        if isinstance(document, dict) and "stances" in document:
            return document, document["stances"][0]
    raise AssertionError("CONTRIBUTING.md section 3 has no stances file")


def _stance_ids(root: Path) -> set[str]:
    with open(root / "data/stances.csv", encoding="utf-8", newline="") as file:
        return {row["stance_id"] for row in csv.DictReader(file)}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    pytest.importorskip("vl_convert", reason="the guide's `make` draws the figures (the figures extra)")
    return make_checkout(tmp_path / "ai-openness")


def test_adding_a_stance_to_an_existing_source(repo: Path):
    source_id = "004_9a073e6d1ac277ec"
    quote = "人工智能(AI)公司都与它们的名字正相反"
    assert quote in (repo / f"sources/articles/{source_id}.txt").read_text(encoding="utf-8")
    _, stance = _stance_template()
    stance = {
        **{k: v for k, v in stance.items() if k != "organisation_id"},
        "stance_id": "elon-musk-2024-03-24-companies-opposite-names",
        "person_id": "elon-musk",
        "date": "2024-03-24",
        "position": "mixed",
        "quote": quote,
        "quote_en": "AI companies are the opposite of their names.",
        "arguments": ["transparency"],
    }
    coding = repo / f"codings/stances/{source_id}.yaml"
    entry = yaml.safe_dump([stance], allow_unicode=True, sort_keys=False, width=1000)
    with open(coding, "a", encoding="utf-8") as file:  # the end of the file's `stances:` list
        file.write("\n" + "".join(f"  {line}\n" for line in entry.splitlines()))

    _regenerate_check_and_commit(repo, {f"codings/stances/{source_id}.yaml"})
    assert stance["stance_id"] in _stance_ids(repo)


def test_adding_an_article_with_a_stance(repo: Path):
    sections = _sections()
    document, stance = _stance_template()
    source_id = document["source_id"]
    article = f"sources/articles/{source_id}.txt"
    # A short new text holding the guide's example quote and the person it names.
    (repo / article).write_text(f"Meta 首席人工智能科学家杨立昆表示：“{stance['quote']}。”\n", encoding="utf-8")

    # Section 2: the SHA-256 command and the entry in sources/articles.yaml.
    hash_command = next(argv for block in _blocks(sections["2"], "sh") for argv in _commands(block) if article in argv)
    sha256 = _run_ok(repo, hash_command).strip()
    assert re.fullmatch(r"[0-9a-f]{64}", sha256), sha256
    entry = next(_dedent(block) for block in _blocks(sections["2"], "yaml") if "source_id:" in block)
    entry = re.sub(r"(?m)^(\s*sha256:).*$", rf"\g<1> {sha256}", entry)
    assert yaml.safe_load(entry)[0]["path"] == article
    with open(repo / "sources/articles.yaml", "a", encoding="utf-8") as file:
        file.write(entry)

    # Section 3: the new person, and the stances file, exactly as the guide writes them.
    person, stances = (
        next(_dedent(block) for block in _blocks(sections["3"], "yaml") if marker in block)
        for marker in ("person_id: ", "stances:")
    )
    with open(repo / "codings/people.yaml", "a", encoding="utf-8") as file:
        file.write(person)
    (repo / f"codings/stances/{source_id}.yaml").write_text(stances, encoding="utf-8")

    edited = {article, "sources/articles.yaml", "codings/people.yaml", f"codings/stances/{source_id}.yaml"}
    _regenerate_check_and_commit(repo, edited)
    assert stance["stance_id"] in _stance_ids(repo)
