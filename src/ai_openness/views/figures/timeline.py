"""The stance timeline: one lane per actor with two or more stances, one mark per stance.

An organisation's lane holds its own stances and those of the people who spoke or acted for
it (organisation_id set), outlined in black and named in the tooltip; a person's lane holds
their own views. A second report of a statement (repeats set) is not drawn again. A stance
dated to a month or a year is drawn over the whole period its date can mean, from the first
to the last day of it; a day is a point. Each row of position_changes is an arrow in its
actor's lane from the end of the earlier state's stance to the later stance. The time axis
ends a little after the last stance drawn.
"""

from __future__ import annotations

from typing import Any

from ai_openness.contract import Contract
from ai_openness.views.figures.common import actor_labels, position_colour

AXIS_PAD = 0.15  # years of axis after the last stance, so its mark does not touch the edge
# How each date precision is drawn; the precisions themselves are the schema's.
MARKS = {"day": "point", "month": "bar", "year": "pale bar"}


def _year_fraction(date: Any) -> float:
    import pandas as pd

    start = pd.Timestamp(year=date.year, month=1, day=1)
    days = 366 if date.is_leap_year else 365
    return round(float(date.year + (date - start).days / days), 6)


def _date_label(date: Any, precision: str | None) -> str:
    shown = date.strftime({"year": "%Y", "month": "%Y-%m"}.get(precision or "day", "%Y-%m-%d"))
    return f"{shown} ({precision})"


def _pack(items: list[dict[str, Any]], gap: float) -> int:
    """Give each item the lowest row (slot) in its lane where it overlaps nothing; return
    the number of slots used. Items are dicts with x0 and x1 (in years)."""
    ends: list[float] = []
    for item in sorted(items, key=lambda i: (i["x0"], i["stance_id"])):
        for slot, end in enumerate(ends):  # noqa: B007 (the slot found is used after the loop)
            if end + gap <= item["x0"]:
                break
        else:
            slot = len(ends)
            ends.append(float("-inf"))
        ends[slot] = max(item["x1"], item["x0"] + gap)
        item["slot"] = slot
    return len(ends)


def timeline_rows(tables: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str], dict[str, Any]]:
    """The marks of the timeline, the lane order, and counts for its caption."""
    import pandas as pd

    every = tables["stances"]
    stances = every[every["repeats"].isna()]  # a second report is the same statement
    labels = actor_labels(tables)
    spoken = stances["person_id"].notna() & stances["organisation_id"].notna()
    lane_of = stances["organisation_id"].fillna(stances["person_id"])  # a spokesperson's goes to the organisation
    counts = lane_of.value_counts()
    lane_actors = {a for a, n in counts.items() if n >= 2}
    rows = []
    for stance, lane, by_person in zip(stances.itertuples(index=False), lane_of, spoken):
        if lane not in lane_actors:
            continue
        dated = not pd.isna(stance.date)
        precision = str(stance.date_precision) if dated else None
        row = {
            "stance_id": stance.stance_id,
            "actor": labels[lane],
            "speaker": labels[stance.person_id] if by_person else "",
            "spoken": bool(by_person),
            "position": str(stance.position),
            "dated": dated,
            "precision": precision or "undated",
            "when": _date_label(stance.date, precision) if dated else "undated",
            "kind": str(stance.kind),
            "attribution": str(stance.attribution),
            "quote": stance.quote,
            "quote_en": stance.quote_en,
            "source": stance.source_id,
        }
        if dated:
            row["x0"] = _year_fraction(stance.date)
            # The mark ends where the last day the date can mean (the table's date_end) ends.
            row["x1"] = _year_fraction(stance.date_end + pd.Timedelta(days=1))
            row["mid"] = round((row["x0"] + row["x1"]) / 2, 6)
        rows.append(row)
    # Lanes in order of each actor's first dated stance; undated-only actors last.
    first: dict[str, float] = {}
    for row in rows:
        key = row["x0"] if row["dated"] else float("inf")
        first[row["actor"]] = min(first.get(row["actor"], float("inf")), key)
    lanes = sorted(first, key=lambda a: (first[a], a))
    slots = 1
    for lane in lanes:
        slots = max(slots, _pack([r for r in rows if r["actor"] == lane and r["dated"]], gap=0.12))
        undated = sorted((r for r in rows if r["actor"] == lane and not r["dated"]), key=lambda r: r["stance_id"])
        for i, r in enumerate(undated):
            r["slot"] = i
    changes = change_rows(tables, {r["stance_id"]: r for r in rows}, labels, set(lanes))
    caption = {
        "stances": len(stances),
        "repeats": len(every) - len(stances),
        "drawn": sum(r["dated"] for r in rows),
        "undated_in_lanes": sum(not r["dated"] for r in rows),
        "spoken": sum(r["spoken"] for r in rows),
        "single_actors": int((counts < 2).sum()),
        "single_stances": int(counts[counts < 2].sum()),
        "changes": len(changes),
        "all_changes": len(tables["position_changes"]),
        "slots": slots,
        "undated_slots": max([r["slot"] + 1 for r in rows if not r["dated"]] or [1]),
    }
    return rows, lanes, caption


def change_rows(
    tables: dict[str, Any], drawn: dict[str, dict[str, Any]], labels: dict[str, str], lanes: set[str]
) -> list[dict[str, Any]]:
    """One arrow per row of position_changes whose actor has a lane: from the end of the
    earlier state's named stance to the start of the later stance, at the later one's slot."""
    rows = []
    for change in tables["position_changes"].itertuples(index=False):
        lane = labels[change.actor_id]
        start, end = drawn.get(change.from_stance_id), drawn.get(change.to_stance_id)
        if start is None or end is None or not start["actor"] == end["actor"] == lane:
            continue  # a person's change between stances drawn in organisations' lanes has no lane of its own
        rows.append(
            {
                "actor": lane,
                "x0": start["x1"],
                "x1": end["x0"],
                "slot": end["slot"],
                "level": str(change.actor_type),
                "change": f"{change.from_position} → {change.to_position}",
                "between": f"{start['when']} → {end['when']}",
                "earlier": change.from_stance_ids,
                "later": change.to_stance_id,
            }
        )
    return rows


def time_domain(rows: list[dict[str, Any]]) -> tuple[float, float, list[int]]:
    """Start and end of the time axis, and its yearly ticks: from the first year drawn to a
    little after the last stance, never into empty years."""
    dated = [r for r in rows if r["dated"]]
    if not dated:  # nothing to place in time (a package whose actors have one stance each): an empty axis
        return 0.0, 1.0, []
    start = float(int(min(r["x0"] for r in dated)))
    end = round(max(r["x1"] for r in dated) + AXIS_PAD, 6)
    return start, end, list(range(int(start), int(end) + 1))


def stance_timeline(tables: dict[str, Any], contract: Contract) -> Any:
    import altair as alt

    missing = set(contract.vocabulary("stances", "date_precision")) - set(MARKS)
    if missing:
        raise ValueError(f"the timeline has no mark for the date precision(s) {sorted(missing)}: add them to MARKS")
    rows, lanes, n = timeline_rows(tables)
    changes = change_rows(tables, {r["stance_id"]: r for r in rows}, actor_labels(tables), set(lanes))
    subtitle = [
        "Each mark is one stance, coloured by its position toward openness, at the date it was said or done.",
        "● a stance dated to the day   ━ dated to a month (the bar spans the month)   "
        "┅ dated to a year (the pale dashed bar spans the year)   ◇ undated (right)",
        "An organisation's lane also holds the stances of the people speaking for it, outlined in black "
        f"({n['spoken']}); ▶ a change of position (position_changes: {n['changes']} of {n['all_changes']} drawn).",
        f"One lane per actor with two or more stances: {n['drawn']} dated and {n['undated_in_lanes']} "
        f"undated stances of {n['stances']}; the {n['single_stances']} stances of {n['single_actors']} actors "
        "with a single stance are not drawn,",
        f"nor the {n['repeats']} second report(s) of a statement already drawn (repeats).",
    ]
    title = alt.Title("Who said what about open AI models, and when", subtitle=subtitle, anchor="start")
    if not lanes:  # no actor with two stances (a small package): say so rather than draw empty lanes
        empty = [{"text": "No actor has two or more stances to draw."}]
        chart = alt.Chart(alt.Data(values=empty)).mark_text(align="left", x=0).encode(text="text:N")
        return chart.properties(width=760, height=30, title=title)
    dated = [r for r in rows if r["dated"]]
    undated = [r for r in rows if not r["dated"]]
    step = max(26, 9 * n["slots"])
    start, end, ticks = time_domain(rows)
    y = alt.Y("actor:N", sort=lanes, title=None, axis=alt.Axis(labelLimit=320, labelFontSize=12))
    tooltip = [
        alt.Tooltip(f"{f}:N", title=t)
        for f, t in (
            ("actor", "actor"),
            ("speaker", "said or done by (for the actor)"),
            ("when", "date"),
            ("position", "position"),
            ("kind", "kind"),
            ("attribution", "attribution"),
            ("quote", "quote"),
            ("quote_en", "quote (English)"),
            ("source", "source"),
            ("stance_id", "stance"),
        )
    ]
    colour = position_colour(alt, contract)
    base = alt.Chart(alt.Data(values=dated)).encode(
        y=y,
        yOffset=alt.YOffset("slot:O", scale=alt.Scale(domain=list(range(n["slots"])))),
        color=colour,
        tooltip=tooltip,
    )
    x = alt.X(
        "x0:Q",
        title=None,
        scale=alt.Scale(domain=[start, end], nice=False, clamp=True),
        axis=alt.Axis(values=ticks, format="d", grid=True, labelFontSize=11),
    )
    marks = {
        "pale bar": lambda chart: chart.mark_bar(opacity=0.3, strokeWidth=1.2, strokeDash=[3, 2]).encode(
            x=x, x2="x1:Q", stroke=position_colour(alt, contract, legend=False)
        ),
        "bar": lambda chart: chart.mark_bar(opacity=0.95).encode(x=x, x2="x1:Q"),
        "point": lambda chart: chart.mark_point(filled=True, shape="circle", size=55, opacity=1).encode(
            x=alt.X("mid:Q")
        ),
    }
    layers = [
        marks[MARKS[p]](base.transform_filter(f"datum.precision == '{p}'"))
        for p in reversed(contract.vocabulary("stances", "date_precision"))
    ]
    # A stance of a person speaking for the organisation of the lane: outlined in black.
    outline = base.transform_filter("datum.spoken")
    layers += [
        outline.transform_filter("datum.precision != 'day'")
        .mark_bar(fillOpacity=0, stroke="#000000", strokeWidth=1.4)
        .encode(x=x, x2="x1:Q"),
        outline.transform_filter("datum.precision == 'day'")
        .mark_point(filled=False, shape="circle", size=130, stroke="#000000", strokeWidth=1.4, opacity=1)
        .encode(x=alt.X("mid:Q")),
    ]
    # Each change: an arrow from the earlier state's stance to the later stance.
    arrow = alt.Chart(alt.Data(values=changes)).encode(
        y=y,
        yOffset=alt.YOffset("slot:O", scale=alt.Scale(domain=list(range(n["slots"])))),
        tooltip=[
            alt.Tooltip(f"{f}:N", title=t)
            for f, t in (
                ("actor", "actor"),
                ("change", "change"),
                ("between", "between"),
                ("earlier", "earlier state"),
                ("later", "later stance"),
                ("level", "followed as"),
            )
        ],
    )
    layers += [
        arrow.mark_rule(color="#000000", strokeWidth=1.6, opacity=0.75).encode(x=x, x2="x1:Q"),
        arrow.mark_point(shape="triangle-right", filled=True, size=70, color="#000000", opacity=0.85).encode(
            x=alt.X("x1:Q")
        ),
    ]
    height = step * len(lanes)  # one fixed height for both panels, which share the lanes
    dated_chart = alt.layer(*layers).properties(width=760, height=height)
    panel = (
        alt.Chart(alt.Data(values=undated))
        .mark_point(shape="diamond", filled=False, size=55, strokeWidth=1.8)
        .encode(
            x=alt.X(
                "slot:O",
                title="undated",
                axis=alt.Axis(labels=False, ticks=False, domain=False),
                scale=alt.Scale(domain=list(range(n["undated_slots"]))),
            ),
            y=alt.Y("actor:N", sort=lanes, axis=None),
            color=colour,
            tooltip=tooltip,
        )
        .properties(width=alt.Step(14), height=height)
    )
    return alt.hconcat(dated_chart, panel, spacing=8).resolve_scale(y="shared").properties(title=title)
