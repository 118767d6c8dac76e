"""The official frictionless validation of a checked descriptor, its errors explained.

frictionless runs untrusted (its default, kept explicitly): it is handed only the
descriptor copy that `descriptor.py` checked, with the resources that passed the
validator's own limits.
"""

from __future__ import annotations

import copy

from ..problems import Problem, shown
from .descriptor import Descriptor
from .files import REGENERATE

# What each frictionless error type means for a contributor, and what to do.
_ADVICE = {
    "type-error": "the value is not of the column's type",
    "constraint-error": "the value breaks a rule of the column's schema",
    "missing-cell": "the row has fewer cells than the header",
    "extra-cell": "the row has more cells than the header",
    "blank-row": "the row is empty",
    "primary-key": "another row already has this primary key",
    "foreign-key": "the value refers to a row that does not exist",
    "unique-error": "the value must be unique in its column but occurs twice",
    "duplicate-label": "two columns have the same name",
    "incorrect-label": "the header does not match the schema",
    "missing-label": "a column of the schema is missing from the header",
    "extra-label": "the header has a column the schema does not know",
    "blank-label": "a column name is empty",
    "hash-count": "the file's SHA-256 is not the one recorded in the descriptor",
    "byte-count": "the file's size is not the one recorded in the descriptor",
}


def _expected(resource_schema: dict, field_name: str | None, error) -> str | None:
    if error.type == "foreign-key":
        return f"a value present in {getattr(error, 'reference_name', '') or 'the referenced table'}"
    if error.type in ("hash-count", "byte-count"):
        return "the hash and size that `ai-openness build` records"
    for spec in resource_schema.get("fields", []):
        if isinstance(spec, dict) and spec.get("name") == field_name:
            constraints = spec.get("constraints") or {}
            parts = [f"type {spec.get('type', 'string')}"]
            if constraints.get("enum"):
                parts.append("one of: " + ", ".join(map(str, constraints["enum"])))
            if constraints.get("pattern"):
                parts.append(f"matching {constraints['pattern']}")
            if constraints.get("required"):
                parts.append("required")
            if "minimum" in constraints:
                parts.append(f"at least {constraints['minimum']}")
            return "; ".join(parts)
    return None


def _handed(descriptor: Descriptor, excluded: set[str]) -> dict:
    """The checked descriptor without the resources the validator refused or could not
    read, and without foreign keys pointing at them (they would only add confusing errors)."""
    document = copy.deepcopy(descriptor.checked)
    document["resources"] = [item for item in document["resources"] if item["name"] not in excluded]
    names = {item["name"] for item in document["resources"]}
    for item in document["resources"]:
        schema = item["schema"]
        if "foreignKeys" in schema:
            schema["foreignKeys"] = [fk for fk in schema["foreignKeys"]
                                     if (fk["reference"].get("resource") or item["name"]) in names]
    return document


def frictionless_problems(root, descriptor: Descriptor, excluded: set[str]) -> list[Problem]:
    from frictionless import FrictionlessException, Package, system

    document = _handed(descriptor, excluded)
    if not document["resources"]:
        return []
    try:
        with system.use_context(trusted=False):
            report = Package(document, basepath=str(root)).validate()
    except FrictionlessException as exc:
        return [Problem(descriptor.rel, None, None, f"frictionless cannot read the descriptor: {shown(exc.error.note, 300)}",
                        fix=REGENERATE)]
    problems = []
    for task in report.tasks:
        resource = descriptor.resources.get(task.name)
        rel = resource.path if resource else descriptor.rel
        schema = resource.schema if resource else {}
        for error in task.errors:
            problems.append(_problem(rel, schema, error))
    for error in report.errors:
        problems.append(Problem(descriptor.rel, None, None, f"{error.title}: {shown(error.note, 300)}",
                                fix=REGENERATE))
    return problems


def _problem(rel: str, schema: dict, error) -> Problem:
    line = getattr(error, "row_number", None)
    if line is None and getattr(error, "row_numbers", None):
        line = error.row_numbers[0]
    names = getattr(error, "field_names", None)
    field = getattr(error, "field_name", None) or (names[0] if names else None)
    if error.type in ("hash-count", "byte-count"):
        line = None
    cell = getattr(error, "cell", None)
    if cell is None and getattr(error, "field_cells", None):
        cell = error.field_cells[0]
    meaning = _ADVICE.get(error.type, error.title.lower())
    return Problem(rel, line, field, f"{meaning} (frictionless {error.type}: {shown(error.note, 300)})",
                   shown(cell) if cell not in (None, "") else None,
                   expected=_expected(schema, field, error), fix=REGENERATE)
