"""The figures: drawn from the tables, current, byte-for-byte reproducible, Chinese rendered."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from ai_openness.contract import Contract
from conftest import ROOT

figures = pytest.importorskip("ai_openness.figures", reason="needs the figures extra")
FIGURES_DIR = ROOT / figures.FIGURES_DIR


@pytest.fixture(scope="module")
def tables():
    from ai_openness import load

    return load()


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("figures")
    sizes, changed = figures.generate(ROOT, out)
    assert sorted(changed) == sorted(sizes)  # an empty directory: every file is written
    return out


def test_committed_figures_are_byte_identical_to_a_fresh_drawing(regenerated: Path):
    fresh = {p.name: p.read_bytes() for p in regenerated.iterdir()}
    committed = {p.name: p.read_bytes() for p in FIGURES_DIR.iterdir()}
    assert sorted(committed) == sorted(fresh), "docs/figures/ holds a file no figure draws, or misses one"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"run `make` and commit docs/figures/: {stale}"


def test_every_figure_has_an_svg_and_an_html(regenerated: Path):
    for figure in figures.FIGURES:
        assert (regenerated / f"{figure.name}.svg").read_bytes().startswith(b"<svg")
        assert b"<!DOCTYPE html>" in (regenerated / f"{figure.name}.html").read_bytes()


def test_check_reports_a_stale_figure(regenerated: Path, tmp_path: Path):
    for file in regenerated.iterdir():
        (tmp_path / file.name).write_bytes(file.read_bytes())
    assert figures.generate(ROOT, tmp_path, check=True)[1] == []
    (tmp_path / "licence-matrix.svg").write_bytes(b"<svg/>")
    assert figures.generate(ROOT, tmp_path, check=True)[1] == ["licence-matrix.svg"]
    assert (tmp_path / "licence-matrix.svg").read_bytes() == b"<svg/>"  # --check writes nothing


def _embedded_font(document: str):
    from fontTools.ttLib import TTFont

    match = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", document)
    assert match, "no embedded font"
    return TTFont(io.BytesIO(base64.b64decode(match.group(1))))


def test_timeline_svg_draws_chinese_names_with_the_embedded_cjk_font(regenerated: Path):
    svg = (regenerated / "stance-timeline.svg").read_text(encoding="utf-8")
    texts = [t for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    assert "Elon Musk 马斯克" in texts
    assert any(re.search(r"[\u4e00-\u9fff]", t) for t in texts)
    family = figures.cjk_font()[1]
    assert f'font-family="{family}"' in svg
    assert f'font-family:"{family}"' in svg  # the @font-face that the text uses
    cmap = _embedded_font(svg).getBestCmap()
    missing = {c for c in "".join(texts) if ord(c) not in cmap}
    assert not missing, f"glyphs missing from the embedded font: {missing}"


def _spec(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="spec">(.*?)</script>', html, re.S)
                      .group(1).replace("<\\/", "</"))


def _datasets(spec: dict) -> list[dict]:
    rows = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("values"), list):
                rows.extend(v for v in node["values"] if isinstance(v, dict))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return rows + [r for values in spec.get("datasets", {}).values() for r in values]


def test_timeline_html_has_quotes_in_both_languages_as_tooltips(regenerated: Path, tables):
    html = (regenerated / "stance-timeline.html").read_text(encoding="utf-8")
    spec = _spec(html)
    tooltip_fields = {t["field"] for t in _tooltips(spec)}
    assert {"quote", "quote_en", "when", "actor"} <= tooltip_fields
    rows = {r["stance_id"]: r for r in _datasets(spec) if "stance_id" in r}
    stance = tables["stances"].set_index("stance_id").loc["elon-musk-2024-03-24-names-opposite"]
    assert rows["elon-musk-2024-03-24-names-opposite"]["quote"] == stance["quote"]
    assert rows["elon-musk-2024-03-24-names-opposite"]["quote_en"] == stance["quote_en"]
    assert "马斯克" in html
    # Every character the page can show is in its embedded font, tooltips included.
    cmap = _embedded_font(html).getBestCmap()
    shown = "".join(r["quote"] + r["actor"] for r in rows.values())
    assert not {c for c in shown if ord(c) not in cmap}


def _tooltips(node) -> list[dict]:
    found = []
    if isinstance(node, dict):
        tooltip = node.get("encoding", {}).get("tooltip") if isinstance(node.get("encoding"), dict) else None
        if isinstance(tooltip, list):
            found += tooltip
        for value in node.values():
            found += _tooltips(value)
    elif isinstance(node, list):
        for value in node:
            found += _tooltips(value)
    return found


def test_timeline_lanes_are_the_actors_with_two_or_more_stances(tables):
    rows, lanes, caption = figures.timeline_rows(tables)
    stances = tables["stances"]
    actor = stances["person_id"].fillna(stances["organisation_id"])
    counts = actor.value_counts()
    labels = figures._actor_labels(tables)
    assert sorted(lanes) == sorted(labels[a] for a, n in counts.items() if n >= 2)
    assert caption["drawn"] + caption["undated_in_lanes"] + caption["single_stances"] == len(stances)
    assert caption["undated_in_lanes"] == sum(1 for r in rows if not r["dated"]) > 0


def test_timeline_shows_date_precision(tables):
    rows = {r["stance_id"]: r for r in figures.timeline_rows(tables)[0]}
    month = rows["elon-musk-2024-02-sues-openai"]        # 2024-02, month precision
    year = rows["openai-2019-closes-source"]              # 2019, year precision
    day = rows["elon-musk-2024-03-24-names-opposite"]     # a day
    assert month["precision"] == "month" and month["when"] == "2024-02 (month)"
    assert month["x0"] == pytest.approx(2024 + 31 / 366) and month["x1"] == pytest.approx(2024 + 60 / 366)
    assert year["x0"] == 2019 and year["x1"] == 2020 and year["when"] == "2019 (year)"
    assert day["x1"] - day["x0"] == pytest.approx(1 / 366, abs=1e-5)  # coordinates are rounded
    # In the chart, month and year stances are bars from x0 to x1; day stances are points.
    spec = figures._config(figures.stance_timeline(tables, Contract.installed())).to_dict()
    layers = spec["hconcat"][0]["layer"]
    marks = {layer["transform"][0]["filter"]: (layer["mark"]["type"], layer["encoding"]) for layer in layers}
    assert marks["datum.precision == 'year'"][0] == "bar" and marks["datum.precision == 'year'"][1]["x2"]
    assert marks["datum.precision == 'month'"][0] == "bar" and marks["datum.precision == 'month'"][1]["x2"]
    assert marks["datum.precision == 'day'"][0] == "point"


def test_timeline_marks_in_a_lane_never_overlap(tables):
    rows = [r for r in figures.timeline_rows(tables)[0] if r["dated"]]
    for a in rows:
        for b in rows:
            if a is not b and a["actor"] == b["actor"] and a["slot"] == b["slot"]:
                assert a["x1"] <= b["x0"] or b["x1"] <= a["x0"], (a["stance_id"], b["stance_id"])


def test_licence_matrix_shows_empty_cells_as_unknown_not_no(tables):
    cells = {(c["model"].split(" · ")[0], c["term"]): c for c in figures.licence_cells(tables, Contract.installed())}
    models = tables["models"].set_index("name")
    licences = tables["licences"].set_index("licence_id")
    # Gemma's licence has no checked OSI status: unknown, never "no".
    assert pd.isna(licences.loc["LicenseRef-Gemma-Terms-of-Use", "osi_approved"])
    assert cells[("Gemma", "OSI approved")]["value"] == "unknown"
    assert cells[("Gemma", "OSI approved")]["kind"] == "unknown"
    # Llama 2: a checked "no", and its user limit.
    assert cells[("Llama 2", "OSI approved")]["value"] == "no"
    assert cells[("Llama 2", "user limit")]["value"] == "700M monthly users"
    # A model whose access is not verified is unknown in every column.
    unverified = models.index[models["access"].isna()]
    assert len(unverified) > 0
    for name in unverified:
        assert {cells[(name, term)]["value"] for term in figures.TERMS} == {"unknown"}
    # An API-only model has no weights, so no licence term applies.
    assert cells[("GPT-4", "weights released")]["value"] == "no (API only)"
    assert cells[("GPT-4", "commercial use")]["kind"] == "not applicable"
    assert len(cells) == len(models) * len(figures.TERMS)


def test_argument_counts_add_up_to_the_stance_arguments(tables):
    rows = figures.argument_counts(tables)
    assert sum(r["stances"] for r in rows) == len(tables["stance_arguments"])
    safety_closed = next(r for r in rows if r["argument"] == "safety" and r["position"] == "closed")
    joined = tables["stance_arguments"].join(tables["stances"].set_index("stance_id"), on="stance_id")
    assert safety_closed["stances"] == ((joined["argument"] == "safety") & (joined["position"] == "closed")).sum()
