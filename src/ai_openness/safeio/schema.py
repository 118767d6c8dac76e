"""Reading schema/ and descriptors safely into a Contract: contained, size-bounded, depth-bounded."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from ai_openness.contract import PACKAGE_YAML, SCHEMA_DIR, Contract, schema_problems
from ai_openness.contract.shape import package_problems
from ai_openness.core.limits import MAX_DESCRIPTOR_BYTES, MAX_INPUT_BYTES, MAX_JSON_DEPTH
from ai_openness.core.paths import package_root
from ai_openness.core.problems import BuildFailed, Problem
from ai_openness.safeio.yamlio import parse_yaml


def _read_contained(root: Path, rel: str, limit: int) -> bytes:
    """The bytes of `root`/`rel`, opened only when it is a regular file inside `root`
    (a link may point elsewhere inside it) of at most `limit` bytes."""
    base = root.resolve()
    fix = f"make {rel} a regular file inside the package"
    try:
        # Every link on the way (schema/ itself, or the file) is followed by name only
        # (readlink), never opened; the place it leads must be inside the package.
        path = Path(os.path.realpath(base / rel, strict=True))
        if not path.is_relative_to(base):
            # Name the link that leaves: a folder on the way (schema/) or the file itself.
            parent = next(
                (
                    p
                    for p in Path(rel).parents
                    if p.name and (base / p).is_symlink() and not Path(os.path.realpath(base / p)).is_relative_to(base)
                ),
                None,
            )
            where, what = (f"{parent.as_posix()}/", "folder") if parent else (rel, "file")
            raise BuildFailed(
                [
                    Problem(
                        where,
                        None,
                        None,
                        "is a symbolic link to a place outside the package",
                        fix=f"replace the link by the {what} itself",
                    )
                ]
            )
        info = os.lstat(path)
    except FileNotFoundError:
        raise BuildFailed([Problem(rel, None, None, "file is missing", fix=f"add {rel}")]) from None
    except (OSError, RuntimeError) as exc:  # a link loop, a name too long, no permission
        raise BuildFailed([Problem(rel, None, None, f"cannot be read ({exc.__class__.__name__})", fix=fix)]) from None
    if not stat.S_ISREG(info.st_mode):
        raise BuildFailed([Problem(rel, None, None, "is not a regular file (a folder, pipe or device)", fix=fix)])
    if info.st_size > limit:
        raise BuildFailed(
            [
                Problem(
                    rel,
                    None,
                    None,
                    f"is {info.st_size} bytes, more than the limit of {limit}",
                    fix="check that the right file was committed",
                )
            ]
        )
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise BuildFailed([Problem(rel, None, None, f"cannot be read ({exc.strerror})", fix=fix)]) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # replaced since it was checked
            raise BuildFailed([Problem(rel, None, None, "is not a regular file", fix=fix)])
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise BuildFailed(
            [
                Problem(
                    rel,
                    None,
                    None,
                    f"is more than the limit of {limit} bytes",
                    fix="check that the right file was committed",
                )
            ]
        )
    return data


def _text(data: bytes, rel: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BuildFailed(
            [Problem(rel, None, None, f"is not UTF-8 text ({exc.reason})", fix="save it as UTF-8")]
        ) from None


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


def _json(data: bytes, rel: str) -> dict:
    try:
        value = json.loads(_text(data, rel))
    except json.JSONDecodeError as exc:
        raise BuildFailed(
            [
                Problem(
                    rel,
                    exc.lineno,
                    None,
                    f"is not valid JSON: {exc.msg}",
                    column=exc.colno,
                    fix="fix the JSON syntax at that line",
                )
            ]
        ) from None
    except RecursionError:
        value = None
    except ValueError:  # a number of over 4,300 digits (Python's limit on int conversion)
        raise BuildFailed(
            [
                Problem(
                    rel,
                    None,
                    None,
                    "is not valid JSON: it holds a number too long to read",
                    fix="write numbers with at most a few digits",
                )
            ]
        ) from None
    if value is None or _depth(value) > MAX_JSON_DEPTH:
        raise BuildFailed([Problem(rel, None, None, f"is nested more than {MAX_JSON_DEPTH} levels deep")])
    return value


def _package_yaml(root: Path) -> dict:
    """schema/package.yaml, read with the coding's loader (no alias, no tag, bounded depth)."""

    meta = parse_yaml(_text(_read_contained(root, PACKAGE_YAML, MAX_INPUT_BYTES), PACKAGE_YAML), PACKAGE_YAML)
    problems = package_problems(meta, PACKAGE_YAML)
    if problems:
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
