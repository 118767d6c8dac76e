"""The generated files are what sources/ and codings/ generate (compared in memory).

The hand-written inputs are checked first (no link out of the package, no oversized or
wrongly encoded file), because the build reads them.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from ..limits import MAX_INPUT_BYTES, MAX_INPUT_DEPTH, MAX_INPUT_FILES, MAX_TABLE_BYTES
from ..problems import BuildFailed, Problem, shown
from ..build.write import cell_text
from .files import REGENERATE, Refused, contained, decode_utf8, read_bounded

INPUT_DIRS = ("sources", "codings")


def input_problems(root: Path) -> list[Problem]:
    """Links out of the package, special files, oversized or wrongly encoded inputs."""
    problems, count, base = [], 0, root.resolve()
    for folder in INPUT_DIRS:
        top = base / folder
        if top.is_symlink() and not Path(os.path.realpath(top)).is_relative_to(base):
            problems.append(Problem(folder, None, None, f"{folder}/ is a symbolic link to a place outside the package",
                                    fix="replace the link by the folder itself"))
            continue
        for directory, subdirs, files in os.walk(base / folder):  # does not follow links
            depth = len(Path(directory).relative_to(base / folder).parts)
            if depth >= MAX_INPUT_DEPTH and subdirs:  # os.walk recurses: stop before Python's stack does
                rel = Path(directory).relative_to(base).as_posix()
                problems.append(Problem(shown(rel, 80), None, None, f"holds folders more than {MAX_INPUT_DEPTH} "
                                        f"levels below {folder}/", fix="keep sources and codings in shallow folders"))
                subdirs[:] = []
            for name in sorted(subdirs + files):
                path = Path(directory, name)
                rel = path.relative_to(base).as_posix()
                count += 1
                if count > MAX_INPUT_FILES:
                    return problems + [Problem(folder, None, None, f"holds more than {MAX_INPUT_FILES} files",
                                               fix="commit only the package's own sources and codings")]
                if name in subdirs and not path.is_symlink():
                    continue
                try:
                    real = contained(root, rel)
                    data = read_bounded(real, rel, MAX_INPUT_BYTES)
                except Refused as refused:
                    problems.append(Problem(rel, None, None, refused.message, fix=refused.fix))
                    continue
                if name.endswith((".yaml", ".yml")):
                    problems += decode_utf8(rel, data)[1]
    return problems


def _first_difference(committed: bytes, generated: bytes) -> tuple[int | None, str | None, str | None]:
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
            committed = read_bounded(contained(root, rel), rel, MAX_TABLE_BYTES)
        except Refused as refused:
            problems.append(Problem(rel, None, None, f"cannot be compared with what the build generates: "
                                    f"{refused.message}", fix=REGENERATE))
            continue
        if committed == generated:
            continue
        message = "generated: is not what `ai-openness build` generates from sources/ and codings/"
        if rel.endswith(".parquet"):
            problems.append(Problem(rel, None, None, message, fix=REGENERATE))
            continue
        line, old, new = _first_difference(committed, generated)
        field, old, new = _differing_cell(generated, old, new) if rel.endswith(".csv") else (None, old, new)
        problems.append(Problem(rel, line, field, f"{message} (first difference on this line)", shown(old, 120),
                                expected=shown(new, 120), fix=REGENERATE))
    return problems


def generated_problems(root: Path) -> tuple[list[Problem], dict[str, dict[tuple, str]], str | None]:
    """(problems, origins, why skipped). `origins` maps a table and its primary key to the
    coding line the row comes from."""
    from ..build.pipeline import collect, readme
    from ..contract import Contract
    from ..build.write import render

    if not any((root / folder).is_dir() for folder in INPUT_DIRS):
        return [], {}, "no sources/ or codings/ here, so the generated files were not compared with them"
    problems = input_problems(root)
    if problems:
        return problems, {}, "the generated files were not compared, because the inputs above cannot be read safely"
    try:
        contract = Contract.for_build(root)  # the package's own schema/, read safely
        tables, inputs = collect(root, contract=contract)
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
        origins[name] = {tuple(cell_text(row.values.get(c)) for c in key): f"{row.file}:{row.line()}"
                         for row in rows if row.origin is not None}
    return compare(root, files), origins, None
