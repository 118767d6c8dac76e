"""ai-openness: who holds which position on open versus closed AI models.

    >>> import ai_openness
    >>> stances = ai_openness.load("stances")
"""

from __future__ import annotations

from .load import data_version, load

__all__ = ["load", "data_version", "__version__"]


def __getattr__(name: str):
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("ai-openness")
        except PackageNotFoundError:  # running from a checkout that is not installed
            return data_version()
    raise AttributeError(name)
