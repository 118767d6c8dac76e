"""Export the package to a SQLite database (for Datasette) or a DuckDB database.

Both exports carry every table with its primary key, foreign keys and required columns,
the column descriptions and the package version, all read from the Table Schemas and
datapackage.json, never restated here. SQLite tables are made by sqlite-utils; DuckDB
tables by DDL derived from the same schemas (DuckDB also keeps the descriptions as column
comments and the vocabularies as CHECK constraints). The SQLite export comes with
Datasette metadata: titles, descriptions, licence, source links, facets and canned queries.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ai_openness.contract import Contract
from ai_openness.core.paths import package_root
from ai_openness.safeio.installed import contract_from_descriptor_file, descriptor_document

PACKAGE_TABLE = "_package"
COLUMNS_TABLE = "_columns"
TABLES_TABLE = "_tables"

# Views shared by both exports; the SQL runs unchanged on SQLite and DuckDB.
VIEWS = {
    "stances_by_actor": """
select s.actor_id, s.actor_type,
       case when s.actor_type = 'person' then p.name else o.name end as actor,
       case when s.actor_type = 'person' then p.name_zh else o.name_zh end as actor_zh,
       case when s.actor_type = 'person' then o.name else null end as speaking_for,
       s.date, s.date_end, s.date_precision, s.position, s.kind, s.attribution,
       s.quote, s.quote_en, s.source_id, s.stance_id
from stances s
left join people p on p.person_id = s.person_id
left join organisations o on o.organisation_id = s.organisation_id
""",
    "models_by_licence": """
select m.licence_id, l.name as licence, m.name as model, d.name as developer, m.access,
       l.osi_approved, l.commercial_use, l.user_limit, l.use_policy, m.released, m.model_id
from models m
join organisations d on d.organisation_id = m.organisation_id
left join licences l on l.licence_id = m.licence_id
""",
}
VIEW_DESCRIPTIONS = {
    "stances_by_actor": "Every stance with the name of the person or organisation it belongs to.",
    "models_by_licence": "Every model with its developer and the terms of its weights licence "
    "(licence columns are empty when no weights are released or none was verified).",
}
CANNED_QUERIES = {
    "stances_by_actor_over_time": {
        "title": "Stances of one actor over time",
        "description": "Type an actor id (a person_id or organisation_id, e.g. elon-musk or openai); "
        "leave it empty for everyone. A date with month or year precision covers date to "
        "date_end. Undated stances come last.",
        "sql": "select actor, actor_zh, date, date_end, date_precision, position, kind, quote, quote_en, stance_id\n"
        "from stances_by_actor\nwhere :actor = '' or actor_id = :actor\n"
        "order by actor, date is null, date, date_end, stance_id",
    },
    "models_by_licence": {
        "title": "Models by licence",
        "description": "Models grouped by the licence their weights ship under, with its main terms.",
        "sql": "select licence_id, licence, model, developer, access, osi_approved, commercial_use,\n"
        "       user_limit, use_policy\nfrom models_by_licence\n"
        "order by licence_id is null, licence_id, model",
    },
    "organisations_that_changed_position": {
        "title": "Organisations that changed position, and when",
        "description": "Each stance, of an organisation or of a person speaking for it, that takes another side "
        "than the organisation's earlier state (the table position_changes at the organisation level): "
        "the change happened after from_date and by the later stance. Neutral stances and second reports "
        "never count; stances whose dates overlap have no known order and make one state "
        "(from_stance_ids), mixed when they take different sides.",
        "sql": "select c.actor_id, o.name as organisation, o.name_zh as organisation_zh,\n"
        "       c.from_date, c.from_position, c.to_date, c.to_position, c.from_stance_id, c.to_stance_id,\n"
        "       c.from_stance_ids\n"
        "from position_changes c\njoin organisations o on o.organisation_id = c.actor_id\n"
        "where c.actor_type = 'organisation'\norder by c.actor_id, c.to_date, c.from_date",
    },
    "quotes_of_one_position": {
        "title": "The quotes of one position",
        "description": "Type a position: open, closed, mixed or neutral.",
        "sql": "select actor, actor_zh, date, date_precision, quote, quote_en, source_id, stance_id\n"
        "from stances_by_actor\nwhere position = :position\n"
        "order by date is null, date, actor, stance_id",
    },
}


def _root(root: Path | None) -> Path:
    return Path(root) if root is not None else package_root()


def descriptor(root: Path | None = None) -> dict[str, Any]:
    """datapackage.json, read inside the package and checked (see safeio.installed): every
    resource and column name is a plain identifier before it names a table."""
    return descriptor_document(_root(root) / "datapackage.json")


def contract_of(root: Path | None = None) -> Contract:
    """The contract of the package exported: the one in its own datapackage.json."""
    return contract_from_descriptor_file(_root(root) / "datapackage.json")


def table_rows(name: str, root: Path | None = None) -> list[dict[str, Any]]:
    """The rows of one table as plain Python values (None for empty, date for dates)."""
    import pandas as pd

    from ai_openness.views.load import load

    frame = load(name, root=root)
    rows = []
    for record in frame.astype(object).to_dict(orient="records"):
        row: dict[str, Any] = {}
        for key, value in record.items():
            if value is None or value is pd.NA or (isinstance(value, float) and value != value) or value is pd.NaT:
                row[key] = None
            elif isinstance(value, pd.Timestamp):
                row[key] = value.date()
            else:
                row[key] = value.item() if hasattr(value, "item") else value
        rows.append(row)
    return rows


def _foreign_keys(contract: Contract, name: str) -> list[tuple[str, str, str]]:
    """(column, referenced table, referenced column) of each foreign key, column by column."""
    return [
        (column, fk.resource, target)
        for fk in contract.foreign_keys(name)
        for column, target in zip(fk.fields, fk.reference)
    ]


def _levels(contract: Contract, name: str, rows: list[dict[str, Any]]) -> list[int]:
    """Each row's depth along the table's references to itself (0: it refers to no other row
    of the table), so that rows inserted level by level refer only to rows already stored,
    as DuckDB checks a foreign key. Linear: each row is visited once."""
    own = [(column, target) for column, table, target in _foreign_keys(contract, name) if table == name]
    if not own:
        return [0] * len(rows)
    index = {(target, row[target]): i for i, row in enumerate(rows) for _, target in own}
    parents = [
        {j for c, t in own if row[c] is not None and (j := index.get((t, row[c]))) is not None and j != i}
        for i, row in enumerate(rows)
    ]
    level: list[int | None] = [None] * len(rows)
    visiting: set[int] = set()
    for start in range(len(rows)):
        stack = [start]
        while stack:
            i = stack[-1]
            if level[i] is not None:
                stack.pop()
                continue
            visiting.add(i)
            waiting = [j for j in parents[i] if level[j] is None and j not in visiting]
            if waiting:
                stack.extend(waiting)
                continue
            # A parent still being visited is a cycle: the database reports it.
            level[i] = 1 + max((lj for j in parents[i] if (lj := level[j]) is not None), default=-1)
            visiting.discard(i)
            stack.pop()
    return [lv or 0 for lv in level]


def _insertion_order(contract: Contract, name: str, rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows in batches that each refer only to rows of earlier batches (for a table that
    refers to itself: DuckDB checks a foreign key against rows already stored)."""
    levels = _levels(contract, name, rows)
    batches: list[list[dict[str, Any]]] = [[] for _ in range(max(levels, default=-1) + 1)]
    for row, level in zip(rows, levels, strict=True):
        batches[level].append(row)
    return batches or [rows]


def _about_rows(
    root: Path | None, contract: Contract
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The _package, _tables and _columns rows: the package metadata inside the database."""
    meta = descriptor(root)
    package = [
        {"key": k, "value": v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}
        for k, v in meta.items()
        if k in ("name", "title", "version", "description", "homepage", "licenses", "sources")
    ]
    tables, columns = [], []
    for resource in meta["resources"]:
        name = resource["name"]
        tables.append(
            {
                "table_name": name,
                "title": resource["title"],
                "description": resource["description"],
                "primary_key": ", ".join(contract.primary_key(name)),
            }
        )
        required = contract.required(name)
        for position, field in enumerate(contract.fields(name), start=1):
            columns.append(
                {
                    "table_name": name,
                    "column_name": field["name"],
                    "position": position,
                    "type": field["type"],
                    "title": field.get("title"),
                    "required": field["name"] in required,
                    "values": ", ".join(contract.vocabulary(name, field["name"])) or None,
                    "description": field.get("description"),
                }
            )
    return package, tables, columns


Progress = Callable[[Iterable[str], str], Iterable[str]]


def _plain(items: Iterable[str], description: str) -> Iterable[str]:
    return items


def _replace_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write to a temporary sibling, then rename it over `path` (no half-written database)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    temporary.unlink(missing_ok=True)
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


# --- SQLite ---------------------------------------------------------------------------


def export_sqlite(
    path: Path, root: Path | None = None, progress: Progress = _plain, contract: Contract | None = None
) -> dict[str, int]:
    """Write every table to a SQLite database at `path`; return the rows per table."""
    counts: dict[str, int] = {}
    contract = contract or contract_of(root)

    def write(target: Path) -> None:
        import sqlite_utils

        db = sqlite_utils.Database(target)
        db.conn.execute("PRAGMA foreign_keys = ON")  # refuse a row whose reference is missing
        for name in progress(contract.names, "SQLite tables"):
            pk = contract.primary_key(name)
            table = db.table(name)
            table.create(
                {f["name"]: contract.sqlite_type(f) for f in contract.fields(name)},
                pk=pk[0] if len(pk) == 1 else tuple(pk),
                not_null=contract.required(name),
                foreign_keys=_foreign_keys(contract, name),
            )
            rows = table_rows(name, root)
            for batch in _insertion_order(contract, name, rows):
                table.insert_all(batch, batch_size=500)
            counts[name] = len(rows)
        package, tables, columns = _about_rows(root, contract)
        db.table(PACKAGE_TABLE).insert_all(package, pk="key")
        db.table(TABLES_TABLE).insert_all(tables, pk="table_name")
        db.table(COLUMNS_TABLE).insert_all(
            columns, pk=("table_name", "column_name"), foreign_keys=[("table_name", TABLES_TABLE, "table_name")]
        )
        for view, sql in VIEWS.items():
            db.create_view(view, sql.strip())
        problems = db.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise ValueError(f"foreign key check failed in the SQLite export: {problems[:5]}")
        db.conn.commit()
        db.close()

    _replace_atomically(Path(path), write)
    return counts


def datasette_metadata(database: str, root: Path | None = None) -> dict[str, Any]:
    """Datasette metadata for the SQLite export (named `database`), from datapackage.json."""
    meta = descriptor(root)
    contract = Contract.from_descriptor(meta, str(_root(root) / "datapackage.json"))
    licence = (meta.get("licenses") or [{}])[0]
    articles = "".join(
        f'<li><a href="{_html(s["path"])}">{_html(s["title"])}</a></li>'
        if s.get("path")
        else f"<li>{_html(s['title'])}</li>"
        for s in meta.get("sources", [])
    )
    tables = {}
    for resource in meta["resources"]:
        fields = resource["schema"]["fields"]
        names = [f["name"] for f in fields]
        table = {
            "title": resource["title"],
            "description": resource["description"],
            "columns": {f["name"]: f.get("description", "") for f in fields},
        }
        label = next((c for c in ("name", "title") if c in names), None)
        if label:
            table["label_column"] = label
        # Vocabularies with a handful of values make useful facets.
        facets = [f["name"] for f in fields if 1 < len(contract.vocabulary(resource["name"], f["name"])) <= 12]
        if facets:
            table["facets"] = facets
        if "date" in names:
            table["sort"] = "date"
        tables[resource["name"]] = table
    tables[PACKAGE_TABLE] = {"title": "About this package", "description": "Package metadata from datapackage.json."}
    tables[TABLES_TABLE] = {
        "title": "About the tables",
        "description": "Title, description and primary key of each table.",
    }
    tables[COLUMNS_TABLE] = {
        "title": "About the columns",
        "description": "Type, vocabulary and description of every column (the data dictionary).",
    }
    for view, description in VIEW_DESCRIPTIONS.items():
        tables[view] = {"description": description}
    return {
        "title": f"{meta['title']} (version {meta['version']})",
        "description_html": f"<p>{_html(meta['description'])}</p>"
        f"<p>Data package version {_html(meta['version'])}. Stances are coded from these "
        f"articles:</p><ul>{articles}</ul>",
        "license": licence.get("name", ""),
        "license_url": licence.get("path", ""),
        "source": f"{meta['name']} data package {meta['version']}",
        "source_url": meta.get("homepage", ""),
        "databases": {database: {"tables": tables, "queries": CANNED_QUERIES}},
    }


def _html(text: str) -> str:
    import html

    return html.escape(str(text))


def metadata_path(path: Path) -> Path:
    """Where the Datasette metadata of a SQLite export at `path` is written by default."""
    return Path(path).with_name(Path(path).stem + ".metadata.json")


def write_datasette_metadata(db_path: Path, out: Path | None = None, root: Path | None = None) -> Path:
    out = Path(out) if out else metadata_path(db_path)
    data = datasette_metadata(Path(db_path).stem, root)
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


# --- DuckDB ---------------------------------------------------------------------------


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def duckdb_ddl(contract: Contract, name: str) -> str:
    """CREATE TABLE for one resource, derived from its Table Schema."""
    lines = []
    required = contract.required(name)
    for field in contract.fields(name):
        line = f"{_q(field['name'])} {contract.duckdb_type(field)}"
        if field["name"] in required:
            line += " NOT NULL"
        vocabulary = contract.vocabulary(name, field["name"])
        if vocabulary:
            line += f" CHECK ({_q(field['name'])} IN ({', '.join(_literal(v) for v in vocabulary)}))"
        lines.append(line)
    lines.append(f"PRIMARY KEY ({', '.join(_q(c) for c in contract.primary_key(name))})")
    for column, table, target in _foreign_keys(contract, name):
        lines.append(f"FOREIGN KEY ({_q(column)}) REFERENCES {_q(table)} ({_q(target)})")
    return f"CREATE TABLE {_q(name)} (\n  " + ",\n  ".join(lines) + "\n)"


def export_duckdb(
    path: Path, root: Path | None = None, progress: Progress = _plain, contract: Contract | None = None
) -> dict[str, int]:
    """Write every table to a DuckDB database at `path`; return the rows per table."""
    counts: dict[str, int] = {}
    meta = descriptor(root)
    contract = contract or Contract.from_descriptor(meta, str(_root(root) / "datapackage.json"))

    def write(target: Path) -> None:
        import duckdb

        with duckdb.connect(str(target)) as con:
            resources = {r["name"]: r for r in meta["resources"]}
            for name in progress(contract.names, "DuckDB tables"):
                con.execute(duckdb_ddl(contract, name))
                con.execute(f"COMMENT ON TABLE {_q(name)} IS {_literal(resources[name]['description'])}")
                fields = contract.fields(name)
                for field in fields:
                    if field.get("description"):
                        con.execute(
                            f"COMMENT ON COLUMN {_q(name)}.{_q(field['name'])} IS {_literal(field['description'])}"
                        )
                counts[name] = _load_duckdb(con, contract, name, root)
            package, _, _ = _about_rows(root, contract)
            con.execute(f"CREATE TABLE {PACKAGE_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR)")
            con.execute(f"COMMENT ON TABLE {PACKAGE_TABLE} IS 'Package metadata from datapackage.json.'")
            con.executemany(f"INSERT INTO {PACKAGE_TABLE} VALUES (?, ?)", [[r["key"], r["value"]] for r in package])
            for view, sql in VIEWS.items():
                con.execute(f"CREATE VIEW {_q(view)} AS {sql.strip()}")
                con.execute(f"COMMENT ON VIEW {_q(view)} IS {_literal(VIEW_DESCRIPTIONS[view])}")
            con.execute("CHECKPOINT")

    _replace_atomically(Path(path), write)
    return counts


def _load_duckdb(con: Any, contract: Contract, name: str, root: Path | None) -> int:
    """One table into its constrained DuckDB table, as Arrow columns in one INSERT per level
    of self-reference (linear: no Python row is made, and DuckDB checks every constraint)."""
    import pyarrow as pa

    from ai_openness.views.load import load

    frame = load(name, root=root)
    columns = [f["name"] for f in contract.fields(name)]
    own = {c for c, table, t in _foreign_keys(contract, name) if table == name}
    keys = sorted(own | {t for c, table, t in _foreign_keys(contract, name) if table == name})
    levels = _levels(contract, name, frame[keys].astype(object).where(frame[keys].notna(), None).to_dict("records"))
    incoming = pa.Table.from_pandas(frame[columns], preserve_index=False).append_column("__level", pa.array(levels))
    con.register("__incoming", incoming)
    selected = ", ".join(_q(c) for c in columns)
    for level in range(max(levels, default=-1) + 1):
        con.execute(f"INSERT INTO {_q(name)} ({selected}) SELECT {selected} FROM __incoming WHERE __level = ?", [level])
    con.unregister("__incoming")
    return len(frame)


EXPORTERS: dict[str, Callable[..., dict[str, int]]] = {"sqlite": export_sqlite, "duckdb": export_duckdb}
