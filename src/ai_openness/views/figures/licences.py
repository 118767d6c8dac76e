"""The licence matrix: each model against the terms its weights ship under."""

from __future__ import annotations

from typing import Any

from ai_openness.contract import Contract

# Licence-matrix cells: how much a term leaves the model open to use, and "unknown" for an
# empty cell that the schema does not give a meaning to, so that no gap reads as "no".
CELL_KINDS = {
    "open": "#8fd3b6",
    "conditional": "#f6d08b",
    "closed": "#f2a07b",
    "unknown": "#ececec",
    "not applicable": "#ffffff",
}
# How the figure reads values of models.access and licences.commercial_use (their meanings
# are in the schema's descriptions; which access values withhold the weights is the
# contract's). A value the schema adds and the figure has no reading for reads as itself,
# of unknown kind.
ACCESS_CELLS = {
    "open-weights": ("yes", "open"),
    "restricted-weights": ("yes, restricted", "conditional"),
    "non-commercial-weights": ("yes, non-commercial", "conditional"),
    "leaked": ("leaked", "conditional"),
    "api": ("no (API only)", "closed"),
    "hosted": ("no (hosted only)", "closed"),
    "unreleased": ("no (unreleased)", "closed"),
}
COMMERCIAL_CELLS = {"allowed": "open", "restricted": "conditional", "prohibited": "closed"}
TERMS = ["weights released", "licence", "commercial use", "user limit", "acceptable-use policy", "OSI approved"]


def _weights_released(access: object, withheld: tuple[str, ...]) -> str | None:
    if not isinstance(access, str):
        return None
    return "no" if access in withheld else "yes"


def licence_cells(tables: dict[str, Any], contract: Contract) -> list[dict[str, Any]]:
    """One cell per model and licence term: a label and a kind (open ... unknown)."""
    import pandas as pd

    licences = tables["licences"].set_index("licence_id")
    organisations = tables["organisations"].set_index("organisation_id")
    cells = []
    withheld = contract.weights_withheld()
    models = tables["models"].assign(
        released_key=tables["models"]["access"].map(
            lambda a: {"yes": 0, "no": 1}.get(_weights_released(a, withheld) or "", 2)
        )
    )
    for order, model in enumerate(models.sort_values(["released_key", "name"]).itertuples(index=False)):
        org = organisations.loc[model.organisation_id]
        label = f"{model.name} · {org['name']}"
        released = _weights_released(model.access, withheld)
        licence = licences.loc[model.licence_id] if isinstance(model.licence_id, str) else None

        def cell(term: str, value: str, kind: str, label: str = label, order: int = order, model: Any = model) -> None:
            cells.append(
                {
                    "model": label,
                    "order": order,
                    "term": term,
                    "value": value,
                    "kind": kind,
                    "access": model.access if isinstance(model.access, str) else "unknown",
                    "licence_id": model.licence_id if isinstance(model.licence_id, str) else "",
                }
            )

        if released is None:
            cell("weights released", "unknown", "unknown")
        else:
            cell("weights released", *ACCESS_CELLS.get(model.access, (model.access, "unknown")))
        if released != "yes":
            kind, value = ("not applicable", "—") if released == "no" else ("unknown", "unknown")
            for term in TERMS[1:]:
                cell(term, value, kind)
            continue
        if licence is None:
            for term in TERMS[1:]:
                cell(term, "unknown", "unknown")
            continue
        cell("licence", model.licence_id.removeprefix("LicenseRef-"), "open" if licence["spdx"] else "conditional")
        commercial = licence["commercial_use"]
        cell(
            "commercial use",
            "unknown" if pd.isna(commercial) else str(commercial),
            "unknown" if pd.isna(commercial) else COMMERCIAL_CELLS.get(str(commercial), "unknown"),
        )
        # The schema gives an empty user_limit a meaning: the licence sets no limit.
        limit = licence["user_limit"]
        cell(
            "user limit",
            "none" if pd.isna(limit) else f"{int(limit) / 1e6:,.0f}M monthly users",
            "open" if pd.isna(limit) else "conditional",
        )
        policy = licence["use_policy"]
        cell(
            "acceptable-use policy",
            "unknown" if pd.isna(policy) else ("yes" if policy else "no"),
            "unknown" if pd.isna(policy) else ("conditional" if policy else "open"),
        )
        osi = licence["osi_approved"]
        cell(
            "OSI approved",
            "unknown" if pd.isna(osi) else ("yes" if osi else "no"),
            "unknown" if pd.isna(osi) else ("open" if osi else "closed"),
        )
    return cells


def licence_matrix(tables: dict[str, Any], contract: Contract) -> Any:
    import altair as alt

    cells = licence_cells(tables, contract)
    order = [c["model"] for c in sorted(cells, key=lambda c: c["order"]) if c["term"] == TERMS[0]]
    base = alt.Chart(alt.Data(values=cells)).encode(
        x=alt.X(
            "term:N",
            sort=TERMS,
            title=None,
            axis=alt.Axis(orient="top", labelAngle=0, labelFontSize=11, labelLimit=140),
        ),
        y=alt.Y("model:N", sort=order, title=None, axis=alt.Axis(labelFontSize=11, labelLimit=260)),
        tooltip=[
            alt.Tooltip("model:N"),
            alt.Tooltip("term:N"),
            alt.Tooltip("value:N"),
            alt.Tooltip("access:N"),
            alt.Tooltip("licence_id:N", title="licence"),
        ],
    )
    rects = base.mark_rect(stroke="#bbbbbb", strokeWidth=0.5).encode(
        color=alt.Color(
            "kind:N",
            title=None,
            scale=alt.Scale(domain=list(CELL_KINDS), range=list(CELL_KINDS.values())),
            legend=alt.Legend(orient="bottom", symbolStrokeColor="#999999", symbolType="square"),
        )
    )
    text = base.mark_text(fontSize=10, color="#222222").encode(text="value:N")
    return alt.layer(rects, text).properties(
        width=alt.Step(150),
        height=alt.Step(20),
        title=alt.Title(
            "Models by the terms their weights ship under",
            anchor="start",
            subtitle=[
                "Terms of each model's weights licence (from the licences table, each read in a cited reference).",
                "Grey 'unknown': the tables hold no checked value; '—': no weights are released, so no licence applies.",
                "An empty user limit means the licence sets none (as the schema defines it).",
            ],
        ),
    )
