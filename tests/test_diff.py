"""`diff_packages` and `ai-openness diff`: two directories, and two commits of this repository."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ai_openness.commands.cli import main
from ai_openness.publish.diff import diff_packages
from conftest import ROOT
from contributions import CANARY, edit_descriptor, make_outside, rebuild, replace, resource


@pytest.fixture
def changed(built_mini: Path, tmp_path: Path) -> Path:
    """The mini package after a contribution: an organisation added, one changed, a
    translation reworded, an argument removed."""
    head = tmp_path / "head"
    shutil.copytree(built_mini, head)
    replace(head, "codings/organisations.yaml", "name: xAI\n  kind: company", "name: xAI\n  kind: nonprofit")
    (head / "codings/organisations.yaml").write_text(
        (head / "codings/organisations.yaml").read_text(encoding="utf-8")
        + "- organisation_id: meta\n  name: Meta\n  kind: company\n  country: US\n",
        encoding="utf-8",
    )
    replace(head, "codings/stances/mini.yaml", "quote_en: Closed source.", "quote_en: Closed, for now.")
    replace(head, "codings/stances/mini.yaml", "    arguments: [security]\n", "")
    rebuild(head)
    return head


def test_rows_added_removed_and_changed_by_primary_key(built_mini, changed):
    diff = diff_packages(built_mini, changed)

    organisations = diff.tables["organisations"]
    assert organisations.key == ["organisation_id"]
    assert [row["organisation_id"] for row in organisations.added] == ["meta"]
    assert organisations.removed == []
    assert [(c.key, c.fields) for c in organisations.changed] == [
        ({"organisation_id": "xai"}, {"kind": ("company", "nonprofit")})
    ]
    stances = diff.tables["stances"]
    assert [(c.key["stance_id"], c.fields) for c in stances.changed] == [
        ("openai-2023-stays-closed", {"quote_en": ("Closed source.", "Closed, for now.")})
    ]
    arguments = diff.tables["stance_arguments"]
    assert arguments.removed == [{"stance_id": "elon-musk-2023-open-safest", "argument": "security"}]
    assert diff.tables["people"].is_empty and diff.tables["mentions"].is_empty
    assert diff.schema.is_empty and not diff.is_empty


def test_no_change_is_an_empty_diff(built_mini):
    diff = diff_packages(built_mini, built_mini)
    assert diff.is_empty
    assert all(not t["added"] and not t["removed"] and not t["changed"] for t in diff.to_dict()["tables"].values())


def test_schema_changes_are_reported(built_mini, tmp_path):
    head = tmp_path / "head"
    shutil.copytree(built_mini, head)

    def change(document):
        position = next(f for f in resource(document, "stances")["schema"]["fields"] if f["name"] == "position")
        position["constraints"]["enum"] = [v for v in position["constraints"]["enum"] if v != "neutral"] + ["undecided"]
        parameters = next(f for f in resource(document, "models")["schema"]["fields"] if f["name"] == "parameters")
        parameters["type"] = "number"
        resource(document, "people")["schema"]["fields"].append({"name": "born", "type": "date"})
        document["resources"] = [r for r in document["resources"] if r["name"] != "mentions"]

    edit_descriptor(head, change)
    diff = diff_packages(built_mini, head)

    assert diff.schema.removed_resources == ["mentions"] and diff.schema.added_resources == []
    assert diff.schema.resources["stances"].added_enum_values == {"position": ["undecided"]}
    assert diff.schema.resources["stances"].removed_enum_values == {"position": ["neutral"]}
    assert diff.schema.resources["models"].changed_types == {"parameters": ("integer", "number")}
    assert diff.schema.resources["people"].added_columns == ["born"]
    assert len(diff.tables["mentions"].removed) == 2  # every row of a removed resource is removed
    as_dict = json.loads(json.dumps(diff.to_dict()))
    assert as_dict["schema"]["resources"]["models"]["changed_types"] == {"parameters": ["integer", "number"]}


@pytest.mark.parametrize(
    "fmt, expected",
    [
        ("text", "organisations: 1 added, 0 removed, 1 changed"),
        ("markdown", "| `organisations` | 1 | 0 | 1 |"),
        ("json", '"organisation_id": "meta"'),
    ],
)
def test_cli_formats(built_mini, changed, capsys, fmt, expected):
    assert main(["diff", str(built_mini), str(changed), "--format", fmt]) == 0
    assert expected in capsys.readouterr().out


def test_markdown_escapes_values(built_mini, tmp_path, capsys):
    head = tmp_path / "head"
    shutil.copytree(built_mini, head)
    replace(head, "codings/stances/mini.yaml", "quote_en: Closed source.", "quote_en: '<img src=x> | `x`'")
    rebuild(head)
    assert main(["diff", str(built_mini), str(head), "--format", "markdown"]) == 0
    page = _rendered(capsys.readouterr().out)
    assert "<img" not in page  # the value is shown as text, not drawn
    assert "<code>&lt;img src=x&gt; | 'x'</code>" in page  # in its table cell, whole


HOSTILE_NAME = "x`\n## Approved\n![seal](https://example.com/seal.png) <img src=x onerror=alert(1)> | y"


def test_a_hostile_column_name_stays_text_in_the_summary(built_mini, tmp_path, capsys):
    """A contribution names a column with Markdown and HTML: the summary a pull request shows
    gets no heading, image or HTML element of theirs."""
    head = tmp_path / "head"
    shutil.copytree(built_mini, head)
    edit_descriptor(head, lambda d: resource(d, "people")["schema"]["fields"].append({"name": HOSTILE_NAME}))
    assert main(["diff", str(built_mini), str(head), "--format", "markdown"]) == 0
    page = _rendered(capsys.readouterr().out)
    headings = re.findall(r"<h(\d)>(.*?)</h\1>", page, re.S)
    assert [level for level, _ in headings] == ["2", "3"], headings  # the title, Schema
    assert "<img" not in page and "<a " not in page
    assert page.count("## Approved") == 1  # the name, as text, in its schema line


def test_a_hostile_table_name_is_refused_at_its_line(built_mini, tmp_path, capsys):
    head = tmp_path / "head"
    shutil.copytree(built_mini, head)
    edit_descriptor(head, lambda d: d["resources"].append({**resource(d, "people"), "name": HOSTILE_NAME}))
    assert main(["diff", str(built_mini), str(head), "--format", "json"]) == 2
    report = json.loads(capsys.readouterr().out)
    found = [p for p in report["problems"] if "is not a plain identifier" in p["message"]]
    assert [p["file"] for p in found] == [f"{head}/datapackage.json"] and found[0]["line"]
    assert "internal error" not in report["error"]


def test_every_name_and_value_of_a_summary_stays_text():
    """The renderer itself, on a diff whose every name and value is hostile (as a diff of
    two directories of anyone's could hold)."""
    from ai_openness.publish.diff import PackageDiff, ResourceSchemaDiff, RowChange, SchemaDiff, TableDiff
    from ai_openness.publish.difftext import markdown

    table = TableDiff(HOSTILE_NAME, [HOSTILE_NAME], added=[{HOSTILE_NAME: HOSTILE_NAME}])
    table.changed = [RowChange({HOSTILE_NAME: HOSTILE_NAME}, {HOSTILE_NAME: (HOSTILE_NAME, "")})]
    schema = SchemaDiff([HOSTILE_NAME], [], {"people": ResourceSchemaDiff(added_columns=[HOSTILE_NAME])})
    page = _rendered(
        markdown(PackageDiff(HOSTILE_NAME, HOSTILE_NAME, HOSTILE_NAME, None, {HOSTILE_NAME: table}, schema))
    )
    headings = re.findall(r"<h(\d)>(.*?)</h\1>", page, re.S)
    assert [level for level, _ in headings] == ["2", "3", "3"], headings  # the title, Schema, the table
    assert "<img" not in page and "<a " not in page
    assert all("<code>" in text for level, text in headings if level != "3" or text != "Schema")
    assert len(re.findall(r"<tr>", page)) == 1 + 1 + 1 + 2  # two header rows, one table row, two changes


def _rendered(markdown: str) -> str:
    """The HTML a CommonMark renderer with GitHub's tables and raw HTML on makes of `markdown`
    (markdown-it-py, as an oracle independent of the renderer under test)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


def test_a_hostile_version_is_refused_without_reading_outside(built_mini, tmp_path, capsys, audit):
    audit.active = False
    head, outside = tmp_path / "head", tmp_path / "outside"
    shutil.copytree(built_mini, head)
    make_outside(outside)
    edit_descriptor(head, lambda d: resource(d, "people").update(path="../outside/canary.csv"))
    audit.active = True
    code = main(["diff", str(built_mini), str(head)])
    audit.active = False
    captured = capsys.readouterr()
    assert code == 2
    assert "leaves the package directory" in captured.err and CANARY not in captured.out + captured.err
    assert not [p for p in audit.opened if Path(p).resolve().is_relative_to(outside.resolve())]


def test_a_ref_that_looks_like_an_option_is_refused(capsys):
    assert main(["diff", "--root", str(ROOT), "--", "--output=/tmp/x"]) == 2
    assert "is neither a commit" in capsys.readouterr().err


# Two real commits of this repository ------------------------------------------------------------


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout


def _history() -> tuple[str, str]:
    try:
        first = _git("log", "--reverse", "--format=%H", "--", "data/stances.csv").split()
    except (OSError, subprocess.CalledProcessError):
        first = []
    if not first:
        pytest.skip("this checkout has no git history (e.g. an sdist), so there are no commits to compare")
    return first[0], _git("rev-parse", "HEAD").strip()


def _rows_at(commit: str, table: str) -> list[dict]:
    exists = (
        subprocess.run(
            ["git", "-C", str(ROOT), "cat-file", "-e", f"{commit}:data/{table}.csv"], capture_output=True, check=False
        ).returncode
        == 0
    )
    if not exists:  # a table added after this commit: no rows then
        return []
    text = _git("show", f"{commit}:data/{table}.csv")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _descriptor_at(commit: str) -> dict:
    return json.loads(_git("show", f"{commit}:datapackage.json"))


def _by_key(rows: list[dict], key: list[str], name: str) -> dict[tuple, dict]:
    keyed = {tuple(r[c] for c in key): r for r in rows}
    assert len(keyed) == len(rows), f"{name}: the primary key {key} is not unique in the published CSV"
    return keyed


def test_diff_of_two_real_commits(capsys):
    """The tables, keys and rows the diff reports, against what each commit's datapackage.json
    and CSVs (git show, the csv module) hold: nothing is taken from the diff's own output."""
    base, head = _history()
    assert main(["diff", base, head, "--root", str(ROOT), "--format", "json"]) == 0
    diff = json.loads(capsys.readouterr().out)
    assert diff["base"] == base and diff["head"] == head
    keys = {}  # table -> its primary key: head's, or base's for a table head no longer has
    for commit in (base, head):
        for entry in _descriptor_at(commit)["resources"]:
            keys[entry["name"]] = entry["schema"]["primaryKey"]
    assert "stances" in keys and set(diff["tables"]) == set(keys)  # every table of either commit, no other
    changed_rows = 0
    for name, key in keys.items():
        table = diff["tables"][name]
        assert table["key"] == key, name
        before = _by_key(_rows_at(base, name), key, name)
        after = _by_key(_rows_at(head, name), key, name)
        assert {tuple(r[c] for c in key) for r in table["added"]} == after.keys() - before.keys(), name
        assert {tuple(r[c] for c in key) for r in table["removed"]} == before.keys() - after.keys(), name
        # Changed: a row of both commits whose cells differ in a column both commits have.
        expected = {}
        for row_key in before.keys() & after.keys():
            old, new = before[row_key], after[row_key]
            fields = {c: (old[c], new[c]) for c in new if c in old and c not in key and old[c] != new[c]}
            if fields:
                expected[row_key] = fields
        reported = {
            tuple(change["key"][c] for c in key): {c: (v["old"], v["new"]) for c, v in change["fields"].items()}
            for change in table["changed"]
        }
        assert len(reported) == len(table["changed"]), name  # each changed row once
        assert reported == expected, name
        changed_rows += len(expected)
    assert changed_rows > 0  # the two commits differ in existing rows, so `changed` is exercised
    unchanged_data = (
        subprocess.run(["git", "-C", str(ROOT), "diff", "--quiet", base, head, "--", "data"], check=False).returncode
        == 0
    )
    assert diff["empty"] == (unchanged_data and not any(diff["schema"].values()))
    base_names = [r["name"] for r in _descriptor_at(base)["resources"]]
    head_names = [r["name"] for r in _descriptor_at(head)["resources"]]
    assert diff["schema"]["added_resources"] == [n for n in head_names if n not in base_names]
    assert diff["schema"]["removed_resources"] == [n for n in base_names if n not in head_names]


def test_diff_of_a_ref_against_the_working_tree_leaves_the_tree_alone(capsys):
    _history()
    status = _git("status", "--porcelain")
    assert main(["diff", "HEAD", "--root", str(ROOT), "--format", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("## Data changes: `HEAD` → `working tree`")
    assert _git("status", "--porcelain") == status


def test_a_ref_is_never_read_as_a_path(built_mini, tmp_path, monkeypatch, capsys):
    """A name that is no commit is an error, even when a package directory of that name is
    at hand; the directory is read once it is marked as one (./PATH, /PATH or --dir)."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(built_mini, tmp_path / "base")
    code = main(["diff", "base", "--root", str(ROOT), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 2 and report["exit_code"] == 2
    assert report["problems"][0]["file"] == "base"
    assert "a folder named base exists" in report["problems"][0]["fix"]
    for marked in (["./base", str(built_mini)], ["--dir", "base", "--dir", str(built_mini)], ["./base", "--dir", "/"]):
        code = main(["diff", *marked, "--format", "json"])
        out = json.loads(capsys.readouterr().out)
        if marked[-1] == "/":  # the second directory is no package: refused, not taken for a ref
            assert code == 2 and "datapackage.json" in out["problems"][0]["file"]
        else:
            assert code == 0 and out["empty"] is True, out
    assert main(["diff", "a", "b", "--dir", "c"]) == 2  # three versions: a usage error


def test_text_shows_keys_whole_and_cut_values_still_differ():
    from ai_openness.publish.diff import PackageDiff, RowChange, SchemaDiff, TableDiff
    from ai_openness.publish.difftext import text

    key = "a-stance-id-" + "long-" * 20 + "end"  # 112 characters
    table = TableDiff("stances", ["stance_id"], added=[{"stance_id": key}])
    table.changed = [RowChange({"stance_id": "s"}, {"quote_en": ("x" * 90 + "old", "x" * 90 + "new")})]
    rendered = text(PackageDiff("base", "head", "1.0.0", "1.1.0", {"stances": table}, SchemaDiff()))
    assert f"  added    '{key}'" in rendered
    changed = next(line for line in rendered.splitlines() if line.startswith("  changed  's':"))
    before, after = changed.split("quote_en: ", 1)[1].split(" -> ")
    assert before != after and before.endswith("old'") and after.endswith("new'")
