"""``promptlint check`` as text: one ``path:line:col: CODE [*] message`` line per finding
(ruff style; ``[*]`` marks a fix ``promptlint fix`` applies), then a summary.

The summary gives counts by severity, prompts and files, tokens and wasted tokens, the
efficiency score overall and per file (worst first), suppressed and baselined counts, and
how many findings are fixable.
"""

from __future__ import annotations

from collections import Counter

from promptlint.checks.score import by_file, overall
from promptlint.models import CheckRun, Finding, FixSafety, Severity
from promptlint.report import ReportContext

# Files listed under "Scores by file" unless -v asks for all of them.
FILE_LINES = 10


def finding_line(f: Finding) -> str:
    mark = " [*]" if f.fix is not None and f.fix.safety is FixSafety.SAFE and f.fix.edits else ""
    return f"{f.path}:{f.line}:{f.col}: {f.code}{mark} {f.message}"


def plural(n: int, word: str) -> str:
    """``1 file``, ``2 files``, ``1,024 tokens``."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def summary_lines(run: CheckRun, verbose: int = 0) -> list[str]:
    sev = Counter(f.severity for f in run.findings)
    total = overall(run)
    files = {p.path for p in run.prompts}
    if run.findings:
        parts = [
            plural(sev[Severity.ERROR], "error"),
            plural(sev[Severity.WARNING], "warning"),
            f"{sev[Severity.INFO]:,} info",
        ]
        head = f"Found {plural(len(run.findings), 'finding')} ({', '.join(parts)})"
    else:
        head = "No findings"
    lines = [
        f"{head} in {plural(len(run.prompts), 'prompt')} across {plural(len(files), 'file')} "
        f"({run.files_checked:,} checked)."
    ]
    if run.prompts:
        share = 100 * total.waste / total.tokens if total.tokens else 0.0
        lines.append(
            f"Tokens: {total.tokens:,}, wasted: {total.waste:,} ({share:.1f}%); "
            f"efficiency score {total.score:.1f}/100."
        )
    extras = []
    safe = sum(1 for f in run.findings if f.fix and f.fix.edits and f.fix.safety is FixSafety.SAFE)
    unsafe = sum(
        1 for f in run.findings if f.fix and f.fix.edits and f.fix.safety is FixSafety.UNSAFE
    )
    if safe:
        extras.append(f"{safe:,} fixable with `promptlint fix`")
    if unsafe:
        extras.append(f"{unsafe:,} more with `--unsafe-fixes`")
    if run.suppressed:
        extras.append(f"{run.suppressed:,} suppressed")
    if run.baselined:
        extras.append(f"{run.baselined:,} baselined")
    if extras:
        lines.append("; ".join(extras).capitalize() + ".")
    figures = by_file(run)
    if len(figures) > 1 or verbose:
        ranked = sorted(figures.items(), key=lambda kv: (kv[1].score, kv[0]))
        shown = ranked if verbose else ranked[:FILE_LINES]
        lines.append("Scores by file (worst first):")
        width = max(len(path) for path, _ in shown)
        for path, fig in shown:
            lines.append(
                f"  {path.ljust(width)}  {fig.score:5.1f}  {fig.tokens:>7,} tokens  "
                f"{fig.waste:>5,} wasted"
            )
        if len(ranked) > len(shown):
            lines.append(f"  ... {len(ranked) - len(shown):,} more (-v lists all)")
    return lines


def report(run: CheckRun, ctx: ReportContext) -> str:
    lines = [finding_line(f) for f in run.findings]
    if not ctx.quiet:
        if lines:
            lines.append("")
        lines.extend(summary_lines(run, ctx.verbose))
    return "\n".join(lines) + "\n" if lines else ""
