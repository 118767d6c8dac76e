"""sources/ + codings/ -> typed rows -> tables -> data/ and the descriptors.

The one-way flow of the package: nothing downstream writes upstream.
"""

from __future__ import annotations

import datetime as dt
import gc
import operator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import checks, metadata
from .changes import position_changes
from .inputs import Inputs, read_all
from .mentions import AliasMatcher
from .paths import building
from .problems import BuildFailed, Problem
from .records import validate_rows
from .schema import package_meta, resource_names, table_schema
from .write import DESCRIPTOR, render, stale, write_atomically

GENERATED_ONLY = ("mentions", "position_changes")  # tables with no hand-written rows at all


@dataclass
class Result:
    tables: dict[str, list[dict]]
    files: dict[str, bytes]
    inputs: Inputs


def _sort_key(name: str):
    schema = table_schema(name)
    columns = schema["primaryKey"]
    required = {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")}
    if set(columns) <= required:
        # Checked rows have no empty required cell, so the plain values order the rows
        # exactly as the general key below does, at a fraction of its cost on large tables.
        return operator.itemgetter(*columns)
    return lambda row: tuple((row[c] is None, row[c]) for c in columns)


def mention_rows(inputs: Inputs) -> list[dict]:
    matcher = AliasMatcher(inputs.aliases)
    rows = []
    for source_id in sorted(inputs.texts):
        text, skipped = inputs.texts[source_id], inputs.not_content.get(source_id, [])
        for start, end, alias in matcher.find(text):
            rows.append({
                "source_id": source_id, "start": start, "end": end,
                "entity_type": alias.entity_type, "entity_id": alias.entity_id, "alias": alias.alias,
                "text": text[start:end],
                "in_content": not any(s <= start and end <= e for s, e in skipped),
            })
    return rows


@contextmanager
def _without_cycle_collection():
    """Pause Python's cycle collector while the package is read and rendered.

    A large package is tens of millions of objects that all live until the tables are
    written; while they accumulate, the collector scans them again and again (a fifth of
    the build at 100,000 stances, and a growing share above). They hold no reference
    cycles, so reference counting frees them as before; collection resumes afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def collect(root: Path, today: dt.date | None = None) -> tuple[dict[str, list[dict]], Inputs]:
    """Read and check every input; raise BuildFailed listing every problem found."""
    with building(root), _without_cycle_collection():
        return _collect(root, today)


def _collect(root: Path, today: dt.date | None) -> tuple[dict[str, list[dict]], Inputs]:
    inputs = read_all(root)
    problems = list(inputs.problems)
    for name in resource_names():
        if name not in GENERATED_ONLY:
            _, found = validate_rows(name, inputs.tables[name])
            problems += found
    if problems:  # rules across rows need well-typed rows
        raise BuildFailed(problems)
    problems = checks.all_rules(inputs.tables, today or dt.date.today())
    if problems:
        raise BuildFailed(problems)
    tables = {}
    for name in resource_names():
        if name == "mentions":
            rows = mention_rows(inputs)
        elif name == "position_changes":
            rows = position_changes(tables["stances"])
        else:
            rows = [r.values for r in inputs.tables[name]]
        tables[name] = sorted(rows, key=_sort_key(name))
    return tables, inputs


def readme(root: Path, tables: dict[str, list[dict]], inputs: Inputs) -> dict[str, bytes]:
    """README.md with its generated blocks refreshed (nothing when there is no README)."""
    from . import docs
    from .coverage import summarise

    path = root / docs.README
    if not path.is_file():
        return {}
    blocks = {"tables": docs.table_sizes(tables), "data-dictionary": docs.data_dictionary(),
              "coverage": "```\n" + summarise(tables, inputs).text() + "\n```"}
    try:
        text = docs.fill(path.read_text(encoding="utf-8"), blocks)
    except ValueError as exc:
        raise BuildFailed([Problem(docs.README, None, None, str(exc))]) from None
    return {docs.README: text.encode("utf-8")}


def released() -> str | None:
    """The release date of the current version, recorded by `ai-openness release`."""
    value = package_meta().get("released")
    return str(value) if value else None


def build(root: Path, check: bool = False) -> tuple[Result, list[str]]:
    """Regenerate the package under `root`.

    With check=True nothing is written and the stale files are returned instead.
    """
    with building(root), _without_cycle_collection():
        return _build(root, check)


def _build(root: Path, check: bool) -> tuple[Result, list[str]]:
    tables, inputs = collect(root)
    files = render(tables)
    files |= metadata.render(files[DESCRIPTOR], released())
    files |= readme(root, tables, inputs)
    outdated = stale(root, files)
    if not check and outdated:
        write_atomically(root, {rel: files[rel] for rel in outdated})
    return Result(tables, files, inputs), outdated
