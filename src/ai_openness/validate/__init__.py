"""Validate a package directory: the official frictionless checks plus the package's own rules.

The directory is untrusted (it may be a pull request): nothing outside it is read, no URL
is fetched, nothing in it is executed, and every file is size-checked before it is read.
The order matters: descriptors are checked before frictionless sees them, and files are
checked against the limits before anything parses them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..problems import Problem
from ..contract import Contract
from ..write import DESCRIPTOR, PARQUET_DESCRIPTOR
from .cells import cell_problems
from .descriptor import Descriptor, pin_schemas, read_descriptor
from .files import REGENERATE
from .generated import generated_problems
from .official import frictionless_problems
from .report import Report
from .rules import actor_problems, date_problems, quote_problems, stored_texts
from .tables import Table, read_table
from .twins import read_parquet, twin_problems

__all__ = ["Report", "validate"]


def _descriptors(root: Path, report: Report) -> dict[str, Descriptor]:
    found = {}
    for rel in (DESCRIPTOR, PARQUET_DESCRIPTOR):
        descriptor, problems = read_descriptor(root, rel)
        report.problems += problems
        if descriptor is None:
            report.unusable = True
        else:
            found[rel] = descriptor
    return found


def _missing_resources(contract: Contract, descriptor: Descriptor) -> list[Problem]:
    return [Problem(descriptor.rel, None, "resources", f"the table {name!r} is not among the readable resources",
                    expected=", ".join(contract.names), fix=REGENERATE)
            for name in contract.names if name not in descriptor.resources]


def _with_origins(contract: Contract, problems: list[Problem], tables: dict[str, Table],
                  origins: dict) -> list[Problem]:
    """Point findings on a generated row at the coding it comes from, and at their column."""
    where: dict[tuple[str, int], str] = {}  # (CSV file, line) -> coding file:line
    for name, table in tables.items():
        if name in origins and name in contract.names:
            key = contract.primary_key(name)
            for line, row in table.records():
                origin = origins[name].get(tuple(row.get(c, "") for c in key))
                if origin:
                    where[(table.rel, line)] = origin
    by_file = {table.rel: table for table in tables.values()}
    result = []
    for problem in problems:
        changes = {}
        origin = where.get((problem.file, problem.line or 0))
        if origin:
            changes["fix"] = (f"{problem.fix}. " if problem.fix else "") + f"This row comes from {origin}."
        if problem.column is None and problem.file in by_file:  # e.g. frictionless findings
            changes["column"] = by_file[problem.file].column(problem.line, problem.field)
        result.append(Problem(**{**problem.to_dict(), **changes}) if changes else problem)
    return result


def validate_fast(root: Path, report: Report) -> Report:
    """The large-package path, after the same descriptor and path checks: the vectorised
    checker (the checks frictionless makes on the CSVs, stored-source hashes, quote
    grounding and Parquet twins) instead of the row-by-row readers and their row limits."""
    from ..fastcheck import check_package

    if report.problems:  # paths and schemas must be safe before anything reads the tables
        report.skipped.append("the tables: the descriptor problems above come first")
        return report
    report.problems += check_package(root)
    report.skipped.append("engine fast: cross-field date and actor rules, cell hygiene and the "
                          "comparison with a rebuild are made by the default engine only")
    return report


def validate(root: Path, today: dt.date | None = None, engine: str = "full",
             contract: Contract | None = None) -> Report:
    """Validate the package under `root` against `contract` (default: the installed one).

    Only a trusted contract's schemas are evaluated (see pin_schemas), so a contribution's
    descriptors are checked against the installed package's, not against their own.
    """
    root = Path(root).absolute()
    report = Report(str(root))
    if not root.is_dir():
        report.unusable = True
        report.problems.append(Problem(str(root), None, None, "is not a directory",
                                       fix="name the folder that holds datapackage.json"))
        return report
    descriptors = _descriptors(root, report)
    if report.unusable:
        report.skipped.append("everything else: the descriptors above must be readable first")
        return report
    csv_descriptor, parquet_descriptor = descriptors[DESCRIPTOR], descriptors[PARQUET_DESCRIPTOR]
    contract = contract or Contract.installed()
    report.problems += pin_schemas(contract, csv_descriptor, "csv") + pin_schemas(contract, parquet_descriptor, "parquet")
    report.problems += _missing_resources(contract, csv_descriptor) + _missing_resources(contract, parquet_descriptor)
    if engine == "fast":
        return validate_fast(root, report)

    tables: dict[str, Table] = {}
    for name, resource in csv_descriptor.resources.items():
        table, problems = read_table(resource, DESCRIPTOR)
        report.problems += problems
        if table is not None:
            tables[name] = table
    parquets = {}
    for name, resource in parquet_descriptor.resources.items():
        parquet, problems = read_parquet(resource, PARQUET_DESCRIPTOR)
        report.problems += problems
        if parquet is not None:
            parquets[name] = parquet

    report.problems += frictionless_problems(root, csv_descriptor, set(csv_descriptor.resources) - set(tables))
    report.problems += frictionless_problems(root, parquet_descriptor,
                                             set(parquet_descriptor.resources) - set(parquets))

    schemas = {name: resource.schema for name, resource in csv_descriptor.resources.items()}
    texts, problems = stored_texts(root, tables)
    if not (root / "sources").exists():
        report.skipped.append("no sources/ here, so quotes and hashes were not checked against stored texts")
    report.problems += problems + quote_problems(tables, texts) + actor_problems(tables)
    report.problems += date_problems(tables, schemas, today or dt.date.today())
    for name, table in tables.items():
        report.problems += cell_problems(table, schemas[name])
        if name in parquets:
            report.problems += twin_problems(table, parquets[name], parquet_descriptor.resources[name].path)

    problems, origins, skipped = generated_problems(root)
    report.problems += problems
    if skipped:
        report.skipped.append(skipped)
    report.problems = _with_origins(contract, report.problems, tables, origins)
    report.rows = {name: len(table.rows) for name, table in tables.items()}
    return report
