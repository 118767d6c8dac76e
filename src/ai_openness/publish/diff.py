"""Compare two versions of the package, row by row and schema by schema.

`diff_packages(base, head)` reads both directories through the validator's reader (paths
stay inside each package; the tables' sizes are not limited, so that a million stances
can be compared) and returns a `PackageDiff`: per table the rows
added, removed and changed (matched by primary key), and the schema changes (resources
and columns added or removed, field types, vocabularies and other constraints changed),
the facts a release needs to write its changelog and to choose a major, minor or patch
version.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from ai_openness.contract import DESCRIPTOR, Contract, key_list, schema_problems
from ai_openness.contract.objects import NAME
from ai_openness.core.limits import TRUSTED
from ai_openness.core.problems import Problem, Unreadable, shown
from ai_openness.publish.frames import read_frame
from ai_openness.safeio.descriptor import Resource, read_descriptor
from ai_openness.safeio.scan import scan


@dataclass
class RowChange:
    key: dict[str, str]
    fields: dict[str, tuple[str, str]]  # column -> (old value, new value)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "fields": {c: {"old": o, "new": n} for c, (o, n) in self.fields.items()}}


@dataclass
class TableDiff:
    name: str
    key: list[str]  # the columns rows were matched by
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "added": self.added,
            "removed": self.removed,
            "changed": [c.to_dict() for c in self.changed],
        }


@dataclass
class ResourceSchemaDiff:
    added_columns: list[str] = field(default_factory=list)
    removed_columns: list[str] = field(default_factory=list)
    changed_types: dict[str, tuple[str, str]] = field(default_factory=dict)  # column -> (old, new)
    added_enum_values: dict[str, list[str]] = field(default_factory=dict)
    removed_enum_values: dict[str, list[str]] = field(default_factory=dict)
    changed_constraints: dict[str, tuple[dict[str, Any], dict[str, Any]]] = field(
        default_factory=dict
    )  # other than enum
    changed_primary_key: tuple[list[str], list[str]] | None = None
    added_foreign_keys: list[dict[str, Any]] = field(default_factory=list)
    removed_foreign_keys: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(asdict(self).values())


@dataclass
class SchemaDiff:
    added_resources: list[str] = field(default_factory=list)
    removed_resources: list[str] = field(default_factory=list)
    resources: dict[str, ResourceSchemaDiff] = field(default_factory=dict)  # only those that changed

    @property
    def is_empty(self) -> bool:
        return not (self.added_resources or self.removed_resources or self.resources)


@dataclass
class PackageDiff:
    base: str
    head: str
    base_version: str | None
    head_version: str | None
    tables: dict[str, TableDiff]
    schema: SchemaDiff

    @property
    def is_empty(self) -> bool:
        return self.schema.is_empty and all(t.is_empty for t in self.tables.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "head": self.head,
            "base_version": self.base_version,
            "head_version": self.head_version,
            "empty": self.is_empty,
            "tables": {name: t.to_dict() for name, t in self.tables.items()},
            "schema": {
                "added_resources": self.schema.added_resources,
                "removed_resources": self.schema.removed_resources,
                "resources": {name: asdict(r) for name, r in self.schema.resources.items()},
            },
        }


@dataclass
class _Version:
    root: Path
    version: str | None
    contract: Contract  # the version's own schemas, as its descriptor gives them
    resources: dict[str, Resource]
    columns: dict[str, list[str]]  # each table's header

    @property
    def schemas(self) -> dict[str, dict[str, Any]]:
        return {name: self.contract.schema(name) for name in self.contract.names}

    def table(self, name: str) -> pl.DataFrame | None:
        """One table, every cell as text ("" when empty), read when it is compared and let go
        after: only two tables (one of each version) are held at a time."""
        if name not in self.resources:
            return None
        table, problems = read_frame(self.resources[name], DESCRIPTOR, TRUSTED)
        if problems:
            raise Unreadable([Problem(**{**p.to_dict(), "file": f"{self.root}/{p.file}"}) for p in problems])
        return table


def _read(root: Path) -> _Version:
    descriptor, problems = read_descriptor(root, DESCRIPTOR, TRUSTED.descriptor_bytes)
    columns = {}
    for name, resource in descriptor.resources.items() if descriptor else []:
        found = scan(resource.file, resource.path)  # every table readable before any is compared
        if found.problem is not None:
            problems.append(found.problem)
            continue
        columns[name] = pl.read_csv(resource.file, n_rows=0, infer_schema=False).columns
    for name, resource in descriptor.resources.items() if descriptor else []:
        # The contract below is made of these: a name that is no identifier, or a schema of
        # another shape, is a finding here, not an error in the contract's own objects.
        if not re.fullmatch(NAME, name):
            problems.append(
                Problem(
                    DESCRIPTOR,
                    resource.line,
                    "name",
                    f"the resource name {shown(name)!r} is not a plain identifier (lower-case letters, digits and _)",
                    fix="rebuild it with `ai-openness build`",
                )
            )
        problems += schema_problems(resource.schema, DESCRIPTOR)
    if descriptor is None or problems:
        raise Unreadable([Problem(**{**p.to_dict(), "file": f"{root}/{p.file}"}) for p in problems])
    version = descriptor.checked.get("version")
    # Not Contract.from_descriptor: a version is compared as text, whatever types it declares.
    contract = Contract(
        {"resources": [{"name": name} for name in descriptor.resources]},
        {name: r.schema for name, r in descriptor.resources.items()},
        f"{root}/{DESCRIPTOR}",
    )
    return _Version(root, str(version) if version is not None else None, contract, descriptor.resources, columns)


def _fields(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in schema.get("fields", []) if isinstance(f, dict) and "name" in f}


def schema_diff(old: dict[str, Any], new: dict[str, Any]) -> ResourceSchemaDiff:
    result = ResourceSchemaDiff()
    before, after = _fields(old), _fields(new)
    result.added_columns = [c for c in after if c not in before]
    result.removed_columns = [c for c in before if c not in after]
    for column in (c for c in after if c in before):
        a, b = before[column], after[column]
        if a.get("type", "string") != b.get("type", "string"):
            result.changed_types[column] = (a.get("type", "string"), b.get("type", "string"))
        ca, cb = a.get("constraints") or {}, b.get("constraints") or {}
        ea, eb = ca.get("enum"), cb.get("enum")
        if ea is not None or eb is not None:
            added = [v for v in (eb or []) if v not in (ea or [])]
            removed = [v for v in (ea or []) if v not in (eb or [])]
            if added:
                result.added_enum_values[column] = added
            if removed:
                result.removed_enum_values[column] = removed
        rest_a = {k: v for k, v in ca.items() if k != "enum"}
        rest_b = {k: v for k, v in cb.items() if k != "enum"}
        if rest_a != rest_b:
            result.changed_constraints[column] = (rest_a, rest_b)
    pk_old, pk_new = key_list(old.get("primaryKey")), key_list(new.get("primaryKey"))
    if pk_old != pk_new:
        result.changed_primary_key = (pk_old, pk_new)
    fks_old, fks_new = old.get("foreignKeys") or [], new.get("foreignKeys") or []
    result.added_foreign_keys = [fk for fk in fks_new if fk not in fks_old]
    result.removed_foreign_keys = [fk for fk in fks_old if fk not in fks_new]
    return result


def _match_key(name: str, base: _Version, head: _Version) -> list[str]:
    """The primary key both versions can be matched by (head's first), else the shared columns.
    A table only one version holds is keyed by that version's primary key: its rows are all
    added (or removed), and are named by their key, not by every cell."""
    headers = [set(v.columns[name]) for v in (base, head) if name in v.columns]
    for version in (head, base):
        key = version.contract.primary_key(name) if name in version.contract.names else []
        if key and all(set(key) <= header for header in headers):
            return key
    header = head.columns[name] if name in head.columns else base.columns[name]
    return [c for c in header if all(c in h for h in headers)] or header


def _rows(table: pl.DataFrame | None, key: list[str]) -> pl.DataFrame:
    """Rows by key (the first of rows sharing a key), sorted by key; an absent table has none."""
    if table is None:
        return pl.DataFrame(schema=dict.fromkeys(key, pl.String))
    return table.unique(subset=key, keep="first", maintain_order=True).sort(key)


def _fingerprint(columns: list[str]) -> list[pl.Expr]:
    """Two 64-bit hashes of a row's cells (with different seeds): rows whose fingerprints are
    equal are taken as equal, so only the few rows that differ are joined in full."""
    cells = pl.concat_str([pl.col(c).str.len_bytes().cast(pl.String) + ":" + pl.col(c) for c in columns])
    return [cells.hash(seed=1).alias("|h1"), cells.hash(seed=2).alias("|h2")]


def table_diff(name: str, base: _Version, head: _Version) -> TableDiff:
    """Joins on the key, column by column: the changed cells are found without a Python loop
    over the rows, so a table of millions of rows is compared in seconds. The two versions'
    rows are matched by their keys and fingerprints first; only the rows that differ are
    joined cell by cell, so memory stays near the two tables' own size."""
    key = _match_key(name, base, head)
    old, new = _rows(base.table(name), key), _rows(head.table(name), key)
    result = TableDiff(name, key)
    result.added = new.join(old.select(key), on=key, how="anti", maintain_order="left").to_dicts()
    result.removed = old.join(new.select(key), on=key, how="anti", maintain_order="left").to_dicts()
    shared = [c for c in new.columns if c in old.columns and c not in key]
    if not shared:
        return result
    hashed_new = new.select(*key, *_fingerprint(shared))
    hashed_old = old.select(*key, *_fingerprint(shared))
    differing = (
        hashed_new.join(hashed_old, on=key, how="inner", suffix="|old", maintain_order="left")
        .filter((pl.col("|h1") != pl.col("|h1|old")) | (pl.col("|h2") != pl.col("|h2|old")))
        .select(key)
    )
    del hashed_new, hashed_old
    candidates = new.join(differing, on=key, how="semi", maintain_order="left")
    both = candidates.join(
        old.join(differing, on=key, how="semi").select(key + shared), on=key, how="inner", suffix="|old"
    )
    both = both.sort(key) if both.height else both
    differs = [pl.col(c) != pl.col(f"{c}|old") for c in shared]
    for row in both.filter(pl.any_horizontal(differs)).iter_rows(named=True):
        fields = {c: (row[f"{c}|old"], row[c]) for c in shared if row[c] != row[f"{c}|old"]}
        result.changed.append(RowChange({c: row[c] for c in key}, fields))
    return result


def diff_packages(base: Path, head: Path, base_label: str | None = None, head_label: str | None = None) -> PackageDiff:
    """Rows and schemas of `head` compared with `base`; raise Unreadable when a version
    cannot be read within the validator's limits."""
    old, new = _read(Path(base)), _read(Path(head))
    schema = SchemaDiff(
        added_resources=[n for n in new.schemas if n not in old.schemas],
        removed_resources=[n for n in old.schemas if n not in new.schemas],
    )
    for name in (n for n in new.schemas if n in old.schemas):
        changes = schema_diff(old.schemas[name], new.schemas[name])
        if not changes.is_empty:
            schema.resources[name] = changes
    names = list(new.schemas) + [n for n in old.schemas if n not in new.schemas]
    return PackageDiff(
        base_label or str(base),
        head_label or str(head),
        old.version,
        new.version,
        {name: table_diff(name, old, new) for name in names},
        schema,
    )
