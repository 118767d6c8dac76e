"""A value as it is written into a CSV cell: the one rendering the build and the checks share."""

from __future__ import annotations

import datetime as dt


def cell_text(value: object) -> str:
    """A value as it is written into a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
