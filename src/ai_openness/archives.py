"""Reproducible release archives: same files in, same bytes out.

Zip entries are written in sorted order with a fixed timestamp, fixed permissions and a
fixed compression level, so an archive rebuilt from the same release is byte-identical.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
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


def package_members(root: Path, descriptor: str, suffix: str, extra: tuple[str, ...]) -> dict[str, bytes]:
    """The files of one flavour of the package, with its descriptor as datapackage.json."""
    members = {"datapackage.json": (root / descriptor).read_bytes()}
    for path in sorted((root / "data").glob(f"*.{suffix}")):
        members[f"data/{path.name}"] = path.read_bytes()
    for name in extra:
        if (root / name).is_file():
            members[name] = (root / name).read_bytes()
    return members
