"""The shape of the schema files, checked by the contract's own objects (objects.py) on
files that may come from a contribution: each problem located at its file, and at its line
where the YAML reader knows it."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ai_openness.contract.objects import Package, Schema, problems_of
from ai_openness.core.problems import Problem


def schema_problems(schema: object, rel: str) -> list[Problem]:
    """What is wrong with a Table Schema (a schema file, or one embedded in a descriptor)."""
    if not isinstance(schema, dict):
        return [Problem(rel, None, None, "a Table Schema must be a JSON object with `fields`", code="schema-shape")]
    try:
        Schema.model_validate(schema)
    except ValidationError as error:
        return problems_of(error, rel, schema)
    return []


def package_problems(meta: object, rel: str) -> list[Problem]:
    """What is wrong with schema/package.yaml: a mapping whose resources each have a plain,
    unique name and, optionally, where their rows come from."""
    if not isinstance(meta, dict):
        return [Problem(rel, 1, None, "must be a mapping (name:, version:, resources: ...)", code="schema-shape")]
    try:
        Package.model_validate(meta)
    except ValidationError as error:
        return problems_of(error, rel, meta, lambda loc: _line(meta, loc))
    return []


def _line(meta: dict[str, Any], loc: tuple[Any, ...]) -> int | None:
    """The line of the resource (or key) a location names, from the YAML reader's lines."""
    resources = meta.get("resources")
    if len(loc) >= 2 and loc[0] == "resources" and isinstance(resources, list) and loc[1] < len(resources):
        line = getattr(resources[loc[1]], "line", None)
        if line:
            return int(line)
    line_of = getattr(meta, "line_of", None)
    return int(line_of(str(loc[0]))) if line_of and loc else None
