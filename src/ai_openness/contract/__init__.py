"""The contract: the package's Table Schemas and every view of them (types, keys, shapes).

The lowest layer but one (only ai_openness.core is below it): it reads no file. Reading
schema/ or a descriptor into a Contract is safe I/O (ai_openness.safeio.schema).
"""

from ai_openness.contract.keys import ForeignKey, key_list, schema_foreign_keys
from ai_openness.contract.model import (
    DESCRIPTOR,
    PACKAGE_YAML,
    PARQUET_DESCRIPTOR,
    PUBLISHED,
    SCHEMA_DIR,
    Contract,
    resource_schema,
)
from ai_openness.contract.objects import Field, Package, Resource, Schema
from ai_openness.contract.shape import schema_problems
from ai_openness.contract.types import TYPES, arrow_type, polars_type

__all__ = [
    "DESCRIPTOR",
    "PACKAGE_YAML",
    "PARQUET_DESCRIPTOR",
    "PUBLISHED",
    "SCHEMA_DIR",
    "TYPES",
    "Contract",
    "Field",
    "ForeignKey",
    "Package",
    "Resource",
    "Schema",
    "arrow_type",
    "key_list",
    "polars_type",
    "resource_schema",
    "schema_foreign_keys",
    "schema_problems",
]
