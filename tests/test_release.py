"""Releases: version policy, changelog from the row diff, reproducible archives, metadata."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

import ai_openness
from ai_openness.commands.cli import main
from conftest import FIXTURES, ROOT, copy_tree

pytestmark = pytest.mark.xdist_group("release")  # the released repository is made once

CFF_SCHEMA = Path(__file__).parent / "data" / "citation-file-format-1.2.0.schema.json"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """A git repository holding the mini package, released as 0.1.0 (made once: a release
    builds a wheel)."""
    return _released(tmp_path_factory.mktemp("released"))


@pytest.fixture
def repo(released: Path, tmp_path: Path) -> Path:
    """A copy of it, for a test that changes it."""
    return Path(shutil.copytree(released, tmp_path / "repo", symlinks=True))


def _released(tmp_path: Path) -> Path:
    root = copy_tree(FIXTURES / "mini", tmp_path / "repo")
    for name in ("pyproject.toml", ".gitignore", "LICENSE", "LICENSE-DATA.md"):
        shutil.copy2(ROOT / name, root / name)
    shutil.copytree(ROOT / "src", root / "src")
    shutil.copytree(ROOT / "schema", root / "schema")
    blocks = "".join(
        f"<!-- generated:{n} -->\n<!-- /generated:{n} -->\n"
        for n in ("tables", "articles", "coverage", "data-dictionary")
    )
    (root / "README.md").write_text("# mini\n" + blocks, encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "config", "user.email", "release@example.org")
    _git(root, "config", "user.name", "release test")
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "data")
    assert main(["release", "0.1.0", "--root", str(root), "--date", "2026-01-01"]) == 0
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "release 0.1.0")
    return root


def _add_stance(root: Path) -> None:
    path = root / "codings/stances/mini.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + """  - stance_id: openai-2023-closed-again
    organisation_id: openai
    date: 2023
    date_basis: stated
    kind: statement
    attribution: paraphrase
    position: closed
    quote: 閉源。
    occurrence: 3
    quote_en: Closed source.
""",
        encoding="utf-8",
    )
    assert main(["build", "--root", str(root), "--quiet"]) == 0


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_initial_release_writes_changelog_archives_and_checksums(repo: Path):
    changelog = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [0.1.0] - 2026-01-01" in changelog and "Initial release." in changelog
    names = sorted(p.name for p in (repo / "dist").iterdir())
    assert "ai-openness-0.1.0-csv.zip" in names and "ai-openness-0.1.0-parquet.zip.sha256" in names
    assert any(n.endswith(".whl") for n in names)
    for checksum in (repo / "dist").glob("*.sha256"):
        digest, name = checksum.read_text().split()
        assert hashlib.sha256((repo / "dist" / name).read_bytes()).hexdigest() == digest
    with zipfile.ZipFile(repo / "dist" / "ai-openness-0.1.0-parquet.zip") as archive:
        descriptor = json.loads(archive.read("ai-openness-0.1.0-parquet/datapackage.json"))
        assert descriptor["version"] == "0.1.0"
        assert {f"ai-openness-0.1.0-parquet/{r['path']}" for r in descriptor["resources"]} <= set(archive.namelist())
        assert all(r["format"] == "parquet" for r in descriptor["resources"])
    for flavour in ("csv", "parquet"):  # the licences travel with the data
        with zipfile.ZipFile(repo / "dist" / f"ai-openness-0.1.0-{flavour}.zip") as archive:
            for name in ("LICENSE", "LICENSE-DATA.md"):
                assert archive.read(f"ai-openness-0.1.0-{flavour}/{name}") == (repo / name).read_bytes()


@pytest.mark.parametrize("flavour", ["csv", "parquet"])
def test_each_archive_holds_one_folder_marked_as_a_published_copy(released: Path, flavour):
    folder = f"ai-openness-0.1.0-{flavour}"
    with zipfile.ZipFile(released / "dist" / f"{folder}.zip") as archive:
        names = archive.namelist()
        assert names and all(name.startswith(folder + "/") for name in names)
        assert {"datapackage.json", "croissant.json", "README.md", "CITATION.cff", "CHANGELOG.md"} <= {
            name.removeprefix(folder + "/") for name in names
        }
        descriptor = json.loads(archive.read(f"{folder}/datapackage.json"))
        croissant = json.loads(archive.read(f"{folder}/croissant.json"))
    assert descriptor["ai_openness:published"] is True
    # The archive's croissant.json names its own files, with the SHA-256 of the bytes it holds.
    with zipfile.ZipFile(released / "dist" / f"{folder}.zip") as archive:
        for entry in croissant["distribution"]:
            assert entry["contentUrl"].endswith("." + flavour)
            data = archive.read(f"{folder}/{entry['contentUrl']}")
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert [r["@id"] for r in croissant["recordSet"]] == [r["name"] for r in descriptor["resources"]]
    # The repository's own descriptors are not published copies.
    for name in ("datapackage.json", "datapackage.parquet.json"):
        assert "ai_openness:published" not in json.loads((released / name).read_text(encoding="utf-8"))


def _unzipped(released: Path, flavour: str, tmp_path: Path) -> Path:
    with zipfile.ZipFile(released / "dist" / f"ai-openness-0.1.0-{flavour}.zip") as archive:
        archive.extractall(tmp_path)
    return tmp_path / f"ai-openness-0.1.0-{flavour}"


@pytest.mark.parametrize("flavour", ["csv", "parquet"])
def test_an_unzipped_archive_passes_ai_openness_and_frictionless_validate(released: Path, flavour, tmp_path, capsys):
    folder = _unzipped(released, flavour, tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [
        "CHANGELOG.md",
        "CITATION.cff",
        "LICENSE",
        "LICENSE-DATA.md",
        "README.md",
        "croissant.json",
        "data",
        "datapackage.json",
    ]
    capsys.readouterr()
    assert main(["validate", str(folder), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] and any("published copy" in s for s in report["skipped"])
    assert report["rows"]["stances"] == len(ai_openness.load("stances", root=released))
    frictionless = Path(sys.executable).with_name("frictionless")
    result = subprocess.run(
        [str(frictionless), "validate", "datapackage.json"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


@pytest.mark.parametrize("flavour", ["csv", "parquet"])
def test_a_published_copy_is_still_checked_table_by_table(released: Path, flavour, tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = _unzipped(released, flavour, tmp_path)
    stances = folder / "data" / f"stances.{flavour}"
    if flavour == "csv":
        stances.write_text(stances.read_text(encoding="utf-8").replace(",closed,", ",shut,", 1), encoding="utf-8")
    else:
        table = pq.read_table(stances)
        positions = table.column("position").to_pylist()
        positions[positions.index("closed")] = "shut"
        table = table.set_column(table.schema.get_field_index("position"), "position", pa.array(positions))
        pq.write_table(table, stances)
    capsys.readouterr()
    assert main(["validate", str(folder), "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert any(p["file"] == f"data/stances.{flavour}" and "shut" in json.dumps(p) for p in problems), problems


@pytest.mark.parametrize("flavour", ["csv", "parquet"])
def test_archive_readme_is_a_dataset_card_generated_from_its_descriptor(released: Path, flavour, tmp_path):
    folder = _unzipped(released, flavour, tmp_path)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    text = (folder / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    front, body = text.removeprefix("---\n").split("\n---\n", 1)
    card = yaml.safe_load(front)
    assert card["pretty_name"] == descriptor["title"]
    assert card["language"] == ["zh", "en"]
    assert card["license"] == [x["name"].lower() for x in descriptor["licenses"]]
    if flavour == "parquet":  # a hub reads Parquet typed: the configs point at the Parquet files
        configs = {c["config_name"]: c["data_files"] for c in card["configs"]}
        assert configs == {r["name"]: r["path"] for r in descriptor["resources"]}
        assert all((folder / path).is_file() and path.endswith(".parquet") for path in configs.values())
    else:  # and would read the CSVs' dates as text: the CSV card names no config, and says why
        assert "configs" not in card and "ai-openness-0.1.0-parquet.zip" in body
    # The data dictionary, every column of every table, as the descriptor describes it.
    dictionary = body.split("## Data dictionary", 1)[1]
    for resource in descriptor["resources"]:
        assert f"### `{resource['name']}`" in dictionary
        for field in resource["schema"]["fields"]:
            assert f"| `{field['name']}` | {field['type']} |" in dictionary
    # Unzip first: frictionless given the .zip checks only its first file.
    assert "unzip ai-openness-0.1.0-" in body and body.index("unzip ") < body.index(
        "frictionless validate datapackage.json"
    )
    # For the reader: what it is, every table, how to load, the licence, how to cite.
    assert f"# {descriptor['title']}" in body and "version 0.1.0 (released 2026-01-01)" in body
    for resource in descriptor["resources"]:
        assert f"`{resource['path']}`" in body
    assert f"read_{flavour}(" in body and "frictionless validate datapackage.json" in body
    assert descriptor["licenses"][0]["name"] in body and "CITATION.cff" in body


def test_an_archive_without_a_folder_still_loads(released: Path, tmp_path: Path, monkeypatch):
    # Archives made before the folder was added hold the package at their top.
    flat = tmp_path / "releases" / "ai-openness-0.1.0-parquet.zip"
    flat.parent.mkdir()
    with zipfile.ZipFile(released / "dist" / flat.name) as source, zipfile.ZipFile(flat, "w") as target:
        for name in source.namelist():
            target.writestr(name.split("/", 1)[1], source.read(name))
    monkeypatch.setenv("AI_OPENNESS_RELEASES", str(flat.parent))
    assert len(ai_openness.load("stances", version="0.1.0")) == len(ai_openness.load("stances", root=released))


def test_version_smaller_than_the_change_is_refused(repo: Path, capsys):
    _add_stance(repo)
    before = (repo / "schema/package.yaml").read_bytes()
    capsys.readouterr()
    assert main(["release", "0.1.1", "--root", str(repo)]) == 1
    err = capsys.readouterr().err
    assert "at least 0.2.0" in err and "minor" in err
    assert (repo / "schema/package.yaml").read_bytes() == before


def test_release_is_reproducible_and_lists_rows(repo: Path, tmp_path: Path):
    _add_stance(repo)
    assert main(["release", "0.2.0", "--root", str(repo), "--date", "2026-02-01"]) == 0
    section = (repo / "CHANGELOG.md").read_text(encoding="utf-8").split("## [0.1.0]")[0]
    assert "Compared with 0.1.0: minor change." in section
    assert "`openai-2023-closed-again`" in section
    first = _digests(repo / "dist")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "release 0.2.0")

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    assert main(["release", "0.2.0", "--root", str(clone)]) == 0
    assert _digests(clone / "dist") == {k: v for k, v in first.items() if "0.1.0" not in k}
    assert _git(clone, "status", "--porcelain") == ""


def test_past_release_loads_with_the_same_code(repo: Path, monkeypatch):
    _add_stance(repo)
    monkeypatch.setenv("AI_OPENNESS_RELEASES", str(repo / "dist"))
    old = ai_openness.load("stances", version="0.1.0")
    current = ai_openness.load("stances", root=repo)
    assert len(current) == len(old) + 1
    assert list(old.columns) == list(current.columns)
    assert old["position"].dtype == current["position"].dtype


def test_missing_release_says_where_to_get_it(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("AI_OPENNESS_RELEASES", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"release 9\.9\.9 is not available locally"):
        ai_openness.load("stances", version="9.9.9")


def test_removed_contract_column_requires_a_major_version(repo: Path, capsys):
    schema_path = repo / "schema/stances.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["fields"] = [f for f in schema["fields"] if f["name"] != "note"]
    schema_path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    assert main(["build", "--root", str(repo), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["release", "0.2.0", "--root", str(repo)]) == 1
    assert "at least 1.0.0" in capsys.readouterr().err
    assert main(["release", "1.0.0", "--root", str(repo)]) == 0


def test_citation_file_is_valid_cff():
    import jsonschema

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    jsonschema.validate(cff, json.loads(CFF_SCHEMA.read_text(encoding="utf-8")))
    assert cff["version"] == ai_openness.data_version()


def test_croissant_passes_mlcroissant_validate():
    pytest.importorskip("mlcroissant", reason="needs the release extra (mlcroissant)")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("mlcroissant")), "validate", "--jsonld", str(ROOT / "croissant.json")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "error" not in result.stderr.lower().replace("0 error", "")


def test_zenodo_metadata_follows_the_descriptor():
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert zenodo["version"] == descriptor["version"] and zenodo["title"] == descriptor["title"]
    assert zenodo["upload_type"] == "dataset"


def test_release_check_cuts_the_recorded_release_again_and_checks_its_archives(released: Path, tmp_path: Path):
    # scripts/release_check.py, as `make release-check` runs it, on a repository whose HEAD is
    # release 0.1.0: nothing may change, and every archive must pass the three validators.
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import release_check
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    lines = release_check.release_check(released, None, tmp_path / "out")
    assert lines[0] == "release 0.1.0: cut again, no file changed"
    out = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "CHANGES.md" in out and "ai-openness-0.1.0-csv.zip" in out and "ai-openness-0.1.0-parquet.zip.sha256" in out
    assert (tmp_path / "out" / "CHANGES.md").read_text(encoding="utf-8").startswith("## [0.1.0] - 2026-01-01")
    assert sum("frictionless and mlcroissant validate pass" in line for line in lines) == 2
    # A commit that changed the data after the release is not the release: refused.
    _add_stance(released_copy := Path(shutil.copytree(released, tmp_path / "changed", symlinks=True)))
    _git(released_copy, "add", "-A")
    _git(released_copy, "commit", "-qm", "a stance after the release")
    with pytest.raises(SystemExit, match="is the recorded version, but cutting it again changed files"):
        release_check.release_check(released_copy, None, tmp_path / "out2")


def _remove_a_stance_and_lengthen_a_translation(root: Path) -> None:
    """Stance openai-2023-stays-closed removed (merged into elon-musk-2023-open-safest, listed
    as retired), and the other's quote_en rewritten at its 70th character only."""
    path = root / "codings/stances/mini.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - stance_id: openai-2023-stays-closed")
    end = text.index("  - stance_id:", start + 10) if "  - stance_id:" in text[start + 10 :] else len(text)
    prefix = "Open-source software is the safest, says the article, in a sentence long"
    text = text[:start] + text[end:]
    text = text.replace("quote_en: Open-source software is the safest.", f"quote_en: {prefix} enough to be cut.")
    path.write_text(text, encoding="utf-8")
    (root / "codings/retired.yaml").write_text(
        "- table: stances\n  id: openai-2023-stays-closed\n  successor: elon-musk-2023-open-safest\n"
        '  reason: Merged, for the test.\n  retired_in: "1.0.0"\n',
        encoding="utf-8",
    )
    assert main(["build", "--root", str(root), "--quiet"]) == 0


def test_a_removed_published_row_is_a_major_change_named_in_the_first_line(repo: Path, capsys):
    _remove_a_stance_and_lengthen_a_translation(repo)
    capsys.readouterr()
    assert main(["release", "0.2.0", "--root", str(repo)]) == 1
    err = capsys.readouterr().err
    assert "at least 1.0.0" in err and "removes 1 published row(s)" in err
    assert "stances `openai-2023-stays-closed` (→ `elon-musk-2023-open-safest`)" in err

    assert main(["release", "1.0.0", "--root", str(repo), "--date", "2026-03-01"]) == 0
    section = "## [1.0.0]" + (repo / "CHANGELOG.md").read_text(encoding="utf-8").split("## [1.0.0]")[1]
    section = section.split("## [0.1.0]")[0]
    first = section.split("\n")[2]
    assert first == (
        "Compared with 0.1.0: major change. Removes 1 published row: "
        "stances `openai-2023-stays-closed` (→ `elon-musk-2023-open-safest`)."
    )
    # One line per changed row, its key whole, each field before → after.
    changed = [line for line in section.splitlines() if line.startswith("- changed `elon-musk-2023-open-safest`")]
    assert len(changed) == 1 and "quote_en: `" in changed[0] and " → `" in changed[0]
    before, after = changed[0].split("quote_en: ", 1)[1].split(";")[0].split(" → ")
    assert before != after and before.endswith("safest.`") and after.startswith("`…") and ", says the" in after
    assert "- removed `openai-2023-stays-closed`" in section


@pytest.mark.parametrize(
    "old, new",
    [
        ("a" * 200 + "b", "a" * 200 + "c"),  # differ at the end of a long common beginning
        ("x" * 100, "x" * 101),  # one is the other and one more character
        ("short", "y" * 100),
        ("q" * 70, ""),
        ("`" * 80 + "1", "`" * 80 + "2"),  # backticks shown as quotes: still different
    ],
)
def test_a_cut_value_never_looks_like_the_value_it_was_changed_from(old, new):
    from ai_openness.publish.release import CUT, _pair

    before, after = _pair(old, new).split(" → ")
    assert before != after
    assert all(len(side) <= CUT + 4 for side in (before, after))  # the window, two "…" and the backticks


def test_a_restored_id_is_named_as_restored_and_is_no_major_change():
    """An id retired earlier and back in its table: its retired_ids row goes and its row comes
    back. The release names it as restored, and the change is minor (a row added)."""
    from ai_openness.publish.diff import PackageDiff, SchemaDiff, TableDiff
    from ai_openness.publish.release import Previous, change_class, changelog_section

    retired_row = {"table": "stances", "id": "a-restored-stance", "successor": "", "reason": "merged"}
    tables = {
        "stances": TableDiff("stances", ["stance_id"], added=[{"stance_id": "a-restored-stance"}]),
        "retired_ids": TableDiff("retired_ids", ["table", "id"], removed=[retired_row]),
    }
    diff = PackageDiff("base", "head", "1.0.0", "1.1.0", tables, SchemaDiff())
    assert change_class(diff) == "minor"
    section = changelog_section("1.1.0", "2026-12-08", Previous("1.0.0", "abc"), diff, {}, "minor", (), [])
    first = section.split("\n")[2]
    assert first == "Compared with 1.0.0: minor change. Restores 1 id retired earlier: stances `a-restored-stance`."
