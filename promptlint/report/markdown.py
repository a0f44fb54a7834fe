"""A Markdown summary of a run, sized for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

Messages are the findings' own, already masked by the checks. They are escaped so that
text quoted from a prompt cannot turn into HTML, links, @-mentions or broken table rows.
"""

from __future__ import annotations

import re
from collections import Counter

from promptlint.models import CheckRun, Finding, Severity
from promptlint.report import ReportContext
from promptlint.report.statistics import rule_counts
from promptlint.report.statistics import to_markdown as statistics_table
from promptlint.report.text import plural

# A hidden marker so a workflow can find and update its previous comment instead of adding one.
MARKER = "<!-- promptlint-summary -->"
DEFAULT_LIMIT = 50

# Markdown punctuation, plus '$' (GitHub renders $...$ as math).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>$])")
_MENTION = re.compile(r"@(?=\w)")


def escape(text: str) -> str:
    """Plain text for a table cell: one line, no Markdown or HTML meaning."""
    flat = " ".join(text.split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _MD_SPECIAL.sub(r"\\\1", flat)
    # A word joiner after '@' keeps "@team" from notifying anyone.
    return _MENTION.sub("@\u2060", flat)


def code_span(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def headline(findings: list[Finding]) -> str:
    if not findings:
        return "no findings"
    by_sev = Counter(f.severity for f in findings)
    parts = [
        plural(by_sev[sev], label)
        for sev, label in ((Severity.ERROR, "error"), (Severity.WARNING, "warning"))
        if by_sev[sev]
    ]
    if by_sev[Severity.INFO]:
        parts.append(f"{by_sev[Severity.INFO]:,} info")
    files = len({f.path for f in findings})
    return f"{plural(len(findings), 'finding')} ({', '.join(parts)}) in {plural(files, 'file')}"


def token_line(run: CheckRun) -> str:
    total = sum(run.tokens)
    wasted = sum(run.waste)  # per prompt, overlapping findings counted once
    parts = [plural(len(run.prompts), "prompt"), f"{total:,} tokens"]
    if wasted:
        share = f" ({wasted / total:.1%})" if total else ""
        parts.append(f"{wasted:,} tokens wasted{share}")
    if run.scores:
        parts.append(f"mean efficiency score {sum(run.scores) / len(run.scores):.0f}/100")
    return " · ".join(parts)


def render(run: CheckRun, *, limit: int = DEFAULT_LIMIT, title: str = "promptlint") -> str:
    findings = run.findings
    lines = [MARKER, f"### {escape(title)}: {headline(findings)}", "", token_line(run)]
    hidden = []
    if run.baselined:
        hidden.append(f"{run.baselined:,} baselined")
    if run.suppressed:
        hidden.append(f"{run.suppressed:,} suppressed in code")
    if hidden:
        lines.append("")
        lines.append(f"Not shown: {', '.join(hidden)}.")
    if findings:
        lines += ["", "| Location | Severity | Rule | Message |", "| --- | --- | --- | --- |"]
        for f in findings[:limit]:
            lines.append(
                f"| {code_span(f'{f.path}:{f.line}')} | {f.severity} | "
                f"{code_span(f.code)} {escape(f.name)} | {escape(f.message)} |"
            )
        if len(findings) > limit:
            lines += ["", f"… and {len(findings) - limit:,} more."]
        lines += [
            "",
            "<details><summary>Findings per rule</summary>",
            "",
            statistics_table(rule_counts(findings)),
            "",
            "</details>",
        ]
    return "\n".join(lines) + "\n"


def report(run: CheckRun, ctx: ReportContext) -> str:
    """``check --format markdown``."""
    return render(run)
