"""``check --show-values``: print found PII/secret values in clear, for a person at a terminal only.

Refused outright when ``CI`` is set (CI logs are kept and shared); with output that is not an
interactive terminal (a pipe, a file, ``-o``) or a machine format, values stay masked and a
notice says why.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

from promptlint.commands.common import UserError
from promptlint.models import Finding


def may_reveal(output: str | None, fmt: str = "text") -> tuple[bool, str]:
    """(allowed, reason when not). Raises ``UserError`` when ``CI`` is set."""
    if os.environ.get("CI"):
        raise UserError("--show-values is refused when CI is set; found values stay masked")
    if output or not sys.stdout.isatty():
        return False, "--show-values needs an interactive terminal; values stay masked"
    if fmt != "text":
        return False, "--show-values works with --format text only; values stay masked"
    return True, ""


def _source_slice(lines: list[str], f: Finding) -> str:
    if f.line == f.end_line:
        return lines[f.line - 1][f.col - 1 : f.end_col - 1]
    parts = [
        lines[f.line - 1][f.col - 1 :],
        *lines[f.line : f.end_line - 1],
        lines[f.end_line - 1][: f.end_col - 1],
    ]
    return "\n".join(parts)


def revealed_values(findings: Iterable[Finding]) -> list[str]:
    """One line per PII/secret finding: its location, type and the value as written in the file."""
    out: list[str] = []
    cache: dict[str, list[str]] = {}
    for f in findings:
        entity = f.data.get("entity") if f.data else None
        if not entity:
            continue
        if f.path not in cache:
            try:
                cache[f.path] = (
                    Path(f.path).read_text(encoding="utf-8", errors="replace").splitlines()
                )
            except OSError:
                cache[f.path] = []
        lines = cache[f.path]
        if not (0 < f.line <= len(lines) and 0 < f.end_line <= len(lines)):
            continue
        out.append(f"{f.path}:{f.line}:{f.col}: {f.code} {entity} value: {_source_slice(lines, f)}")
    return out
