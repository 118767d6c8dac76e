"""ai-openness: who holds which position on open versus closed AI models.

    >>> import ai_openness
    >>> stances = ai_openness.load("stances")
"""

from __future__ import annotations

from .load import data_version, load

__all__ = ["load", "data_version", "__version__"]


def __getattr__(name: str):
    # The version is the data package's (datapackage.json, from schema/package.yaml), read
    # when asked for: an editable install's metadata would lag behind a release.
    if name == "__version__":
        return data_version()
    raise AttributeError(name)
