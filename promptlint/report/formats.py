"""Adapters from the ``FORMATS`` calling convention to the CI formats' own ``render``s.

Each CI module exists on its own (SARIF, GitHub annotations, Markdown summary); a format
whose module is absent from the build is simply not offered.
"""

from __future__ import annotations

from promptlint.models import CheckRun
from promptlint.report import ReportContext


def _end(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def sarif(run: CheckRun, ctx: ReportContext) -> str:
    from promptlint.report import sarif as module

    return _end(module.render(run, list(ctx.rules), ctx.config))


def github(run: CheckRun, ctx: ReportContext) -> str:
    from promptlint.gitdiff import work_tree_root
    from promptlint.report import github as module

    return _end(module.render(run, root=work_tree_root(ctx.config.root)))


def markdown(run: CheckRun, ctx: ReportContext) -> str:
    from promptlint.report import markdown as module

    return _end(module.render(run))
