"""The versioned prompt-template registry.

Applications use ``load``::

    from promptlint import registry

    summarize = registry.load("summarize@^1.2")
    prompt = summarize.render(text=document, max_words=120)

The command line (``promptlint templates ...``) manages the same folders.
"""

from __future__ import annotations

from promptlint.registry.api import load, search_path
from promptlint.registry.errors import (
    IntegrityError,
    RegistryError,
    RenderError,
    TemplateFormatError,
    TemplateNotFoundError,
    VersionNotFoundError,
)
from promptlint.registry.store import Registry
from promptlint.registry.template import Template, Variable

__all__ = [
    "IntegrityError",
    "Registry",
    "RegistryError",
    "RenderError",
    "Template",
    "TemplateFormatError",
    "TemplateNotFoundError",
    "Variable",
    "VersionNotFoundError",
    "load",
    "search_path",
]
