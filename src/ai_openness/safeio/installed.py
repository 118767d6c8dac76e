"""The contract of an installed or exported package, read from its datapackage.json (no
PyYAML, no polars: `ai_openness.load` uses it on the slim install).

The directory may be anyone's (`ai-openness export --root DIR`, `load(root=DIR)`): the
descriptor is read only when it is a regular file inside it, scanned within the limits
before it is parsed, and every resource and column name must be a plain identifier before
it names a file (data/NAME.parquet) or a database table.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ai_openness.contract import DESCRIPTOR, Contract
from ai_openness.core.paths import package_root
from ai_openness.core.problems import Problem, Unreadable, shown
from ai_openness.safeio.descriptor import line_of
from ai_openness.safeio.files import Refused, contained, read_file
from ai_openness.safeio.jsonio import parse_json

# A resource or column name: lower-case letters, digits and _ (a file name, a table name).
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,63}")
_FIX = "name a package directory holding a datapackage.json made by `ai-openness build`"
_NOT_IDENTIFIER = "is not a plain identifier (lower-case letters, digits and _), so it cannot name a file or a table"


@lru_cache(maxsize=4)
def _installed(path: Path, stamp: int) -> Contract:  # stamp: a rebuilt descriptor is read again
    return contract_from_descriptor_file(path)


def _refused(rel: str, message: str, fix: str = _FIX, line: int | None = None) -> Unreadable:
    return Unreadable([Problem(rel, line, None, message, fix=fix)])


def descriptor_document(path: str | Path) -> dict[str, Any]:
    """The parsed datapackage.json at `path`, checked: inside its directory, JSON within the
    limits, a "resources" list whose names (and their columns') are plain identifiers."""
    path = Path(path)
    rel = path.name  # as every finding names a file: relative to the package directory
    try:
        text = read_file(path.parent, path.name, None).decode("utf-8")
    except Refused as refused:
        raise _refused(rel, refused.message) from None
    except UnicodeDecodeError as exc:
        raise _refused(rel, f"is not UTF-8 text ({exc.reason})") from None
    document, problems = parse_json(text, rel, "rebuild it with `ai-openness build`")
    if problems:
        raise Unreadable(problems)
    if not isinstance(document, dict) or not isinstance(document.get("resources"), list):
        raise _refused(rel, 'is not a data package descriptor (a JSON object with a "resources" list)')
    for resource in document["resources"]:
        name = resource.get("name") if isinstance(resource, dict) else None
        schema = resource.get("schema") if isinstance(resource, dict) else None
        fields = schema.get("fields") if isinstance(schema, dict) else None
        line = line_of(text, "name", name) if isinstance(name, str) else None
        if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
            raise _refused(rel, f"the resource name {shown(name)!r} {_NOT_IDENTIFIER}", line=line)
        if not isinstance(fields, list):
            raise _refused(rel, f"resource {name!r} has no list of fields", line=line)
        for field in fields:
            column = field.get("name") if isinstance(field, dict) else None
            if not isinstance(column, str) or not IDENTIFIER.fullmatch(column):
                where = line_of(text, "name", column) if isinstance(column, str) else line
                raise _refused(
                    rel, f"resource {name!r}: the column name {shown(column)!r} {_NOT_IDENTIFIER}", line=where
                )
    return document


def contract_from_descriptor_file(path: str | Path) -> Contract:
    return Contract.from_descriptor(descriptor_document(path), str(path))


def table_file(root: str | Path, name: str, suffix: str = "parquet") -> Path:
    """data/NAME.SUFFIX inside `root`, as a regular file that no link leads out of."""
    if not IDENTIFIER.fullmatch(name):
        raise _refused(str(root), f"the table name {shown(name)!r} is not a plain identifier")
    rel = f"data/{name}.{suffix}"
    try:
        return contained(Path(root), rel)
    except Refused as refused:
        raise _refused(f"{root}/{rel}", refused.message, refused.fix) from None


def installed_contract() -> Contract:
    """The contract of the package shipped in the wheel, or of the checkout (its datapackage.json)."""

    path = package_root() / DESCRIPTOR
    return _installed(path, path.stat().st_mtime_ns if path.is_file() else 0)
