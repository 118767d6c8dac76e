"""The contract of the installed package, read from its datapackage.json (no PyYAML, no
polars: `ai_openness.load` uses it on the slim install)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from ai_openness.contract import DESCRIPTOR, Contract
from ai_openness.core.paths import package_root
from ai_openness.core.problems import Problem, Unreadable


@lru_cache(maxsize=4)
def _installed(path: Path, stamp: int) -> Contract:  # stamp: a rebuilt descriptor is read again
    return contract_from_descriptor_file(path)


def contract_from_descriptor_file(path: str | Path) -> Contract:
    path = Path(path)
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Unreadable(
            [Problem(str(path), None, None, "does not exist", fix="name a package directory holding datapackage.json")]
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise Unreadable(
            [Problem(str(path), None, None, f"is not valid JSON ({exc})", fix="rebuild it with `ai-openness build`")]
        ) from None
    return Contract.from_descriptor(descriptor, str(path))


def installed_contract() -> Contract:
    """The contract of the package shipped in the wheel, or of the checkout (its datapackage.json)."""

    path = package_root() / DESCRIPTOR
    return _installed(path, path.stat().st_mtime_ns if path.is_file() else 0)
