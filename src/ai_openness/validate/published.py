"""Published copies: a release archive, unzipped, validated as what it says it is.

A release archive holds one flavour of the tables (CSV or Parquet) and its descriptor as
datapackage.json, which says it is a published copy (`archives.PUBLISHED`). Such a copy
is checked like a checkout, table by table and rule by rule, except for what needs the
repository: the comparison with what sources/ and codings/ generate, and the quotes at
their offsets in the stored articles. A directory whose descriptor does not say so is a
checkout, and a checkout without sources/ or codings/ has lost them: an error. The
marker is honoured only where those inputs are absent: a folder holding sources/ or
codings/ is a checkout whatever its descriptor says (a contribution could add the marker
to skip the comparison with its inputs), and the marker there is a finding.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from ai_openness.checks.engine import check_tables
from ai_openness.checks.twins import Twin
from ai_openness.compile.write import csv_bytes
from ai_openness.contract import DESCRIPTOR, PARQUET_DESCRIPTOR, PUBLISHED, Contract, resource_schema
from ai_openness.core.errors import problem
from ai_openness.core.limits import Limits
from ai_openness.core.problems import Problem, Unreadable
from ai_openness.safeio.descriptor import Descriptor, line_of, pin_schemas, read_descriptor
from ai_openness.validate.report import Report

INPUTS = ("sources", "codings")
SKIPPED = (
    f"this is a published copy ({DESCRIPTOR} says {PUBLISHED}), so it was not compared with what "
    "sources/ and codings/ generate, and its quotes were not looked up in the stored articles: "
    "the repository it was released from checks both"
)


def published_copy(descriptor: dict[str, Any]) -> bool:
    """Whether a descriptor (a parsed datapackage.json) says it is a published copy."""
    return isinstance(descriptor, dict) and descriptor.get(PUBLISHED) is True


def forged_marker(descriptor: Descriptor, present: list[str]) -> Problem:
    """A descriptor that says published beside the inputs only a checkout holds."""
    line = line_of(descriptor.text, PUBLISHED, True)
    inputs = " and ".join(f"{name}/" for name in present)
    return problem("published-marker", DESCRIPTOR, line, PUBLISHED, "true", inputs=inputs)


def lost_inputs(root: Path) -> list[Problem]:
    """A checkout (not a published copy) needs the inputs its tables are built from."""
    return [
        Problem(
            f"{name}/",
            None,
            None,
            f"is missing: a checkout of the package holds the {name}/ its tables "
            f"are built from, and {DESCRIPTOR} does not say this is a published copy",
            fix=f"restore {name}/ (`git checkout -- {name}`); to check a release archive, unzip it and "
            "validate its folder, whose datapackage.json marks it as published",
        )
        for name in INPUTS
        if not (root / name).is_dir()
    ]


def _as_csv(
    descriptor: Descriptor, contract: Contract, limits: Limits, folder: Path
) -> tuple[Descriptor, list[Problem]]:
    """The Parquet tables written as the build writes their CSV twins, with a descriptor for
    them, so that the one engine checks them (row N of a Parquet file is line N + 1)."""
    import pyarrow.parquet as pq

    problems, document = [], json.loads(descriptor.text)
    for item in document["resources"]:
        resource = descriptor.resources.get(item["name"])
        if resource is None:
            continue
        # Its footer, size, columns and types are checked within the limits before it is read.
        twin = Twin(
            resource.file, resource.path, resource.path, contract.schema(resource.name), limits, limits.table_bytes or 0
        )
        if twin.problem is not None:
            problems.append(Problem(resource.path, None, None, twin.problem))
            continue
        rows = pq.read_table(resource.file).to_pylist()
        item.update(
            path=f"data/{resource.name}.csv",
            format="csv",
            mediatype="text/csv",
            schema=resource_schema(contract, resource.name, "csv"),
        )
        item.pop("hash", None), item.pop("bytes", None)  # Parquet's; the Parquet file was read within limits
        (folder / "data").mkdir(exist_ok=True)
        (folder / item["path"]).write_bytes(csv_bytes(contract, resource.name, rows))
    (folder / DESCRIPTOR).write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    converted, found = read_descriptor(folder, DESCRIPTOR, limits.descriptor_bytes)
    if converted is None:  # the package's own rendering of its tables cannot be read: a bug, said plainly
        raise Unreadable(problems + found)
    return converted, problems + found


def _twins(root: Path, report: Report, contract: Contract, limits: Limits) -> dict[str, Any]:
    """A copy that holds the Parquet descriptor beside the CSV one (both flavours, as a
    checkout does) has its Parquet twins checked against their CSVs, as a checkout has."""
    if not ((root / PARQUET_DESCRIPTOR).exists() or (root / PARQUET_DESCRIPTOR).is_symlink()):
        return {}
    parquet, problems = read_descriptor(root, PARQUET_DESCRIPTOR, limits.descriptor_bytes)
    report.problems += problems
    if parquet is None:
        return {}
    report.problems += pin_schemas(contract, parquet, "parquet")
    from ai_openness.validate import _missing_resources

    report.problems += _missing_resources(contract, parquet)
    return parquet.resources


def validate_published(
    root: Path, report: Report, today: dt.date | None, contract: Contract, limits: Limits
) -> Report | None:
    """The report on `root` when its datapackage.json says it is a published copy (checked
    against `contract`); None (nothing reported) when it does not."""
    from ai_openness.validate import _missing_resources

    descriptor, problems = read_descriptor(root, DESCRIPTOR, limits.descriptor_bytes)
    if descriptor is None or not published_copy(descriptor.checked):
        return None
    present = [name for name in INPUTS if (root / name).exists() or (root / name).is_symlink()]
    if present:  # the marker of a checkout is forged: it is validated as the checkout it is
        report.problems.append(forged_marker(descriptor, present))
        return None
    report.problems += problems
    formats = {resource.format for resource in descriptor.resources.values()}
    fmt = formats.pop() if len(formats) == 1 else "csv"
    report.problems += pin_schemas(contract, descriptor, fmt) + _missing_resources(contract, descriptor)
    twins = _twins(root, report, contract, limits) if fmt == "csv" else {}
    with tempfile.TemporaryDirectory() as scratch:
        checked = descriptor
        if fmt == "parquet":
            checked, problems = _as_csv(descriptor, contract, limits, Path(scratch))
            report.problems += problems
        findings, files, rows = check_tables(
            Path(scratch) if fmt == "parquet" else root, checked, twins, limits, today or dt.date.today(), False
        )
        located = findings.located(files)
    if fmt == "parquet":  # point at the Parquet files, not at their CSV renderings
        paths = {f"data/{name}.csv": resource.path for name, resource in descriptor.resources.items()}
        located = [Problem(**{**p.to_dict(), "file": paths.get(p.file, p.file)}) for p in located]
    report.problems += located
    report.skipped.append(SKIPPED)
    report.rows = rows
    return report
