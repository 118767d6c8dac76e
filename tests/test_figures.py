"""The figures: drawn from the tables, current, byte-for-byte reproducible, readable offline
and in renderers without the CJK font. The figures are drawn once per session
(`figure_files` in conftest.py)."""

from __future__ import annotations

import base64
import calendar
import csv
import datetime as dt
import html
import html.parser
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ai_openness.contract import Contract
from ai_openness.safeio.installed import installed_contract
from conftest import FIGURES_GROUP, ROOT, headless_chromium

pytestmark = FIGURES_GROUP  # the figures are drawn once for the whole run

# ai_openness.figures imports its drawing libraries only when it draws.
pytest.importorskip("altair", reason="needs the figures extra (altair)")
pytest.importorskip("vl_convert", reason="needs the figures extra (vl-convert-python)")
figures = pytest.importorskip("ai_openness.views.figures", reason="needs the figures extra")
FIGURES_DIR = ROOT / figures.FIGURES_DIR
SVGS = [f"{f.name}.svg" for f in figures.FIGURES]
PAGES = [f"{f.name}.html" for f in figures.FIGURES]
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@pytest.fixture(scope="module")
def tables():
    from ai_openness import load

    return load()


def _schema_enum(table: str, field: str) -> list[str]:
    schema = json.loads((ROOT / "schema" / f"{table}.schema.json").read_text(encoding="utf-8"))
    return next(f["constraints"]["enum"] for f in schema["fields"] if f["name"] == field)


def test_committed_figures_are_byte_identical_to_a_fresh_drawing(figure_files):
    committed = {p.name: p.read_bytes() for p in FIGURES_DIR.iterdir()}
    assert sorted(committed) == sorted(figure_files), "docs/figures/ holds a file no figure draws, or misses one"
    stale = [name for name in figure_files if figure_files[name] != committed[name]]
    assert not stale, f"run `make` and commit docs/figures/: {stale}"


def test_every_figure_has_an_svg_and_an_html(figure_files):
    assert sorted(figure_files) == sorted(SVGS + PAGES)
    for name in SVGS:
        assert figure_files[name].startswith(b"<svg")
    for name in PAGES:
        assert figure_files[name].startswith(b"<!DOCTYPE html>")


def test_check_reports_a_stale_figure(figure_files, tmp_path: Path):
    assert sorted(figures.write(tmp_path, figure_files)) == sorted(figure_files)  # all new
    assert figures.write(tmp_path, figure_files, check=True) == []
    (tmp_path / "licence-matrix.svg").write_bytes(b"<svg/>")
    assert figures.write(tmp_path, figure_files, check=True) == ["licence-matrix.svg"]
    assert (tmp_path / "licence-matrix.svg").read_bytes() == b"<svg/>"  # --check writes nothing


def test_a_figure_is_drawn_again_only_when_its_page_records_another_specification(figure_files, tmp_path: Path):
    figures.write(tmp_path, figure_files)
    page = tmp_path / "licence-matrix.html"
    page.write_bytes(page.read_bytes().replace(b'"Apache-2.0"', b'"Apache-9.9"', 1))  # another specification
    (tmp_path / "arguments-by-position.svg").write_bytes(b"<svg/>")  # its page still records its specification
    _, changed = figures.generate(ROOT, out=tmp_path)
    assert changed == ["licence-matrix.html"]  # drawn again, to the committed bytes
    assert page.read_bytes() == figure_files["licence-matrix.html"]
    assert (tmp_path / "arguments-by-position.svg").read_bytes() == b"<svg/>"  # kept: its page says it is current
    _, stale = figures.generate(ROOT, out=tmp_path, check=True)  # --check draws everything
    assert stale == ["arguments-by-position.svg"]


# --- the HTML stands on its own ------------------------------------------------------


class _References(html.parser.HTMLParser):
    """Every URL-valued attribute, and the inline scripts, of a page."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href", "data", "srcset") and value]
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


@pytest.mark.parametrize("name", PAGES)
def test_html_loads_nothing_from_the_network(figure_files, name):
    page = figure_files[name].decode("utf-8")
    parser = _References()
    parser.feed(page)
    assert parser.urls == [], f"{name} refers to {parser.urls}"
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", page)
    # Vega, Vega-Lite and Vega-Embed are in the page itself.
    bundle = max(parser.scripts, key=len)
    assert "window.vegaEmbed=" in bundle and "window.vega=" in bundle and len(bundle) > 500_000


CHROMIUM_ABSENT = (
    "headless Chromium and chromedriver are not installed (Debian: apt-get install chromium chromium-driver)"
)


@pytest.fixture(scope="module")
def offline_browser(tmp_path_factory):
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if not (chromium and chromedriver):
        pytest.skip(CHROMIUM_ABSENT)
    pytest.importorskip("selenium.webdriver", reason="needs the test extra (selenium)")
    driver = headless_chromium(
        chromium,
        chromedriver,
        tmp_path_factory.mktemp("chromium-profile"),
        # No name resolves and no proxy answers: nothing can be fetched.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=http://127.0.0.1:9",
    )
    driver.set_script_timeout(30)
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
        yield driver
    finally:
        driver.quit()


@pytest.mark.parametrize("figure", figures.FIGURES, ids=lambda f: f.name)
def test_html_draws_the_chart_in_a_browser_with_the_network_off(figure_files, offline_browser, figure, tmp_path):
    from selenium.webdriver.support.ui import WebDriverWait

    page = tmp_path / f"{figure.name}.html"
    page.write_bytes(figure_files[page.name])
    offline_browser.get(page.as_uri())
    # The network is really off: the CDN the page used to load Vega from cannot be reached.
    reached = offline_browser.execute_async_script(
        "const done = arguments[0];"
        "fetch('https://cdn.jsdelivr.net/npm/vega').then(() => done(true), () => done(false));"
    )
    assert reached is False
    WebDriverWait(offline_browser, 30).until(
        lambda d: d.execute_script("return document.querySelectorAll('#vis svg .role-title-text text').length")
    )
    title = offline_browser.execute_script(
        "return document.querySelector('#vis svg .role-title-text text').textContent"
    )
    expected = json.loads(
        re.search(r'id="spec">(.*?)</script>', figure_files[page.name].decode(), re.S).group(1).replace("<\\/", "</")
    )["title"]["text"]
    assert title == expected
    marks = offline_browser.execute_script(
        "return document.querySelectorAll('#vis svg .mark-symbol path, #vis svg .mark-rect path').length"
    )
    assert marks > 10
    family = figures.cjk_font()[1]
    assert offline_browser.execute_script(f"return document.fonts.check('12px \"{family}\"')")
    offline_browser.save_screenshot(str(tmp_path / f"{figure.name}.png"))


# --- the SVG text is drawn without the CJK font ----------------------------------------


@pytest.mark.parametrize("name", SVGS)
def test_every_svg_font_family_ends_with_a_generic_family(figure_files, name):
    svg = figure_files[name].decode("utf-8")
    families = [html.unescape(f) for f in re.findall(r'font-family="([^"]*)"', svg)]
    assert families and all(f.replace(" ", "").endswith(",sans-serif") for f in families), set(families)


def _blank(svg: str) -> str:
    """The same SVG with every text emptied."""
    return re.sub(r"(<text[^>]*>).*?(</text>)", r"\1\2", svg, flags=re.S)


def _title_ink(png: bytes, blank_png: bytes) -> int:
    """Pixels of the title band (the top 34 px) that the text changes."""
    from PIL import Image, ImageChops

    drawn, blank = (Image.open(io.BytesIO(p)).convert("L") for p in (png, blank_png))
    band = ImageChops.difference(drawn, blank).crop((0, 0, drawn.width, 34))
    return sum(1 for value in band.tobytes() if value > 64)


def _vl_convert_png(svg: str) -> bytes:
    # A fresh process, so vl-convert has not been told where the CJK font is: as on a
    # reader's machine, the text must fall back to a sans-serif font.
    code = (
        "import sys, vl_convert; sys.stdout.buffer.write("
        "vl_convert.svg_to_png(sys.stdin.buffer.read().decode('utf-8')))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], input=svg.encode("utf-8"), capture_output=True, check=True, timeout=120
    ).stdout


@pytest.mark.parametrize("name", SVGS)
def test_svg_titles_are_drawn_by_cairosvg_and_vl_convert(figure_files, name):
    cairosvg = pytest.importorskip("cairosvg", reason="needs the test extra (cairosvg)")
    svg = figure_files[name].decode("utf-8")
    title = re.search(r"role-title-text.*?<text[^>]*>([^<]+)</text>", svg, re.S).group(1)
    assert len(title) > 20
    for renderer, draw in (
        ("cairosvg", lambda s: cairosvg.svg2png(bytestring=s.encode("utf-8"))),
        ("vl-convert", _vl_convert_png),
    ):
        ink = _title_ink(draw(svg), draw(_blank(svg)))
        assert ink > 10 * len(title), f"{renderer} drew {ink} pixels of the title {title!r} of {name}"


def _svg_texts(svg: str) -> list[str]:
    from xml.dom import minidom

    def text_of(node):
        return "".join(n.data if n.nodeType == n.TEXT_NODE else text_of(n) for n in node.childNodes)

    return [text_of(t) for t in minidom.parseString(svg).getElementsByTagName("text")]


@pytest.mark.parametrize("name", SVGS)
def test_embedded_font_has_every_glyph_the_svg_shows(figure_files, name):
    from fontTools.ttLib import TTFont

    svg = figure_files[name].decode("utf-8")
    match = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", svg)
    cmap = TTFont(io.BytesIO(base64.b64decode(match.group(1)))).getBestCmap()
    shown = "".join(_svg_texts(svg))  # multi-line subtitles (<tspan>) included
    assert "●" in shown or name != "stance-timeline.svg"
    assert not {c for c in shown if ord(c) not in cmap}


# --- the timeline -------------------------------------------------------------------


def _spec(page: bytes) -> dict:
    return json.loads(
        re.search(r'<script type="application/json" id="spec">(.*?)</script>', page.decode(), re.S)
        .group(1)
        .replace("<\\/", "</")
    )


def _walk(node, key: str) -> list:
    if isinstance(node, dict):
        return ([node[key]] if key in node else []) + [x for v in node.values() for x in _walk(v, key)]
    if isinstance(node, list):
        return [x for v in node for x in _walk(v, key)]
    return []


def test_timeline_html_has_quotes_in_both_languages_as_tooltips(figure_files, tables):
    page = figure_files["stance-timeline.html"]
    spec = _spec(page)
    tooltip_fields = {t["field"] for tooltips in _walk(spec, "tooltip") if isinstance(tooltips, list) for t in tooltips}
    assert {"quote", "quote_en", "when", "actor"} <= tooltip_fields
    rows = {
        r["stance_id"]: r
        for values in _walk(spec, "values")
        if isinstance(values, list)
        for r in values
        if isinstance(r, dict) and "stance_id" in r
    }
    stance = tables["stances"].set_index("stance_id").loc["elon-musk-2024-03-24-names-opposite"]
    assert rows["elon-musk-2024-03-24-names-opposite"]["quote"] == stance["quote"]
    assert rows["elon-musk-2024-03-24-names-opposite"]["quote_en"] == stance["quote_en"]
    # Every character a tooltip can show is in the page's embedded font.
    from fontTools.ttLib import TTFont

    data = re.search(rb"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", page).group(1)
    cmap = TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()
    shown = "".join(r["quote"] + r["actor"] for r in rows.values())
    assert CJK.search(shown) and not {c for c in shown if ord(c) not in cmap}


def test_timeline_lanes_are_named_as_the_tables_name_them_in_one_script(tables):
    rows, lanes, caption = figures.timeline_rows(tables)
    stances = tables["stances"]
    counted = stances[stances["repeats"].isna()]
    # A stance is in its organisation's lane when it has one (a spokesperson's too), else its person's.
    lane = counted["organisation_id"].fillna(counted["person_id"])
    names = dict(zip(tables["people"]["person_id"], tables["people"]["name"]))
    names |= dict(zip(tables["organisations"]["organisation_id"], tables["organisations"]["name"]))
    assert sorted(lanes) == sorted(names[a] for a, n in lane.value_counts().items() if n >= 2)
    assert "Elon Musk" in lanes and "OpenAI" in lanes and not any(CJK.search(lane) for lane in lanes)
    assert caption["drawn"] + caption["undated_in_lanes"] + caption["single_stances"] == len(counted)
    assert caption["repeats"] == len(stances) - len(counted) == 1
    assert caption["undated_in_lanes"] == sum(1 for r in rows if not r["dated"]) > 0


def test_timeline_draws_spokespeople_in_their_organisations_lane_and_each_statement_once(tables):
    rows = {r["stance_id"]: r for r in figures.timeline_rows(tables)[0]}
    altman = rows["sam-altman-2025-wrong-side-of-history"]
    assert (altman["actor"], altman["speaker"], altman["spoken"]) == ("OpenAI", "Sam Altman", True)
    assert rows["openai-2019-closes-source"]["speaker"] == "" and not rows["openai-2019-closes-source"]["spoken"]
    assert "Sam Altman" not in {r["actor"] for r in rows.values()}  # both his stances speak for OpenAI
    # The tweet of 17 February 2023 is drawn once, from its primary report.
    assert "elon-musk-2023-02-17-closed-for-profit" in rows
    assert "elon-musk-2023-02-17-closed-source-max-profit" not in rows


def test_timeline_marks_each_change_between_its_two_stances(tables, figure_files):
    rows, lanes, caption = figures.timeline_rows(tables)
    drawn = {r["stance_id"]: r for r in rows}
    labels = figures.actor_labels(tables)
    arrows = figures.change_rows(tables, drawn, labels, set(lanes))
    with open(ROOT / "data/position_changes.csv", encoding="utf-8", newline="") as handle:
        changes = list(csv.DictReader(handle))
    assert len(arrows) == caption["changes"] == len(changes) == 4  # every change of the package has a lane
    for arrow, change in zip(
        sorted(arrows, key=lambda a: a["later"]), sorted(changes, key=lambda c: c["to_stance_id"]), strict=True
    ):
        assert arrow["later"] == change["to_stance_id"] and arrow["earlier"] == change["from_stance_ids"]
        assert arrow["actor"] == labels[change["actor_id"]]
        assert (
            arrow["x0"] == drawn[change["from_stance_id"]]["x1"] and arrow["x1"] == drawn[change["to_stance_id"]]["x0"]
        )
        assert arrow["change"] == f"{change['from_position']} → {change['to_position']}"
    spec = _spec(figure_files["stance-timeline.html"])
    shown = [
        r
        for values in _walk(spec, "values")
        if isinstance(values, list)
        for r in values
        if isinstance(r, dict) and "change" in r
    ]
    assert {r["later"] for r in shown} == {c["to_stance_id"] for c in changes}


def _last_day(date: dt.date, precision: str) -> dt.date:
    if precision == "year":
        return dt.date(date.year, 12, 31)
    if precision == "month":
        return dt.date(date.year, date.month, calendar.monthrange(date.year, date.month)[1])
    return date


def test_timeline_draws_each_stance_over_its_whole_period(tables):
    rows = {r["stance_id"]: r for r in figures.timeline_rows(tables)[0]}
    month = rows["elon-musk-2024-02-sues-openai"]  # 2024-02, month precision
    year = rows["openai-2019-closes-source"]  # 2019, year precision
    day = rows["elon-musk-2024-03-24-names-opposite"]  # a day
    assert month["precision"] == "month" and month["when"] == "2024-02 (month)"
    assert month["x0"] == pytest.approx(2024 + 31 / 366) and month["x1"] == pytest.approx(2024 + 60 / 366)
    assert year["x0"] == 2019 and year["x1"] == 2020 and year["when"] == "2019 (year)"
    assert day["x1"] - day["x0"] == pytest.approx(1 / 366, abs=1e-5)  # coordinates are rounded
    # Every dated stance spans from its date to the end of the last day it can mean.
    stances = tables["stances"].set_index("stance_id")
    for stance_id, row in rows.items():
        if row["dated"]:
            stance = stances.loc[stance_id]
            last = _last_day(stance["date"].date(), str(stance["date_precision"]))
            end = last + dt.timedelta(days=1)
            year_days = 366 if calendar.isleap(end.year) else 365
            assert row["x1"] == pytest.approx(end.year + (end.timetuple().tm_yday - 1) / year_days, abs=1e-5)


def test_timeline_axis_ends_just_after_the_last_stance(tables, figure_files):
    rows = [r for r in figures.timeline_rows(tables)[0] if r["dated"]]
    start, end, ticks = figures.time_domain(rows)
    last = max(r["x1"] for r in rows)
    assert last < end <= last + 0.25
    assert ticks[-1] <= end < ticks[-1] + 1 and ticks[0] == start
    # The drawn axis: year labels up to the year the last stance ends in, not one more.
    texts = _svg_texts(figure_files["stance-timeline.svg"].decode("utf-8"))
    years = sorted(int(t) for t in texts if re.fullmatch(r"\d{4}", t))
    # (the last label is the start of the year the axis ends in: no empty year follows it)
    assert years == ticks and last - 1 < years[-1] <= last + 0.25


def test_timeline_marks_in_a_lane_never_overlap(tables):
    rows = [r for r in figures.timeline_rows(tables)[0] if r["dated"]]
    for a in rows:
        for b in rows:
            if a is not b and a["actor"] == b["actor"] and a["slot"] == b["slot"]:
                assert a["x1"] <= b["x0"] or b["x1"] <= a["x0"], (a["stance_id"], b["stance_id"])


# --- vocabularies come from the schema ---------------------------------------------------


def test_position_colours_follow_the_schema(figure_files):
    positions = _schema_enum("stances", "position")
    for page in ("stance-timeline.html", "arguments-by-position.html"):
        domains = [
            s["domain"]
            for s in _walk(_spec(figure_files[page]), "scale")
            if isinstance(s, dict) and "domain" in s and "open" in s["domain"]
        ]
        assert domains and all(d == positions for d in domains)


def test_a_value_the_schema_adds_is_drawn_not_dropped(tables):
    """A position or an access value the schema adds is drawn, not dropped or fatal."""
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            if (resource["name"], field["name"]) in (("stances", "position"), ("models", "access")):
                field["constraints"]["enum"] = field["constraints"]["enum"] + ["torrent"]
    contract = Contract.from_descriptor(descriptor)
    colours = figures.position_colours(contract)
    assert list(colours) == [*_schema_enum("stances", "position"), "torrent"]
    assert len(set(colours.values())) == len(colours)
    models = tables["models"].copy()
    models["access"] = models["access"].cat.add_categories(["torrent"])
    models.loc[models.index[0], "access"] = "torrent"
    cells = figures.licence_cells({**tables, "models": models}, contract)
    name = models.iloc[0]["name"]
    cell = next(c for c in cells if c["model"].startswith(name + " · ") and c["term"] == "weights released")
    assert (cell["value"], cell["kind"]) == ("torrent", "unknown")


# --- the licence matrix and the arguments -------------------------------------------------


def test_licence_matrix_shows_empty_cells_as_unknown_not_no(tables):
    cells = {(c["model"].split(" · ")[0], c["term"]): c for c in figures.licence_cells(tables, installed_contract())}
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
    """Counted over the stances that are not a second report (read with the csv module)."""
    rows = figures.argument_counts(tables)
    with open(ROOT / "data/stances.csv", encoding="utf-8", newline="") as handle:
        stances = {r["stance_id"]: r for r in csv.DictReader(handle)}
    with open(ROOT / "data/stance_arguments.csv", encoding="utf-8", newline="") as handle:
        arguments = [r for r in csv.DictReader(handle) if not stances[r["stance_id"]]["repeats"]]
    assert sum(r["stances"] for r in rows) == len(arguments) < len(tables["stance_arguments"])
    safety_closed = next(r for r in rows if r["argument"] == "safety" and r["position"] == "closed")
    assert safety_closed["stances"] == sum(
        a["argument"] == "safety" and stances[a["stance_id"]]["position"] == "closed" for a in arguments
    )
    mission_open = next(r for r in rows if r["argument"] == "mission" and r["position"] == "open")
    assert mission_open["stances"] == sum(
        a["argument"] == "mission" and stances[a["stance_id"]]["position"] == "open" for a in arguments
    )


def test_a_name_cannot_end_or_comment_out_the_script_that_holds_the_chart():
    # In a <script> element the HTML parser leaves its data state only at a "<": "</script"
    # ends the element early, "<!--" then "<script" makes the page's own </script> not end it
    # (the chart is never drawn). So no "<" may reach the page, and JSON.parse gets every
    # name back as it was.
    from ai_openness.views.figures.render import script_json

    names = {"person": "Elon <!--<script>", "note": "</script><img src=x onerror=alert(1)>", "plain": "a < b"}
    text = script_json(names)
    assert "<" not in text
    assert json.loads(text) == names


def test_a_package_whose_actors_have_one_stance_each_gets_its_figures(built_mini: Path, tmp_path: Path):
    """The small test package has no actor with two stances: the timeline says so instead of
    failing on an empty axis."""
    from ai_openness.commands.cli import main

    out = tmp_path / "figures"
    assert main(["figures", "--root", str(built_mini), "--out", str(out), "--quiet"]) == 0
    svg = (out / "stance-timeline.svg").read_text(encoding="utf-8")
    assert "No actor has two or more stances to draw." in html.unescape(svg)
