"""Released ids and their successors: following a retired id to the row that replaced it.

A released id keeps its meaning; one that had to go is listed in codings/retired.yaml
(published as the table retired_ids) with the id it was renamed to or merged into.
"""

from __future__ import annotations

from pathlib import Path

from ai_openness.core.retired import TABLE as RETIRED
from ai_openness.core.retired import UnknownId, follow


def resolve_id(identifier: str, table: str | None = None, *, root: str | Path | None = None) -> str | None:
    """The id a (possibly retired) released id stands for in this version.

        >>> ai_openness.resolve_id("xai-2024-03-18-releases-grok-1")
        'elon-musk-2024-03-18-releases-grok-1'
        >>> ai_openness.resolve_id("openai")
        'openai'

    Every table keyed by one id column is searched (with `table`, that one only), each with
    its retired ids. Returns the id itself when it is in its table; the successor named in
    retired_ids (followed until an id that is in the table) when it was renamed or merged;
    None when it was retired without a successor. Raises KeyError naming the tables searched
    for an id none of them ever published, and ValueError when the id is one of several
    tables (then name the table).
    """
    import pandas as pd

    from ai_openness.views.load import _contract, load

    contract = _contract(root)
    if table is not None and table not in contract.names:
        raise ValueError(f"no table {table!r}; the tables keyed by an id are: {', '.join(contract.id_tables())}")
    if table is not None and len(contract.primary_key(table)) != 1:
        raise ValueError(
            f"{table} is not keyed by one id column; the tables that are: {', '.join(contract.id_tables())}"
        )
    searched = [table] if table is not None else contract.id_tables()
    retired = load(RETIRED, root=root)
    found: dict[str, str | None] = {}
    for name in searched:
        rows = retired[retired["table"] == name]
        successors = {str(i): None if pd.isna(s) else str(s) for i, s in zip(rows["id"], rows["successor"])}
        current = set(load(name, root=root)[contract.primary_key(name)[0]].dropna().astype(str))
        if identifier in current or identifier in successors:
            found[name] = follow(identifier, current, successors)
    if not found:
        raise UnknownId(
            f"{identifier} is neither a current nor a retired id of "
            + (f"the table {searched[0]}" if len(searched) == 1 else f"any table ({', '.join(searched)})")
        )
    if len(found) > 1:
        raise ValueError(
            f"{identifier} is an id of several tables ({', '.join(found)}); name one, "
            f"e.g. resolve_id({identifier!r}, table={next(iter(found))!r})"
        )
    return next(iter(found.values()))
