"""The generated files are what sources/ and codings/ generate (compared in memory).

The rebuild checks the hand-written inputs first (input_files.py: no link out of the
package, no oversized or wrongly encoded file), because it reads them.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from ai_openness.core.cells import cell_text
from ai_openness.core.errors import REGENERATE, problem
from ai_openness.core.limits import MAX_TABLE_BYTES
from ai_openness.core.problems import BuildFailed, Problem, shown
from ai_openness.safeio.files import Refused, contained, read_file
from ai_openness.safeio.inputs import INPUT_DIRS
from ai_openness.safeio.schema import contract_for_build


def _first_difference(committed: bytes, generated: bytes) -> tuple[int, str, str]:
    old, new = committed.decode("utf-8", "replace").split("\n"), generated.decode("utf-8", "replace").split("\n")
    for number, (a, b) in enumerate(zip(old, new), start=1):
        if a != b:
            return number, a, b
    line = min(len(old), len(new)) + 1
    return line, (old[line - 1] if line <= len(old) else ""), (new[line - 1] if line <= len(new) else "")


def _differing_cell(generated: bytes, old: str, new: str) -> tuple[str | None, str, str]:
    """For a CSV line: the first column whose cell differs, and both cells."""
    header = next(csv.reader([generated.decode("utf-8").split("\n", 1)[0]]))
    try:
        cells_old, cells_new = next(csv.reader([old])), next(csv.reader([new]))
    except (csv.Error, StopIteration):
        return None, old, new
    for index, (a, b) in enumerate(zip(cells_old, cells_new)):
        if a != b:
            return (header[index] if index < len(header) else None), a, b
    return None, old, new


def compare(root: Path, files: dict[str, bytes]) -> list[Problem]:
    problems = []
    for rel, generated in files.items():
        try:
            # The build has just made `generated` in memory: a committed file of its size is read
            # whatever the table limit (mentions.csv is 843 MB at a million stances).
            committed = read_file(root, rel, max(MAX_TABLE_BYTES, len(generated)))
        except Refused as refused:
            problems.append(
                Problem(
                    rel,
                    None,
                    None,
                    f"cannot be compared with what the build generates: {refused.message}",
                    fix=REGENERATE,
                )
            )
            continue
        if committed == generated:
            continue
        if rel.endswith(".parquet"):
            problems.append(problem("generated", rel, None, None, where=""))
            continue
        line, old, new = _first_difference(committed, generated)
        field, old, new = _differing_cell(generated, old, new) if rel.endswith(".csv") else (None, old, new)
        where = " (first difference on this line)"
        problems.append(problem("generated", rel, line, field, shown(old, 120), expected=shown(new, 120), where=where))
    return problems


def generated_problems(
    root: Path, cache: Any = None, run: Any = None
) -> tuple[list[Problem], dict[str, dict[tuple[Any, ...], str]], str | None]:
    """(problems, origins, why skipped). `origins` maps a table and its primary key to the
    coding line the row comes from. Only the sources whose inputs changed since `cache` last
    saw them are derived again (compile/source.py); the comparison is of every byte."""
    from ai_openness.compile.pipeline import collect, readme
    from ai_openness.compile.write import render

    if not any((root / folder).is_dir() for folder in INPUT_DIRS):
        return [], {}, "no sources/ or codings/ here, so the generated files were not compared with them"
    try:  # collect reads every input once, safely (read_inputs), before it parses any
        contract = contract_for_build(root)  # the package's own schema/, read safely
        tables, inputs = collect(root, contract=contract, cache=cache, run=run)
        files = render(contract, tables)
        if (root / "README.md").is_file() or (root / "README.md").is_symlink():
            contained(root, "README.md")
            files |= readme(root, tables, inputs, contract)
    except BuildFailed as failed:
        fix = "fix the coding as the message says, then run `ai-openness build`"
        return [p if p.fix else Problem(**{**p.to_dict(), "fix": fix}) for p in failed.problems], {}, None
    except Refused as refused:
        return [Problem("README.md", None, None, refused.message, fix=refused.fix)], {}, None
    origins = {}
    for name, rows in inputs.tables.items():
        key = contract.primary_key(name)
        if hasattr(rows, "origins"):  # rows of the per-source stage, kept as columns
            origins[name] = rows.origins(key)
            continue
        origins[name] = {
            tuple(cell_text(row.values.get(c)) for c in key): f"{row.file}:{row.line()}"
            for row in rows
            if row.origin is not None
        }
    return compare(root, files), origins, None


def said_once(located: list[Problem], rebuilt: list[Problem]) -> list[Problem]:
    """The findings on the published tables less those the rebuild made at the codings in the
    same words (a changed stored text: at its sha256 line in sources/articles.yaml, not also
    at its row of data/sources.csv)."""
    at_codings = {(p.message, p.value) for p in rebuilt if p.field == "sha256"}
    return [p for p in located if not (p.field == "sha256" and (p.message, p.value) in at_codings)]
