"""Prompt extraction: one module per file format, one entry point for all.

Each extractor is ``extract(path: str, text: str, config: Config, kind: str) -> ExtractResult``
and never raises on bad input: problems become one-line ``notices`` on the result.
"""

from __future__ import annotations

import importlib

from promptlint.config import Config
from promptlint.models import ExtractResult

# kind -> module (each has an ``extract`` function); imported only when a file needs it.
_MODULES = {
    "python": "promptlint.extract.python",
    "dotprompt": "promptlint.extract.dotprompt",
    "prompty": "promptlint.extract.prompty",
    "jinja": "promptlint.extract.jinja",
    "markdown": "promptlint.extract.prose",
    "text": "promptlint.extract.prose",
    "yaml": "promptlint.extract.yamlfile",
}


def extract_text(path: str, kind: str, text: str, config: Config) -> ExtractResult:
    """Extract the prompts of one file already read as text."""
    module = importlib.import_module(_MODULES[kind])
    try:
        return module.extract(path, text, config, kind)
    except RecursionError:
        return ExtractResult(path, notices=[f"{path}: skipped: nesting too deep to analyse"])
