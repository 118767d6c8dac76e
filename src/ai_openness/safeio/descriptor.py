"""Read a descriptor (datapackage*.json) and check it before frictionless sees it.

frictionless can read remote URLs, compressed archives, inline data, SQL databases and
profiles fetched over the network. A contribution's descriptor is therefore checked here
first: only local CSV and Parquet files inside the package, inline schemas and the
standard profiles pass, and what frictionless is handed is the checked copy.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ai_openness.contract import Contract
from ai_openness.core.errors import REGENERATE
from ai_openness.core.limits import MAX_COLUMNS, MAX_DESCRIPTOR_BYTES, MAX_RESOURCES
from ai_openness.core.problems import Problem, shown
from ai_openness.safeio.files import Refused, contained, decode_utf8, read_file
from ai_openness.safeio.jsonio import parse_json

_STANDARD_PROFILE = re.compile(r"^https://datapackage\.org/profiles/[0-9.]+/[a-z]+\.json$")
_PACKAGE_PROFILES = {"data-package", "tabular-data-package"}
_RESOURCE_PROFILES = {"data-resource", "tabular-data-resource"}
_FORMATS = {"csv", "parquet"}
# Properties that make frictionless read something other than one local file.
_REFUSED = {
    "data": "inline data",
    "compression": "compressed archives",
    "innerpath": "archive members",
    "extrapaths": "multi-part files",
    "control": "loader settings",
}


@dataclass
class Resource:
    name: str
    path: str  # relative to the package root, as written
    file: Path  # the checked file inside the package
    format: str
    schema: dict[str, Any]
    line: int | None  # line of its "path" in the descriptor


@dataclass
class Descriptor:
    rel: str
    text: str
    checked: dict[str, Any]  # what frictionless may be handed
    resources: dict[str, Resource] = field(default_factory=dict)


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def line_of(text: str, key: str, value: object, start: int = 0) -> int | None:
    """Line of `"key": value` in the descriptor text (it is written with one key a line)."""
    needle = f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}"
    offset = text.find(needle, start)
    return _line_at(text, offset) if offset != -1 else None


def _parse(root: Path, rel: str, limit: int | None) -> tuple[str, dict[str, Any]] | list[Problem]:
    fix = f"regenerate it: {REGENERATE}"
    try:
        data = read_file(root, rel, limit)
    except Refused as refused:
        return [Problem(rel, None, None, f"cannot be read: {refused.message}", fix=refused.fix)]
    text, problems = decode_utf8(rel, data)
    if text is None or problems:
        return problems
    document, problems = parse_json(text, rel, fix)
    if problems:
        return problems
    if not isinstance(document, dict) or not isinstance(document.get("resources"), list):
        return [
            Problem(
                rel,
                1,
                None,
                "is not a data package descriptor",
                expected='a JSON object with a "resources" list',
                fix=fix,
            )
        ]
    return text, document


def _check_profiles(document: dict[str, Any], allowed: set[str], rel: str, text: str, where: int) -> list[Problem]:
    """Keep only the standard profiles: any other one would be fetched or read by frictionless."""
    problems = []
    for key in ("$schema", "profile"):
        value = document.get(key)
        if value is None or value in allowed or (isinstance(value, str) and _STANDARD_PROFILE.match(value)):
            continue
        problems.append(
            Problem(
                rel,
                line_of(text, key, value, where),
                key,
                "names a profile that is not a standard one; it would be fetched or read, so it is refused",
                shown(value),
                expected="https://datapackage.org/profiles/2.0/… or no profile",
                fix=REGENERATE,
            )
        )
        document.pop(key)
    return problems


def _has_key(value: object, keys: set[str]) -> bool:
    if isinstance(value, dict):
        return any(k in keys or _has_key(v, keys) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_key(v, keys) for v in value)
    return False


def _check_schema(schema: object, name: str, rel: str, line: int | None) -> list[Problem]:
    if not isinstance(schema, dict):
        return [
            Problem(
                rel,
                line,
                "schema",
                f"resource {shown(name)!r}: the schema is not written inline",
                expected="a Table Schema object inside the descriptor",
                fix=REGENERATE,
            )
        ]
    fields = schema.get("fields")
    if not isinstance(fields, list) or len(fields) > MAX_COLUMNS:
        return [
            Problem(
                rel,
                line,
                "schema",
                f"resource {shown(name)!r}: the schema needs a list of at most {MAX_COLUMNS} fields",
                fix=REGENERATE,
            )
        ]
    for fk in schema.get("foreignKeys") or []:
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict) or "package" in fk["reference"]:
            return [
                Problem(
                    rel,
                    line,
                    "schema",
                    f"resource {shown(name)!r}: a foreign key refers to another package, or is malformed",
                    expected="references to resources of this package",
                    fix=REGENERATE,
                )
            ]
    if _has_key(schema, {"$ref", "$schema", "profile"}):
        return [
            Problem(
                rel,
                line,
                "schema",
                f"resource {shown(name)!r}: the schema refers to an external profile",
                fix=REGENERATE,
            )
        ]
    return []


def _check_resource(root: Path, item: object, rel: str, text: str) -> tuple[Resource | None, list[Problem]]:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        return None, [Problem(rel, None, "resources", "a resource is not an object with a name", fix=REGENERATE)]
    name, path = item["name"], item.get("path")
    line = line_of(text, "path", path) if isinstance(path, str) else line_of(text, "name", name)
    start = text.find(json.dumps(name, ensure_ascii=False))
    problems = _check_profiles(item, _RESOURCE_PROFILES, rel, text, max(start, 0))
    for key, what in _REFUSED.items():
        if key in item:
            problems.append(
                Problem(
                    rel,
                    line,
                    key,
                    f"resource {shown(name)!r}: {what} ({key!r}) are not read",
                    expected="a path to a CSV or Parquet file inside the package",
                    fix=REGENERATE,
                )
            )
    fmt, scheme, encoding = item.get("format"), item.get("scheme", "file"), item.get("encoding", "utf-8")
    if fmt not in _FORMATS or scheme != "file" or str(encoding).lower() not in ("utf-8", "utf8"):
        problems.append(
            Problem(
                rel,
                line,
                "format",
                f"resource {shown(name)!r}: format {shown(fmt)!r}, scheme "
                f"{shown(scheme)!r}, encoding {shown(encoding)!r} is not accepted",
                expected='format "csv" or "parquet", scheme "file", encoding "utf-8"',
                fix=REGENERATE,
            )
        )
    if "dialect" in item and not isinstance(item["dialect"], dict):
        problems.append(
            Problem(
                rel, line, "dialect", f"resource {shown(name)!r}: the dialect is not written inline", fix=REGENERATE
            )
        )
    problems += _check_schema(item.get("schema"), name, rel, line)
    try:
        file = contained(root, path)
    except Refused as refused:
        problems.append(
            Problem(
                rel,
                line,
                "path",
                f"resource {shown(name)!r}: {refused.message}",
                shown(path) if isinstance(path, str) else None,
                expected="a relative path to a file inside the package, e.g. data/x.csv",
                fix=refused.fix,
            )
        )
    if problems or not isinstance(path, str) or not isinstance(fmt, str):
        return None, problems
    if not path.endswith(f".{fmt}"):
        return None, [
            Problem(
                rel,
                line,
                "path",
                f"resource {shown(name)!r}: the file name does not end in .{fmt}",
                shown(path),
                fix=REGENERATE,
            )
        ]
    return Resource(name, path, file, fmt, item["schema"], line), []


def read_descriptor(
    root: Path, rel: str, limit: int | None = MAX_DESCRIPTOR_BYTES
) -> tuple[Descriptor | None, list[Problem]]:
    """The checked descriptor and its problems; None when it cannot be used at all.

    `limit`: its size in bytes at most (None: any size, for a package of one's own)."""
    parsed = _parse(root, rel, limit)
    if isinstance(parsed, list):
        return None, parsed
    text, document = parsed
    problems = _check_profiles(document, _PACKAGE_PROFILES, rel, text, 0)
    items = document["resources"]
    if len(items) > MAX_RESOURCES:
        return None, [
            Problem(rel, None, "resources", f"lists {len(items)} resources, more than {MAX_RESOURCES}", fix=REGENERATE)
        ]
    descriptor = Descriptor(rel, text, document)
    kept = []
    for item in items:
        resource, found = _check_resource(root, item, rel, text)
        problems += found
        if resource is not None and resource.name in descriptor.resources:
            problems.append(
                Problem(
                    rel,
                    resource.line,
                    "name",
                    f"the resource name {shown(resource.name)!r} is used twice; only the first is read",
                    fix=REGENERATE,
                )
            )
        elif resource is not None:
            descriptor.resources[resource.name] = resource
            kept.append(item)
    document["resources"] = kept
    return descriptor, problems


def pin_schemas(contract: Contract, descriptor: Descriptor, fmt: str) -> list[Problem]:
    """Replace each resource's schema by the package's own (schema/), reporting any difference.

    frictionless evaluates a schema's patterns as regular expressions; a contributed one could
    be written to take exponential time, so only the package's own schemas are evaluated.
    """
    from ai_openness.contract import resource_schema

    problems, known = [], set(contract.names)
    for item in list(descriptor.checked["resources"]):
        resource = descriptor.resources[item["name"]]
        if resource.name not in known or resource.format != fmt:
            problems.append(
                Problem(
                    descriptor.rel,
                    resource.line,
                    "name",
                    f"{shown(resource.name)!r} is not a {fmt.upper()} table of this package",
                    expected=", ".join(sorted(known)),
                    fix="add a new table to schema/package.yaml and schema/, then run `ai-openness build`",
                )
            )
            descriptor.checked["resources"].remove(item)
            del descriptor.resources[resource.name]
            continue
        trusted = resource_schema(contract, resource.name, fmt)
        if item["schema"] != trusted:
            problems.append(
                Problem(
                    descriptor.rel,
                    resource.line,
                    "schema",
                    f"the schema of {shown(resource.name)!r} "
                    f"is not the one in schema/{resource.name}.schema.json; it is validated against "
                    "that one",
                    fix=REGENERATE,
                )
            )
            item["schema"] = resource.schema = trusted
    return problems
