"""Released ids and their successors: following a retired id to the row that replaced it.

A released id keeps its meaning; one that had to go is listed in codings/retired.yaml
(published as the table retired_ids) with the id it was renamed to or merged into.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path


class UnknownId(KeyError):
    """An id that is neither in its table nor retired from it."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0])


def follow(identifier: str, current: Collection[str], successors: Mapping[str, str | None]) -> str | None:
    """The current id that `identifier` stands for, following successors of retired ids.

    Returns `identifier` itself when it is current, None when it was retired without a
    successor (or its successors end in one). Raises UnknownId for an id never seen, and
    ValueError for successors that go round in a circle.
    """
    seen: list[str] = []
    while identifier not in current:
        if identifier not in successors:
            if seen:  # a successor that is neither current nor retired
                raise UnknownId(f"{seen[-1]} names successor {identifier}, which is not an id of the table")
            raise UnknownId(f"{identifier} is neither a current id nor a retired one")
        if identifier in seen:
            raise ValueError("retired ids name each other as successors: " + " -> ".join([*seen, identifier]))
        seen.append(identifier)
        identifier = successors[identifier]
        if identifier is None:
            return None
    return identifier


def resolve_id(identifier: str, table: str = "stances", *, root: str | Path | None = None) -> str | None:
    """The id a (possibly retired) released id of `table` stands for in this version.

        >>> ai_openness.resolve_id("xai-2024-03-18-releases-grok-1")
        'elon-musk-2024-03-18-releases-grok-1'

    The id itself when it is in the table; the successor named in retired_ids (followed
    until an id that is in the table) when it was renamed or merged; None when it was
    retired without a successor. Raises KeyError for an id the package never published.
    """
    import pandas as pd

    from .views.load import _contract, load

    key = _contract(root).primary_key(table)
    if len(key) != 1:
        raise ValueError(f"{table} is not keyed by one id column")
    current = set(load(table, root=root)[key[0]].dropna())
    retired = load("retired_ids", root=root)
    retired = retired[retired["table"] == table]
    successors = {str(i): None if pd.isna(s) else str(s) for i, s in zip(retired["id"], retired["successor"])}
    return follow(identifier, current, successors)
