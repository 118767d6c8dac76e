"""Every class of bad input stops the build with file, line and field, and writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ai_openness.commands.cli import main
from ai_openness.safeio.write import write_atomically
from conftest import FIXTURES, snapshot

BROKEN = FIXTURES / "broken"

# case -> (file named, line named, words the message must contain)
CASES = {
    "source-hash-changed": ("sources/articles.yaml", 6, "SHA-256"),
    "quote-not-found": ("codings/stances/mini.yaml", 10, "not in the source text"),
    "quote-ambiguous": ("codings/stances/mini.yaml", 10, "occurs 3 times"),
    "duplicate-id": (
        "codings/organisations.yaml",
        7,
        "another row already has this primary key (organisation_id already used at codings/organisations.yaml:1)",
    ),
    "dangling-id": ("codings/stances/mini.yaml", 10, "no models row has model_id = grok-2"),
    "outside-vocabulary": ("codings/stances/mini.yaml", 9, "not in the column's vocabulary"),
    "impossible-date": ("codings/models.yaml", 4, "is not of the column's type (date)"),
    "unknown-argument": ("codings/stances/mini.yaml", 12, "not in the column's vocabulary"),
    "invalid-yaml": ("codings/people.yaml", 4, "not valid YAML"),
    "generated-column": ("codings/stances/mini.yaml", 11, "computed by the build"),
    "no-actor": ("codings/stances/mini.yaml", 3, "needs a person_id, an organisation_id or both"),
    "future-date": ("codings/stances/mini.yaml", 5, "in the future"),
    "yaml-alias": ("codings/people.yaml", 5, "uses a YAML alias"),
    "yaml-tag": ("codings/stances/mini.yaml", 12, "uses the YAML tag !!set"),
    "unquoted-colon": ("codings/stances/mini.yaml", 22, "put the value in quotes"),
    "aliases-as-text": ("codings/people.yaml", 5, "write it as a list: aliases: [杨乐昆, LeCun]"),
    "occurrence-as-text": ("codings/stances/mini.yaml", 21, "a whole number from 1"),
    "invisible-alias": ("codings/people.yaml", 7, "U+2800 BRAILLE PATTERN BLANK"),
    "quote-halfwidth-colon": (
        "codings/stances/mini.yaml",
        10,
        "the quote has ':' (U+003A COLON) where the source (offset 4) has '：' (U+FF1A",
    ),
    "stance-after-publication": ("codings/stances/mini.yaml", 15, "after the publication date of its source"),
    "article-bom": ("sources/articles.yaml", 5, "byte-order mark"),
    "article-crlf": ("sources/articles.yaml", 5, "CRLF (Windows) line endings"),
    "unlisted-article": ("sources/articles/extra.txt", None, "is not listed in sources/articles.yaml"),
    "article-path-outside": ("sources/articles.yaml", 5, "no stored text at this path inside sources/articles/"),
}


def test_every_broken_fixture_has_a_case():
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_input_is_located_and_nothing_is_written(case, mini: Path, capsys, audit):
    audit.active = False
    before = snapshot(mini)
    shutil.copytree(BROKEN / case, mini, dirs_exist_ok=True)
    outside = mini.parent / "outside"
    outside.mkdir()
    (outside / "canary.txt").write_text("outside the package\n", encoding="utf-8")
    capsys.readouterr()
    audit.active = True

    code = main(["build", "--root", str(mini)])

    audit.active = False
    touched = [p for p in audit.opened + audit.listed if Path(p).resolve().is_relative_to(outside.resolve())]
    assert touched == [], "read outside the package"
    assert audit.events == [], "network or process activity"

    err = capsys.readouterr().err
    file, line, words = CASES[case]
    assert code == 1
    assert f"  {file}{'' if line is None else f':{line}'}" in err, err
    assert words in err, err
    assert "Traceback" not in err and "internal error" not in err
    assert snapshot(mini) == before  # the previous good outputs are intact


def test_check_names_stale_files(mini: Path, capsys):
    stances = mini / "codings/stances/mini.yaml"
    stances.write_text(stances.read_text(encoding="utf-8").replace("Closed source.", "Closed."), encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--root", str(mini), "--check"]) == 1
    out = capsys.readouterr().out
    assert "data/stances.csv" in out and "data/stances.parquet" in out and "datapackage.json" in out
    assert "data/people.csv" not in out


def test_failed_write_leaves_previous_files(mini: Path, monkeypatch):

    before = snapshot(mini)
    stances = mini / "codings/stances/mini.yaml"
    stances.write_text(stances.read_text(encoding="utf-8").replace("Closed source.", "Closed."), encoding="utf-8")
    calls = {"n": 0}
    real = Path.write_bytes

    def failing(self, data):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(OSError):
        write_atomically(mini, {"data/stances.csv": b"x", "data/stances.parquet": b"y"})
    monkeypatch.undo()
    assert snapshot(mini) == before
    assert not list(mini.rglob(".*.tmp-*"))


def test_internal_error_is_reported_without_traceback(mini: Path, capsys, monkeypatch):
    import ai_openness.compile.pipeline as build

    monkeypatch.setattr(build, "render", lambda tables: 1 / 0)
    assert main(["build", "--root", str(mini)]) == 2
    err = capsys.readouterr().err
    assert "internal error" in err and "Traceback" not in err
