"""Position changes: where one actor's consecutive dated stances take different positions.

Dates are intervals (date to date_end), so two stances of the same year, one dated to the
year and one to a day, have no certain order. A pair counts only when its order is
certain: the earlier stance's last possible day comes before the later one's first day.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from operator import itemgetter

_ORDER = itemgetter("date", "date_end", "stance_id")


def position_changes(stances: list[dict]) -> list[dict]:
    """One row per pair of consecutive dated stances of one actor whose positions differ.

    Consecutive means neighbours when the actor's dated stances are ordered by date, then
    date_end, then stance_id; a neighbouring pair whose intervals overlap is left out.
    Rows come in no particular order (the build sorts every table by its primary key).
    """
    by_actor: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for stance in stances:
        if stance.get("date") is not None and stance.get("actor_id"):
            by_actor[stance["actor_type"], stance["actor_id"]].append(stance)
    rows = []
    for (actor_type, actor_id), own in by_actor.items():
        own.sort(key=_ORDER)  # one actor's few stances: sorting them apart is cheaper than sorting all
        for before, after in itertools.pairwise(own):
            if before["date_end"] < after["date"] and before["position"] != after["position"]:
                rows.append(
                    {
                        "actor_type": actor_type,
                        "actor_id": actor_id,
                        "from_stance_id": before["stance_id"],
                        "from_date": before["date"],
                        "from_position": before["position"],
                        "to_stance_id": after["stance_id"],
                        "to_date": after["date"],
                        "to_position": after["position"],
                    }
                )
    return rows
