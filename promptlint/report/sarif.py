"""SARIF 2.1.0 output, the format GitHub code scanning (and most CI dashboards) ingest.

Rule metadata comes from the rule docs (what / why / example / better / fix safety).
Results carry ``partialFingerprints`` equal to the baseline fingerprint, so code scanning
tracks a finding across commits exactly as ``--baseline`` does. Messages are the findings'
own (already masked by the checks); ``Finding.evidence`` is never written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from promptlint import __version__
from promptlint.baseline import FINGERPRINT_KEY, fingerprints, project_path
from promptlint.config import Config
from promptlint.models import CheckRun, Finding, Severity
from promptlint.report import ReportContext

if TYPE_CHECKING:
    from promptlint.rulepack import Rule

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/promptlint/promptlint"
SRCROOT = "%SRCROOT%"

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _fence(text: str) -> str:
    """A code fence longer than any backtick run inside ``text``."""
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


def help_text(rule: Rule) -> tuple[str, str]:
    """(plain text, Markdown) help for a rule, from its docs."""
    doc = rule.doc
    plain = [doc.what.strip()]
    md = [f"**{rule.code} {rule.name}**", "", doc.what.strip()]
    if doc.why.strip():
        plain.append(f"Why: {doc.why.strip()}")
        md += ["", f"**Why it matters:** {doc.why.strip()}"]
    for label, body in (("Example", doc.example), ("Better", doc.better)):
        if body.strip():
            plain.append(f"{label}: {body.strip()}")
            fence = _fence(body)
            md += ["", f"**{label}:**", "", f"{fence}text", body.strip("\n"), fence]
    if doc.fix:
        plain.append(f"Fix safety: {doc.fix}")
        md += ["", f"**Fix safety:** {doc.fix}"]
    return "\n".join(plain), "\n".join(md)


def _rule_descriptor(rule: Rule, config: Config) -> dict[str, Any]:
    from promptlint.engine import severity_for

    text, markdown = help_text(rule)
    level = _LEVELS[severity_for(rule, None, config)]
    what = " ".join(rule.doc.what.split()) or rule.name
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.doc.summary or rule.name},
        "fullDescription": {"text": what},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["prompts", rule.code.rstrip("0123456789")], "fix": rule.doc.fix},
    }


def _bare_descriptor(finding: Finding) -> dict[str, Any]:
    """For a code the rule list does not know (e.g. an engine notice turned finding)."""
    return {
        "id": finding.code,
        "name": finding.name,
        "shortDescription": {"text": finding.name},
        "defaultConfiguration": {"level": _LEVELS[finding.severity]},
    }


def artifact_uri(path: str, root: str | os.PathLike[str]) -> str:
    """A relative, percent-encoded POSIX URI for ``path`` against %SRCROOT%."""
    return quote(project_path(path, root), safe="/")


def _region(f: Finding) -> dict[str, int]:
    start_line = max(1, f.line)
    start_col = max(1, f.col)
    end_line = max(start_line, f.end_line)
    end_col = max(1, f.end_col)
    if end_line == start_line:
        end_col = max(start_col, end_col)
    return {
        "startLine": start_line,
        "startColumn": start_col,
        "endLine": end_line,
        "endColumn": end_col,
    }


def to_sarif(
    run: CheckRun,
    rules: Sequence[Rule],
    config: Config,
    *,
    root: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict.

    ``root`` is what %SRCROOT% stands for; by default the git work tree holding the
    configuration (code scanning resolves paths against the repository root), else the
    configuration root. Fingerprints are always taken against the configuration root, so
    they equal the baseline's.
    """
    if root is None:
        from promptlint.gitdiff import work_tree_root

        root = work_tree_root(config.root)
    descriptors = [_rule_descriptor(r, config) for r in rules]
    index = {r.code: i for i, r in enumerate(rules)}
    for f in run.findings:
        if f.code not in index:
            index[f.code] = len(descriptors)
            descriptors.append(_bare_descriptor(f))
    results = []
    for f, fp in zip(run.findings, fingerprints(run.findings, config.root), strict=True):
        result: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _LEVELS[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": artifact_uri(f.path, root),
                            "uriBaseId": SRCROOT,
                        },
                        "region": _region(f),
                    }
                }
            ],
            "partialFingerprints": {FINGERPRINT_KEY: fp},
        }
        props: dict[str, Any] = {}
        if f.wasted_tokens:
            props["wastedTokens"] = f.wasted_tokens
        if f.fix is not None:
            props["fixSafety"] = str(f.fix.safety)
        if props:
            result["properties"] = props
        results.append(result)
    notices = [*(f"{s.path}: {s.reason}" for s in run.skipped), *run.notices]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notices:
        invocation["toolExecutionNotifications"] = [
            {"level": "warning", "message": {"text": n}} for n in notices
        ]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "promptlint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": descriptors,
                    }
                },
                # Finding columns count characters, not SARIF's default UTF-16 code units.
                "columnKind": "unicodeCodePoints",
                "invocations": [invocation],
                "results": results,
                "properties": {
                    "filesChecked": run.files_checked,
                    "prompts": len(run.prompts),
                    "promptTokens": sum(run.tokens),
                    "wastedTokens": sum(run.waste),
                    "suppressed": run.suppressed,
                    "baselined": run.baselined,
                },
            }
        ],
    }


def render(
    run: CheckRun,
    rules: Sequence[Rule],
    config: Config,
    *,
    root: str | os.PathLike[str] | None = None,
) -> str:
    return json.dumps(to_sarif(run, rules, config, root=root), indent=2, ensure_ascii=False)


def report(run: CheckRun, ctx: ReportContext) -> str:
    """``check --format sarif``."""
    return render(run, list(ctx.rules), ctx.config) + "\n"
