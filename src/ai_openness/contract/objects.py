"""The contract as typed objects: Field, Schema, Resource and Package (pydantic models).

Each object validates its own shape (a schema file may come from a contribution) and owns
its conversions: a Field knows its Python, Arrow, pandas, polars, DuckDB, SQLite and
Croissant types (one table, contract/types.py), a Schema its keys and its Arrow schema.
The package's own properties of the schema files (`ai_openness:generated`,
`ai_openness:weights_withheld`, a resource's `rows`) are typed attributes here.

Objects keep the dict they were read from (`descriptor`), so that a descriptor is written
back exactly as the schema file has it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from pydantic import Field as Property

from ai_openness.contract.keys import ForeignKey, key_list
from ai_openness.contract.types import TYPES, Type, convert
from ai_openness.core.limits import MAX_COLUMNS, MAX_PATTERN, MAX_RESOURCES
from ai_openness.core.problems import Problem, shown

GENERATED = "ai_openness:generated"  # true: the build computes the column; a coding must not write it
WITHHELD = "ai_openness:weights_withheld"  # models.access: the values under which no weights are released
ROWS = ("codings", "generated", "matched", "derived")  # where a resource's rows come from
NAME = r"^[a-z][a-z0-9_]{0,63}$"  # a resource name, also a file name in schema/


def pattern_problem(pattern: object) -> str | None:
    """Why a schema's pattern cannot be used, or None. Patterns run in Rust's regex engine
    (pydantic's and polars'), which has no look-around or back-references and always runs
    in linear time; Python's `re` checks the syntax first."""
    if not isinstance(pattern, str) or len(pattern) > MAX_PATTERN:
        return f"must be a text of at most {MAX_PATTERN} characters"
    return _compile_problem(pattern)


# The answer depends on the pattern alone, and every build reads the same schemas again (a
# third of the time spent making a contract went here): asked once per pattern and process.
@lru_cache(maxsize=1024)
def _compile_problem(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"is not a valid regular expression ({exc})"
    from pydantic import StringConstraints, TypeAdapter

    try:
        TypeAdapter(Annotated[str, StringConstraints(pattern=pattern)])
    except Exception as exc:  # pydantic-core's SchemaError: Rust's regex engine does not compile it
        reason = str(exc).strip().splitlines()[-1].strip()
        return f"is not a regular expression the checks can run: no look-around or back-reference ({reason})"
    return None


class _Object(BaseModel):
    # Table Schema allows properties of its own beyond these (title, format, rdfType, ...).
    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)


class Constraints(_Object):
    required: bool = False
    unique: bool = False
    enum: list[Any] | None = None
    pattern: str | None = None
    minLength: int | None = None
    maxLength: int | None = None

    @field_validator("pattern")
    @classmethod
    def _runnable(cls, pattern: str | None) -> str | None:
        why = None if pattern is None else pattern_problem(pattern)
        if why:
            raise ValueError(f"`constraints.pattern` {why}")
        return pattern


class Field(_Object):
    name: str = Property(min_length=1)
    type: Type = "string"
    title: str | None = None
    description: str | None = None
    constraints: Constraints = Constraints()
    generated: bool = Property(False, alias="ai_openness:generated")
    weights_withheld: tuple[str, ...] = Property((), alias="ai_openness:weights_withheld")

    @field_validator("generated", mode="before")
    @classmethod
    def _boolean(cls, value: object) -> object:
        if not isinstance(value, bool):
            raise ValueError(f"`{GENERATED}` must be true or false")
        return value

    @model_validator(mode="after")
    def _withheld_in_vocabulary(self) -> Field:
        if self.weights_withheld and not set(self.weights_withheld) <= set(self.vocabulary):
            raise ValueError(f"`{WITHHELD}` must be a list of values of the column's enum")
        return self

    @property
    def vocabulary(self) -> list[Any]:
        """The allowed values, in documented order ([] when any value is allowed)."""
        return list(self.constraints.enum or [])

    @property
    def required(self) -> bool:
        return self.constraints.required

    def to(self, engine: str) -> Any:
        """The column's type in `engine`: python, arrow, pandas, polars, duckdb, sqlite or croissant."""
        return convert(self.type, engine)


class Schema(_Object):
    fields: list[Field] = Property(min_length=1, max_length=MAX_COLUMNS)
    primaryKey: list[str] = []
    foreignKeys: list[dict[str, Any]] = []

    @field_validator("primaryKey", mode="before")
    @classmethod
    def _key_as_list(cls, value: object) -> list[str]:
        return key_list(value)

    @field_validator("foreignKeys")
    @classmethod
    def _references(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for fk in value:
            if not isinstance(fk.get("reference"), dict) or not key_list(fk.get("fields")):
                raise ValueError("each foreign key needs `fields` and a `reference`")
        return value

    @model_validator(mode="after")
    def _keys_name_fields(self) -> Schema:
        names = {f.name for f in self.fields}
        missing = [c for c in self.primaryKey if c not in names]
        if missing:
            raise ValueError(f"primaryKey names {shown(missing[0])!r}, which is not a field")
        return self

    def foreign_keys(self, resource: str) -> list[ForeignKey]:
        """Each foreign key; a self-reference names `resource`."""
        return [
            ForeignKey(
                key_list(fk["fields"]),
                fk["reference"].get("resource") or resource,
                key_list(fk["reference"].get("fields")),
            )
            for fk in self.foreignKeys
        ]

    def arrow_schema(self) -> Any:
        """The Parquet twin's Arrow schema; fields that are not required are nullable."""
        import pyarrow as pa

        return pa.schema([pa.field(f.name, f.to("arrow"), nullable=not f.required) for f in self.fields])


class Resource(_Object):
    name: str = Property(pattern=NAME)
    title: str | None = None
    description: str | None = None
    rows: Literal["codings", "generated", "matched", "derived"] = "codings"


class Package(_Object):
    """schema/package.yaml: the package's metadata and its resources, dependencies first."""

    resources: list[Resource] = Property(min_length=1, max_length=MAX_RESOURCES)

    @field_validator("resources")
    @classmethod
    def _unique(cls, resources: list[Resource]) -> list[Resource]:
        seen: set[str] = set()
        for resource in resources:
            if resource.name in seen:
                raise ValueError(f"names the resource {resource.name!r} twice")
            seen.add(resource.name)
        return resources


def problems_of(error: ValidationError, rel: str, document: object, line_of: Any = None) -> list[Problem]:
    """A validation error of a schema file as located problems: the field or key it is about,
    pydantic's own message made plain, and the line where the YAML reader knows it."""
    problems = []
    for detail in error.errors():
        loc = detail["loc"]
        where = _named(document, loc)
        message = str(detail["msg"]).removeprefix("Value error, ")
        line = line_of(loc) if line_of else None
        problems.append(Problem(rel, line, where, message, _value(detail), code="schema-shape"))
    return problems


def _named(document: object, loc: tuple[Any, ...]) -> str | None:
    """The name a location points at: a field's name (fields.3.type -> its name), else the key."""
    if len(loc) >= 3 and loc[0] == "resources" and isinstance(loc[1], int):
        return str(loc[2])  # the key of a resource in package.yaml
    if len(loc) >= 2 and loc[0] in ("fields", "resources") and isinstance(loc[1], int):
        items = document.get(loc[0]) if isinstance(document, dict) else None
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        name = item.get("name") if isinstance(item, dict) else None
        return name if isinstance(name, str) and name else str(loc[0])
    return str(loc[0]) if loc else None


def _value(detail: Any) -> str | None:
    value = detail.get("input")
    return shown(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None


__all__ = ["GENERATED", "NAME", "ROWS", "TYPES", "WITHHELD", "Constraints", "Field", "Package", "Resource", "Schema"]
