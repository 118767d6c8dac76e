"""The only maps from a Table Schema type to an engine's type (Python, Arrow, pandas, polars,
DuckDB, SQLite, Croissant)."""

from __future__ import annotations

from typing import Any

TYPES = ("string", "integer", "number", "boolean", "date")  # the Table Schema types the package uses


def _type(field: dict[str, Any] | str) -> str:
    kind = field if isinstance(field, str) else field.get("type", "string")
    if kind not in TYPES:
        raise ValueError(f"Table Schema type {kind!r} is not one this package uses ({', '.join(TYPES)})")
    return kind


def python_type(field: dict[str, Any] | str) -> type:
    import datetime as dt

    return {"string": str, "integer": int, "number": float, "boolean": bool, "date": dt.date}[_type(field)]


def arrow_type(field: dict[str, Any] | str) -> Any:
    import pyarrow as pa

    return {"string": pa.string, "integer": pa.int64, "number": pa.float64, "boolean": pa.bool_, "date": pa.date32}[
        _type(field)
    ]()


def pandas_dtype(field: dict[str, Any] | str) -> str:
    """The pandas dtype of a column without a vocabulary (nullable types throughout)."""
    return {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean", "date": "datetime64[s]"}[
        _type(field)
    ]


def polars_type(field: dict[str, Any] | str) -> Any:
    import polars as pl

    return {"string": pl.String, "integer": pl.Int64, "number": pl.Float64, "boolean": pl.Boolean, "date": pl.Date}[
        _type(field)
    ]


def duckdb_type(field: dict[str, Any] | str) -> str:
    return {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE"}[
        _type(field)
    ]


def sqlite_type(field: dict[str, Any] | str) -> type:
    """The Python type sqlite-utils creates the column from (TEXT, INTEGER or REAL)."""
    return {"string": str, "integer": int, "number": float, "boolean": int, "date": str}[_type(field)]


def croissant_type(field: dict[str, Any] | str) -> str:
    return {
        "string": "sc:Text",
        "integer": "sc:Integer",
        "number": "sc:Float",
        "boolean": "sc:Boolean",
        "date": "sc:Date",
    }[_type(field)]
