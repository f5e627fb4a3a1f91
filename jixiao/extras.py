"""Optional extras: a clear message when a feature needs a package that is not installed."""

from __future__ import annotations

import importlib.util


class MissingExtra(ImportError):
    """A feature needs an optional dependency; the message says what to install."""


def require(module: str, *, extra: str, purpose: str) -> None:
    """Raise MissingExtra unless `module` can be imported.

    `extra` names the optional-dependency group of pyproject.toml that brings it in,
    `purpose` what the user asked for (e.g. "--engine dask").
    """
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise MissingExtra(f"{purpose} needs the optional package {module!r}, which is not installed: "
                           f"pip install 'jixiao[{extra}]'")
