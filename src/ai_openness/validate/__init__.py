"""Validate a package directory: the Table Schemas' checks and the package's own rules, made
by one columnar engine (engine.py).

The directory is untrusted (it may be a pull request): nothing outside it is read, no URL
is fetched, nothing in it is executed, and every file is checked against the limits before
it is read. The order matters: descriptors and paths are checked before any table is read.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ai_openness.checks.engine import check_tables
from ai_openness.checks.findings import Located
from ai_openness.contract import DESCRIPTOR, PARQUET_DESCRIPTOR, Contract
from ai_openness.core.errors import REGENERATE
from ai_openness.core.limits import STRICT, Limits
from ai_openness.core.problems import Problem
from ai_openness.safeio.descriptor import Descriptor, pin_schemas, read_descriptor
from ai_openness.safeio.installed import installed_contract
from ai_openness.validate.generated import generated_problems, said_once
from ai_openness.validate.report import Report

__all__ = ["Report", "validate"]


def _descriptors(root: Path, report: Report, limits: Limits) -> dict[str, Descriptor]:
    found = {}
    for rel in (DESCRIPTOR, PARQUET_DESCRIPTOR):
        descriptor, problems = read_descriptor(root, rel, limits.descriptor_bytes)
        report.problems += problems
        if descriptor is None:
            report.unusable = True
        else:
            found[rel] = descriptor
    return found


def _missing_resources(contract: Contract, descriptor: Descriptor) -> list[Problem]:
    return [
        Problem(
            descriptor.rel,
            None,
            "resources",
            f"the table {name!r} is not among the readable resources",
            expected=", ".join(contract.names),
            fix=REGENERATE,
        )
        for name in contract.names
        if name not in descriptor.resources
    ]


def _with_origins(
    contract: Contract,
    problems: list[Problem],
    files: dict[str, Located],
    descriptor: Descriptor,
    origins: dict[str, Any],
) -> list[Problem]:
    """Point findings on a generated row at the coding it comes from."""
    tables = {r.path: name for name, r in descriptor.resources.items() if name in origins and name in contract.names}
    result = []
    for problem in problems:
        name, where = tables.get(problem.file), files.get(problem.file)
        row = where.scan.row_at(problem.line) if name and where and problem.line else None
        origin = None
        if row is not None and name is not None and where is not None:
            cells = dict(zip(where.header, where.record(row)))
            origin = origins[name].get(tuple(cells.get(c, "") for c in contract.primary_key(name)))
        if origin:
            problem = Problem(
                **{
                    **problem.to_dict(),
                    "fix": (f"{problem.fix}. " if problem.fix else "") + f"This row comes from {origin}.",
                }
            )
        result.append(problem)
    return result


def validate(
    root: Path,
    today: dt.date | None = None,
    limits: Limits = STRICT,
    contract: Contract | None = None,
    cache: Any = None,
    run: Any = None,
) -> Report:
    """Validate the package under `root` against `contract` (default: the installed one).

    Only a trusted contract's schemas are evaluated (see pin_schemas), so a contribution's
    descriptors are checked against the installed package's, not against their own.
    `cache` and `run`: where the rebuild of a checkout keeps its per-source rows and runs
    (compile/source.py); neither can change what is reported.
    """
    root = Path(root).absolute()
    report = Report(str(root))
    if not root.is_dir():
        report.unusable = True
        report.problems.append(
            Problem(str(root), None, None, "is not a directory", fix="name the folder that holds datapackage.json")
        )
        return report
    # A release archive, unzipped: validated as the published copy it says it is.
    from ai_openness.validate.published import lost_inputs, validate_published

    published = validate_published(root, report, today, contract or installed_contract(), limits)
    if published is not None:
        return published
    report.problems += lost_inputs(root)

    descriptors = _descriptors(root, report, limits)
    if report.unusable:
        report.skipped.append("everything else: the descriptors above must be readable first")
        return report
    csv_descriptor, parquet_descriptor = descriptors[DESCRIPTOR], descriptors[PARQUET_DESCRIPTOR]
    contract = contract or installed_contract()
    report.problems += pin_schemas(contract, csv_descriptor, "csv") + pin_schemas(
        contract, parquet_descriptor, "parquet"
    )
    report.problems += _missing_resources(contract, csv_descriptor) + _missing_resources(contract, parquet_descriptor)

    has_sources = (root / "sources").exists()
    if not has_sources:
        report.skipped.append("no sources/ here, so quotes and hashes were not checked against stored texts")
    findings, files, rows = check_tables(
        root, csv_descriptor, parquet_descriptor.resources, limits, today or dt.date.today(), has_sources
    )
    problems, origins, skipped = generated_problems(root, cache, run)
    if skipped:
        report.skipped.append(skipped)
    located = said_once(findings.located(files), problems)
    report.problems += _with_origins(contract, located + problems, files, csv_descriptor, origins)
    report.rows = rows
    return report
