"""Helpers for the rules-engine tests: prompts built in memory and runs over them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from promptlint.config import Config
from promptlint.engine import run_check_on_inventory
from promptlint.inventory import Inventory
from promptlint.models import CheckRun, Directive, ExtractResult, Finding, Prompt, SourceMap
from promptlint.rulepack import RuleSet, load_rules

ROOT = Path(__file__).resolve().parent.parent
OWN_PACKS = [ROOT / "rules" / name for name in ("efficiency.yaml", "template.yaml", "meta.yaml")]


def own_rules(*extra: str | Path) -> RuleSet:
    """The packs this engine ships for efficiency, templates and suppressions (+ extras)."""
    return load_rules(builtin=False, paths=[*OWN_PACKS, *extra])


def make_prompt(
    text: str,
    path: str = "prompts/p.md",
    kind: str = "markdown",
    line: int = 1,
    col: int = 1,
    **fields: Any,
) -> Prompt:
    sm = SourceMap.for_text(text, line, col)
    end = sm.end_position(len(text)) if text else sm.position(0)
    # Like a template section: the text stands verbatim in the file, so fixes can be written.
    fields.setdefault("editable", True)
    return Prompt(
        path=path,
        kind=kind,
        text=text,
        start_line=line,
        start_col=col,
        end_line=end.line,
        end_col=end.col,
        reason="test",
        source_map=sm,
        **fields,
    )


def run_prompts(
    prompts: Sequence[Prompt],
    *,
    rules: RuleSet | None = None,
    config: Config | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    directives: dict[str, list[Directive]] | None = None,
) -> CheckRun:
    results: dict[str, ExtractResult] = {}
    for p in prompts:
        results.setdefault(p.path, ExtractResult(p.path)).prompts.append(p)
    for path, ds in (directives or {}).items():
        results.setdefault(path, ExtractResult(path)).directives.extend(ds)
    inv = Inventory([], list(results.values()), [], list(prompts))
    return run_check_on_inventory(
        inv, config or Config(), rules=rules or own_rules(), select=select, ignore=ignore
    )


def codes(run: CheckRun) -> list[str]:
    return [f.code for f in run.findings]


def apply_fix(text: str, finding: Finding) -> str:
    """The prompt text after one finding's edits (applied back to front)."""
    assert finding.fix is not None
    for edit in sorted(finding.fix.edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text
