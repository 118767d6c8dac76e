"""Released ids and their successors: following a retired id to the row that replaced it.

A released id keeps its meaning; one that had to go is listed in codings/retired.yaml
(published as the table retired_ids) with the id it was renamed to or merged into.
"""

from __future__ import annotations

from pathlib import Path

from ai_openness.core.retired import follow


def resolve_id(identifier: str, table: str = "stances", *, root: str | Path | None = None) -> str | None:
    """The id a (possibly retired) released id of `table` stands for in this version.

        >>> ai_openness.resolve_id("xai-2024-03-18-releases-grok-1")
        'elon-musk-2024-03-18-releases-grok-1'

    The id itself when it is in the table; the successor named in retired_ids (followed
    until an id that is in the table) when it was renamed or merged; None when it was
    retired without a successor. Raises KeyError for an id the package never published.
    """
    import pandas as pd

    from ai_openness.views.load import _contract, load

    key = _contract(root).primary_key(table)
    if len(key) != 1:
        raise ValueError(f"{table} is not keyed by one id column")
    current = set(load(table, root=root)[key[0]].dropna())
    retired = load("retired_ids", root=root)
    retired = retired[retired["table"] == table]
    successors = {str(i): None if pd.isna(s) else str(s) for i, s in zip(retired["id"], retired["successor"])}
    return follow(identifier, current, successors)
