"""The one map from a Table Schema type to each engine's type (Python, Arrow, pandas,
polars, DuckDB, SQLite, Croissant). Fields convert themselves through it (objects.Field.to);
the functions below serve code holding a schema's field as a dict."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

TYPES = ("string", "integer", "number", "boolean", "date")  # the Table Schema types the package uses
Type = Literal["string", "integer", "number", "boolean", "date"]

# type -> engine -> the engine's type (a name, resolved on use so that no engine is imported
# before it is needed: a slim install has neither polars nor DuckDB).
_TABLE: dict[str, dict[str, Any]] = {
    "string": {"python": str, "arrow": "string", "pandas": "string", "polars": "String", "duckdb": "VARCHAR",
               "sqlite": str, "croissant": "sc:Text"},
    "integer": {"python": int, "arrow": "int64", "pandas": "Int64", "polars": "Int64", "duckdb": "BIGINT",
                "sqlite": int, "croissant": "sc:Integer"},
    "number": {"python": float, "arrow": "float64", "pandas": "Float64", "polars": "Float64", "duckdb": "DOUBLE",
               "sqlite": float, "croissant": "sc:Float"},
    "boolean": {"python": bool, "arrow": "bool_", "pandas": "boolean", "polars": "Boolean", "duckdb": "BOOLEAN",
                "sqlite": int, "croissant": "sc:Boolean"},
    "date": {"python": dt.date, "arrow": "date32", "pandas": "datetime64[s]", "polars": "Date", "duckdb": "DATE",
             "sqlite": str, "croissant": "sc:Date"},
}  # fmt: skip


def convert(kind: str, engine: str) -> Any:
    """The type of a `kind` column in `engine`."""
    if kind not in TYPES:
        raise ValueError(f"Table Schema type {kind!r} is not one this package uses ({', '.join(TYPES)})")
    found = _TABLE[kind][engine]
    if engine == "arrow":
        import pyarrow as pa

        return getattr(pa, found)()
    if engine == "polars":
        import polars as pl

        return getattr(pl, found)
    return found


def _kind(field: dict[str, Any] | str) -> str:
    return field if isinstance(field, str) else str(field.get("type", "string"))


def python_type(field: dict[str, Any] | str) -> Any:
    return convert(_kind(field), "python")


def arrow_type(field: dict[str, Any] | str) -> Any:
    return convert(_kind(field), "arrow")


def pandas_dtype(field: dict[str, Any] | str) -> str:
    """The pandas dtype of a column without a vocabulary (nullable types throughout)."""
    return str(convert(_kind(field), "pandas"))


def polars_type(field: dict[str, Any] | str) -> Any:
    return convert(_kind(field), "polars")


def duckdb_type(field: dict[str, Any] | str) -> str:
    return str(convert(_kind(field), "duckdb"))


def sqlite_type(field: dict[str, Any] | str) -> Any:
    """The Python type sqlite-utils creates the column from (TEXT, INTEGER or REAL)."""
    return convert(_kind(field), "sqlite")


def croissant_type(field: dict[str, Any] | str) -> str:
    return str(convert(_kind(field), "croissant"))
