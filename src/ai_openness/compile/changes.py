"""Position changes: where an actor's next stance takes another side than the state before it.

Followed at two levels (docs/codebook.md section 13):

- a person, over the stances with that `person_id`;
- an organisation, over the stances with that `organisation_id`: its own, and those of the
  people who spoke or acted for it (a chief executive's letter is the company's too).

Only sides count: a stance counts when it is dated, its position is not `neutral` and it is
not a second report of another stance (`repeats` set). Dates are intervals (date to
date_end), so stances of one actor are only partly ordered. For each counted stance B, the
earlier state is made of the actor's counted stances that certainly came before B (their
date_end is before B's date) and that no other such stance certainly follows: the last
ones, which overlap each other, so their own order is unknown. The state's position is
theirs when they agree and `mixed` when they take different sides. A row is written when
B's position differs from the earlier state's; a stance with no earlier state starts none.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from itertools import accumulate
from typing import Any

Row = dict[str, Any]

NO_SIDE = "neutral"  # a value of stances.position: describes the question, takes no side
BOTH_SIDES = "mixed"  # the position of a state whose stances take different sides
LEVELS = (("person", "person_id"), ("organisation", "organisation_id"))


def counted(stance: Row) -> bool:
    """Whether a stance can start or end a change: dated, on a side, not a second report."""
    return stance.get("date") is not None and stance.get("position") != NO_SIDE and not stance.get("repeats")


def position_changes(stances: list[Row]) -> list[Row]:
    """One row per counted stance whose position differs from its actor's earlier state, at each level.

    Rows come in no particular order (the build sorts every table by its primary key).
    """
    by_actor: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for stance in stances:
        if counted(stance):
            for actor_type, column in LEVELS:
                if stance.get(column):
                    by_actor[actor_type, stance[column]].append(stance)
    rows = []
    for (actor_type, actor_id), own in by_actor.items():
        rows += _changes(actor_type, actor_id, own)
    return rows


def _changes(actor_type: str, actor_id: str, own: list[Row]) -> list[Row]:
    own.sort(key=lambda s: (s["date_end"], s["date"], s["stance_id"]))
    ends = [s["date_end"] for s in own]
    latest_start = list(accumulate((s["date"] for s in own), max))  # over own[:k + 1]
    rows = []
    for later in own:
        before = bisect_left(ends, later["date"])  # own[:before] end before `later` begins
        if not before:
            continue
        # The last of them: those ending on or after the latest start among them (a stance
        # ending earlier is certainly followed by the one starting there).
        state = own[bisect_left(ends, latest_start[before - 1], 0, before) : before]
        sides = {s["position"] for s in state}
        earlier = sides.pop() if len(sides) == 1 else BOTH_SIDES
        if earlier == later["position"]:
            continue
        named = min(state, key=lambda s: (-s["date"].toordinal(), -s["date_end"].toordinal(), s["stance_id"]))
        rows.append(
            {
                "actor_type": actor_type,
                "actor_id": actor_id,
                "from_stance_id": named["stance_id"],
                "from_date": named["date"],
                "from_position": earlier,
                "from_stance_ids": "; ".join(sorted(s["stance_id"] for s in state)),
                "to_stance_id": later["stance_id"],
                "to_date": later["date"],
                "to_position": later["position"],
            }
        )
    return rows
