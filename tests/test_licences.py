"""The licences are written down, and the four metadata files name the same ones."""

from __future__ import annotations

import json
import re
import tomllib

import pytest
import yaml

from conftest import ROOT

pytestmark = pytest.mark.data  # reads the package's own data, codings or sources

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
LICENCES = DESCRIPTOR["licenses"]
DATA_LICENCE = (ROOT / "LICENSE-DATA.md").read_text(encoding="utf-8")


def _spdx_ids(text: str) -> set[str]:
    return set(re.findall(r"\bCC-BY(?:-NC)?(?:-SA)?-4\.0\b", text, re.IGNORECASE))


def _plain(name: str) -> str:
    return re.sub(r"[\s-]+", "", name).lower()  # "CC BY-NC-SA 4.0" and "CC-BY-NC-SA-4.0" alike


def test_code_licence_is_the_mit_text_pyproject_names():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"].split(" AND ")[0] == "MIT"
    assert {"LICENSE", "LICENSE-DATA.md"} <= set(project["license-files"])
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n") and "Permission is hereby granted, free of charge" in text


def test_the_four_metadata_files_name_the_same_licences():
    names = [licence["name"] for licence in LICENCES]
    urls = [licence["path"] for licence in LICENCES]
    assert names[0] == "CC-BY-4.0" and len(set(names)) == len(names)
    parquet = json.loads((ROOT / "datapackage.parquet.json").read_text(encoding="utf-8"))
    assert parquet["licenses"] == LICENCES

    croissant = json.loads((ROOT / "croissant.json").read_text(encoding="utf-8"))
    assert (croissant["license"] if isinstance(croissant["license"], list) else [croissant["license"]]) == urls

    # CITATION.cff reads a list of licences as a choice between them, and Zenodo takes one:
    # both carry the package's licence as their licence and name every licence in their text.
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["license"] == names[0]
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert zenodo["license"] == names[0].lower()
    for text in (cff["message"], zenodo["notes"]):
        assert {n.lower() for n in _spdx_ids(text)} == {n.lower() for n in names}
        assert all(url in text for url in urls)


def test_licence_files_cover_every_licence_the_descriptor_names():
    for licence in LICENCES:
        assert licence["path"] in DATA_LICENCE, licence["name"]
    assert {n.lower() for n in _spdx_ids(DATA_LICENCE)} == {licence["name"].lower() for licence in LICENCES}


def _block(text: str, name: str) -> str:
    return text.split(f"<!-- generated:{name} -->\n", 1)[1].split(f"<!-- /generated:{name} -->", 1)[0]


def test_every_list_of_the_stored_articles_is_the_one_articles_yaml_gives():
    articles = yaml.safe_load((ROOT / "sources/articles.yaml").read_text(encoding="utf-8"))
    stated = {a["source_id"]: a["licence"] for a in articles if a.get("licence")}
    without = sorted(a["source_id"] for a in articles if not a.get("licence"))
    assert stated, "no stored article states a licence; LICENSE-DATA.md says one does"
    lists = {
        "LICENSE-DATA.md": _block(DATA_LICENCE, "stored-articles"),
        "sources/README.md": _block((ROOT / "sources/README.md").read_text(encoding="utf-8"), "stored-articles"),
        "README.md": _block((ROOT / "README.md").read_text(encoding="utf-8"), "articles"),
    }
    for document, text in lists.items():
        for source_id, licence in stated.items():
            line = next(line for line in text.splitlines() if f"`{source_id}`" in line)
            assert licence in line, (document, source_id, licence)
        if document != "README.md":  # the README counts them; the other two name each one
            line = next(line for line in text.splitlines() if "state no licence" in line or "states no licence" in line)
            assert re.findall(r"`([0-9a-z_]+)`", line) == without, document
    # The README's count and scripts, from the YAML.
    assert f"**Stored articles:** {len(articles)} (" in lists["README.md"]
    assert f"{len(without)} state{'s' if len(without) == 1 else ''} none" in lists["README.md"]
    for source_id, licence in stated.items():
        # The descriptor's second licence is the one the article states.
        assert any(
            source_id in entry.get("title", "") and _plain(entry["name"]) == _plain(licence) for entry in LICENCES
        ), (source_id, licence)
