"""``check --statistics``: how many findings each rule produced, most frequent first."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from promptlint.models import Finding, FixSafety

SCHEMA = "promptlint.statistics/1"


@dataclass(frozen=True, slots=True)
class RuleCount:
    code: str
    name: str
    count: int
    fixable: int  # findings with a fix that `fix` can apply (safe, or unsafe with the flag)
    wasted_tokens: int


def rule_counts(findings: Iterable[Finding]) -> list[RuleCount]:
    counts: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for f in findings:
        row = counts.setdefault(f.code, [0, 0, 0])
        names.setdefault(f.code, f.name)
        row[0] += 1
        if f.fix is not None and f.fix.safety is not FixSafety.DISPLAY:
            row[1] += 1
        row[2] += f.wasted_tokens
    stats = [
        RuleCount(code, names[code], n, fixable, waste)
        for code, (n, fixable, waste) in counts.items()
    ]
    return sorted(stats, key=lambda s: (-s.count, s.code))


def to_text(stats: list[RuleCount]) -> str:
    if not stats:
        return "no findings"
    width = max(len(str(s.count)) for s in stats)
    code_w = max(len(s.code) for s in stats)
    name_w = max(len(s.name) for s in stats)
    lines = []
    for s in stats:
        fixable = f"{s.fixable} fixable" if s.fixable else ""
        lines.append(
            f"{s.count:>{width}}  {s.code:<{code_w}}  {s.name:<{name_w}}  {fixable}".rstrip()
        )
    return "\n".join(lines)


def to_json(stats: list[RuleCount]) -> str:
    return json.dumps({"schema": SCHEMA, "rules": [asdict(s) for s in stats]}, indent=2)


def to_markdown(stats: list[RuleCount]) -> str:
    lines = ["| Rule | Name | Count | Fixable |", "| --- | --- | ---: | ---: |"]
    lines += [f"| `{s.code}` | {s.name} | {s.count} | {s.fixable} |" for s in stats]
    return "\n".join(lines)


STATISTICS_FORMATS = ("text", "json", "markdown")


def render(findings: Iterable[Finding], fmt: str) -> str:
    """The statistics in ``fmt`` (one of ``STATISTICS_FORMATS``), newline-terminated."""
    stats = rule_counts(findings)
    if fmt == "json":
        return to_json(stats) + "\n"
    if fmt == "markdown":
        return to_markdown(stats) + "\n"
    return to_text(stats) + "\n"
