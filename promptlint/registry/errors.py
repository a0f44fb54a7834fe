"""Errors of the template registry. Every message is one line that names the file or spec."""

from __future__ import annotations


class RegistryError(Exception):
    """Base class: a registry problem the user can fix."""


class TemplateFormatError(RegistryError):
    """A template file or lock file is malformed (names the file and the field)."""


class TemplateNotFoundError(RegistryError, LookupError):
    """No registry holds a template of that name."""


class VersionNotFoundError(RegistryError, LookupError):
    """The template exists but no published version matches the spec."""


class IntegrityError(RegistryError):
    """A published version no longer matches the SHA-256 recorded in the lock."""


class RenderError(RegistryError, ValueError):
    """Variables given to ``render`` are missing, undeclared or of the wrong type."""
