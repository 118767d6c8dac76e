"""Where the package's files live: a checkout, or the copy shipped inside the wheel."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

# In a wheel the published package (datapackage.json, data/, schema/) is shipped as
# ai_openness/package/; in a checkout it is the repository root.
_SHIPPED = Path(__file__).resolve().parent / "package"
_CHECKOUT = Path(__file__).resolve().parents[2]


def package_root() -> Path:
    """The directory holding datapackage.json for the installed or checked-out package."""
    if (_SHIPPED / "datapackage.json").is_file():
        return _SHIPPED
    return _CHECKOUT


_building: list[Path] = []  # package roots being built, innermost last


@contextmanager
def building(root: Path):
    """Within this block the contract is the one in `root`/schema, when it has one.

    A package directory (a pull request, a release checkout) carries its own schema/; a
    directory without one (a published copy) is read with the installed contract.
    """
    _building.append(root)
    try:
        yield
    finally:
        _building.pop()


def schema_dir(root: Path | None = None) -> Path:
    if root is None and _building and (_building[-1] / "schema" / "package.yaml").is_file():
        return _building[-1] / "schema"
    return (root or package_root()) / "schema"
