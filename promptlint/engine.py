"""The rules engine: prompts in, findings out (``CheckRun``).

Order of work: select the rules (config ``select``/``ignore``, then the command line), run
them (``promptlint.evaluate``), map each hit from prompt-text offsets to file positions
through the prompt's source map, apply severity overrides and ``per-file-ignores``, then
suppression directives (reporting the ones that silence nothing), and finally count tokens
and score every prompt.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from promptlint.checks.base import CheckContext
from promptlint.checks.score import merged_waste, score_of
from promptlint.config import Config, ConfigError
from promptlint.evaluate import Evaluator, RawHit
from promptlint.filetypes import matches_any
from promptlint.inventory import Inventory, build_inventory
from promptlint.models import CheckRun, Finding, Fix, FixSafety, Prompt, Severity
from promptlint.rulepack import KNOWN_PREFIXES, Rule, RuleSet, load_rules
from promptlint.suppress import Outcome, apply
from promptlint.tokens import TokenCounter

if TYPE_CHECKING:
    from promptlint.cache import Cache

UNUSED_SUPPRESSION = "SUP001"
UNKNOWN_SUPPRESSION_CODE = "SUP003"


def run_check(
    paths: Sequence[str],
    config: Config,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    jobs: int | None = None,
    rules: RuleSet | None = None,
    cache: Cache | None = None,
) -> CheckRun:
    """Discover and extract ``paths`` (default '.') and check every prompt found."""
    inv = build_inventory(tuple(paths) or (".",), config, jobs=jobs, cache=cache)
    return run_check_on_inventory(
        inv, config, select=select, ignore=ignore, rules=rules, cache=cache
    )


def run_check_on_inventory(
    inv: Inventory,
    config: Config,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    rules: RuleSet | None = None,
    cache: Cache | None = None,
) -> CheckRun:
    """Check the prompts of an inventory already built (``audit``, ``fix`` and ``diff`` reuse
    theirs). ``select`` replaces the config's selection; ``ignore`` extends it. With a
    ``cache``, prompts checked before with the same rules skip the prompt-scope checks."""
    ruleset = load_rules(config) if rules is None else rules
    enabled = enabled_codes(ruleset, config, select, ignore)
    counter = TokenCounter(config.model, store=cache)
    loads = tuple(load for r in inv.results for load in r.registry_loads)
    ctx = CheckContext(config, counter, enabled, registry_loads=loads)
    prompts = inv.prompts
    memo = cache.prompt_hits(ruleset, enabled) if cache is not None else None
    evaluation = Evaluator(ruleset, enabled).run(prompts, ctx, memo)

    relpaths = {f.path: f.relpath for f in inv.files}
    spans: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    findings: list[Finding] = []
    keyed: dict[int, tuple[int, int, int]] = {}  # id(finding) -> its span, for the score
    for raw in _drop_subsumed(evaluation.hits, ruleset):
        finding = to_finding(raw, prompts, ruleset, config)
        if finding is None or _file_ignored(finding, relpaths, config):
            continue
        findings.append(finding)
        keyed[id(finding)] = (raw.hit.start, raw.hit.end, raw.hit.wasted_tokens)

    directives = {r.path: r.directives for r in inv.results}
    outcome = apply(findings, directives, enabled, ruleset.by_code.keys())
    meta = [
        f
        for f in _directive_findings(outcome, ruleset, config, enabled)
        if not _file_ignored(f, relpaths, config)
    ]
    # Directive findings can themselves be silenced (a file-level disable=SUP001).
    meta_outcome = apply(meta, directives, (), ())
    kept = outcome.kept + meta_outcome.kept
    kept.sort(key=Finding.sort_key)

    for finding in kept:
        if finding.prompt_index is not None and id(finding) in keyed:
            spans[finding.prompt_index].append(keyed[id(finding)])
    tokens = [counter.tokens(p.text, p.model or config.model) for p in prompts]
    waste = [round(merged_waste(spans.get(i, ()))) for i in range(len(prompts))]
    if cache is not None:
        cache.flush()
    return CheckRun(
        prompts=prompts,
        findings=kept,
        skipped=list(inv.skipped),
        notices=[*inv.notices, *evaluation.notices],
        files_checked=len(inv.results),
        tokens=tokens,
        scores=[score_of(t, w) for t, w in zip(tokens, waste, strict=True)],
        waste=waste,
        suppressed=outcome.suppressed + meta_outcome.suppressed,
    )


def _drop_subsumed(hits: list[RawHit], ruleset: RuleSet) -> list[RawHit]:
    """Drop a fixable hit lying inside a longer fixable hit of the same pack: "Please" within
    "Please note that" is one finding whose fix removes both, not two competing fixes."""
    fixable = [h for h in hits if h.hit.edits]
    if len(fixable) < 2:
        return hits
    by_prompt: dict[int | None, list[RawHit]] = defaultdict(list)
    for h in fixable:
        by_prompt[h.prompt_index].append(h)
    dropped: set[int] = set()
    for group in by_prompt.values():
        group.sort(key=lambda h: (h.hit.start, -h.hit.end))
        for i, outer in enumerate(group):
            pack = _pack(outer, ruleset)
            for inner in group[i + 1 :]:
                if inner.hit.start >= outer.hit.end:
                    break
                if (
                    inner.hit.end <= outer.hit.end
                    and (inner.hit.end - inner.hit.start) < (outer.hit.end - outer.hit.start)
                    and all(outer.hit.start <= e.start < outer.hit.end for e in inner.hit.edits)
                    and _pack(inner, ruleset) == pack
                ):
                    dropped.add(id(inner))
    return [h for h in hits if id(h) not in dropped]


def _pack(raw: RawHit, ruleset: RuleSet) -> str | None:
    rule = ruleset.get(raw.hit.code)
    return rule.pack if rule else None


# --- selection -------------------------------------------------------------------------


def _check_selectors(selectors: Iterable[str], where: str, ruleset: RuleSet) -> list[str]:
    out = []
    for raw in selectors:
        selector = raw.strip().upper()
        if not selector:
            continue
        if not any(code.startswith(selector) for code in ruleset.by_code) and not any(
            p.startswith(selector) for p in KNOWN_PREFIXES
        ):
            close = difflib.get_close_matches(
                selector, [*ruleset.by_code, *KNOWN_PREFIXES], n=1, cutoff=0.5
            )
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"unknown rule code or prefix '{raw}' in {where}{hint}")
        out.append(selector)
    return out


def _longest(code: str, selectors: Iterable[str]) -> int:
    return max((len(s) for s in selectors if code.startswith(s)), default=-1)


def enabled_codes(
    ruleset: RuleSet,
    config: Config,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> frozenset[str]:
    """Codes that run. The most specific selector wins (``--select EFF --ignore EFF0`` runs
    EFF1xx only; ``--ignore EFF --select EFF003`` runs EFF003); a tie goes to ignore."""
    chosen = (
        _check_selectors(select, "--select", ruleset)
        if select
        else _check_selectors(config.select, "select", ruleset)
    )
    dropped = _check_selectors(config.ignore, "ignore", ruleset) + _check_selectors(
        ignore, "--ignore", ruleset
    )
    out = set()
    for code in ruleset.by_code:
        s = _longest(code, chosen) if chosen else 0
        if s >= 0 and s > _longest(code, dropped):
            out.add(code)
    return frozenset(out)


# --- findings --------------------------------------------------------------------------


def severity_for(rule: Rule, hit_severity: Severity | None, config: Config) -> Severity:
    """Config ``severity`` (longest matching code or prefix) > the hit's own > the rule's."""
    best: tuple[int, str] | None = None
    for selector, value in config.severity.items():
        sel = selector.strip().upper()
        if rule.code.startswith(sel) and (best is None or len(sel) > best[0]):
            best = (len(sel), value)
    if best is not None:
        return Severity.parse(best[1])
    return hit_severity or rule.severity


def to_finding(
    raw: RawHit, prompts: Sequence[Prompt], ruleset: RuleSet, config: Config
) -> Finding | None:
    hit = raw.hit
    rule = ruleset.get(hit.code)
    if rule is None:  # only engine codes can be missing (a run without rules/meta.yaml)
        return None
    fix = None
    if raw.prompt_index is None:
        assert raw.span is not None
        span = raw.span
        path, line, col, end_line, end_col = (
            span.path,
            span.line,
            span.col,
            span.end_line,
            span.end_col,
        )
        evidence = hit.evidence or ""
    else:
        prompt = prompts[raw.prompt_index]
        n = len(prompt.text)
        start = min(max(hit.start, 0), n)
        end = min(max(hit.end, start), n)
        pos = prompt.source_map.position(start)
        end_pos = prompt.source_map.end_position(end) if end > start else pos
        path, line, col, end_line, end_col = (
            prompt.path,
            pos.line,
            pos.col,
            end_pos.line,
            end_pos.col,
        )
        if hit.edits and hit.fix_safety is not None:
            # Text built at run time or not verbatim in the file (e.g. a folded YAML scalar):
            # show the better form, but never promise a fix `fix` cannot write.
            safety = hit.fix_safety if prompt.editable else FixSafety.DISPLAY
            fix = Fix(hit.edits, safety, _describe(hit.edits, prompt.text))
        elif hit.fix_safety is FixSafety.DISPLAY:
            fix = Fix((), FixSafety.DISPLAY, "")
        evidence = (
            hit.evidence
            if hit.evidence is not None
            else " ".join(prompt.text[start:end].split()).lower()[:200]
        )
    return Finding(
        code=hit.code,
        name=rule.name,
        severity=severity_for(rule, hit.severity, config),
        message=hit.message,
        path=path,
        line=line,
        col=col,
        end_line=end_line,
        end_col=end_col,
        wasted_tokens=max(0, hit.wasted_tokens) if raw.prompt_index is not None else 0,
        fix=fix,
        prompt_index=raw.prompt_index,
        evidence=evidence,
        data=dict(hit.data),
    )


def _describe(edits: Sequence, text: str) -> str:
    """A one-line summary of the edits ("remove 'Please '", "replace 'in order to' with 'to'")."""
    from promptlint.checks.text import shorten

    if len(edits) != 1:
        return f"{len(edits)} edits"
    edit = edits[0]
    old = text[edit.start : edit.end]
    if not edit.replacement:
        return f"remove {shorten(old, 40)!r}"
    return f"replace {shorten(old, 40)!r} with {shorten(edit.replacement, 40)!r}"


def _file_ignored(finding: Finding, relpaths: dict[str, str], config: Config) -> bool:
    if not config.per_file_ignores:
        return False
    rel = relpaths.get(finding.path, finding.path)
    for glob, codes in config.per_file_ignores.items():
        if matches_any(rel, [glob]) and any(
            finding.code.startswith(c.strip().upper()) for c in codes
        ):
            return True
    return False


def _directive_findings(
    outcome: Outcome, ruleset: RuleSet, config: Config, enabled: frozenset[str]
) -> list[Finding]:
    """SUP001 for directives that silenced nothing, SUP003 for codes no rule has."""
    out: list[Finding] = []
    items = [
        (UNUSED_SUPPRESSION, u.path, u.directive, _unused_message(u.codes)) for u in outcome.unused
    ]
    items += [
        (
            UNKNOWN_SUPPRESSION_CODE,
            u.path,
            u.directive,
            f"Suppression names '{u.code}', which is no rule code or prefix",
        )
        for u in outcome.unknown
    ]
    for code, path, directive, message in items:
        rule = ruleset.get(code)
        if rule is None or code not in enabled:
            continue
        out.append(
            Finding(
                code=code,
                name=rule.name,
                severity=severity_for(rule, None, config),
                message=message,
                path=path,
                line=directive.line,
                col=directive.col,
                end_line=directive.line,
                end_col=directive.col,
                evidence=",".join(directive.codes),
            )
        )
    return out


def _unused_message(codes: tuple[str, ...]) -> str:
    if not codes:
        return "Suppression 'disable' silences nothing here; remove it"
    return f"Suppression of {', '.join(codes)} silences nothing here; remove it"
