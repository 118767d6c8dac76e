"""Arguments by position: how many stances make each argument, stacked by position."""

from __future__ import annotations

from typing import Any

from ai_openness.contract import Contract
from ai_openness.views.figures.common import actor_labels, position_colour


def argument_counts(tables: dict[str, Any]) -> list[dict[str, Any]]:
    """Stances per argument and position, over the stances that are not a second report of
    another (repeats empty): a statement reported twice makes its arguments once."""
    stances = tables["stances"].set_index("stance_id")
    labels = actor_labels(tables)
    joined = tables["stance_arguments"].join(stances, on="stance_id")
    joined = joined[joined["repeats"].isna()]
    rows = []
    for (argument, position), group in joined.groupby(["argument", "position"], observed=True):
        actors = sorted(
            {labels[p if isinstance(p, str) else o] for p, o in zip(group["person_id"], group["organisation_id"])}
        )
        rows.append(
            {"argument": str(argument), "position": str(position), "stances": len(group), "actors": ", ".join(actors)}
        )
    return rows


def arguments_by_position(tables: dict[str, Any], contract: Contract) -> Any:
    import altair as alt

    rows = argument_counts(tables)
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["argument"]] = totals.get(row["argument"], 0) + row["stances"]
    order = sorted(totals, key=lambda a: (-totals[a], a))
    positions = contract.vocabulary("stances", "position")
    for row in rows:
        row["stack"] = positions.index(row["position"])
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("argument:N", sort=order, title=None, axis=alt.Axis(labelFontSize=12)),
            x=alt.X("sum(stances):Q", title="stances making the argument", axis=alt.Axis(tickMinStep=1)),
            color=position_colour(alt, contract),
            order=alt.Order("stack:Q"),
            tooltip=[
                alt.Tooltip("argument:N"),
                alt.Tooltip("position:N"),
                alt.Tooltip("stances:Q"),
                alt.Tooltip("actors:N", title="who"),
            ],
        )
    )
    return bars.properties(
        width=560,
        height=alt.Step(22),
        title=alt.Title(
            "Who argues what: the arguments stances make, by position",
            anchor="start",
            subtitle=[
                "A stance can make several arguments; each counts once per argument (from stance_arguments).",
                "A second report of a statement (repeats) is not counted again. "
                "Hover in the HTML version for who makes them.",
            ],
        ),
    )
