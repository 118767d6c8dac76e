"""Published copies: a release archive, unzipped, validated as what it says it is.

A release archive holds one flavour of the tables (CSV or Parquet) and its descriptor as
datapackage.json, which says it is a published copy (`archives.PUBLISHED`). Such a copy
is checked like a checkout, table by table and rule by rule, except for what needs the
repository: the comparison with what sources/ and codings/ generate, and the quotes at
their offsets in the stored articles. A directory whose descriptor does not say so is a
checkout, and a checkout without sources/ or codings/ has lost them: an error.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..archives import PUBLISHED
from ..contract import Contract
from ..problems import Problem
from ..write import DESCRIPTOR, cell_text
from .cells import cell_problems
from .descriptor import pin_schemas, read_descriptor
from .official import frictionless_problems
from .report import Report
from .rules import actor_problems, date_problems, quote_problems
from .tables import Table, read_table
from .twins import read_parquet

INPUTS = ("sources", "codings")
SKIPPED = (f"this is a published copy ({DESCRIPTOR} says {PUBLISHED}), so it was not compared with what "
           "sources/ and codings/ generate, and its quotes were not looked up in the stored articles: "
           "the repository it was released from checks both")


def published_copy(descriptor: dict) -> bool:
    """Whether a descriptor (a parsed datapackage.json) says it is a published copy."""
    return isinstance(descriptor, dict) and descriptor.get(PUBLISHED) is True


def lost_inputs(root: Path) -> list[Problem]:
    """A checkout (not a published copy) needs the inputs its tables are built from."""
    return [Problem(f"{name}/", None, None, f"is missing: a checkout of the package holds the {name}/ its tables "
                    f"are built from, and {DESCRIPTOR} does not say this is a published copy",
                    fix=f"restore {name}/ (`git checkout -- {name}`); to check a release archive, unzip it and "
                    "validate its folder, whose datapackage.json marks it as published")
            for name in INPUTS if not (root / name).is_dir()]


def _parquet_table(name: str, rel: str, parquet) -> Table:
    """A Parquet table as the rules read a CSV one: cells as the CSV writer writes them,
    rows numbered from 1 (a Parquet file has no lines)."""
    columns = [parquet.column(c).to_pylist() for c in parquet.schema.names]
    rows = [(index + 1, [cell_text(column[index]) for column in columns]) for index in range(parquet.num_rows)]
    return Table(name, rel, list(parquet.schema.names), rows, [])


def validate_published(root: Path, report: Report, today: dt.date | None, contract: Contract) -> Report | None:
    """The report on `root` when its datapackage.json says it is a published copy (checked
    against `contract`); None (nothing reported) when it does not."""
    from . import _missing_resources

    descriptor, problems = read_descriptor(root, DESCRIPTOR)
    if descriptor is None or not published_copy(descriptor.checked):
        return None
    report.problems += problems
    formats = {resource.format for resource in descriptor.resources.values()}
    fmt = formats.pop() if len(formats) == 1 else "csv"
    report.problems += pin_schemas(contract, descriptor, fmt) + _missing_resources(contract, descriptor)
    tables: dict[str, Table] = {}
    for name, resource in descriptor.resources.items():
        if fmt == "parquet":
            parquet, found = read_parquet(resource, DESCRIPTOR)
            table = _parquet_table(name, resource.path, parquet) if parquet is not None else None
        else:
            table, found = read_table(resource, DESCRIPTOR)
        report.problems += found
        if table is not None:
            tables[name] = table
    report.problems += frictionless_problems(root, descriptor, set(descriptor.resources) - set(tables))
    schemas = {name: resource.schema for name, resource in descriptor.resources.items()}
    report.problems += quote_problems(tables, {}) + actor_problems(tables)
    report.problems += date_problems(tables, schemas, today or dt.date.today())
    for name, table in tables.items():
        report.problems += cell_problems(table, schemas[name])
    report.skipped.append(SKIPPED)
    report.rows = {name: len(table.rows) for name, table in tables.items()}
    return report
