"""sources/ + codings/ -> checked, typed, sorted rows of every table (nothing is written).

The first half of a build, shared by `build` (which renders and writes the tables) and by
`coverage` (which reports what the codings cover); neither of them is imported here.
"""

from __future__ import annotations

import datetime as dt
import gc
import operator
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ai_openness.compile import mentions
from ai_openness.compile.cache import Cache, NoCache
from ai_openness.compile.changes import position_changes
from ai_openness.compile.check import check_rows
from ai_openness.compile.executors import Executor
from ai_openness.compile.inputs import (
    Inputs,
    alias_rows,
    read_entities,
    read_excluded,
    read_retired,
    read_sources,
    unread_tables,
)
from ai_openness.compile.records import yaml_problems
from ai_openness.compile.source import LocatedRows, arguments_of, derive_mentions, derive_stances
from ai_openness.contract import Contract
from ai_openness.core.problems import BuildFailed, Problem
from ai_openness.safeio.inputs import read_inputs
from ai_openness.safeio.schema import contract_for_build

FIX = "fix the coding as the message says, then run `ai-openness build`"


def _sort_key(contract: Contract, name: str) -> Callable[[dict[str, Any]], Any]:
    columns = contract.primary_key(name)
    if set(columns) <= contract.required(name):
        # Checked rows have no empty required cell, so the plain values order the rows
        # exactly as the general key below does, at a fraction of its cost on large tables.
        return operator.itemgetter(*columns)
    return lambda row: tuple((row[c] is None, row[c]) for c in columns)


def mention_table(inputs: Inputs, contract: Contract) -> Any:
    """The mentions table, as Arrow columns (a table of millions of rows)."""
    return mentions.mention_table(
        inputs.texts, inputs.not_content, inputs.aliases, contract.arrow_schema("mentions"), inputs.alias_origins
    )


@contextmanager
def without_cycle_collection() -> Iterator[None]:
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


def collect(
    root: Path,
    today: dt.date | None = None,
    contract: Contract | None = None,
    cache: Cache | None = None,
    run: Executor | None = None,
) -> tuple[dict[str, list[dict[str, Any]]], Inputs]:
    """Read and check every input; raise BuildFailed listing every problem found.

    `contract` defaults to the one the package under `root` is built with (contract_for_build);
    the per-source stage reads and writes `cache` (default: none) and runs on `run` (default:
    in this process).
    """
    contract = contract or contract_for_build(root)
    with without_cycle_collection():
        return _collect(root, today, contract, cache or NoCache(), run or Executor())


def _collect(
    root: Path, today: dt.date | None, contract: Contract, cache: Cache, run: Executor
) -> tuple[dict[str, Any], Inputs]:
    # Every input read once, here: links out, special files, too deep, too large or wrongly
    # encoded stop the build before anything is parsed; the readers below take these bytes.
    files = read_inputs(root)
    if files.problems:
        raise BuildFailed(files.problems)
    inputs = Inputs(files=files)
    read_sources(root, inputs, contract)
    aliases = read_entities(root, inputs, contract)
    inputs.tables["aliases"] = alias_rows(aliases)
    inputs.aliases = [a for a, _ in aliases]
    inputs.alias_origins = dict(aliases)
    stances = derive_stances(inputs, contract, cache, run)  # the per-source stage, cached
    inputs.tables["stances"] = LocatedRows(stances)
    inputs.tables["stance_arguments"] = LocatedRows(arguments_of(contract, stances), {"argument": "arguments"})
    read_excluded(root, inputs)
    read_retired(root, inputs)
    checked = {
        name: inputs.tables[name]
        for name in contract.names
        if name in inputs.tables and name not in contract.matched_tables + contract.derived_tables
    }
    problems = list(inputs.problems)
    for name, rows in checked.items():
        if not isinstance(rows, LocatedRows):  # the stage checked its own rows' YAML forms
            problems += yaml_problems(contract, name, rows)
    # Every rule on cells, rows and tables is the checking engine's, run on the tables to be
    # written; a value the YAML reader refused is left out and not reported again.
    problems += check_rows(contract, checked, today or dt.date.today(), unread_tables(inputs))
    if problems:
        raise BuildFailed([p if p.fix else Problem(**{**p.to_dict(), "fix": FIX}) for p in problems])
    return assemble(contract, inputs, derive_mentions(inputs, contract, cache, run)), inputs


def assemble(contract: Contract, inputs: Inputs, mentions: Any) -> dict[str, Any]:
    """Every table, sorted by its primary key: checked rows as dicts, mentions as Arrow columns."""
    tables: dict[str, Any] = {}
    for name in contract.names:
        if name in contract.matched_tables:  # sorted as below (nulls last)
            tables[name] = mentions.sort_by([(c, "ascending") for c in contract.primary_key(name)])
            continue
        if name == "position_changes":  # from the checked stances, sorted above it
            rows = position_changes(tables["stances"])
        elif isinstance(located := inputs.tables[name], LocatedRows):  # typed by the engine: sorted as below
            typed = located.typed.sort(contract.primary_key(name), nulls_last=True, maintain_order=True)
            tables[name] = typed.to_dicts() if name == "stances" else typed.to_arrow()
            continue
        else:
            rows = [r.values for r in inputs.tables[name]]
        tables[name] = sorted(rows, key=_sort_key(contract, name))
    return tables
