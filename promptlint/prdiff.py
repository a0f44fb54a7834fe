"""Pull-request mode: what a change did to the prompts, their tokens and their findings.

Prompts are identified by content, not by line: a prompt whose (normalised) text exists at
the base revision is unchanged, wherever it moved. Changed prompts are paired with their old
version by path and owner (the variable, call or section that holds them).

Two entry points:
- ``restrict_to_changed`` (``check --diff-base REF``): drop findings of unchanged prompts.
- ``compare`` (``promptlint diff REF [REF2]``): per-prompt token and cost change, prompts
  added and removed, findings added and fixed, and the budget gate.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import textwrap
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from promptlint.baseline import fingerprints
from promptlint.config import Config
from promptlint.models import CheckRun, Finding, Prompt
from promptlint.report.json import finding_head

SCHEMA = "promptlint.diff/1"


def content_key(text: str) -> str:
    """Identity of a prompt's text: line endings and common indentation do not count.

    Re-indenting a triple-quoted prompt (moving it into a function) leaves it unchanged;
    any edit to its words or its own layout changes it.
    """
    norm = text.replace("\r\n", "\n").replace("\r", "\n")
    norm = textwrap.dedent(norm).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Match:
    """How two lists of prompts line up. Indices point into the lists given."""

    unchanged: list[tuple[int, int]]  # (old, new), same text (possibly moved)
    changed: list[tuple[int, int]]  # (old, new), same place, different text
    added: list[int]  # new prompts with no old counterpart
    removed: list[int]  # old prompts with no new counterpart


def match_prompts(
    old: Sequence[Prompt], new: Sequence[Prompt], old_keys: Sequence[str], new_keys: Sequence[str]
) -> Match:
    """Pair prompts: identical text in the same file, then anywhere, then by (path, owner, role)."""
    unchanged: list[tuple[int, int]] = []
    free_old = set(range(len(old)))
    free_new = list(range(len(new)))

    def consume(
        key_of_old: Callable[[int], Any], key_of_new: Callable[[int], Any]
    ) -> list[tuple[int, int]]:
        pool: dict[Any, list[int]] = defaultdict(list)
        for i in sorted(free_old):
            pool[key_of_old(i)].append(i)
        pairs = []
        rest = []
        for j in free_new:
            bucket = pool.get(key_of_new(j))
            if bucket:
                i = bucket.pop(0)
                free_old.discard(i)
                pairs.append((i, j))
            else:
                rest.append(j)
        free_new[:] = rest
        return pairs

    unchanged += consume(lambda i: (old[i].path, old_keys[i]), lambda j: (new[j].path, new_keys[j]))
    unchanged += consume(lambda i: old_keys[i], lambda j: new_keys[j])
    changed = consume(
        lambda i: (old[i].path, old[i].owner, old[i].role, old[i].kind),
        lambda j: (new[j].path, new[j].owner, new[j].role, new[j].kind),
    )
    return Match(
        sorted(unchanged, key=lambda p: p[1]),
        sorted(changed, key=lambda p: p[1]),
        sorted(free_new),
        sorted(free_old),
    )


# ---------------------------------------------------------------- check --diff-base


def new_or_changed(
    prompts: Sequence[Prompt], old_prompts: Sequence[Prompt], changed_files: set[str], repo: Path
) -> set[int]:
    """Indices of ``prompts`` whose text did not exist at the base revision.

    ``old_prompts`` only needs the base versions of ``changed_files`` (repository-relative):
    a prompt in a file git reports unchanged is unchanged.
    """
    from promptlint.gitdiff import repo_relative

    candidates = [i for i, p in enumerate(prompts) if repo_relative(p.path, repo) in changed_files]
    subset = [prompts[i] for i in candidates]
    match = match_prompts(
        old_prompts,
        subset,
        [content_key(p.text) for p in old_prompts],
        [content_key(p.text) for p in subset],
    )
    return {candidates[j] for j in match.added} | {candidates[j] for _, j in match.changed}


def restrict_to_changed(run: CheckRun, base: str, config: Config) -> tuple[CheckRun, int]:
    """``run`` limited to findings of prompts new or changed since ``base``; and how many went.

    A finding not tied to a prompt (a file-level notice) stays when its file changed.
    """
    from promptlint import gitdiff

    repo = gitdiff.toplevel()
    changed_files = gitdiff.changed_paths(base)
    old = gitdiff.inventory_at(base, config, only=changed_files)
    fresh = new_or_changed(run.prompts, old.prompts, changed_files, repo)
    kept = [
        f
        for f in run.findings
        if (f.prompt_index in fresh)
        or (f.prompt_index is None and gitdiff.repo_relative(f.path, repo) in changed_files)
    ]
    return dataclasses.replace(run, findings=kept), len(run.findings) - len(kept)


# ---------------------------------------------------------------- promptlint diff


@dataclass(frozen=True, slots=True)
class PromptSide:
    path: str
    line: int
    owner: str | None
    tokens: int
    cost: float | None  # USD of its input tokens per call; None for a model not in the catalogue


@dataclass(frozen=True, slots=True)
class PromptChange:
    status: str  # changed | added | removed
    old: PromptSide | None
    new: PromptSide | None

    @property
    def token_delta(self) -> int:
        return (self.new.tokens if self.new else 0) - (self.old.tokens if self.old else 0)

    @property
    def cost_delta(self) -> float | None:
        costs = [s.cost for s in (self.old, self.new) if s is not None]
        if any(c is None for c in costs):
            return None
        return (self.new.cost if self.new else 0.0) - (self.old.cost if self.old else 0.0)  # type: ignore[operator]


@dataclass(slots=True)
class DiffReport:
    base: str
    head: str
    changes: list[PromptChange]
    unchanged: int
    old_tokens: int
    new_tokens: int
    old_cost: float | None
    new_cost: float | None
    findings_added: list[Finding]
    findings_fixed: list[Finding]
    max_growth: float | None  # percent, the gate in force
    token_budget: int
    gate_failures: list[str] = field(default_factory=list)

    @property
    def growth(self) -> float | None:
        """Percent change of total prompt tokens (None when the base had none)."""
        if not self.old_tokens:
            return None
        return (self.new_tokens - self.old_tokens) / self.old_tokens * 100


def _tokens(run: CheckRun, config: Config) -> list[int]:
    if len(run.tokens) == len(run.prompts):
        return run.tokens
    from promptlint.tokens import TokenCounter

    counter = TokenCounter(config.model)
    return [counter.tokens(p.text, p.model) for p in run.prompts]


def input_costs(
    prompts: Sequence[Prompt], tokens: Sequence[int], config: Config
) -> list[float | None]:
    """USD per call of each prompt's input tokens on the model its call goes to.

    None where the model is not in the catalogue. Output tokens are left out: a prompt edit
    changes what a call sends, not what it asks back.
    """
    from promptlint.catalog import load_catalog
    from promptlint.modelres import group_by_call, resolve_model

    catalog = load_catalog(config)
    costs: list[float | None] = [None] * len(prompts)
    for group in group_by_call(prompts):
        info = catalog.get(resolve_model([prompts[i] for i in group], config).name)
        if info is not None:
            for i in group:
                costs[i] = info.price(tokens[i], 0, 0)
    return costs


def compare(
    old: CheckRun,
    new: CheckRun,
    config: Config,
    *,
    base: str,
    head: str,
    max_growth: float | None = None,
) -> DiffReport:
    """What changed between two runs (base and head) and whether the budget gate holds."""
    old_tokens, new_tokens = _tokens(old, config), _tokens(new, config)
    old_costs = input_costs(old.prompts, old_tokens, config)
    new_costs = input_costs(new.prompts, new_tokens, config)
    match = match_prompts(
        old.prompts,
        new.prompts,
        [content_key(p.text) for p in old.prompts],
        [content_key(p.text) for p in new.prompts],
    )

    def side(run: CheckRun, tokens: list[int], costs: list[float | None], i: int) -> PromptSide:
        p = run.prompts[i]
        return PromptSide(p.path, p.start_line, p.owner, tokens[i], costs[i])

    changes = [
        PromptChange(
            "changed", side(old, old_tokens, old_costs, i), side(new, new_tokens, new_costs, j)
        )
        for i, j in match.changed
    ]
    changes += [
        PromptChange("added", None, side(new, new_tokens, new_costs, j)) for j in match.added
    ]
    changes += [
        PromptChange("removed", side(old, old_tokens, old_costs, i), None) for i in match.removed
    ]
    changes.sort(key=lambda c: ((c.new or c.old).path, (c.new or c.old).line, c.status))  # type: ignore[union-attr]

    old_prints = fingerprints(old.findings, config.root)
    new_prints = fingerprints(new.findings, config.root)
    before, after = set(old_prints), set(new_prints)
    added = [f for f, fp in zip(new.findings, new_prints, strict=True) if fp not in before]
    fixed = [f for f, fp in zip(old.findings, old_prints, strict=True) if fp not in after]

    def total_cost(costs: list[float | None]) -> float | None:
        known = [c for c in costs if c is not None]
        return sum(known) if known else None

    limit = config.max_token_growth if max_growth is None else max_growth
    report = DiffReport(
        base=base,
        head=head,
        changes=changes,
        unchanged=len(match.unchanged),
        old_tokens=sum(old_tokens),
        new_tokens=sum(new_tokens),
        old_cost=total_cost(old_costs),
        new_cost=total_cost(new_costs),
        findings_added=added,
        findings_fixed=fixed,
        max_growth=limit,
        token_budget=config.token_budget,
    )
    report.gate_failures = budget_failures(report)
    return report


def budget_failures(report: DiffReport) -> list[str]:
    """Why the budget gate fails (empty when it holds).

    Growth is checked only when a limit is configured and the base had prompts; the per-prompt
    budget applies to prompts this change added or edited, so an old oversized prompt does not
    block unrelated pull requests (``check`` still reports it).
    """
    failures = []
    growth = report.growth
    if report.max_growth is not None and growth is not None and growth > report.max_growth:
        failures.append(
            f"total prompt tokens grew {growth:.1f}% ({report.old_tokens:,} -> "
            f"{report.new_tokens:,}), over the {report.max_growth:g}% limit"
        )
    for c in report.changes:
        if c.new is not None and c.new.tokens > report.token_budget:
            failures.append(
                f"{c.new.path}:{c.new.line}: prompt has {c.new.tokens:,} tokens, over the "
                f"{report.token_budget:,}-token budget"
            )
    return failures


# ---------------------------------------------------------------- rendering


def _where(s: PromptSide) -> str:
    owner = f" ({s.owner})" if s.owner else ""
    return f"{s.path}:{s.line}{owner}"


def _signed(n: float, fmt: str = ",") -> str:
    return ("+" if n > 0 else "") + format(n, fmt)


def _money(v: float | None) -> str:
    return "" if v is None else f"${v:.6f}".rstrip("0").rstrip(".")


def _pct(report: DiffReport) -> str:
    g = report.growth
    return "" if g is None else f", {_signed(round(g, 1), '.1f')}%"


def _finding_line(f: Finding) -> str:
    return f"{f.path}:{f.line}:{f.col}: {f.code} {f.message}"


def to_text(report: DiffReport) -> str:
    lines = [f"promptlint diff {report.base}..{report.head}"]
    for c in report.changes:
        s = c.new or c.old
        assert s is not None
        old_t = c.old.tokens if c.old else 0
        new_t = c.new.tokens if c.new else 0
        cost = ""
        if c.cost_delta is not None:
            cost = f", {_signed(round(c.cost_delta * 1000, 4), '.4f')} USD per 1k calls"
        lines.append(
            f"{c.status:<8} {_where(s)}: {old_t:,} -> {new_t:,} tokens ({_signed(c.token_delta)}{cost})"
        )
    delta = report.new_tokens - report.old_tokens
    counts = {
        k: sum(c.status == k for c in report.changes) for k in ("changed", "added", "removed")
    }
    lines.append(
        f"total: {report.old_tokens:,} -> {report.new_tokens:,} tokens ({_signed(delta)}{_pct(report)}); "
        f"{counts['changed']} changed, {counts['added']} added, {counts['removed']} removed, "
        f"{report.unchanged} unchanged"
    )
    if report.old_cost is not None and report.new_cost is not None:
        lines.append(
            f"cost per call of all prompts: {_money(report.old_cost)} -> {_money(report.new_cost)}"
        )
    lines.append(
        f"findings: {len(report.findings_added)} added, {len(report.findings_fixed)} fixed"
    )
    lines += [f"  + {_finding_line(f)}" for f in report.findings_added]
    lines += [f"  - {_finding_line(f)}" for f in report.findings_fixed]
    if report.gate_failures:
        lines += [f"budget gate failed: {msg}" for msg in report.gate_failures]
    return "\n".join(lines)


def _side_json(s: PromptSide | None) -> dict[str, Any] | None:
    return None if s is None else dataclasses.asdict(s)


def to_json(report: DiffReport) -> str:
    doc = {
        "schema": SCHEMA,
        "base": report.base,
        "head": report.head,
        "tokens": {
            "old": report.old_tokens,
            "new": report.new_tokens,
            "growth_percent": report.growth,
        },
        "cost_per_call": {"old": report.old_cost, "new": report.new_cost},
        "unchanged": report.unchanged,
        "prompts": [
            {
                "status": c.status,
                "old": _side_json(c.old),
                "new": _side_json(c.new),
                "token_delta": c.token_delta,
                "cost_delta": c.cost_delta,
            }
            for c in report.changes
        ],
        "findings_added": [finding_head(f) for f in report.findings_added],
        "findings_fixed": [finding_head(f) for f in report.findings_fixed],
        "budget": {
            "max_token_growth": report.max_growth,
            "token_budget": report.token_budget,
            "passed": not report.gate_failures,
            "failures": report.gate_failures,
        },
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def to_markdown(report: DiffReport, *, limit: int = 50) -> str:
    from promptlint.report.markdown import code_span, escape

    delta = report.new_tokens - report.old_tokens
    status = "❌ budget gate failed" if report.gate_failures else "✅ within budget"
    lines = [
        "<!-- promptlint-diff -->",
        f"### promptlint diff {code_span(report.base)}..{code_span(report.head)}: {status}",
        "",
        f"Prompt tokens {report.old_tokens:,} → {report.new_tokens:,} ({_signed(delta)}{_pct(report)}) · "
        f"findings {len(report.findings_added)} added, {len(report.findings_fixed)} fixed",
    ]
    if report.old_cost is not None and report.new_cost is not None:
        lines.append("")
        lines.append(
            f"Cost per call of all prompts: {_money(report.old_cost)} → {_money(report.new_cost)}"
        )
    if report.gate_failures:
        lines.append("")
        lines += [f"- {escape(msg)}" for msg in report.gate_failures]
    if report.changes:
        lines += ["", "| Prompt | Change | Tokens | Δ |", "| --- | --- | ---: | ---: |"]
        for c in report.changes[:limit]:
            s = c.new or c.old
            assert s is not None
            old_t = c.old.tokens if c.old else 0
            new_t = c.new.tokens if c.new else 0
            lines.append(
                f"| {code_span(f'{s.path}:{s.line}')} {escape(s.owner or '')} | {c.status} | "
                f"{old_t:,} → {new_t:,} | {_signed(c.token_delta)} |"
            )
        if len(report.changes) > limit:
            lines += ["", f"… and {len(report.changes) - limit:,} more."]
    for title, found in (
        ("New findings", report.findings_added),
        ("Fixed findings", report.findings_fixed),
    ):
        if found:
            lines += [
                "",
                f"**{title}**",
                "",
                "| Location | Rule | Message |",
                "| --- | --- | --- |",
            ]
            for f in found[:limit]:
                lines.append(
                    f"| {code_span(f'{f.path}:{f.line}')} | {code_span(f.code)} | {escape(f.message)} |"
                )
            if len(found) > limit:
                lines += ["", f"… and {len(found) - limit:,} more."]
    return "\n".join(lines) + "\n"


def render(report: DiffReport, fmt: str) -> str:
    if fmt == "json":
        return to_json(report)
    if fmt == "markdown":
        return to_markdown(report)
    return to_text(report)
