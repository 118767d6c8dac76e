"""Primary and foreign keys: the only place a key is normalised."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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


def schema_foreign_keys(schema: dict[str, Any], name: str) -> list[ForeignKey]:
    """The foreign keys of a Table Schema (also an untrusted one: malformed entries are left out)."""
    keys = []
    for fk in schema.get("foreignKeys") or []:
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            continue
        ref = fk["reference"]
        keys.append(ForeignKey(key_list(fk.get("fields")), ref.get("resource") or name, key_list(ref.get("fields"))))
    return keys
