"""ai-openness: who holds which position on open versus closed AI models.

    >>> import ai_openness
    >>> stances = ai_openness.load("stances")      # one table, a pandas DataFrame
    >>> tables = ai_openness.load()                # every table, a dict of DataFrames
    >>> ai_openness.data_version()                 # the version of the data package
    >>> ai_openness.resolve_id("xai-2024-03-18-releases-grok-1")  # a stance id of release 0.1.0
    'elon-musk-2024-03-18-releases-grok-1'

Each column arrives with the pandas dtype its Table Schema gives (help(ai_openness.load)
says how). `load(name, version="X.Y.Z")` reads a past release's archive instead (see the
README, "Where to get it").

The modules inside the package (build, validate, diff, release, ...) serve the
`ai-openness` command and are not a stable interface.
"""

from __future__ import annotations

import json
import textwrap

from ai_openness.core.paths import package_root
from ai_openness.views.ids import resolve_id
from ai_openness.views.load import data_version, load

__all__ = ["__version__", "data_version", "load", "resolve_id"]


def _tables_section() -> str:
    # The table list comes from the installed datapackage.json, so it cannot drift from the data.
    try:
        resources = json.loads((package_root() / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    except (OSError, ValueError, KeyError, TypeError):  # a broken install: load() says what is missing
        return ""
    entries = [
        textwrap.fill(r["description"], 88, initial_indent=f"    {r['name']:<18}", subsequent_indent=" " * 22)
        for r in resources
    ]
    return "\nTables (the names load() accepts):\n\n" + "\n".join(entries) + "\n"


__doc__ += _tables_section()


def __getattr__(name: str) -> str:
    # The version is the data package's (datapackage.json, from schema/package.yaml), read
    # when asked for: an editable install's metadata would lag behind a release.
    if name == "__version__":
        return data_version()
    raise AttributeError(name)
