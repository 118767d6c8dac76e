"""Which optional extra of ai-openness brings a given Python module.

A data user installs only what `load()` needs; the `ai-openness` command and its figures and
exports need extras. When an import fails, the command names the extra to install. The
extras are read from the project's own requirements (pyproject.toml in a checkout, the
installed package's metadata otherwise), so they are written down in one place.
"""

from __future__ import annotations

import re
from importlib import metadata

from ai_openness.core.paths import package_root

# Import names that are not their distribution's name (after normalising case, "_" and ".").
_DISTRIBUTION_OF = {"yaml": "pyyaml", "vl_convert": "vl-convert-python"}
_EXTRA = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements() -> list[tuple[str, str | None]]:
    """(distribution, extra) pairs; extra is None for a base dependency."""
    pyproject = package_root() / "pyproject.toml"
    if pyproject.is_file():  # a checkout: its pyproject.toml is newer than any installed metadata
        import tomllib

        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
        groups = [(None, project.get("dependencies", [])), *list(project.get("optional-dependencies", {}).items())]
        return [(spec, extra) for extra, specs in groups for spec in specs]
    try:
        specs = metadata.requires("ai-openness") or []
    except metadata.PackageNotFoundError:
        return []
    pairs = []
    for spec in specs:
        marker = _EXTRA.search(spec)
        pairs.append((spec.split(";")[0], marker.group(1) if marker else None))
    return pairs


def extra_for(module: str) -> str | None:
    """The smallest extra whose requirements include the distribution that provides `module`
    (installed metadata spells out the extras an extra includes, so `browse` lists `rich`
    too), or None when no extra does."""
    top = module.split(".")[0]
    wanted = _normalise(_DISTRIBUTION_OF.get(top, top))
    sizes: dict[str, int] = {}
    providers = set()
    for spec, extra in _requirements():
        if extra is None:
            continue
        sizes[extra] = sizes.get(extra, 0) + 1
        name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
        if name and _normalise(name.group(1)) == wanted:
            providers.add(extra)
    return min(providers, key=lambda extra: (sizes[extra], extra)) if providers else None


def missing_module_message(module: str) -> str | None:
    """What to tell a user whose command stopped because `module` is not installed, or None
    when no extra provides it."""
    extra = extra_for(module)
    if extra is None:
        return None
    try:
        version = metadata.version("ai-openness")
    except metadata.PackageNotFoundError:
        version = "X.Y.Z"
    return (
        f"needs the Python module {module.split('.')[0]!r}, which comes with "
        f"the `{extra}` extra. From a checkout of ai-openness, install it with: pip install -e '.[{extra}]' "
        f"(`make install` installs every extra); from a release's wheel: pip install 'ai_openness-{version}-py3-none-any.whl[{extra}]' "
        f"(once ai-openness is published on the package index: pip install 'ai-openness[{extra}]')."
    )
