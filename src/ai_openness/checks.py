"""Rules across rows and tables: keys, foreign keys and cross-field rules.

Primary and foreign keys are read from the Table Schemas, so a key added to a schema is
checked here (with the file and line of the coding) without touching this module.
"""

from __future__ import annotations

import datetime as dt

from .contract import Contract
from .ids import UnknownId, follow
from .problems import Problem
from .records import Row
from .script import fold


def key_of(row: Row, columns: list[str]) -> tuple:
    return tuple(row.values.get(c) for c in columns)


def primary_keys(contract: Contract, tables: dict[str, list[Row]]) -> list[Problem]:
    problems = []
    for name, rows in tables.items():
        columns = contract.primary_key(name)
        seen: dict[tuple, Row] = {}
        for row in rows:
            key = key_of(row, columns)
            if key in seen:
                first = seen[key]
                where = f"{first.file}:{first.line(columns[-1])}"
                problems.append(row.problem(columns[-1], f"duplicate {'/'.join(columns)}; already used at {where}",
                                            "/".join(map(str, key))))
            else:
                seen[key] = row
    return problems


def foreign_keys(contract: Contract, tables: dict[str, list[Row]]) -> list[Problem]:
    problems = []
    for name, rows in tables.items():
        for fk in contract.foreign_keys(name):
            target = fk.resource
            targets = {key_of(r, fk.reference) for r in tables.get(target, [])}
            for row in rows:
                key = key_of(row, fk.fields)
                if all(v is None for v in key) or key in targets:
                    continue
                column = fk.fields[0]
                problems.append(row.problem(column, f"no {target} row has {'/'.join(fk.reference)} "
                                            f"= {'/'.join(map(str, key))}; add it there or fix the id", key[0]))
    return problems


def aliases(tables: dict[str, list[Row]]) -> list[Problem]:
    """Every alias names an existing entity, and no spelling names two entities."""
    problems, owners = [], {}
    for row in tables["aliases"]:
        entity_type, entity_id = row.values["entity_type"], row.values["entity_id"]
        folded = fold(row.values["alias"])
        owner = owners.setdefault(folded, (entity_type, entity_id))
        if owner != (entity_type, entity_id):
            problems.append(row.problem("aliases", f"this spelling already names {owner[0]} {owner[1]}; "
                                        "an alias must name one entity", row.values["alias"]))
    return problems


def stances(tables: dict[str, list[Row]], today: dt.date) -> list[Problem]:
    problems = []
    kinds = {r.values["source_id"]: r.values["kind"] for r in tables["sources"]}
    published = {r.values["source_id"]: r.values.get("published") for r in tables["sources"]}
    for row in tables["stances"]:
        v = row.values
        if not v.get("person_id") and not v.get("organisation_id"):
            problems.append(row.problem("person_id", "a stance needs a person_id, an organisation_id or both"))
        if v.get("date") is not None:
            if v["date"] > today:
                problems.append(row.problem("date", "is in the future", v["date"]))
            elif published.get(v["source_id"]) and v["date"] > published[v["source_id"]]:
                # A partial date stands for its first day, so 2025-05 is after 2025-04-30
                # but not after 2025-05-02: only a stance certainly later is refused.
                problems.append(row.problem(
                    "date", f"is after the publication date of its source ({published[v['source_id']]}); an "
                    "article cannot report a stance taken after it was published", v["date"]))
            if not v.get("date_basis"):
                problems.append(row.problem("date", "a dated stance needs date_basis (stated, relative or reference)"))
        elif v.get("date_basis") or v.get("date_source_id"):
            problems.append(row.problem("date_basis", "date_basis and date_source_id need a date"))
        # An empty date must say why (vocabulary in the schema), so that "not dated yet" and
        # "cannot be dated" are told apart; a dated row has nothing to explain.
        if v.get("date") is None and not v.get("undated_reason"):
            problems.append(row.problem("undated_reason", "an undated stance needs undated_reason "
                                        "(see docs/codebook.md section 6)"))
        elif v.get("date") is not None and v.get("undated_reason"):
            problems.append(row.problem("undated_reason", "a dated stance has no undated_reason; remove it",
                                        v["undated_reason"]))
        if (v.get("date_basis") == "reference") != bool(v.get("date_source_id")):
            problems.append(row.problem("date_source_id", "date_source_id is required when, and only when, "
                                        "date_basis is reference"))
        if v.get("date_basis") == "relative" and not published.get(v["source_id"]):
            problems.append(row.problem("date_basis", "relative dates need the article's publication date, "
                                        "which sources/articles.yaml does not give; date it by a reference",
                                        v["date_basis"]))
        if v.get("date_source_id") and kinds.get(v["date_source_id"]) == "article":
            problems.append(row.problem("date_source_id", "must name an external reference "
                                        "(sources/references.yaml), not a stored article", v["date_source_id"]))
    return problems


def models(contract: Contract, tables: dict[str, list[Row]]) -> list[Problem]:
    problems, withheld = [], contract.weights_withheld()
    for row in tables["models"]:
        if row.values.get("licence_id") and row.values.get("access") in withheld:
            problems.append(row.problem("licence_id", "a model whose weights are not released has no weights "
                                        "licence; leave licence_id empty", row.values["licence_id"]))
    return problems


def sources(tables: dict[str, list[Row]]) -> list[Problem]:
    problems = []
    for row in tables["sources"]:
        stored = bool(row.values.get("path"))
        if (row.values.get("kind") == "article") != stored:
            problems.append(row.problem("path", "an article has a stored text (path and sha256); "
                                        "an external reference has none"))
    return problems


def retired(contract: Contract, tables: dict[str, list[Row]]) -> list[Problem]:
    """Each retired id names a table keyed by one id column, is no longer in it (an id is
    never reused), and its successor, when given, leads to an id that is."""
    problems = []
    rows = tables.get("retired_ids", [])
    successors: dict[str, dict[str, str | None]] = {}
    for row in rows:
        successors.setdefault(row.values["table"], {})[row.values["id"]] = row.values.get("successor")
    current: dict[str, set] = {}
    for row in rows:
        table, identifier = row.values["table"], row.values["id"]
        key = contract.primary_key(table) if table in tables and table != "retired_ids" else []
        if len(key) != 1:
            keyed = [n for n in tables if n != "retired_ids" and len(contract.primary_key(n)) == 1]
            problems.append(row.problem("table", f"expected a table keyed by one id column: {', '.join(keyed)}",
                                        table))
            continue
        if table not in current:
            current[table] = {r.values.get(key[0]) for r in tables[table]}
        if identifier in current[table]:
            problems.append(row.problem("id", f"is still a {key[0]} in {table}; a retired id is never reused "
                                        "(remove the entry, or give the row a new id)", identifier))
            continue
        if row.values.get("successor") is None:
            continue
        try:
            follow(identifier, current[table], successors[table])
        except (UnknownId, ValueError) as exc:
            problems.append(row.problem("successor", f"{exc}; name an id that is in {table}",
                                        row.values["successor"]))
    return problems


def all_rules(contract: Contract, tables: dict[str, list[Row]], today: dt.date) -> list[Problem]:
    return (primary_keys(contract, tables) + foreign_keys(contract, tables) + aliases(tables)
            + stances(tables, today) + models(contract, tables) + sources(tables)
            + retired(contract, tables))
