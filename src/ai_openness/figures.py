"""Figures drawn from the tables: a stance timeline, a licence matrix, arguments by position.

Each figure is one Vega-Lite specification (built with Altair), rendered two ways:

- `NAME.svg` by vl-convert, with a subset of the CJK font embedded as an @font-face, so
  the Chinese names render in any viewer, not only where a CJK font is installed;
- `NAME.html`, the same chart in a web page (Vega-Embed) with tooltips that carry the data
  behind each mark (for the timeline: the quote in its original script and in English).

The font is Noto Sans CJK (SIL Open Font License 1.1), installed from PyPI with the
`figures` extra. Output is deterministic: the same tables and library versions give the
same bytes, so `ai-openness figures --check` can tell a stale figure from a current one.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .contract import Contract

FIGURES_DIR = "docs/figures"
# Colours of the positions (the vocabulary of stances.position, in its documented order) are
# colour-blind-safe (Okabe-Ito). A position the schema adds gets the next spare colour.
POSITION_COLOURS = {"open": "#009E73", "closed": "#D55E00", "mixed": "#CC79A7", "neutral": "#999999"}
SPARE_COLOURS = ("#0072B2", "#E69F00", "#56B4E9", "#F0E442", "#000000")
# Licence-matrix cells: how much a term leaves the model open to use, and "unknown" for an
# empty cell that the schema does not give a meaning to, so that no gap reads as "no".
CELL_KINDS = {
    "open": "#8fd3b6",
    "conditional": "#f6d08b",
    "closed": "#f2a07b",
    "unknown": "#ececec",
    "not applicable": "#ffffff",
}


@dataclass(frozen=True)
class Figure:
    name: str
    title: str
    chart: Callable  # (tables, contract) -> altair chart


def position_colours(contract: Contract) -> dict[str, str]:
    """Position -> colour, for every value of stances.position in the contract's order."""
    spare = iter(c for c in SPARE_COLOURS if c not in POSITION_COLOURS.values())
    return {value: POSITION_COLOURS.get(value) or next(spare, "#777777")
            for value in contract.vocabulary("stances", "position")}


# --- fonts ---------------------------------------------------------------------------

@lru_cache(maxsize=None)
def cjk_font() -> tuple[Path, str]:
    """Path and family name of the CJK font the `figures` extra installs."""
    try:
        import cvttf_NotoSansCJK_Regular as noto
    except ImportError:
        raise RuntimeError("the CJK font is not installed; install the figures extra: "
                           "pip install 'ai-openness[figures]'") from None
    from fontTools.ttLib import TTFont

    path = Path(noto.get_TTF_path())
    with TTFont(path, lazy=True) as font:
        # The typographic family (name 16) when there is one: name 1 of a CJK font often
        # carries the weight too ("Noto Sans CJK TC Regular"), which renderers do not match.
        family = font["name"].getDebugName(16) or font["name"].getDebugName(1)
    return path, family


@lru_cache(maxsize=None)
def _register_font() -> None:
    import vl_convert

    # Text is measured and laid out with the same font the SVG embeds, on every machine.
    vl_convert.register_font_directory(str(cjk_font()[0].parent))


def font_face(text: str) -> str:
    """A CSS @font-face holding only the glyphs of `text`, as a base64 WOFF data URI."""
    from fontTools import subset

    path, family = cjk_font()
    options = subset.Options()
    options.flavor = "woff"
    options.name_IDs = ["*"]  # keep the copyright and licence records with the glyphs
    options.name_languages = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(path), options, lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text) | {" "})))
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'@font-face{{font-family:"{family}";'
            f'src:url(data:font/woff;base64,{data}) format("woff");}}')


def _svg_text(svg: str) -> str:
    return "".join(html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg))


def _embed_font(svg: str) -> str:
    style = f"<defs><style>{font_face(_svg_text(svg))}</style></defs>"
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + style, svg, count=1)


# --- data ---------------------------------------------------------------------------

def _actor_labels(tables: dict) -> dict[str, str]:
    """Display name of every person and organisation: English name, then Chinese name."""
    labels = {}
    for table, key in (("people", "person_id"), ("organisations", "organisation_id")):
        frame = tables[table]
        for row in frame.itertuples(index=False):
            ident, name, name_zh = getattr(row, key), row.name, row.name_zh
            labels[ident] = f"{name} {name_zh}" if isinstance(name_zh, str) and name_zh else name
    return labels


def _year_fraction(date) -> float:
    import pandas as pd

    start = pd.Timestamp(year=date.year, month=1, day=1)
    days = 366 if date.is_leap_year else 365
    return round(date.year + (date - start).days / days, 6)


def _period_end(date, precision: str):
    import pandas as pd

    if precision == "year":
        return pd.Timestamp(year=date.year + 1, month=1, day=1)
    if precision == "month":
        return date + pd.offsets.MonthBegin(1)
    return date + pd.Timedelta(days=1)


def _date_label(date, precision: str) -> str:
    shown = date.strftime({"year": "%Y", "month": "%Y-%m"}.get(precision, "%Y-%m-%d"))
    return f"{shown} ({precision})"


def _pack(items: list[dict], gap: float) -> int:
    """Give each item the lowest row (slot) in its lane where it overlaps nothing; return
    the number of slots used. Items are dicts with x0 and x1 (in years)."""
    ends: list[float] = []
    for item in sorted(items, key=lambda i: (i["x0"], i["stance_id"])):
        for slot, end in enumerate(ends):
            if end + gap <= item["x0"]:
                break
        else:
            slot = len(ends)
            ends.append(float("-inf"))
        ends[slot] = max(item["x1"], item["x0"] + gap)
        item["slot"] = slot
    return len(ends)


def timeline_rows(tables: dict) -> tuple[list[dict], list[str], dict]:
    """The marks of the timeline, the lane order, and counts for its caption."""
    import pandas as pd

    stances = tables["stances"]
    labels = _actor_labels(tables)
    actor = stances["person_id"].fillna(stances["organisation_id"])
    counts = actor.value_counts()
    lane_actors = sorted(a for a, n in counts.items() if n >= 2)
    rows = []
    for stance, who in zip(stances.itertuples(index=False), actor):
        if who not in lane_actors:
            continue
        dated = not pd.isna(stance.date)
        precision = str(stance.date_precision) if dated else None
        row = {
            "stance_id": stance.stance_id, "actor": labels[who], "position": str(stance.position),
            "dated": dated, "precision": precision or "undated",
            "when": _date_label(stance.date, precision) if dated else "undated",
            "kind": str(stance.kind), "attribution": str(stance.attribution),
            "quote": stance.quote, "quote_en": stance.quote_en, "source": stance.source_id,
        }
        if dated:
            row["x0"] = _year_fraction(stance.date)
            row["x1"] = _year_fraction(_period_end(stance.date, precision))
            row["mid"] = round((row["x0"] + row["x1"]) / 2, 6)
        rows.append(row)
    # Lanes in order of each actor's first dated stance; undated-only actors last.
    first = {}
    for row in rows:
        key = row["x0"] if row["dated"] else float("inf")
        first[row["actor"]] = min(first.get(row["actor"], float("inf")), key)
    lanes = sorted(first, key=lambda a: (first[a], a))
    slots = 1
    for lane in lanes:
        dated = [r for r in rows if r["actor"] == lane and r["dated"]]
        slots = max(slots, _pack(dated, gap=0.12))
        for i, r in enumerate(sorted((r for r in rows if r["actor"] == lane and not r["dated"]),
                                     key=lambda r: r["stance_id"])):
            r["slot"] = i
    caption = {
        "stances": len(stances), "drawn": sum(r["dated"] for r in rows),
        "undated_in_lanes": sum(not r["dated"] for r in rows),
        "single_actors": int((counts < 2).sum()), "single_stances": int(counts[counts < 2].sum()),
        "slots": slots, "undated_slots": max([r["slot"] + 1 for r in rows if not r["dated"]] or [1]),
    }
    return rows, lanes, caption


# --- charts -------------------------------------------------------------------------

def _position_colour(alt, contract: Contract, legend: bool = True):
    colours = position_colours(contract)
    return alt.Color("position:N", title="position",
                     scale=alt.Scale(domain=list(colours), range=list(colours.values())),
                     legend=alt.Legend(orient="top", symbolOpacity=1) if legend else None)


def stance_timeline(tables: dict, contract: Contract):
    import altair as alt

    rows, lanes, n = timeline_rows(tables)
    dated = [r for r in rows if r["dated"]]
    undated = [r for r in rows if not r["dated"]]
    step = max(26, 9 * n["slots"])
    lo = int(min(r["x0"] for r in dated))
    hi = int(max(r["x1"] for r in dated)) + 1
    y = alt.Y("actor:N", sort=lanes, title=None, axis=alt.Axis(labelLimit=320, labelFontSize=12))
    tooltip = [alt.Tooltip(f"{f}:N", title=t) for f, t in (
        ("actor", "actor"), ("when", "date"), ("position", "position"), ("kind", "kind"),
        ("attribution", "attribution"), ("quote", "quote"), ("quote_en", "quote (English)"),
        ("source", "source"), ("stance_id", "stance"))]
    base = alt.Chart(alt.Data(values=dated)).encode(
        y=y, yOffset=alt.YOffset("slot:O", scale=alt.Scale(domain=list(range(n["slots"])))),
        color=_position_colour(alt, contract), tooltip=tooltip)
    x = alt.X("x0:Q", title=None, scale=alt.Scale(domain=[lo, hi], nice=False),
              axis=alt.Axis(values=list(range(lo, hi + 1)), format="d", grid=True, labelFontSize=11))
    years = base.transform_filter("datum.precision == 'year'").mark_bar(
        opacity=0.3, strokeWidth=1.2, strokeDash=[3, 2]).encode(
        x=x, x2="x1:Q", stroke=_position_colour(alt, contract, legend=False))
    months = base.transform_filter("datum.precision == 'month'").mark_bar(
        opacity=0.95).encode(x=x, x2="x1:Q")
    days = base.transform_filter("datum.precision == 'day'").mark_point(
        filled=True, shape="circle", size=55, opacity=1).encode(x=alt.X("mid:Q"))
    height = step * len(lanes)  # one fixed height for both panels, which share the lanes
    dated_chart = alt.layer(years, months, days).properties(width=760, height=height)
    panel = alt.Chart(alt.Data(values=undated)).mark_point(
        shape="diamond", filled=False, size=55, strokeWidth=1.8).encode(
        x=alt.X("slot:O", title="undated", axis=alt.Axis(labels=False, ticks=False, domain=False),
                scale=alt.Scale(domain=list(range(n["undated_slots"])))),
        y=alt.Y("actor:N", sort=lanes, axis=None), color=_position_colour(alt, contract), tooltip=tooltip,
    ).properties(width=alt.Step(14), height=height)
    subtitle = [
        "Each mark is one stance, coloured by its position toward openness, at the date it was said or done.",
        "● a stance dated to the day   ▬ dated to a month (the bar spans the month)   "
        "▭ dated to a year (the pale dashed bar spans the year)   ◇ undated (right)",
        f"One lane per actor with two or more stances: {n['drawn']} dated and {n['undated_in_lanes']} "
        f"undated stances of {n['stances']}; the {n['single_stances']} stances of "
        f"{n['single_actors']} actors with a single stance are not drawn.",
    ]
    return alt.hconcat(dated_chart, panel, spacing=8).resolve_scale(y="shared").properties(
        title=alt.Title("Who said what about open AI models, and when", subtitle=subtitle, anchor="start"))


def _weights_released(access, withheld: tuple[str, ...]) -> str | None:
    if not isinstance(access, str):
        return None
    return "no" if access in withheld else "yes"


# How models.access reads in the "weights released" column (a value not listed reads as itself).
ACCESS_CELLS = {
    "open-weights": ("yes", "open"),
    "restricted-weights": ("yes, restricted", "conditional"),
    "non-commercial-weights": ("yes, non-commercial", "conditional"),
    "leaked": ("leaked", "conditional"),
    "api": ("no (API only)", "closed"),
    "hosted": ("no (hosted only)", "closed"),
    "unreleased": ("no (unreleased)", "closed"),
}
TERMS = ["weights released", "licence", "commercial use", "user limit", "acceptable-use policy",
         "OSI approved"]


def licence_cells(tables: dict, contract: Contract) -> list[dict]:
    """One cell per model and licence term: a label and a kind (open ... unknown)."""
    import pandas as pd

    licences = tables["licences"].set_index("licence_id")
    organisations = tables["organisations"].set_index("organisation_id")
    cells = []
    withheld = contract.weights_withheld()
    models = tables["models"].assign(released_key=tables["models"]["access"].map(
        lambda a: {"yes": 0, "no": 1}.get(_weights_released(a, withheld), 2)))
    for order, model in enumerate(models.sort_values(["released_key", "name"]).itertuples(index=False)):
        org = organisations.loc[model.organisation_id]
        label = f"{model.name} · {org['name']}"
        released = _weights_released(model.access, withheld)
        licence = licences.loc[model.licence_id] if isinstance(model.licence_id, str) else None

        def cell(term, value, kind):
            cells.append({"model": label, "order": order, "term": term, "value": value, "kind": kind,
                          "access": model.access if isinstance(model.access, str) else "unknown",
                          "licence_id": model.licence_id if isinstance(model.licence_id, str) else ""})

        if released is None:
            cell("weights released", "unknown", "unknown")
        else:
            cell("weights released", *ACCESS_CELLS.get(model.access, (model.access, "unknown")))
        if released != "yes":
            kind, value = ("not applicable", "—") if released == "no" else ("unknown", "unknown")
            for term in TERMS[1:]:
                cell(term, value, kind)
            continue
        if licence is None:
            for term in TERMS[1:]:
                cell(term, "unknown", "unknown")
            continue
        cell("licence", model.licence_id.removeprefix("LicenseRef-"), "open" if licence["spdx"] else "conditional")
        commercial = licence["commercial_use"]
        cell("commercial use", str(commercial) if not pd.isna(commercial) else "unknown",
             {"allowed": "open", "restricted": "conditional", "prohibited": "closed"}.get(
                 str(commercial), "unknown") if not pd.isna(commercial) else "unknown")
        # The schema gives an empty user_limit a meaning: the licence sets no limit.
        limit = licence["user_limit"]
        cell("user limit", "none" if pd.isna(limit) else f"{int(limit) / 1e6:,.0f}M monthly users",
             "open" if pd.isna(limit) else "conditional")
        policy = licence["use_policy"]
        cell("acceptable-use policy", "unknown" if pd.isna(policy) else ("yes" if policy else "no"),
             "unknown" if pd.isna(policy) else ("conditional" if policy else "open"))
        osi = licence["osi_approved"]
        cell("OSI approved", "unknown" if pd.isna(osi) else ("yes" if osi else "no"),
             "unknown" if pd.isna(osi) else ("open" if osi else "closed"))
    return cells


def licence_matrix(tables: dict, contract: Contract):
    import altair as alt

    cells = licence_cells(tables, contract)
    order = [c["model"] for c in sorted(cells, key=lambda c: c["order"]) if c["term"] == TERMS[0]]
    base = alt.Chart(alt.Data(values=cells)).encode(
        x=alt.X("term:N", sort=TERMS, title=None,
                axis=alt.Axis(orient="top", labelAngle=0, labelFontSize=11, labelLimit=140)),
        y=alt.Y("model:N", sort=order, title=None, axis=alt.Axis(labelFontSize=11, labelLimit=260)),
        tooltip=[alt.Tooltip("model:N"), alt.Tooltip("term:N"), alt.Tooltip("value:N"),
                 alt.Tooltip("access:N"), alt.Tooltip("licence_id:N", title="licence")])
    rects = base.mark_rect(stroke="#bbbbbb", strokeWidth=0.5).encode(
        color=alt.Color("kind:N", title=None,
                        scale=alt.Scale(domain=list(CELL_KINDS), range=list(CELL_KINDS.values())),
                        legend=alt.Legend(orient="bottom", symbolStrokeColor="#999999", symbolType="square")))
    text = base.mark_text(fontSize=10, color="#222222").encode(text="value:N")
    return alt.layer(rects, text).properties(
        width=alt.Step(150), height=alt.Step(20),
        title=alt.Title("Models by the terms their weights ship under", anchor="start", subtitle=[
            "Terms of each model's weights licence (from the licences table, each read in a cited reference).",
            "Grey 'unknown': the tables hold no checked value; '—': no weights are released, so no licence applies.",
            "An empty user limit means the licence sets none (as the schema defines it).",
        ]))


def argument_counts(tables: dict) -> list[dict]:
    stances = tables["stances"].set_index("stance_id")
    labels = _actor_labels(tables)
    joined = tables["stance_arguments"].join(stances, on="stance_id")
    rows = []
    for (argument, position), group in joined.groupby(["argument", "position"], observed=True):
        actors = sorted({labels[p if isinstance(p, str) else o]
                         for p, o in zip(group["person_id"], group["organisation_id"])})
        rows.append({"argument": str(argument), "position": str(position), "stances": len(group),
                     "actors": ", ".join(actors)})
    return rows


def arguments_by_position(tables: dict, contract: Contract):
    import altair as alt

    rows = argument_counts(tables)
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["argument"]] = totals.get(row["argument"], 0) + row["stances"]
    order = sorted(totals, key=lambda a: (-totals[a], a))
    positions = contract.vocabulary("stances", "position")
    for row in rows:
        row["stack"] = positions.index(row["position"])
    bars = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        y=alt.Y("argument:N", sort=order, title=None, axis=alt.Axis(labelFontSize=12)),
        x=alt.X("sum(stances):Q", title="stances making the argument", axis=alt.Axis(tickMinStep=1)),
        color=_position_colour(alt, contract), order=alt.Order("stack:Q"),
        tooltip=[alt.Tooltip("argument:N"), alt.Tooltip("position:N"), alt.Tooltip("stances:Q"),
                 alt.Tooltip("actors:N", title="who")])
    return bars.properties(width=560, height=alt.Step(22), title=alt.Title(
        "Who argues what: the arguments stances make, by position", anchor="start",
        subtitle=["A stance can make several arguments; each counts once per argument "
                  "(from stance_arguments). Hover in the HTML version for who makes them."]))


FIGURES = (
    Figure("stance-timeline", "Stance timeline", stance_timeline),
    Figure("licence-matrix", "Licence matrix", licence_matrix),
    Figure("arguments-by-position", "Arguments by position", arguments_by_position),
)


# --- rendering ----------------------------------------------------------------------

def _config(chart):
    _, family = cjk_font()
    return chart.configure(font=family, background="white", padding=12).configure_view(
        stroke=None).configure_title(fontSize=15, subtitleFontSize=11, subtitleColor="#444444")


HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} · ai-openness</title>
<script src="https://cdn.jsdelivr.net/npm/vega@{vega}"></script>
<script src="https://cdn.jsdelivr.net/npm/vega-lite@{vegalite}"></script>
<script src="https://cdn.jsdelivr.net/npm/vega-embed@{vegaembed}"></script>
<style>
{font_face}
body {{ font-family: "{family}", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 1.5em; }}
/* Quotes are long: let the tooltip wrap them instead of cutting them off. */
#vg-tooltip-element {{ font-family: inherit; max-width: 36em; }}
#vg-tooltip-element table tr td.value {{ max-width: 30em; white-space: normal; overflow-wrap: anywhere; }}
</style>
</head>
<body>
<div id="vis"></div>
<noscript>This chart needs JavaScript; the same figure is in {name}.svg beside this file.</noscript>
<script type="application/json" id="spec">{spec}</script>
<script>
// Lay the chart out only once the embedded font is ready: Vega measures label widths
// when it first draws, and a fallback font would give the wrong widths.
const spec = JSON.parse(document.getElementById("spec").textContent);
document.fonts.load('12px "{family}"').finally(() =>
  vegaEmbed("#vis", spec, {{"renderer": "svg", "actions": false}}).catch(console.error));
</script>
</body>
</html>
"""


def render_one(figure: Figure, tables: dict, contract: Contract) -> dict[str, bytes]:
    import altair as alt
    import vl_convert

    _register_font()
    spec = _config(figure.chart(tables, contract)).to_dict()
    svg = _embed_font(vl_convert.vegalite_to_svg(spec))
    _, family = cjk_font()
    # The page embeds a subset with every character of the chart and of its data, so that
    # tooltips (quotes in Chinese) render without a CJK font on the reader's machine.
    page = HTML_TEMPLATE.format(
        title=html.escape(figure.title), name=figure.name, family=family,
        font_face=font_face(_svg_text(svg) + "".join(_strings(spec))),
        vega=alt.VEGA_VERSION, vegalite=alt.VEGALITE_VERSION, vegaembed=alt.VEGAEMBED_VERSION,
        spec=json.dumps(spec, ensure_ascii=False, sort_keys=True).replace("</", "<\\/"))
    return {f"{FIGURES_DIR}/{figure.name}.svg": (svg.rstrip("\n") + "\n").encode("utf-8"),
            f"{FIGURES_DIR}/{figure.name}.html": page.encode("utf-8")}


def _strings(value) -> list[str]:
    """Every string in a JSON-like value (the text a chart can show, tooltips included)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def drawn_from(root: Path) -> tuple[dict, Contract]:
    """The tables of the package under `root` and its own contract (the vocabularies the
    figures show), both from that package's datapackage.json and Parquet files."""
    from .load import load

    return load(root=root), Contract.from_descriptor_file(Path(root) / "datapackage.json")


def generate(root: Path | None = None, out: Path | None = None, check: bool = False,
             progress: Callable = lambda items, description: items) -> tuple[dict[str, int], list[str]]:
    """Draw every figure from the package under `root` into `out` (default: docs/figures/).

    Returns the size of each file and the files that changed (with check=True: that are
    stale; nothing is written).
    """
    from .paths import package_root
    from .write import stale, write_atomically

    root = Path(root) if root is not None else package_root()
    target = Path(out) if out is not None else root / FIGURES_DIR
    tables, contract = drawn_from(root)
    files: dict[str, bytes] = {}
    for figure in progress(list(FIGURES), "Drawing figures"):
        files |= {Path(rel).name: data for rel, data in render_one(figure, tables, contract).items()}
    outdated = stale(target, files)
    if not check and outdated:
        write_atomically(target, {name: files[name] for name in outdated})
    return {name: len(data) for name, data in files.items()}, outdated
