"""The contract: a package's Table Schemas, and every view of them the code uses.

One `Contract` holds the schemas of one package (its schema/ folder, or the schemas embedded
in a datapackage.json) and derives from them the record models, the Arrow, pandas and polars
types, the DuckDB, SQLite and Croissant column types, the keys and the vocabularies. No other
module maps a Table Schema type to an engine type or normalises a key. Nothing here chooses
which package applies: whoever works on a package builds its contract once and passes it on.

The schemas are held as the contract's typed objects (objects.py: Package, Resource, Schema,
Field), built when the contract is, and as the dicts they were read from, which the
descriptors are written from. Reading the tables (`ai_openness.load`) needs pydantic,
pandas and pyarrow only; polars is imported by the views that need it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from ai_openness.contract.keys import ForeignKey
from ai_openness.contract.objects import Field, Package, Schema
from ai_openness.contract.shape import schema_problems
from ai_openness.contract.types import croissant_type, duckdb_type, polars_type, python_type, sqlite_type
from ai_openness.core.problems import Problem, Unreadable
from ai_openness.core.retired import TABLE as RETIRED_TABLE

if TYPE_CHECKING:  # pydantic is not installed with the slim (data-only) install
    from pydantic import BaseModel

SCHEMA_DIR = "schema"
PACKAGE_YAML = f"{SCHEMA_DIR}/package.yaml"
DESCRIPTOR = "datapackage.json"
PARQUET_DESCRIPTOR = "datapackage.parquet.json"
# A custom property of a release archive's datapackage.json: this package is a published copy
# (tables and descriptor only), not a checkout that lost its sources/ and codings/.
# `ai-openness validate` reads it (validate/published.py); the repository's own
# datapackage.json never carries it.
PUBLISHED = "ai_openness:published"

ROWS_PROPERTY = "ai_openness:rows"  # the same, in a descriptor's resource


# --- type views: the only maps from a Table Schema type to an engine's type -----------


# --- keys: the only place a primary or foreign key is normalised ---------------------


# --- the contract ---------------------------------------------------------------------


class Contract:
    """The Table Schemas of one package and the views derived from them."""

    def __init__(self, meta: dict[str, Any], schemas: dict[str, dict[str, Any]], origin: str = ""):
        self.meta = meta
        self._schemas = schemas
        self.origin = origin  # where it was read from, for messages
        self._views: dict[tuple[Any, ...], Any] = {}
        # The typed objects: whoever makes a contract has checked the shapes (shape.py).
        self.package = Package.model_validate(meta)
        self.tables = {name: Schema.model_validate(schema) for name, schema in schemas.items()}

    def __repr__(self) -> str:
        return f"Contract({self.origin or '?'}: {', '.join(self.names)})"

    # construction -------------------------------------------------------------------

    @classmethod
    def from_descriptor(cls, descriptor: dict[str, Any], origin: str = DESCRIPTOR) -> Contract:
        """The contract embedded in a datapackage.json (a published copy, a release archive)."""
        resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
        if not isinstance(resources, list) or not all(
            isinstance(r, dict) and isinstance(r.get("name"), str) and isinstance(r.get("schema"), dict)
            for r in resources
        ):
            raise Unreadable(
                [
                    Problem(
                        origin,
                        None,
                        "resources",
                        "is not a list of resources with a name and an inline Table Schema",
                        fix="rebuild it with `ai-openness build`",
                    )
                ]
            )
        problems = [p for r in resources for p in schema_problems(r["schema"], origin)]
        if problems:
            raise Unreadable(problems)
        meta = {k: v for k, v in descriptor.items() if k != "resources"}
        meta["resources"] = [
            {k: r[k] for k in ("name", "title", "description") if k in r} | {"rows": r.get(ROWS_PROPERTY, "codings")}
            for r in resources
        ]
        return cls(meta, {r["name"]: r["schema"] for r in resources}, origin)

    # the schemas ---------------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        """The resources, dependencies first (the order of package.yaml)."""
        return [r["name"] for r in self.meta["resources"]]

    def resource(self, name: str) -> dict[str, Any]:
        """The package-level entry of a resource: name, title, description."""
        for r in self.meta["resources"]:
            if r["name"] == name:
                entry: dict[str, Any] = r
                return entry
        raise KeyError(f"no table {name!r}; the tables are: {', '.join(self.names)}")

    def schema(self, name: str) -> dict[str, Any]:
        try:
            schema: dict[str, Any] = self._schemas[name]
            return schema
        except KeyError:
            raise KeyError(f"no table {name!r}; the tables are: {', '.join(self.names)}") from None

    def fields(self, name: str) -> list[dict[str, Any]]:
        fields: list[dict[str, Any]] = self.schema(name)["fields"]
        return fields

    def columns(self, name: str) -> list[str]:
        # Asked for once per coded row by the build: kept, and copied so a caller cannot change it.
        return list(self._cached(("columns", name), lambda: tuple(f["name"] for f in self.fields(name))))

    def field(self, name: str, field: str) -> dict[str, Any]:
        for f in self.fields(name):
            if f["name"] == field:
                return f
        raise KeyError(f"{name}.{field}")

    def table(self, name: str) -> Schema:
        """The typed Table Schema of `name`."""
        if name not in self.tables:
            raise KeyError(f"no table {name!r}; the tables are: {', '.join(self.names)}")
        return self.tables[name]

    def typed_field(self, name: str, field: str) -> Field:
        for f in self.table(name).fields:
            if f.name == field:
                return f
        raise KeyError(f"{name}.{field}")

    def primary_key(self, name: str) -> list[str]:
        return list(self.table(name).primaryKey)

    def id_tables(self) -> list[str]:
        """The tables keyed by one id column (stances, organisations, people, models, ...): the
        tables a retired id can belong to and `resolve_id` searches."""
        return [n for n in self.names if n != RETIRED_TABLE and len(self.primary_key(n)) == 1]

    def foreign_keys(self, name: str) -> list[ForeignKey]:
        return self.table(name).foreign_keys(name)

    def required(self, name: str) -> set[str]:
        return {f.name for f in self.table(name).fields if f.required}

    def vocabulary(self, name: str, field: str) -> list[str]:
        """The allowed values of a column, in documented order ([] when any value is allowed)."""
        return list(self.typed_field(name, field).vocabulary)

    def generated_columns(self, name: str) -> tuple[str, ...]:
        """Columns of `name` the build computes (a coding must not write them)."""
        return tuple(f.name for f in self.table(name).fields if f.generated)

    def rows_from(self, name: str) -> str:
        """Where the rows of `name` come from: codings, generated, matched or derived."""
        for resource in self.package.resources:
            if resource.name == name:
                return resource.rows
        raise KeyError(f"no table {name!r}; the tables are: {', '.join(self.names)}")

    @property
    def generated_tables(self) -> tuple[str, ...]:
        """Tables with no codings file of their own (a changelog counts their rows)."""
        return tuple(n for n in self.names if self.rows_from(n) != "codings")

    @property
    def matched_tables(self) -> tuple[str, ...]:
        """Tables found by matching aliases in the stored texts: no coding row stands behind a row."""
        return tuple(n for n in self.names if self.rows_from(n) == "matched")

    @property
    def derived_tables(self) -> tuple[str, ...]:
        """Tables computed from the checked rows of other tables: no coding row either."""
        return tuple(n for n in self.names if self.rows_from(n) == "derived")

    def weights_withheld(self) -> tuple[str, ...]:
        """The models.access values under which no weights are released."""
        return self.typed_field("models", "access").weights_withheld

    # type views ----------------------------------------------------------------------

    def _cached(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        if key not in self._views:
            self._views[key] = make()
        return self._views[key]

    def pydantic_model(self, name: str) -> type[BaseModel]:
        """A pydantic model of one row of `name`, to check a coding's values."""
        model: type[BaseModel] = self._cached(("pydantic", name), lambda: _pydantic_model(name, self.fields(name)))
        return model

    def arrow_schema(self, name: str) -> Any:
        """Arrow types of the Parquet twin; non-required fields are nullable."""
        return self._cached(("arrow", name), lambda: self.table(name).arrow_schema())

    def pandas_dtypes(self, name: str) -> dict[str, Any]:
        """pandas dtypes: vocabularies are categoricals in documented order, the rest nullable."""
        import pandas as pd

        def make() -> dict[str, Any]:
            dtypes: dict[str, Any] = {}
            for f in self.table(name).fields:
                dtypes[f.name] = pd.CategoricalDtype(f.vocabulary) if f.vocabulary else f.to("pandas")
            return dtypes

        return dict(self._cached(("pandas", name), make))

    def polars_schema(self, name: str) -> dict[str, Any]:
        return {f.name: f.to("polars") for f in self.table(name).fields}

    duckdb_type = staticmethod(duckdb_type)
    sqlite_type = staticmethod(sqlite_type)
    croissant_type = staticmethod(croissant_type)
    polars_type = staticmethod(polars_type)


def _pydantic_model(name: str, fields: list[dict[str, Any]]) -> type[BaseModel]:
    from typing import Literal

    from pydantic import ConfigDict, Field, StringConstraints, create_model

    definitions: dict[str, Any] = {}
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
            base = base | None
        kwargs: dict[str, Any] = {"description": f.get("description"), "title": f.get("title")}
        if "minimum" in constraints:
            kwargs["ge"] = constraints["minimum"]
        default = ... if constraints.get("required") else None
        definitions[f["name"]] = (base, Field(default, **kwargs))
    model_name = "".join(part.capitalize() for part in name.split("_")) + "Record"
    return create_model(model_name, __config__=ConfigDict(extra="forbid", strict=False), **definitions)


# --- reading schema/ safely ------------------------------------------------------------


def resource_schema(contract: Contract, name: str, fmt: str) -> dict[str, Any]:
    """The Table Schema a descriptor gives resource `name` in format `fmt`."""
    schema = contract.schema(name)
    if fmt == "parquet":
        # frictionless reads Parquet through pandas, where a null integer becomes the float
        # NaN; declaring "nan" missing lets it validate the twins. The CSV side stays strict
        # and `ai-openness validate` checks that each twin equals its CSV.
        schema = {**schema, "missingValues": ["", "nan"]}
    return schema
