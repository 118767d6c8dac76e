"""The hand-written inputs (sources/ and codings/), read once and safely: no link out of the
package, no special file, no folder nested too deep, no file too large or wrongly encoded.

`read_inputs` reads every file once, before the build uses any, and the build takes each
file's bytes from what it read: so `ai-openness build` and `ai-openness validate` (which
rebuilds) refuse the same inputs, and a file changed during a run cannot be checked in one
form and used in another.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ai_openness.core.errors import problem
from ai_openness.core.limits import MAX_INPUT_DEPTH, MAX_INPUT_FILES, input_bytes
from ai_openness.core.problems import Problem, shown
from ai_openness.safeio.files import Refused, decode_utf8, read_file

INPUT_DIRS = ("sources", "codings")


@dataclass
class InputFiles:
    """The bytes of each input file read (by its path from the package root, with /), and
    the problems found while reading: links out, special files, oversized or wrongly
    encoded inputs."""

    data: dict[str, bytes] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def read_inputs(root: Path) -> InputFiles:
    """Every file under sources/ and codings/, read once through the one safe reader."""
    found = InputFiles()
    problems, count, base = found.problems, 0, root.resolve()
    for folder in INPUT_DIRS:
        top = base / folder
        if top.is_symlink() and not Path(os.path.realpath(top)).is_relative_to(base):
            problems.append(
                Problem(
                    folder,
                    None,
                    None,
                    f"{folder}/ is a symbolic link to a place outside the package",
                    fix="replace the link by the folder itself",
                )
            )
            continue
        for directory, subdirs, files in os.walk(base / folder):  # does not follow links
            depth = len(Path(directory).relative_to(base / folder).parts)
            if depth >= MAX_INPUT_DEPTH and subdirs:  # os.walk recurses: stop before Python's stack does
                rel = Path(directory).relative_to(base).as_posix()
                problems.append(
                    Problem(
                        shown(rel, 80),
                        None,
                        None,
                        f"holds folders more than {MAX_INPUT_DEPTH} levels below {folder}/",
                        fix="keep sources and codings in shallow folders",
                    )
                )
                subdirs[:] = []
            for name in sorted(subdirs + files):
                path = Path(directory, name)
                rel = path.relative_to(base).as_posix()
                count += 1
                if count > MAX_INPUT_FILES:
                    problems.append(
                        Problem(
                            folder,
                            None,
                            None,
                            f"holds more than {MAX_INPUT_FILES} files",
                            fix="commit only the package's own sources and codings",
                        )
                    )
                    return found
                if name in subdirs and not path.is_symlink():
                    continue
                try:
                    data = read_file(root, rel, input_bytes(rel))
                except Refused as refused:
                    problems.append(Problem(rel, None, None, refused.message, fix=refused.fix, code="path-outside"))
                    continue
                found.data[rel] = data
                if name.endswith((".yaml", ".yml")):
                    problems += decode_utf8(rel, data)[1]
                    if not data.strip():  # else it reads as no entries, and only what refers to them fails
                        problems.append(problem("empty-file", rel, None, None, path=rel))
    return found
