"""The shape every view of a Table Schema relies on, checked on schemas that may come from a contribution."""

from __future__ import annotations

import re
from typing import Annotated, Any

from ai_openness.contract.keys import key_list
from ai_openness.contract.types import TYPES
from ai_openness.core.limits import MAX_COLUMNS, MAX_PATTERN, MAX_RESOURCES
from ai_openness.core.problems import Problem, shown

# Custom properties of a field in the schema files (schema/), carried into the descriptors.
GENERATED = "ai_openness:generated"  # true: the build computes the column; a coding must not write it
WITHHELD = "ai_openness:weights_withheld"  # models.access: the values under which no weights are released
# Where a resource's rows come from (package.yaml `rows`; "ai_openness:rows" in a descriptor).
ROWS = ("codings", "generated", "matched", "derived")


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


def schema_problems(schema: object, rel: str) -> list[Problem]:
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
            problems.append(
                Problem(rel, None, f["name"], f"type {shown(f.get('type'))!r} is not one of {', '.join(TYPES)}")
            )
        if not isinstance(f.get("constraints", {}), dict):
            problems.append(Problem(rel, None, f["name"], "`constraints` must be an object"))
        elif not isinstance(f.get("constraints", {}).get("enum", []), list):
            problems.append(Problem(rel, None, f["name"], "`constraints.enum` must be a list of values"))
        elif "pattern" in f.get("constraints", {}):
            why = _pattern_problem(f["constraints"]["pattern"])
            if why:
                problems.append(
                    Problem(
                        rel, None, f["name"], f"`constraints.pattern` {why}", shown(f["constraints"]["pattern"], 80)
                    )
                )
        problems += _custom_problems(f, rel)
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


def _custom_problems(field: dict[str, Any], rel: str) -> list[Problem]:
    """The package's own properties of a field have the form the code reads them in."""
    problems = []
    if not isinstance(field.get(GENERATED, False), bool):
        problems.append(Problem(rel, None, field["name"], f"`{GENERATED}` must be true or false"))
    withheld = field.get(WITHHELD, [])
    enum = (field.get("constraints") or {}).get("enum") if isinstance(field.get("constraints"), dict) else None
    if not isinstance(withheld, list) or (withheld and (not isinstance(enum, list) or not set(withheld) <= set(enum))):
        problems.append(
            Problem(rel, None, field["name"], f"`{WITHHELD}` must be a list of values of the column's enum")
        )
    return problems


_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")  # a resource name, also a file name in schema/


def package_problems(meta: object, rel: str) -> list[Problem]:
    """The shape of schema/package.yaml: a mapping whose resources each have a plain, unique
    name and, optionally, where their rows come from."""
    if not isinstance(meta, dict):
        return [Problem(rel, 1, None, "must be a mapping (name:, version:, resources: ...)")]
    resources = meta.get("resources")
    line = meta.line_of("resources") if hasattr(meta, "line_of") else None
    if not isinstance(resources, list) or not resources or len(resources) > MAX_RESOURCES:
        return [Problem(rel, line, "resources", f"must be a list of 1 to {MAX_RESOURCES} resources (- name: ...)")]
    problems, seen = [], set()
    for resource in resources:
        where = getattr(resource, "line", line)
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            problems.append(Problem(rel, where, "resources", "each resource needs a `name`"))
        elif not _NAME.match(resource["name"]):
            words = "a resource name is lower-case letters, digits and _ (it names the file schema/NAME.schema.json)"
            problems.append(Problem(rel, where, "name", words, shown(resource["name"])))
        elif resource["name"] in seen:
            problems.append(Problem(rel, where, "name", "names a resource twice", resource["name"]))
        elif resource.get("rows", "codings") not in ROWS:
            problems.append(Problem(rel, where, "rows", f"must be one of {', '.join(ROWS)}", shown(resource["rows"])))
        else:
            seen.add(resource["name"])
    return problems
