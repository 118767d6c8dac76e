"""ai-openness: who holds which position on open versus closed AI models.

    >>> import ai_openness
    >>> stances = ai_openness.load("stances")
    >>> ai_openness.resolve_id("xai-2024-03-18-releases-grok-1")  # a stance id of release 0.1.0
    'elon-musk-2024-03-18-releases-grok-1'
"""

from __future__ import annotations

from .ids import resolve_id
from .load import data_version, load

__all__ = ["load", "resolve_id", "data_version", "__version__"]


def __getattr__(name: str):
    # The version is the data package's (datapackage.json, from schema/package.yaml), read
    # when asked for: an editable install's metadata would lag behind a release.
    if name == "__version__":
        return data_version()
    raise AttributeError(name)
