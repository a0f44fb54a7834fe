"""Output formats. Each module turns records into text; none of them computes findings.

``FORMATS`` names the formats of ``promptlint check --format``: name -> "module:function",
where the function is ``(run: CheckRun, ctx: ReportContext) -> str`` (the text to write,
newline-terminated or empty). Adding a format is one entry here and one module; modules are
imported only when their format is chosen.
"""

from __future__ import annotations

import importlib
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
    "sarif": "promptlint.report.sarif:report",
    "github": "promptlint.report.github:report",
    "markdown": "promptlint.report.markdown:report",
}


def renderer(name: str) -> Callable[[CheckRun, ReportContext], str]:
    module, attr = FORMATS[name].split(":")
    return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]
