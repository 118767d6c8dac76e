"""What every figure shares: the font, the colours of the positions, names, the look.

The font is Noto Sans CJK (SIL Open Font License 1.1), installed from PyPI with the
`figures` extra. Every text names it with a generic `sans-serif` fallback, so that a
renderer without it (rsvg, vl-convert's own rasteriser, a browser with scripts off) still
draws the text in some sans-serif font instead of drawing nothing or boxes.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ai_openness.contract import Contract
from ai_openness.safeio.installed import contract_from_descriptor_file

FIGURES_DIR = "docs/figures"
GENERIC_FAMILY = "sans-serif"
# Okabe-Ito, colour-blind safe, given to the positions in the schema's order of them
# (today open, closed, mixed, neutral); the grey is for the side-less last one.
POSITION_PALETTE = ("#009E73", "#D55E00", "#CC79A7", "#999999", "#0072B2", "#E69F00", "#56B4E9")


@dataclass(frozen=True)
class Figure:
    name: str
    title: str
    chart: Callable[..., Any]  # (tables, contract) -> altair chart


# --- the contract -------------------------------------------------------------------


def drawn_from(root: Path) -> tuple[dict[str, Any], Contract]:
    """The tables of the package under `root` and its own contract (the vocabularies the
    figures show), both from that package's datapackage.json and Parquet files."""
    from ai_openness.views.load import load

    return load(root=root), contract_from_descriptor_file(Path(root) / "datapackage.json")


def position_colours(contract: Contract) -> dict[str, str]:
    """Position -> colour, for every value of stances.position in the contract's order."""
    positions = contract.vocabulary("stances", "position")
    if len(positions) > len(POSITION_PALETTE):
        raise ValueError(
            f"the schema has {len(positions)} positions; the figures have colours for "
            f"{len(POSITION_PALETTE)}: add colours to POSITION_PALETTE"
        )
    return dict(zip(positions, POSITION_PALETTE))


def position_colour(alt: Any, contract: Contract, legend: bool = True) -> Any:
    colours = position_colours(contract)
    return alt.Color(
        "position:N",
        title="position",
        scale=alt.Scale(domain=list(colours), range=list(colours.values())),
        legend=alt.Legend(orient="top", symbolOpacity=1) if legend else None,
    )


def actor_labels(tables: dict[str, Any]) -> dict[str, str]:
    """The name of every person and organisation as its table gives it, in the Latin
    script: every actor has one, and the figures' other text is English. (`name_zh` is
    empty for many organisations and is in the script of the article it was read in, so
    a column of them would mix Simplified and Traditional.)"""
    labels: dict[str, str] = {}
    for table, key in (("people", "person_id"), ("organisations", "organisation_id")):
        frame = tables[table]
        labels.update(zip(frame[key], frame["name"]))
    return labels


# --- fonts --------------------------------------------------------------------------


@cache
def cjk_font() -> tuple[Path, str]:
    """Path and family name of the CJK font the `figures` extra installs."""
    try:
        import cvttf_NotoSansCJK_Regular as noto
    except ImportError:
        raise RuntimeError(
            "the CJK font is not installed; install the figures extra: pip install 'ai-openness[figures]'"
        ) from None
    from fontTools.ttLib import TTFont

    path = Path(noto.get_TTF_path())
    with TTFont(path, lazy=True) as font:
        # The typographic family (name 16) when there is one: name 1 of a CJK font often
        # carries the weight too ("Noto Sans CJK TC Regular"), which renderers do not match.
        family = font["name"].getDebugName(16) or font["name"].getDebugName(1)
    return path, family


def font_stack() -> str:
    """The CSS font-family list every text of a figure uses."""
    return f'"{cjk_font()[1]}", {GENERIC_FAMILY}'


@cache
def register_font() -> None:
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
    return f'@font-face{{font-family:"{family}";src:url(data:font/woff;base64,{data}) format("woff");}}'


def svg_text(svg: str) -> str:
    """All the text an SVG shows, multi-line titles (<tspan>s) included."""
    from xml.etree import ElementTree

    texts = ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")
    return "".join("".join(text.itertext()) for text in texts)


def embed_font(svg: str) -> str:
    style = f"<defs><style>{font_face(svg_text(svg))}</style></defs>"
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + style, svg, count=1)


def configure(chart: Any) -> Any:
    """The look every figure shares."""
    return (
        chart.configure(font=font_stack(), background="white", padding=12)
        .configure_view(stroke=None)
        .configure_title(fontSize=15, subtitleFontSize=11, subtitleColor="#444444")
    )
