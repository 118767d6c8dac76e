"""The package's rules across rows and tables that a Table Schema cannot state: how a stance
is dated, which models carry a weights licence, which sources are stored, that a spelling
names one entity, and that a retired id stays retired.

Each rule is written once, on whole typed columns. The engine keeps the few columns the
rules need (COLUMNS) as it reads each table, with each row's number; `ai-openness validate`
runs them on the published tables, and the build on the tables it is about to write (so a
finding there is reported at the coding's file and line).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from ai_openness.checks.findings import Findings
from ai_openness.contract import Contract
from ai_openness.core.retired import TABLE as RETIRED_TABLE
from ai_openness.core.retired import Outcome, resolve_all

EMITS = (
    "date-after-source",
    "date-basis-missing",
    "date-basis-undated",
    "undated-reason-missing",
    "undated-reason-dated",
    "date-source",
    "relative-date-unpublished",
    "date-source-article",
    "licence",
    "source",
    "reference-url",
    "alias",
    "retired-table",
    "retired-reused",
    "retired-successor",
)
# table -> the columns its rules read (each kept with the row's number, "row")
COLUMNS = {
    "stances": ["source_id", "date", "date_basis", "date_source_id", "undated_reason"],
    "sources": ["source_id", "kind", "published", "path", "url"],
    "models": ["licence_id", "access"],
    "aliases": ["entity_type", "entity_id", "alias"],
    RETIRED_TABLE: ["table", "id", "successor"],
}
INVALID = "invalid"  # a kept column: the row has a cell among COLUMNS already reported as invalid


def check(
    contract: Contract,
    kept: dict[str, pl.DataFrame],
    rels: dict[str, str],
    ids: Callable[[str], set[str] | None],
    findings: Findings,
) -> None:
    """`kept`: each table's COLUMNS (a table missing here was not readable: its rules are
    not run); `ids(table)`: the ids of a table keyed by one id column (None: not read)."""
    if "stances" in kept and "sources" in kept:
        _stances(rels["stances"], kept["stances"], kept["sources"], findings)
    if "models" in kept:
        _models(contract, rels["models"], kept["models"], findings)
    if "sources" in kept:
        _sources(rels["sources"], kept["sources"], findings)
    if "aliases" in kept:
        _aliases(rels["aliases"], kept["aliases"], findings)
    if RETIRED_TABLE in kept:
        _retired(contract, rels[RETIRED_TABLE], kept[RETIRED_TABLE], ids, findings)


def _report(rel: str, frame: pl.DataFrame, rules: list[tuple[Any, ...]], findings: Findings) -> None:
    """rules: (condition, field, code[, (parameter, expression), ...]); one finding per row and
    rule that holds. Each expression's value on the row fills its parameter of the code's message."""
    for condition, field, code, *detail in rules:
        value = pl.col(field) if field in frame.columns else pl.lit(None, pl.String)
        hits = frame.filter(condition.fill_null(False) & ~pl.col(INVALID)).select(
            "row", value.alias("value"), *(expression.alias(f"detail{i}") for i, (_, expression) in enumerate(detail))
        )
        for record in hits.iter_rows():
            params = {name: record[2 + i] for i, (name, _) in enumerate(detail)}
            findings.add(rel, record[0], field, code, record[1], **params)


def _stances(rel: str, stances: pl.DataFrame, sources: pl.DataFrame, findings: Findings) -> None:
    published = sources.select(
        "source_id", pl.col("published").alias("source_published"), pl.col(INVALID).alias("source_invalid")
    )
    kinds = sources.select(pl.col("source_id").alias("date_source_id"), pl.col("kind").alias("date_source_kind"))
    frame = stances.join(published, on="source_id", how="left", maintain_order="left").join(
        kinds, on="date_source_id", how="left", maintain_order="left"
    )
    date, basis, source_date = pl.col("date"), pl.col("date_basis"), pl.col("source_published")
    dated, by_reference = date.is_not_null(), (basis == "reference").fill_null(False)
    source_valid = ~pl.col("source_invalid")  # null when the source is missing: no rule on it then
    _report(
        rel,
        frame,
        [
            # A partial date stands for its first day, so 2025-05 is after 2025-04-30 but not
            # after 2025-05-02: only a stance certainly later is refused.
            (
                dated & source_valid & (date > source_date),
                "date",
                "date-after-source",
                ("published", source_date.cast(pl.String)),
                ("source_id", pl.col("source_id")),
                # The build names the line of the article's entry instead.
                ("published_at", pl.lit("its entry in sources/articles.yaml")),
            ),
            (dated & basis.is_null(), "date", "date-basis-missing"),
            (
                ~dated & (basis.is_not_null() | pl.col("date_source_id").is_not_null()),
                "date_basis",
                "date-basis-undated",
            ),
            # An empty date must say why, so that "not dated yet" and "cannot be dated" are told apart.
            (
                ~dated & pl.col("undated_reason").is_null(),
                "undated_reason",
                "undated-reason-missing",
            ),
            (
                dated & pl.col("undated_reason").is_not_null(),
                "undated_reason",
                "undated-reason-dated",
            ),
            (
                by_reference != pl.col("date_source_id").is_not_null(),
                "date_source_id",
                "date-source",
            ),
            (
                (basis == "relative") & source_valid & source_date.is_null(),
                "date_basis",
                "relative-date-unpublished",
            ),
            (
                pl.col("date_source_kind") == "article",
                "date_source_id",
                "date-source-article",
            ),
        ],
        findings,
    )


def _models(contract: Contract, rel: str, models: pl.DataFrame, findings: Findings) -> None:
    withheld = pl.col("access").is_in(list(contract.weights_withheld()))
    _report(rel, models, [(pl.col("licence_id").is_not_null() & withheld, "licence_id", "licence")], findings)


def _sources(rel: str, sources: pl.DataFrame, findings: Findings) -> None:
    article = (pl.col("kind") == "article").fill_null(False)
    _report(
        rel,
        sources,
        [
            (article != pl.col("path").is_not_null(), "path", "source"),
            # A fact the articles do not state enters only with the address it was read at.
            (~article & pl.col("url").is_null(), "url", "reference-url"),
        ],
        findings,
    )


def _aliases(rel: str, aliases: pl.DataFrame, findings: Findings) -> None:
    """No spelling, folded to one script and case (script.fold), names two entities."""
    from ai_openness.core.script import fold  # OpenCC, loaded only where aliases are checked

    spellings = aliases["alias"].to_list()
    folded = pl.Series("folded", [None if s is None else fold(s) for s in spellings], dtype=pl.String)
    frame = aliases.with_columns(folded).sort("row")
    owner = frame.group_by("folded", maintain_order=True).agg(
        pl.col("entity_type").first().alias("owner_type"), pl.col("entity_id").first().alias("owner_id")
    )
    clashes = frame.join(owner, on="folded", how="left", maintain_order="left").filter(
        (pl.col("entity_type") != pl.col("owner_type")) | (pl.col("entity_id") != pl.col("owner_id"))
    )
    for row, alias, owner_type, owner_id in clashes.select("row", "alias", "owner_type", "owner_id").iter_rows():
        findings.add(rel, row, "alias", "alias", alias, entity_type=owner_type, entity_id=owner_id)


def _retired(
    contract: Contract, rel: str, retired: pl.DataFrame, ids: Callable[[str], set[str] | None], findings: Findings
) -> None:
    """Each retired id names a table keyed by one id column, is no longer in it (an id is
    never reused), and its successor, when given, leads to an id that is."""
    keyed = contract.id_tables()
    rows = retired.select("row", "table", "id", "successor").rows()
    successors: dict[str, dict[str, str | None]] = {}
    for _, table, identifier, successor in rows:
        successors.setdefault(table, {})[identifier] = successor
    current: dict[str, set[str] | None] = {}
    outcomes: dict[str, dict[str, Outcome]] = {}
    for row, table, identifier, successor in rows:
        if table not in keyed:
            findings.add(rel, row, "table", "retired-table", table, tables=", ".join(keyed))
            continue
        if table not in current:
            current[table] = ids(table)
        ids_now = current[table]
        if ids_now is None:
            continue  # the table itself could not be read (reported there)
        column = contract.primary_key(table)[0]
        if identifier in ids_now:
            findings.add(rel, row, "id", "retired-reused", identifier, column=column, table=table)
        elif successor is not None:
            if table not in outcomes:  # every chain of the table, followed once
                outcomes[table] = resolve_all(ids_now, successors[table])
            outcome = outcomes[table].get(identifier)
            if isinstance(outcome, Exception):
                findings.add(rel, row, "successor", "retired-successor", successor, reason=outcome, table=table)
