"""Figures drawn from the tables: a stance timeline, a licence matrix, arguments by position.

Each figure is one Vega-Lite specification (built with Altair), rendered by `render` as an
SVG and as a self-contained HTML page into docs/figures/.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ai_openness.views.figures.arguments import argument_counts, arguments_by_position
from ai_openness.views.figures.common import (
    FIGURES_DIR,
    Figure,
    actor_labels,
    cjk_font,
    drawn_from,
    font_stack,
    position_colours,
)
from ai_openness.views.figures.licences import TERMS, licence_cells, licence_matrix
from ai_openness.views.figures.render import png, render_one, spec
from ai_openness.views.figures.timeline import change_rows, stance_timeline, time_domain, timeline_rows

__all__ = [
    "FIGURES",
    "FIGURES_DIR",
    "TERMS",
    "Figure",
    "actor_labels",
    "argument_counts",
    "change_rows",
    "cjk_font",
    "draw",
    "drawn_from",
    "font_stack",
    "generate",
    "licence_cells",
    "png",
    "position_colours",
    "render_one",
    "spec",
    "time_domain",
    "timeline_rows",
    "write",
]

FIGURES = (
    Figure("stance-timeline", "Stance timeline", stance_timeline),
    Figure("licence-matrix", "Licence matrix", licence_matrix),
    Figure("arguments-by-position", "Arguments by position", arguments_by_position),
)


def draw(
    root: Path, progress: Callable[..., Any] = lambda items, description: items, drawn: Path | None = None
) -> dict[str, bytes]:
    """Every figure of the package under `root`: file name -> bytes. A figure already in
    `drawn` from the same specification is kept, not drawn again (render_one)."""
    tables, contract = drawn_from(root)
    files: dict[str, bytes] = {}
    for figure in progress(list(FIGURES), "Drawing figures"):
        files |= {Path(rel).name: data for rel, data in render_one(figure, tables, contract, drawn).items()}
    return files


def write(target: Path, files: dict[str, bytes], check: bool = False) -> list[str]:
    """Write the files that differ from what is in `target`; return them (with check=True:
    only return them, writing nothing)."""
    from ai_openness.safeio.write import stale, write_atomically

    outdated = stale(target, files)
    if not check and outdated:
        write_atomically(target, {name: files[name] for name in outdated})
    return outdated


def generate(
    root: Path | None = None,
    out: Path | None = None,
    check: bool = False,
    progress: Callable[..., Any] = lambda items, description: items,
) -> tuple[dict[str, int], list[str]]:
    """Draw every figure from the package under `root` into `out` (default: docs/figures/).

    Returns the size of each file and the files that changed (with check=True: that are
    stale; nothing is written).
    """
    from ai_openness.core.paths import package_root

    root = Path(root) if root is not None else package_root()
    target = Path(out) if out is not None else root / FIGURES_DIR
    files = draw(root, progress, drawn=None if check else target)
    outdated = write(target, files, check)
    return {name: len(data) for name, data in files.items()}, outdated
