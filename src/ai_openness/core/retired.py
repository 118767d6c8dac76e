"""Released ids and their successors: following a retired id to the row that replaced it.

A released id keeps its meaning; one that had to go is listed in codings/retired.yaml
(published as the table retired_ids) with the id it was renamed to or merged into.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping


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
        successor = successors[identifier]
        if successor is None:
            return None
        identifier = successor
    return identifier
