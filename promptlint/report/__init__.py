"""Output formats. Each module turns records into text; none of them computes findings.

``FORMATS`` names the formats of ``promptlint check --format``: name -> "module:function",
where the function is ``(run: CheckRun, ctx: ReportContext) -> str`` (the text to write,
newline-terminated or empty). Adding a format is one entry here and one module; modules are
imported only when their format is chosen.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from promptlint.config import Config
    from promptlint.models import CheckRun
    from promptlint.rulepack import RuleSet


@dataclass(frozen=True, slots=True)
class ReportContext:
    config: Config
    rules: RuleSet
    verbose: int = 0
    quiet: bool = False


FORMATS: dict[str, str] = {
    "text": "promptlint.report.text:report",
    "json": "promptlint.report.json:report",
    "sarif": "promptlint.report.formats:sarif",
    "github": "promptlint.report.formats:github",
    "markdown": "promptlint.report.formats:markdown",
}


def available_formats() -> list[str]:
    """Formats whose module is present in this build, in declaration order."""
    return [name for name, target in FORMATS.items() if _module_present(target)]


def _module_present(target: str) -> bool:
    module = target.split(":")[0]
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def renderer(name: str) -> Callable[[CheckRun, ReportContext], str]:
    module, attr = FORMATS[name].split(":")
    return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]
