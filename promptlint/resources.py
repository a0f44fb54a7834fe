"""Where the shipped data lives: ``rules/`` and ``templates/``.

In a wheel they are packaged as ``promptlint/_rules`` and ``promptlint/_templates``; in a source
checkout (editable install, tests) they are the top-level folders of the repository.
"""

from __future__ import annotations

import functools
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def _folder(packaged: str, source: str) -> Path:
    inside = _PACKAGE / packaged
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / source


def rules_dir() -> Path:
    """Built-in rule packs (``*.yaml``) and their data files (``data/*.yaml``)."""
    return _folder("_rules", "rules")


def rules_data(name: str) -> Path:
    """A data file of the rules folder, e.g. ``rules_data("tiers.yaml")``."""
    return rules_dir() / "data" / name


def builtin_templates_dir() -> Path:
    """The built-in template library (the registry's own format)."""
    return _folder("_templates", "templates")
