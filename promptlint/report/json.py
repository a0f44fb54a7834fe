"""``promptlint check --format json``: a documented, versioned document.

Schema ``promptlint.check/1``::

    {"schema": "promptlint.check/1",
     "version": "<promptlint version>",
     "findings": [{"code", "name", "severity", "message", "path", "line", "col",
                   "end_line", "end_col", "wasted_tokens",
                   "fix": null | {"safety": "safe|unsafe|display-only", "description",
                                  "edits": [{"start", "end", "replacement",
                                             "line", "col", "end_line", "end_col"}]},
                   "data": {...rule-specific extras...}}],
     "summary": {"findings", "by_severity": {"error", "warning", "info"}, "prompts",
                 "files", "files_checked", "tokens", "wasted_tokens", "score",
                 "suppressed", "baselined", "fixable": {"safe", "unsafe"}},
     "files": [{"path", "prompts", "tokens", "wasted_tokens", "score"}],
     "skipped": [{"path", "reason"}],
     "notices": ["one-line problem", ...]}

Lines and columns are 1-based, ends exclusive. A fix's ``start``/``end`` are offsets in the
prompt's text (as ``promptlint extract`` prints it); ``line``..``end_col`` are where that
text sits in the file. Additions within ``/1`` only add keys.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from promptlint import __version__
from promptlint.checks.score import by_file, overall
from promptlint.models import CheckRun, Finding, FixSafety, Severity
from promptlint.report import ReportContext

SCHEMA = "promptlint.check/1"


def finding_head(f: Finding) -> dict[str, Any]:
    """What names a finding and where it starts (``promptlint diff`` lists findings so)."""
    return {
        "code": f.code,
        "name": f.name,
        "severity": str(f.severity),
        "message": f.message,
        "path": f.path,
        "line": f.line,
        "col": f.col,
    }


def finding_record(f: Finding, run: CheckRun) -> dict[str, Any]:
    fix: dict[str, Any] | None = None
    if f.fix is not None:
        prompt = run.prompts[f.prompt_index] if f.prompt_index is not None else None
        edits = []
        for e in f.fix.edits:
            edit: dict[str, Any] = {"start": e.start, "end": e.end, "replacement": e.replacement}
            if prompt is not None:
                a = prompt.source_map.position(e.start)
                b = prompt.source_map.end_position(e.end) if e.end > e.start else a
                edit.update(line=a.line, col=a.col, end_line=b.line, end_col=b.col)
            edits.append(edit)
        fix = {"safety": str(f.fix.safety), "description": f.fix.description, "edits": edits}
    return {
        **finding_head(f),
        "end_line": f.end_line,
        "end_col": f.end_col,
        "wasted_tokens": f.wasted_tokens,
        "fix": fix,
        "data": dict(f.data),
    }


def document(run: CheckRun) -> dict[str, Any]:
    sev = Counter(f.severity for f in run.findings)
    per_file = Counter(p.path for p in run.prompts)
    total = overall(run)

    def fixable(safety: FixSafety) -> int:
        return sum(1 for f in run.findings if f.fix and f.fix.edits and f.fix.safety is safety)

    return {
        "schema": SCHEMA,
        "version": __version__,
        "findings": [finding_record(f, run) for f in run.findings],
        "summary": {
            "findings": len(run.findings),
            "by_severity": {
                str(s): sev[s] for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
            },
            "prompts": len(run.prompts),
            "files": len({p.path for p in run.prompts}),
            "files_checked": run.files_checked,
            "tokens": total.tokens,
            "wasted_tokens": total.waste,
            "score": total.score,
            "suppressed": run.suppressed,
            "baselined": run.baselined,
            "fixable": {"safe": fixable(FixSafety.SAFE), "unsafe": fixable(FixSafety.UNSAFE)},
        },
        "files": [
            {
                "path": path,
                "prompts": per_file[path],
                "tokens": fig.tokens,
                "wasted_tokens": fig.waste,
                "score": fig.score,
            }
            for path, fig in by_file(run).items()
        ],
        "skipped": [{"path": s.path, "reason": s.reason} for s in run.skipped],
        "notices": list(run.notices),
    }


def report(run: CheckRun, ctx: ReportContext) -> str:
    return json.dumps(document(run), indent=2, ensure_ascii=False) + "\n"
