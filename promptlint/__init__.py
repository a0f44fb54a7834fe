"""promptlint: static analysis for LLM prompts."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "registry"]


def __getattr__(name: str) -> Any:
    # `from promptlint import registry` without paying for it on every CLI start.
    if name == "registry":
        import importlib

        return importlib.import_module("promptlint.registry")
    raise AttributeError(f"module 'promptlint' has no attribute {name!r}")
