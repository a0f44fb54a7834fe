"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per finding.

GitHub turns each line into an annotation on the pull request's diff. Escaping follows the
Actions toolkit (``@actions/core`` ``escapeData``/``escapeProperty``): without it a message
holding a newline would end the command early and the rest would print as a plain log line.
"""

from __future__ import annotations

import os

from promptlint.baseline import project_path
from promptlint.models import CheckRun, Finding, Severity
from promptlint.report import ReportContext

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, root: str | os.PathLike[str] | None = None) -> str:
    """One workflow command; ``root`` (the repository root) makes ``file`` relative to it."""
    path = finding.path if root is None else project_path(finding.path, root)
    props = [("file", path), ("line", str(max(1, finding.line)))]
    # The toolkit only accepts columns on single-line annotations.
    if finding.end_line <= finding.line:
        props.append(("col", str(max(1, finding.col))))
        props.append(("endLine", str(max(1, finding.line))))
        props.append(("endColumn", str(max(finding.col, finding.end_col, 1))))
    else:
        props.append(("endLine", str(finding.end_line)))
    props.append(("title", f"{finding.code} {finding.name}"))
    head = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{_COMMANDS[finding.severity]} {head}::{escape_data(finding.message)}"


def render(run: CheckRun, root: str | os.PathLike[str] | None = None) -> str:
    return "\n".join(annotation(f, root) for f in run.findings)


def report(run: CheckRun, ctx: ReportContext) -> str:
    """``check --format github``: paths relative to the repository root, as Actions expects."""
    from promptlint.gitdiff import work_tree_root

    text = render(run, root=work_tree_root(ctx.config.root))
    return text + "\n" if text else ""
