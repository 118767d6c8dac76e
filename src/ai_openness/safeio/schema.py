"""Reading schema/ and descriptors safely into a Contract: contained, size-bounded, depth-bounded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ai_openness.contract import PACKAGE_YAML, SCHEMA_DIR, Contract, schema_problems
from ai_openness.contract.shape import package_problems
from ai_openness.core.limits import MAX_DESCRIPTOR_BYTES, MAX_INPUT_BYTES
from ai_openness.core.paths import package_root
from ai_openness.core.problems import BuildFailed, Problem
from ai_openness.safeio.files import Refused, decode_utf8, read_file
from ai_openness.safeio.jsonio import parse_json
from ai_openness.safeio.yamlio import parse_yaml


def _read_contained(root: Path, rel: str, limit: int) -> bytes:
    """The bytes of schema file `rel`, read the one safe way (files.read_file)."""
    if not (root / rel).exists() and not (root / rel).is_symlink():
        raise BuildFailed([Problem(rel, None, None, "file is missing", fix=f"add {rel}")])
    try:
        return read_file(root, rel, limit)
    except Refused as refused:
        raise BuildFailed([Problem(refused.where or rel, None, None, refused.message, fix=refused.fix)]) from None


def _text(data: bytes, rel: str) -> str:
    text, problems = decode_utf8(rel, data)
    if text is None or problems:
        raise BuildFailed(problems)
    return text


def _json(data: bytes, rel: str) -> dict[str, Any]:
    value, problems = parse_json(_text(data, rel), rel, fix="fix the JSON at that line")
    if problems:
        raise BuildFailed(problems)
    if not isinstance(value, dict):
        raise BuildFailed([Problem(rel, 1, None, "a Table Schema must be a JSON object with `fields`")])
    return value


def _package_yaml(root: Path) -> dict[str, Any]:
    """schema/package.yaml, read with the coding's loader (no alias, no tag, bounded depth)."""

    meta = parse_yaml(_text(_read_contained(root, PACKAGE_YAML, MAX_INPUT_BYTES), PACKAGE_YAML), PACKAGE_YAML)
    problems = package_problems(meta, PACKAGE_YAML)
    if problems or not isinstance(meta, dict):
        raise BuildFailed(problems)
    return meta


def read_contract(root: str | Path) -> Contract:
    """The contract in `root`/schema/: package.yaml and one NAME.schema.json per resource.

    schema/ may come from a contribution: every file is opened only when it is a regular
    file inside `root`, within the size limits, and any problem is raised as BuildFailed
    naming the file.
    """
    root = Path(root)
    meta = _package_yaml(root)
    problems, schemas = [], {}
    for resource in meta["resources"]:
        rel = f"{SCHEMA_DIR}/{resource['name']}.schema.json"
        try:
            schema = _json(_read_contained(root, rel, MAX_DESCRIPTOR_BYTES), rel)
            problems += schema_problems(schema, rel)
            schemas[resource["name"]] = schema
        except BuildFailed as failed:
            problems += failed.problems
    if problems:
        raise BuildFailed(problems)
    return Contract(meta, schemas, str(root / SCHEMA_DIR))


def contract_for_build(root: str | Path) -> Contract:
    """What a package directory is built with: its own schema/, or, for a directory holding
    only sources/ and codings/ (a test package), the installed package's schema/."""

    root = Path(root)
    has_own = (root / SCHEMA_DIR).exists() or (root / SCHEMA_DIR).is_symlink()
    return read_contract(root if has_own else package_root())
