"""The contract: a package's Table Schemas, and every view of them the code uses.

One `Contract` holds the schemas of one package (its schema/ folder, or the schemas embedded
in a datapackage.json) and derives from them the record models, the Arrow, pandas and polars
types, the DuckDB, SQLite and Croissant column types, the keys and the vocabularies. No other
module maps a Table Schema type to an engine type or normalises a key. Nothing here chooses
which package applies: whoever works on a package builds its contract once and passes it on.

Only the standard library, pandas and pyarrow are imported for reading the tables
(`ai_openness.load`); pydantic, polars and PyYAML are imported by the views that need them.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from .limits import MAX_COLUMNS, MAX_DESCRIPTOR_BYTES, MAX_INPUT_BYTES, MAX_JSON_DEPTH, MAX_PATTERN, MAX_RESOURCES
from .problems import BuildFailed, Problem, Unreadable, shown

SCHEMA_DIR = "schema"
PACKAGE_YAML = f"{SCHEMA_DIR}/package.yaml"
DESCRIPTOR = "datapackage.json"
TYPES = ("string", "integer", "number", "boolean", "date")  # the Table Schema types the package uses
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")  # a resource name, also a file name in schema/

# Columns the build computes; a coding that writes one is told to remove it.
GENERATED_COLUMNS = {
    "sources": ("characters",),
    "licences": ("spdx",),
    "models": ("released_precision", "released_end"),
    "stances": ("source_id", "actor_id", "actor_type", "date_end", "date_precision", "quote_start", "quote_end"),
    "aliases": ("language",),
}
# Tables the build derives from the codings (no codings file of their own): a changelog
# counts their rows instead of listing them.
GENERATED_TABLES = ("aliases", "mentions", "position_changes")
# Tables found by matching aliases in the stored texts: no coding row stands behind a row.
MATCHED_TABLES = ("mentions",)
# Tables computed from the checked rows of other tables (changes.py): no coding row either.
DERIVED_TABLES = ("position_changes",)
# models.access values under which no weights are released (so no weights licence applies).
WEIGHTS_WITHHELD = ("api", "hosted", "unreleased")


# --- type views: the only maps from a Table Schema type to an engine's type -----------

def _type(field: dict | str) -> str:
    kind = field if isinstance(field, str) else field.get("type", "string")
    if kind not in TYPES:
        raise ValueError(f"Table Schema type {kind!r} is not one this package uses ({', '.join(TYPES)})")
    return kind


def python_type(field: dict | str) -> type:
    import datetime as dt

    return {"string": str, "integer": int, "number": float, "boolean": bool, "date": dt.date}[_type(field)]


def arrow_type(field: dict | str):
    import pyarrow as pa

    return {"string": pa.string, "integer": pa.int64, "number": pa.float64, "boolean": pa.bool_,
            "date": pa.date32}[_type(field)]()


def pandas_dtype(field: dict | str) -> str:
    """The pandas dtype of a column without a vocabulary (nullable types throughout)."""
    return {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean",
            "date": "datetime64[s]"}[_type(field)]


def polars_type(field: dict | str):
    import polars as pl

    return {"string": pl.String, "integer": pl.Int64, "number": pl.Float64, "boolean": pl.Boolean,
            "date": pl.Date}[_type(field)]


def duckdb_type(field: dict | str) -> str:
    return {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN",
            "date": "DATE"}[_type(field)]


def sqlite_type(field: dict | str) -> type:
    """The Python type sqlite-utils creates the column from (TEXT, INTEGER or REAL)."""
    return {"string": str, "integer": int, "number": float, "boolean": int, "date": str}[_type(field)]


def croissant_type(field: dict | str) -> str:
    return {"string": "sc:Text", "integer": "sc:Integer", "number": "sc:Float", "boolean": "sc:Boolean",
            "date": "sc:Date"}[_type(field)]


# --- keys: the only place a primary or foreign key is normalised ---------------------

@dataclass(frozen=True)
class ForeignKey:
    fields: list[str]
    resource: str  # the referenced table; a self-reference names its own table
    reference: list[str]


def key_list(value: object) -> list[str]:
    """A primary key or a foreign key's fields, written as a string or a list, as a list."""
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def schema_foreign_keys(schema: dict, name: str) -> list[ForeignKey]:
    """The foreign keys of a Table Schema (also an untrusted one: malformed entries are left out)."""
    keys = []
    for fk in schema.get("foreignKeys") or []:
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            continue
        ref = fk["reference"]
        keys.append(ForeignKey(key_list(fk.get("fields")), ref.get("resource") or name, key_list(ref.get("fields"))))
    return keys


# --- the contract ---------------------------------------------------------------------

class Contract:
    """The Table Schemas of one package and the views derived from them."""

    def __init__(self, meta: dict, schemas: dict[str, dict], origin: str = ""):
        self.meta = meta
        self._schemas = schemas
        self.origin = origin  # where it was read from, for messages
        self._views: dict[tuple, Any] = {}

    def __repr__(self) -> str:
        return f"Contract({self.origin or '?'}: {', '.join(self.names)})"

    # construction -------------------------------------------------------------------

    @classmethod
    def from_root(cls, root: str | Path) -> "Contract":
        """The contract in `root`/schema/: package.yaml and one NAME.schema.json per resource.

        schema/ may come from a contribution: every file is opened only when it is a regular
        file inside `root`, within the size limits, and any problem is raised as BuildFailed
        naming the file.
        """
        root = Path(root)
        meta = _package_yaml(root)
        problems, schemas = [], {}
        for resource in meta["resources"]:
            rel = f"{SCHEMA_DIR}/{resource['name']}.schema.json"
            try:
                schema = _json(_read_contained(root, rel, MAX_DESCRIPTOR_BYTES), rel)
                problems += _schema_problems(schema, rel)
                schemas[resource["name"]] = schema
            except BuildFailed as failed:
                problems += failed.problems
        if problems:
            raise BuildFailed(problems)
        return cls(meta, schemas, str(root / SCHEMA_DIR))

    @classmethod
    def from_descriptor(cls, descriptor: dict, origin: str = DESCRIPTOR) -> "Contract":
        """The contract embedded in a datapackage.json (a published copy, a release archive)."""
        resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
        if not isinstance(resources, list) or not all(
                isinstance(r, dict) and isinstance(r.get("name"), str) and isinstance(r.get("schema"), dict)
                for r in resources):
            raise Unreadable([Problem(origin, None, "resources", "is not a list of resources with a name and an "
                                      "inline Table Schema", fix="rebuild it with `ai-openness build`")])
        problems = [p for r in resources for p in _schema_problems(r["schema"], origin)]
        if problems:
            raise Unreadable(problems)
        meta = {k: v for k, v in descriptor.items() if k != "resources"}
        meta["resources"] = [{k: r[k] for k in ("name", "title", "description") if k in r} for r in resources]
        return cls(meta, {r["name"]: r["schema"] for r in resources}, origin)

    @classmethod
    def from_descriptor_file(cls, path: str | Path) -> "Contract":
        path = Path(path)
        try:
            descriptor = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise Unreadable([Problem(str(path), None, None, "does not exist",
                                      fix="name a package directory holding datapackage.json")]) from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise Unreadable([Problem(str(path), None, None, f"is not valid JSON ({exc})",
                                      fix="rebuild it with `ai-openness build`")]) from None
        return cls.from_descriptor(descriptor, str(path))

    @classmethod
    def installed(cls) -> "Contract":
        """The contract of the package shipped in the wheel, or of the checkout (its datapackage.json)."""
        from .paths import package_root

        path = package_root() / DESCRIPTOR
        return _installed(path, path.stat().st_mtime_ns if path.is_file() else 0)

    @classmethod
    def for_build(cls, root: str | Path) -> "Contract":
        """What a package directory is built with: its own schema/, or, for a directory holding
        only sources/ and codings/ (a test package), the installed package's schema/."""
        from .paths import package_root

        root = Path(root)
        has_own = (root / SCHEMA_DIR).exists() or (root / SCHEMA_DIR).is_symlink()
        return cls.from_root(root if has_own else package_root())

    # the schemas ---------------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        """The resources, dependencies first (the order of package.yaml)."""
        return [r["name"] for r in self.meta["resources"]]

    def resource(self, name: str) -> dict:
        """The package-level entry of a resource: name, title, description."""
        for r in self.meta["resources"]:
            if r["name"] == name:
                return r
        raise KeyError(f"no table {name!r}; the tables are: {', '.join(self.names)}")

    def schema(self, name: str) -> dict:
        try:
            return self._schemas[name]
        except KeyError:
            raise KeyError(f"no table {name!r}; the tables are: {', '.join(self.names)}") from None

    def fields(self, name: str) -> list[dict]:
        return self.schema(name)["fields"]

    def columns(self, name: str) -> list[str]:
        # Asked for once per coded row by the build: kept, and copied so a caller cannot change it.
        return list(self._cached(("columns", name), lambda: tuple(f["name"] for f in self.fields(name))))

    def field(self, name: str, field: str) -> dict:
        for f in self.fields(name):
            if f["name"] == field:
                return f
        raise KeyError(f"{name}.{field}")

    def primary_key(self, name: str) -> list[str]:
        return key_list(self.schema(name).get("primaryKey"))

    def foreign_keys(self, name: str) -> list[ForeignKey]:
        return schema_foreign_keys(self.schema(name), name)

    def required(self, name: str) -> set[str]:
        return {f["name"] for f in self.fields(name) if (f.get("constraints") or {}).get("required")}

    def vocabulary(self, name: str, field: str) -> list[str]:
        """The allowed values of a column, in documented order ([] when any value is allowed)."""
        return list((self.field(name, field).get("constraints") or {}).get("enum") or [])

    def generated_columns(self, name: str) -> tuple[str, ...]:
        """Columns of `name` the build computes (a coding must not write them)."""
        return self._cached(("generated", name), lambda: tuple(
            c for c in GENERATED_COLUMNS.get(name, ()) if c in self.columns(name)))

    @property
    def generated_tables(self) -> tuple[str, ...]:
        return tuple(n for n in GENERATED_TABLES if n in self._schemas)

    @property
    def matched_tables(self) -> tuple[str, ...]:
        return tuple(n for n in MATCHED_TABLES if n in self._schemas)

    @property
    def derived_tables(self) -> tuple[str, ...]:
        return tuple(n for n in DERIVED_TABLES if n in self._schemas)

    def weights_withheld(self) -> tuple[str, ...]:
        """The models.access values under which no weights are released."""
        return tuple(v for v in WEIGHTS_WITHHELD if v in self.vocabulary("models", "access"))

    # type views ----------------------------------------------------------------------

    def _cached(self, key: tuple, make):
        if key not in self._views:
            self._views[key] = make()
        return self._views[key]

    def pydantic_model(self, name: str):
        """A pydantic model of one row of `name`, to check a coding's values."""
        return self._cached(("pydantic", name), lambda: _pydantic_model(name, self.fields(name)))

    def arrow_schema(self, name: str):
        """Arrow types of the Parquet twin; non-required fields are nullable."""
        import pyarrow as pa

        required = self.required(name)
        return self._cached(("arrow", name), lambda: pa.schema([
            pa.field(f["name"], arrow_type(f), nullable=f["name"] not in required) for f in self.fields(name)]))

    def pandas_dtypes(self, name: str) -> dict[str, Any]:
        """pandas dtypes: vocabularies are categoricals in documented order, the rest nullable."""
        import pandas as pd

        def make():
            dtypes = {}
            for f in self.fields(name):
                vocabulary = self.vocabulary(name, f["name"])
                dtypes[f["name"]] = pd.CategoricalDtype(vocabulary) if vocabulary else pandas_dtype(f)
            return dtypes
        return dict(self._cached(("pandas", name), make))

    def polars_schema(self, name: str) -> dict[str, Any]:
        return {f["name"]: polars_type(f) for f in self.fields(name)}

    duckdb_type = staticmethod(duckdb_type)
    sqlite_type = staticmethod(sqlite_type)
    croissant_type = staticmethod(croissant_type)
    polars_type = staticmethod(polars_type)


@lru_cache(maxsize=4)
def _installed(path: Path, stamp: int) -> Contract:  # stamp: a rebuilt descriptor is read again
    return Contract.from_descriptor_file(path)


def _pydantic_model(name: str, fields: list[dict]):
    from typing import Literal, Optional

    from pydantic import ConfigDict, Field, StringConstraints, create_model

    definitions = {}
    for f in fields:
        constraints = f.get("constraints") or {}
        if "enum" in constraints:
            base: Any = Literal[tuple(constraints["enum"])]
        else:
            base = python_type(f)
        string_opts = {}
        if "pattern" in constraints:
            string_opts["pattern"] = constraints["pattern"]
        if "minLength" in constraints:
            string_opts["min_length"] = constraints["minLength"]
        if string_opts and f["type"] == "string" and "enum" not in constraints:
            base = Annotated[str, StringConstraints(**string_opts)]
        if not constraints.get("required"):
            base = Optional[base]
        kwargs: dict[str, Any] = {"description": f.get("description"), "title": f.get("title")}
        if "minimum" in constraints:
            kwargs["ge"] = constraints["minimum"]
        default = ... if constraints.get("required") else None
        definitions[f["name"]] = (base, Field(default, **kwargs))
    model_name = "".join(part.capitalize() for part in name.split("_")) + "Record"
    return create_model(model_name, __config__=ConfigDict(extra="forbid", strict=False), **definitions)


# --- reading schema/ safely ------------------------------------------------------------

def _read_contained(root: Path, rel: str, limit: int) -> bytes:
    """The bytes of `root`/`rel`, opened only when it is a regular file inside `root`
    (a link may point elsewhere inside it) of at most `limit` bytes."""
    base = root.resolve()
    fix = f"make {rel} a regular file inside the package"
    try:
        # Every link on the way (schema/ itself, or the file) is followed by name only
        # (readlink), never opened; the place it leads must be inside the package.
        path = Path(os.path.realpath(base / rel, strict=True))
        if not path.is_relative_to(base):
            # Name the link that leaves: a folder on the way (schema/) or the file itself.
            parent = next((p for p in Path(rel).parents if p.name and (base / p).is_symlink()
                           and not Path(os.path.realpath(base / p)).is_relative_to(base)), None)
            where, what = (f"{parent.as_posix()}/", "folder") if parent else (rel, "file")
            raise BuildFailed([Problem(where, None, None, "is a symbolic link to a place outside the package",
                                       fix=f"replace the link by the {what} itself")])
        info = os.lstat(path)
    except FileNotFoundError:
        raise BuildFailed([Problem(rel, None, None, "file is missing", fix=f"add {rel}")]) from None
    except (OSError, RuntimeError) as exc:  # a link loop, a name too long, no permission
        raise BuildFailed([Problem(rel, None, None, f"cannot be read ({exc.__class__.__name__})", fix=fix)]) from None
    if not stat.S_ISREG(info.st_mode):
        raise BuildFailed([Problem(rel, None, None, "is not a regular file (a folder, pipe or device)", fix=fix)])
    if info.st_size > limit:
        raise BuildFailed([Problem(rel, None, None, f"is {info.st_size} bytes, more than the limit of {limit}",
                                   fix="check that the right file was committed")])
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise BuildFailed([Problem(rel, None, None, f"cannot be read ({exc.strerror})", fix=fix)]) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # replaced since it was checked
            raise BuildFailed([Problem(rel, None, None, "is not a regular file", fix=fix)])
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise BuildFailed([Problem(rel, None, None, f"is more than the limit of {limit} bytes",
                                   fix="check that the right file was committed")])
    return data


def _text(data: bytes, rel: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BuildFailed([Problem(rel, None, None, f"is not UTF-8 text ({exc.reason})",
                                   fix="save it as UTF-8")]) from None


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


def _json(data: bytes, rel: str) -> dict:
    try:
        value = json.loads(_text(data, rel))
    except json.JSONDecodeError as exc:
        raise BuildFailed([Problem(rel, exc.lineno, None, f"is not valid JSON: {exc.msg}", column=exc.colno,
                                   fix="fix the JSON syntax at that line")]) from None
    except RecursionError:
        value = None
    except ValueError:  # a number of over 4,300 digits (Python's limit on int conversion)
        raise BuildFailed([Problem(rel, None, None, "is not valid JSON: it holds a number too long to read",
                                   fix="write numbers with at most a few digits")]) from None
    if value is None or _depth(value) > MAX_JSON_DEPTH:
        raise BuildFailed([Problem(rel, None, None, f"is nested more than {MAX_JSON_DEPTH} levels deep")])
    return value


def _pattern_problem(pattern: object) -> str | None:
    """Why a schema's pattern cannot be used, or None. Patterns run in Rust's regex engine
    (pydantic's and polars'), which has no look-around or back-references and always
    runs in linear time; Python's `re` checks the syntax where pydantic is not installed."""
    if not isinstance(pattern, str) or len(pattern) > MAX_PATTERN:
        return f"must be a text of at most {MAX_PATTERN} characters"
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"is not a valid regular expression ({exc})"
    try:
        from pydantic import StringConstraints, TypeAdapter
    except ImportError:  # a slim install reads schemas but checks no rows against them
        return None
    try:
        TypeAdapter(Annotated[str, StringConstraints(pattern=pattern)])
    except Exception as exc:  # pydantic-core's SchemaError: Rust's regex engine does not compile it
        reason = str(exc).strip().splitlines()[-1].strip()
        return f"is not a regular expression the checks can run: no look-around or back-reference ({reason})"
    return None


def _schema_problems(schema: object, rel: str) -> list[Problem]:
    """The shape every view relies on: fields with a name and a known type; keys as lists or names."""
    if not isinstance(schema, dict):
        return [Problem(rel, None, None, "a Table Schema must be a JSON object with `fields`")]
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields or len(fields) > MAX_COLUMNS:
        return [Problem(rel, None, "fields", f"must be a list of 1 to {MAX_COLUMNS} fields")]
    problems, names = [], set()
    for i, f in enumerate(fields):
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or not f["name"]:
            problems.append(Problem(rel, None, "fields", f"field {i + 1} is not an object with a `name`"))
            continue
        if f.get("type", "string") not in TYPES:
            problems.append(Problem(rel, None, f["name"], f"type {shown(f.get('type'))!r} is not one of "
                                    f"{', '.join(TYPES)}"))
        if not isinstance(f.get("constraints", {}), dict):
            problems.append(Problem(rel, None, f["name"], "`constraints` must be an object"))
        elif not isinstance(f.get("constraints", {}).get("enum", []), list):
            problems.append(Problem(rel, None, f["name"], "`constraints.enum` must be a list of values"))
        elif "pattern" in f.get("constraints", {}):
            why = _pattern_problem(f["constraints"]["pattern"])
            if why:
                problems.append(Problem(rel, None, f["name"], f"`constraints.pattern` {why}",
                                        shown(f["constraints"]["pattern"], 80)))
        names.add(f["name"])
    for column in key_list(schema.get("primaryKey")):
        if column not in names:
            problems.append(Problem(rel, None, "primaryKey", f"names {shown(column)!r}, which is not a field"))
    if not isinstance(schema.get("foreignKeys", []), list):
        problems.append(Problem(rel, None, "foreignKeys", "must be a list"))
    else:
        for fk in schema.get("foreignKeys", []):
            if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict) or not key_list(fk.get("fields")):
                problems.append(Problem(rel, None, "foreignKeys", "each foreign key needs `fields` and a `reference`"))
    return problems


def _package_yaml(root: Path) -> dict:
    """schema/package.yaml, read with the coding's loader (no alias, no tag, bounded depth)."""
    from .yamlio import parse_yaml

    meta = parse_yaml(_text(_read_contained(root, PACKAGE_YAML, MAX_INPUT_BYTES), PACKAGE_YAML), PACKAGE_YAML)
    if not isinstance(meta, dict):
        raise BuildFailed([Problem(PACKAGE_YAML, 1, None, "must be a mapping (name:, version:, resources: ...)")])
    resources = meta.get("resources")
    line = meta.line_of("resources") if hasattr(meta, "line_of") else None
    if not isinstance(resources, list) or not resources or len(resources) > MAX_RESOURCES:
        raise BuildFailed([Problem(PACKAGE_YAML, line, "resources",
                                   f"must be a list of 1 to {MAX_RESOURCES} resources (- name: ...)")])
    problems, seen = [], set()
    for resource in resources:
        where = getattr(resource, "line", line)
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            problems.append(Problem(PACKAGE_YAML, where, "resources", "each resource needs a `name`"))
        elif not _NAME.match(resource["name"]):
            problems.append(Problem(PACKAGE_YAML, where, "name", "a resource name is lower-case letters, digits "
                                    "and _ (it names the file schema/NAME.schema.json)", shown(resource["name"])))
        elif resource["name"] in seen:
            problems.append(Problem(PACKAGE_YAML, where, "name", "names a resource twice", resource["name"]))
        else:
            seen.add(resource["name"])
    if problems:
        raise BuildFailed(problems)
    return meta
