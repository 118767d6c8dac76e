"""Reproducible release archives that stand on their own: same files in, same bytes out.

Each archive holds one folder named after it (ai-openness-X.Y.Z-csv/ ...), so that
unzipping it never scatters files, and the CSV and Parquet archives can be unzipped side
by side. The folder holds one flavour of the tables, its descriptor as datapackage.json
(marked as a published copy, see PUBLISHED), its croissant.json, a README.md that is also a
dataset card and holds the data dictionary, the citation, the changelog and the licences.

Zip entries are written in sorted order with a fixed timestamp, fixed permissions and a
fixed compression level, so an archive rebuilt from the same release is byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from ai_openness.contract import DESCRIPTOR, PUBLISHED

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


def folder_of(archive: Path | str) -> str:
    """The one top-level folder of an archive: its file name without .zip."""
    return Path(archive).name.removesuffix(".zip")


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    """Write `members` (paths inside the package) under the archive's one folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = folder_of(path)
    with zipfile.ZipFile(path, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the machine
            archive.writestr(info, members[name], compresslevel=9)


def write_checksum(path: Path) -> Path:
    """<file>.sha256 in the format `sha256sum -c` reads."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    checksum = path.with_name(path.name + ".sha256")
    checksum.write_text(f"{digest}  {path.name}\n", encoding="utf-8")
    return checksum


def published(descriptor: bytes) -> bytes:
    """The descriptor as an archive carries it: marked as a published copy."""
    document = json.loads(descriptor)
    document[PUBLISHED] = True
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def package_members(root: Path, descriptor: str, suffix: str, extra: tuple[str, ...]) -> dict[str, bytes]:
    """The files of one flavour of the package: its descriptor as datapackage.json (marked
    as published), the tables and the `extra` files. The caller adds the README.md
    (card.archive_readme) and croissant.json, which are generated from that descriptor."""
    members = {DESCRIPTOR: published((root / descriptor).read_bytes())}
    for path in sorted((root / "data").glob(f"*.{suffix}")):
        members[f"data/{path.name}"] = path.read_bytes()
    for name in extra:
        if (root / name).is_file():
            members[name] = (root / name).read_bytes()
    return members
