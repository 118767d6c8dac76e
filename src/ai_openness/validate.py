"""Validate a built package: the official frictionless checks plus the package's own rules."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem, shorten
from .schema import resource_names
from .write import DESCRIPTOR, PARQUET_DESCRIPTOR


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {"valid": self.valid, "rows": self.rows, "problems": [p.to_dict() for p in self.problems]}

    def text(self) -> str:
        lines = [f"  {name:<16} {count:>6} rows" for name, count in self.rows.items()]
        if self.valid:
            return "\n".join(["Valid: frictionless and package rules pass.", *lines])
        return "\n".join([f"Invalid: {len(self.problems)} problem(s).", *(f"  {p}" for p in self.problems)])


def frictionless_problems(root: Path, descriptor: str) -> list[Problem]:
    """The official frictionless validation, errors located by file and line."""
    import frictionless

    report = frictionless.validate(str(root / descriptor))
    problems = []
    for task in report.tasks:
        rel = Path(task.place).as_posix() if task.place else descriptor
        for error in task.errors:
            problems.append(Problem(rel, getattr(error, "row_number", None), getattr(error, "field_name", None),
                                    f"{error.type}: {error.note or error.message}",
                                    shorten(getattr(error, "cell", "") or "")))
    for error in report.errors:
        problems.append(Problem(descriptor, None, None, f"{error.type}: {error.message}"))
    return problems


def _csv_rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def quote_problems(root: Path) -> list[Problem]:
    """Every quote sits at its offsets in its stored source, and sources match their hash."""
    problems, texts = [], {}
    for line, source in enumerate(_csv_rows(root / "data/sources.csv"), start=2):
        if not source["path"]:
            continue
        path = root / source["path"]
        data = path.read_bytes() if path.is_file() else b""
        if hashlib.sha256(data).hexdigest() != source["sha256"]:
            problems.append(Problem("data/sources.csv", line, "sha256",
                                    f"{source['path']} does not match its recorded SHA-256"))
            continue
        texts[source["source_id"]] = data.decode("utf-8")
    for line, stance in enumerate(_csv_rows(root / "data/stances.csv"), start=2):
        text = texts.get(stance["source_id"])
        if text is None:
            continue
        start, end = int(stance["quote_start"]), int(stance["quote_end"])
        if text[start:end] != stance["quote"]:
            problems.append(Problem("data/stances.csv", line, "quote",
                                    f"the source text at {start}:{end} is not the quote", shorten(text[start:end])))
    return problems


def twin_problems(root: Path) -> list[Problem]:
    """Each Parquet twin holds the same rows as its CSV."""
    from .load import load

    problems = []
    for name in resource_names():
        from_parquet = load(name, root=root)
        import pandas as pd

        from_csv = pd.read_csv(root / "data" / f"{name}.csv", dtype=str, keep_default_na=False)
        as_text = from_parquet.astype(object).where(from_parquet.notna(), "")
        for column in as_text.columns:
            if str(from_parquet[column].dtype).startswith("datetime64"):
                as_text[column] = from_parquet[column].dt.strftime("%Y-%m-%d").fillna("")
            elif str(from_parquet[column].dtype) == "boolean":
                as_text[column] = from_parquet[column].map({True: "true", False: "false"}).astype(object).fillna("")
        if not as_text.astype(str).reset_index(drop=True).equals(from_csv.reset_index(drop=True)):
            problems.append(Problem(f"data/{name}.parquet", None, None, f"differs from data/{name}.csv"))
    return problems


def validate(root: Path) -> Report:
    report = Report()
    for descriptor in (DESCRIPTOR, PARQUET_DESCRIPTOR):
        report.problems += frictionless_problems(root, descriptor)
    report.problems += quote_problems(root)
    report.problems += twin_problems(root)
    for name in resource_names():
        report.rows[name] = len(_csv_rows(root / "data" / f"{name}.csv"))
    return report
