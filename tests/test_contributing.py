"""CONTRIBUTING.md, followed to the letter on a throwaway checkout of this repository.

The commands, the YAML templates and the list of files to commit are read from the guide
itself, so the test breaks when the guide and the tools drift apart. In one checkout it adds
a stance to a stored source, and a new source article with a new person and a stance coded
from it, runs every command of the guide's section 4 (`make`, `make check`, `make test-data`,
`git add -A`, `git commit`), and checks that the commit holds only the files the guide lists.

The guide's example ids (`005_...`, `yann-lecun`) are ones a contributor may well pick, so
the test writes its own, which no contributor would (`999_...`, `guide-test-...`), into the
guide's templates: it passes whatever a contribution has added. `make test`, the whole suite,
is the one thing not run in the checkout (this test belongs to it; CI runs it).
"""

from __future__ import annotations

import csv
import re
import shlex
from pathlib import Path

import pytest
import yaml

from checkout import git, make_checkout, run
from conftest import ROOT

pytestmark = pytest.mark.slow

GUIDE = ROOT / "CONTRIBUTING.md"
# The guide's example ids, and the ones the test uses instead (well-formed, and unlikely).
SOURCE_ID = "999_0123456789abcdef"
PERSON_ID = "guide-test-person"
PERSON_NAME, PERSON_NAME_ZH = "Guide Test Person", "范例贡献者"
STANCE_IDS = ("guide-test-person-2024-05-open-safer", "guide-test-elon-musk-2024-03-24-opposite-names")


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


def generated_paths() -> list[str]:
    """The generated files the guide tells a contributor to commit (its bulleted list)."""
    bullets = _sections()["4"].split("the generated files your change touched, among:\n\n", 1)[1].split("\n\n", 1)[0]
    # The paths each bullet names before its explanation in brackets.
    listed = [path for line in bullets.splitlines() for path in re.findall(r"`([^`\s]+)`", line.split("(")[0])]
    assert "data/" in listed and "docs/figures/" in listed, listed
    return listed


def is_listed(rel: str, listed: list[str]) -> bool:
    return any(rel == path or (path.endswith("/") and rel.startswith(path)) for path in listed)


def _guide_ids(text: str) -> str:
    """A template of the guide with its example ids, names and quote replaced by the test's."""
    document, _ = _stance_template()
    example_source, example_stance = document["source_id"], document["stances"][0]
    for old, new in (
        (example_source, SOURCE_ID),
        (example_stance["stance_id"], STANCE_IDS[0]),
        (example_stance["person_id"], PERSON_ID),
    ):
        text = text.replace(old, new)
    text = re.sub(r"(?m)^(\s*-?\s*name: ).*$", rf"\g<1>{PERSON_NAME}", text)
    return re.sub(r"(?m)^(\s*name_zh: )\S+", rf"\g<1>{PERSON_NAME_ZH}", text)


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


def _add_a_stance_to_a_stored_source(repo: Path) -> str:
    source_id = "004_9a073e6d1ac277ec"
    quote = "人工智能(AI)公司都与它们的名字正相反"
    assert quote in (repo / f"sources/articles/{source_id}.txt").read_text(encoding="utf-8")
    _, stance = _stance_template()
    stance = {
        **{k: v for k, v in stance.items() if k != "organisation_id"},
        "stance_id": STANCE_IDS[1],
        "person_id": "elon-musk",
        "date": "2024-03-24",
        "position": "mixed",
        "quote": quote,
        "quote_en": "AI companies are the opposite of their names.",
        "arguments": ["transparency"],
    }
    coding = f"codings/stances/{source_id}.yaml"
    entry = yaml.safe_dump([stance], allow_unicode=True, sort_keys=False, width=1000)
    with open(repo / coding, "a", encoding="utf-8") as file:  # the end of the file's `stances:` list
        file.write("\n" + "".join(f"  {line}\n" for line in entry.splitlines()))
    return coding


def _add_an_article_with_a_person_and_a_stance(repo: Path) -> set[str]:
    sections = _sections()
    _, stance = _stance_template()
    article = f"sources/articles/{SOURCE_ID}.txt"
    # A short, made-up but well-formed article: the guide's example quote, said by the new person.
    (repo / article).write_text(
        f"Meta 首席人工智能科学家{PERSON_NAME_ZH}表示：“{stance['quote']}。”\n", encoding="utf-8"
    )

    # Section 2: the SHA-256 command and the entry in sources/articles.yaml.
    hash_command = next(
        argv for block in _blocks(sections["2"], "sh") for argv in _commands(_guide_ids(block)) if article in argv
    )
    sha256 = _run_ok(repo, hash_command).strip()
    assert re.fullmatch(r"[0-9a-f]{64}", sha256), sha256
    entry = next(_dedent(_guide_ids(block)) for block in _blocks(sections["2"], "yaml") if "source_id:" in block)
    entry = re.sub(r"(?m)^(\s*sha256:).*$", rf"\g<1> {sha256}", entry)
    assert yaml.safe_load(entry)[0]["path"] == article
    with open(repo / "sources/articles.yaml", "a", encoding="utf-8") as file:
        file.write(entry)

    # Section 3: the new person, and the stances file, exactly as the guide writes them.
    person, stances = (
        next(_dedent(_guide_ids(block)) for block in _blocks(sections["3"], "yaml") if marker in block)
        for marker in ("person_id: ", "stances:")
    )
    with open(repo / "codings/people.yaml", "a", encoding="utf-8") as file:
        file.write(person)
    (repo / f"codings/stances/{SOURCE_ID}.yaml").write_text(stances, encoding="utf-8")
    return {article, "sources/articles.yaml", "codings/people.yaml", f"codings/stances/{SOURCE_ID}.yaml"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    pytest.importorskip("vl_convert", reason="the guide's `make` draws the figures (the figures extra)")
    return make_checkout(tmp_path / "ai-openness")


def test_a_contribution_made_as_the_guide_says_passes_every_check_and_commits_only_the_listed_files(repo: Path):
    edited = {_add_a_stance_to_a_stored_source(repo)} | _add_an_article_with_a_person_and_a_stance(repo)

    # Section 4, every command in order: make, diff, git add, git status, make check,
    # make test-data and the commit.
    commands = _commands(_guide_ids(_blocks(_sections()["4"], "sh")[0]))
    assert ["make"] in commands and ["make", "check"] in commands and ["make", "test-data"] in commands
    assert ["git", "add", "-A"] in commands and commands[-1][:2] == ["git", "commit"]
    base = git(repo, "rev-parse", "HEAD").strip()
    for argv in commands:
        _run_ok(repo, argv)

    assert git(repo, "status", "--porcelain", "--untracked-files=all") == "", "the guide's commit left files out"
    changed = set(git(repo, "diff", "--name-only", base, "HEAD").splitlines())
    generated = changed - edited
    assert edited <= changed
    listed = generated_paths()
    assert [rel for rel in sorted(generated) if not is_listed(rel, listed)] == [], (
        "make changed files that CONTRIBUTING.md does not list among the files to commit"
    )
    # A new stance and a new article rewrite the tables, the figures, the metadata and the
    # lists of the stored articles: the files the guide once forgot.
    assert any(rel.startswith("docs/figures/") for rel in generated), generated
    assert {"data/stances.csv", "data/stances.parquet", "datapackage.json", "LICENSE-DATA.md"} <= generated
    assert {"sources/README.md", "README.md"} <= generated, generated
    assert set(STANCE_IDS) <= _stance_ids(repo)
    # The new article states no licence: every list of the stored articles now names it so.
    for document in ("LICENSE-DATA.md", "sources/README.md"):
        line = next(
            line for line in (repo / document).read_text(encoding="utf-8").splitlines() if "state no licence" in line
        )
        assert f"`{SOURCE_ID}`" in line, document


def test_the_guide_lists_every_file_make_can_regenerate_and_no_other():
    # What `make` writes: the build's files and the figures (each as its command names them).
    from ai_openness.compile.pipeline import build

    result, _ = build(ROOT, check=True)
    written = set(result.files)
    figures = pytest.importorskip("ai_openness.views.figures", reason="needs the figures extra")
    written |= {f"{figures.FIGURES_DIR}/{f.name}.{kind}" for f in figures.FIGURES for kind in ("svg", "html")}
    listed = generated_paths()
    assert [rel for rel in sorted(written) if not is_listed(rel, listed)] == []
    assert [path for path in listed if not any(is_listed(rel, [path]) for rel in written)] == []


def test_the_guide_names_the_test_modules_make_test_data_runs():
    # "the test modules marked `data`: ..." in section 4, and the modules that carry the mark.
    marked = sorted(
        path.name
        for path in (ROOT / "tests").glob("test_*.py")
        if re.search(r"^pytestmark = .*pytest\.mark\.data\b", path.read_text(encoding="utf-8"), re.M)
    )
    named = re.search(r"marked `data`: ([^)]*)\)", _sections()["4"].replace("\n", " "))
    assert named, "CONTRIBUTING.md section 4 names the modules `make test-data` runs"
    assert sorted(re.findall(r"`tests/(test_\w+\.py)`", named.group(1))) == marked
