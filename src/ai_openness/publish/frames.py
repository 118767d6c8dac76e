"""A whole table as text, through the validator's reader, for the commands that compare
versions (diff, release).

The same scan as the validator's (UTF-8 text, LF line endings, within the limits given)
comes first; the rows are then parsed by polars in chunks. Cells are kept as written (an
empty cell is ""), every column as text.
"""

from __future__ import annotations

import polars as pl

from ai_openness.checks.engine import CHUNK_ROWS
from ai_openness.core.limits import Limits
from ai_openness.core.problems import Problem
from ai_openness.safeio.descriptor import Resource
from ai_openness.safeio.scan import not_utf8_problem, scan


def read_frame(resource: Resource, rel_descriptor: str, limits: Limits) -> tuple[pl.DataFrame | None, list[Problem]]:
    """The table's rows as text, or None with the problems that kept it from being read."""
    size = resource.file.stat().st_size
    if limits.table_bytes is not None and size > limits.table_bytes:
        return None, [
            Problem(
                rel_descriptor,
                resource.line,
                "path",
                f"{resource.path} is {size} bytes, more than the limit of {limits.table_bytes} bytes",
                code="limit",
            )
        ]
    found = scan(resource.file, resource.path)
    if found.problem is not None:
        return None, [found.problem]
    try:
        chunks = list(
            pl.scan_csv(resource.file, infer_schema=False, truncate_ragged_lines=True).collect_batches(
                chunk_size=CHUNK_ROWS
            )
        )
    except pl.exceptions.PolarsError as exc:
        problem = not_utf8_problem(resource.file, resource.path)
        return None, [
            problem
            or Problem(
                resource.path, None, None, f"is not well-formed CSV ({str(exc).splitlines()[0]})", code="source-error"
            )
        ]
    frame = pl.concat(chunks) if chunks else pl.read_csv(resource.file, n_rows=0, infer_schema=False)
    return frame.with_columns(pl.all().fill_null("")), []
