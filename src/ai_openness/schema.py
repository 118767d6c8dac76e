"""The Table Schemas in schema/ are the contract; every other view of it is derived here.

pydantic record models (to check codings), Arrow types (for the Parquet twins) and pandas
dtypes (for the loader) are all computed from the same JSON files, never written twice.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional

import pyarrow as pa
import yaml

from .paths import schema_dir

if TYPE_CHECKING:
    from pydantic import BaseModel

# pydantic is imported where record models are made: load() reads this module too, and a
# data user's install (no `tools` extra) has no pydantic.

_PY_TYPES = {"string": str, "integer": int, "number": float, "boolean": bool, "date": dt.date}
_ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(),
                "boolean": pa.bool_(), "date": pa.date32()}
_PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "Float64",
                  "boolean": "boolean", "date": "datetime64[s]"}


def package_meta(directory: Path | None = None) -> dict:
    """The hand-written package metadata (schema/package.yaml)."""
    directory = directory or schema_dir()
    return _package_meta(directory, _stamp(directory / "package.yaml"))


def _stamp(path: Path) -> int:
    # Part of the cache key, so an edited schema file is read again in the same process.
    return path.stat().st_mtime_ns


@lru_cache(maxsize=None)
def _package_meta(directory: Path, stamp: int) -> dict:
    return yaml.safe_load((directory / "package.yaml").read_text(encoding="utf-8"))


def resource_names(directory: Path | None = None) -> list[str]:
    return [r["name"] for r in package_meta(directory)["resources"]]


def table_schema(name: str, directory: Path | None = None) -> dict:
    directory = directory or schema_dir()
    return _table_schema(name, directory, _stamp(directory / f"{name}.schema.json"))


@lru_cache(maxsize=None)
def _table_schema(name: str, directory: Path, stamp: int) -> dict:
    return json.loads((directory / f"{name}.schema.json").read_text(encoding="utf-8"))


def fields(name: str, directory: Path | None = None) -> list[dict]:
    return table_schema(name, directory)["fields"]


def enum_values(name: str, field: str, directory: Path | None = None) -> list[str]:
    for f in fields(name, directory):
        if f["name"] == field:
            return list(f.get("constraints", {}).get("enum", []))
    raise KeyError(f"{name}.{field}")


def _annotation(field: dict) -> Any:
    from pydantic import StringConstraints

    constraints = field.get("constraints", {})
    if "enum" in constraints:
        base: Any = Literal[tuple(constraints["enum"])]
    else:
        base = _PY_TYPES[field["type"]]
    string_opts = {}
    if "pattern" in constraints:
        string_opts["pattern"] = constraints["pattern"]
    if "minLength" in constraints:
        string_opts["min_length"] = constraints["minLength"]
    if string_opts and field["type"] == "string" and "enum" not in constraints:
        base = Annotated[str, StringConstraints(**string_opts)]
    if not constraints.get("required"):
        base = Optional[base]
    return base


def record_model(name: str, directory: Path | None = None) -> type[BaseModel]:
    """A pydantic model of one row of resource `name`, derived from its Table Schema."""
    directory = directory or schema_dir()
    return _record_model(name, directory, _stamp(directory / f"{name}.schema.json"))


@lru_cache(maxsize=None)
def _record_model(name: str, directory: Path, stamp: int) -> type[BaseModel]:
    from pydantic import ConfigDict, Field, create_model

    definitions = {}
    for f in fields(name, directory):
        constraints = f.get("constraints", {})
        kwargs: dict[str, Any] = {"description": f.get("description"), "title": f.get("title")}
        if "minimum" in constraints:
            kwargs["ge"] = constraints["minimum"]
        default = ... if constraints.get("required") else None
        definitions[f["name"]] = (_annotation(f), Field(default, **kwargs))
    model_name = "".join(part.capitalize() for part in name.split("_")) + "Record"
    config = ConfigDict(extra="forbid", strict=False)
    return create_model(model_name, __config__=config, **definitions)


def arrow_schema(name: str, directory: Path | None = None) -> pa.Schema:
    """Arrow types of the Parquet twin; non-required fields are nullable."""
    return pa.schema([
        pa.field(f["name"], _ARROW_TYPES[f["type"]],
                 nullable=not f.get("constraints", {}).get("required", False))
        for f in fields(name, directory)
    ])


def dtypes_for(schema_fields: list[dict]) -> dict[str, Any]:
    """pandas dtypes for a list of Table Schema fields (also those of a past release)."""
    import pandas as pd

    dtypes: dict[str, Any] = {}
    for f in schema_fields:
        enum = f.get("constraints", {}).get("enum")
        dtypes[f["name"]] = pd.CategoricalDtype(enum) if enum else _PANDAS_DTYPES[f["type"]]
    return dtypes
