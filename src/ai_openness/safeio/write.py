"""Writing generated files: in memory first, then renamed into place, so a reader never sees half a package."""

from __future__ import annotations

import os
from pathlib import Path


def stale(root: Path, files: dict[str, bytes]) -> list[str]:
    """Generated files whose committed bytes differ from `files` (or are missing)."""
    return [rel for rel, data in files.items() if not (root / rel).is_file() or (root / rel).read_bytes() != data]


def write_atomically(root: Path, files: dict[str, bytes]) -> None:
    """Write every file to a temporary sibling first, then rename them into place.

    Data files are renamed before the descriptors, so a reader never sees a descriptor
    whose hashes do not match the data beside it.
    """
    temporaries = []
    try:
        for rel, data in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
            temporary.write_bytes(data)
            temporaries.append((temporary, target))
    except BaseException:
        for temporary, _ in temporaries:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in sorted(temporaries, key=lambda t: t[1].name.startswith("datapackage")):
        os.replace(temporary, target)
