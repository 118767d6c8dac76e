"""Where the package's files live: a checkout, or the copy shipped inside the wheel."""

from __future__ import annotations

from pathlib import Path

# In a wheel the published package (datapackage.json, data/, schema/) is shipped as
# ai_openness/package/; in a checkout it is the repository root.
_SHIPPED = Path(__file__).resolve().parents[1] / "package"
_CHECKOUT = Path(__file__).resolve().parents[3]


def package_root() -> Path:
    """The directory holding datapackage.json for the installed or checked-out package."""
    if (_SHIPPED / "datapackage.json").is_file():
        return _SHIPPED
    return _CHECKOUT
