"""Released ids and their successors: following a retired id to the row that replaced it.

A released id keeps its meaning; one that had to go is listed in codings/retired.yaml
(published as the table retired_ids) with the id it was renamed to or merged into.

Successors form chains, and a contribution may write them as long, or as circular, as it
likes: `resolve_all` follows every chain of a table in one pass, remembering where each id
leads, so the work is linear in the number of retired ids whatever their shape.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

TABLE = "retired_ids"  # the table of retired ids (codings/retired.yaml)
SHOWN_MEMBERS = 10  # ids of a circle that a message names; the rest are counted


class UnknownId(KeyError):
    """An id that is neither in its table nor retired from it."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0])


class Circle(ValueError):
    """Retired ids whose successors go round in a circle; `members` in the circle's order."""

    def __init__(self, members: list[str]):
        self.members = members
        shown = members[:SHOWN_MEMBERS] + members[:1] if len(members) <= SHOWN_MEMBERS else members[:SHOWN_MEMBERS]
        more = "" if len(members) <= SHOWN_MEMBERS else f" -> ... ({len(members)} ids in the circle)"
        super().__init__("retired ids name each other as successors: " + " -> ".join(shown) + more)


Outcome = str | None | UnknownId | Circle


def resolve_all(current: Collection[str], successors: Mapping[str, str | None]) -> dict[str, Outcome]:
    """Where each retired id of `successors` leads: the current id it stands for, None when
    it (or a successor) was retired without one, or the UnknownId or Circle that breaks its
    chain. Every id is visited once: a chain is walked until it reaches a current id, an
    id already resolved, or itself, and everything on the walk gets that outcome."""
    resolved: dict[str, Outcome] = {}
    for start in successors:
        if start in resolved:
            continue
        path: list[str] = []
        position: dict[str, int] = {}  # id -> its index in path: reaching one again is a circle
        node = start
        while True:
            if node in current:
                outcome: Outcome = node
                break
            if node in resolved:
                outcome = resolved[node]
                break
            if node in position:
                outcome = Circle(path[position[node] :])
                break
            if node not in successors:
                outcome = UnknownId(
                    f"{path[-1]} names successor {node}, which is not an id of the table"
                    if path
                    else f"{node} is neither a current id nor a retired one"
                )
                break
            position[node] = len(path)
            path.append(node)
            successor = successors[node]
            if successor is None:
                outcome = None
                break
            node = successor
        for member in path:
            resolved[member] = outcome
    return resolved


def follow(identifier: str, current: Collection[str], successors: Mapping[str, str | None]) -> str | None:
    """The current id that `identifier` stands for, following successors of retired ids.

    Returns `identifier` itself when it is current, None when it was retired without a
    successor (or its successors end in one). Raises UnknownId for an id never seen, and
    Circle (a ValueError) for successors that go round in a circle. Linear in the length of
    the chain; `resolve_all` answers for every retired id at once.
    """
    if identifier in current:
        return identifier
    if identifier not in successors:
        raise UnknownId(f"{identifier} is neither a current id nor a retired one")
    seen: dict[str, int] = {}
    path: list[str] = []
    while identifier not in current:
        if identifier not in successors:
            raise UnknownId(f"{path[-1]} names successor {identifier}, which is not an id of the table")
        if identifier in seen:
            raise Circle(path[seen[identifier] :])
        seen[identifier] = len(path)
        path.append(identifier)
        successor = successors[identifier]
        if successor is None:
            return None
        identifier = successor
    return identifier
