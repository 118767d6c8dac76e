"""Render one figure two ways, each a file that stands on its own.

- `NAME.svg` by vl-convert, with a subset of the CJK font embedded as an @font-face, so
  the text renders the same in any viewer that reads @font-face, and in a sans-serif
  font in one that does not;
- `NAME.html`, the same chart in a web page with tooltips that carry the data behind each
  mark. Vega, Vega-Lite and Vega-Embed are inlined (the bundle vl-convert ships), and so
  is the font, so the page works offline and loads nothing from anywhere.

Output is deterministic: the same tables and library versions give the same bytes, so
`ai-openness figures --check` can tell a stale figure from a current one.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from ai_openness.contract import Contract
from ai_openness.views.figures.common import (
    FIGURES_DIR,
    Figure,
    cjk_font,
    configure,
    embed_font,
    font_face,
    font_stack,
    register_font,
    svg_text,
)

HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} · ai-openness</title>
<style>
{font_face}
body {{ font-family: {font_stack}; margin: 1.5em; }}
/* Quotes are long: let the tooltip wrap them instead of cutting them off. */
#vg-tooltip-element {{ font-family: inherit; max-width: 36em; }}
#vg-tooltip-element table tr td.value {{ max-width: 30em; white-space: normal; overflow-wrap: anywhere; }}
</style>
<!-- Vega {vega}, Vega-Lite {vegalite} and Vega-Embed {vegaembed} (BSD-3-Clause), bundled by vl-convert. -->
<script>{bundle}</script>
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


def vegalite_version() -> str:
    """The Vega-Lite version Altair writes its specifications for (e.g. v6.4)."""
    import altair as alt

    return ".".join(alt.SCHEMA_VERSION.split(".")[:2])


@cache
def javascript_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed in one script, as vl-convert ships them."""
    import vl_convert

    bundle: str = vl_convert.javascript_bundle(vl_version=vegalite_version())  # type: ignore[call-arg]
    # Inlined as is: escaping "</" would also change regular expressions such as /</g. A
    # bundle that could end the <script> early (or open an HTML comment in it) is refused.
    if re.search(r"</script|<!--", bundle, re.IGNORECASE):
        raise RuntimeError(
            "this vl-convert's JavaScript bundle holds '</script' or '<!--', so it cannot be "
            "inlined in a <script> element; pin the vl-convert-python of constraints.txt"
        )
    return bundle


def _strings(value: object) -> list[str]:
    """Every string in a JSON-like value (the text a chart can show, tooltips included)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def script_json(value: object) -> str:
    """`value` as JSON that can stand inside a <script> element whatever its strings hold.

    Every "<" is written as JSON's \\u003c: inside <script> only "<" starts what the HTML
    parser acts on ("</script", and "<!--" followed by "<script", after which the page's own
    </script> no longer ends the element), so a name such as `Elon <!--<script>` stays data.
    JSON.parse reads \\u003c back as "<".
    """
    return json.dumps(value, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")


def spec(figure: Figure, tables: dict[str, Any], contract: Contract) -> dict[str, Any]:
    made: dict[str, Any] = configure(figure.chart(tables, contract)).to_dict()
    return made


def render_one(
    figure: Figure, tables: dict[str, Any], contract: Contract, drawn: Path | None = None
) -> dict[str, bytes]:
    """The figure's SVG and HTML. With `drawn` (the folder of the figures already drawn):
    when the page there embeds this very specification, drawn with these library versions
    and this font, both files are kept as they are instead of being drawn again (subsetting
    the CJK font takes most of the time); `ai-openness figures --check` always draws."""
    import vl_convert

    chart = spec(figure, tables, contract)
    spec_text = script_json(chart)
    versions = {
        "vega": vl_convert.get_vega_version(),
        "vegalite": vegalite_version(),
        "vegaembed": vl_convert.get_vega_embed_version(),
    }
    names = (f"{FIGURES_DIR}/{figure.name}.svg", f"{FIGURES_DIR}/{figure.name}.html")
    if drawn is not None:
        kept = _kept(drawn, figure, spec_text, versions)
        if kept is not None:
            return dict(zip(names, kept))
    register_font()
    svg = embed_font(vl_convert.vegalite_to_svg(chart))
    # The page embeds a subset with every character of the chart and of its data, so that
    # tooltips (quotes in Chinese) render without a CJK font on the reader's machine.
    page = HTML_TEMPLATE.format(
        title=html.escape(figure.title),
        name=figure.name,
        family=cjk_font()[1],
        font_stack=font_stack(),
        font_face=font_face(svg_text(svg) + "".join(_strings(chart))),
        bundle=javascript_bundle(),
        spec=spec_text,
        **versions,
    )
    return dict(zip(names, ((svg.rstrip("\n") + "\n").encode("utf-8"), page.encode("utf-8"))))


def _kept(drawn: Path, figure: Figure, spec_text: str, versions: dict[str, Any]) -> tuple[bytes, bytes] | None:
    """The figure's files in `drawn` when its page was drawn from `spec_text` with these
    versions and font (the page records all three), else None."""
    svg, page = drawn / f"{figure.name}.svg", drawn / f"{figure.name}.html"
    if not (svg.is_file() and page.is_file()) or svg.is_symlink() or page.is_symlink():
        return None
    text = page.read_bytes()
    marks = (
        f'<script type="application/json" id="spec">{spec_text}</script>',
        "<!-- Vega {vega}, Vega-Lite {vegalite} and Vega-Embed {vegaembed} ".format(**versions),
        f"document.fonts.load('12px \"{cjk_font()[1]}\"')",
        f"<title>{html.escape(figure.title)} ·",
    )
    if not all(mark.encode("utf-8") in text for mark in marks):
        return None
    return svg.read_bytes(), text


def png(figure: Figure, tables: dict[str, Any], contract: Contract, scale: float = 1.0) -> bytes:
    """A PNG of one figure (for a quick look; the committed figures are SVG and HTML)."""
    import vl_convert

    register_font()
    return vl_convert.vegalite_to_png(spec(figure, tables, contract), scale=scale)
