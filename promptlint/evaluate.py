"""Run the enabled rules over the prompts and collect raw hits (still in prompt offsets).

Data rules are compiled once per run into callables (``promptlint.checks.<type>.build``).
Python rules are grouped by the function they name: the function runs once per prompt (or
once per run for ``scope: project``) and each hit is routed to its rule by code.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from promptlint.checks.base import CheckContext, PromptCheck
from promptlint.checks.regexsafe import REGEX_TIMEOUT, PatternTimeout
from promptlint.config import ConfigError
from promptlint.models import Hit, Prompt, Span
from promptlint.rulepack import Rule

# The rule that reports a pattern hitting the time limit (rules/meta.yaml).
REGEX_TIMEOUT_CODE = "SUP002"


@dataclass(frozen=True, slots=True)
class RawHit:
    prompt_index: int | None  # None: the hit sits at ``span``, outside any prompt
    hit: Hit
    span: Span | None = None


@dataclass(slots=True)
class Evaluation:
    hits: list[RawHit] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


class HitMemo(Protocol):
    """Prompt-scope hits kept from an earlier run (``promptlint.cache.PromptHits``)."""

    def get(self, prompt: Prompt) -> list[Hit] | None: ...

    def put(self, prompt: Prompt, hits: list[Hit]) -> None: ...


@dataclass(slots=True)
class _PythonCheck:
    target: str
    scope: str
    rules: dict[str, Rule] = field(default_factory=dict)  # every rule naming the function
    func: Callable[..., Iterable[Any]] | None = None

    def resolve(self) -> Callable[..., Iterable[Any]]:
        """Import the function on first use; a failure is a one-line configuration error."""
        if self.func is None:
            module_name, attr = self.target.split(":")
            try:
                self.func = getattr(importlib.import_module(module_name), attr)
            except (ImportError, AttributeError) as exc:
                rule = next(iter(self.rules.values()))
                raise ConfigError(
                    f"{rule.source}: {rule.code}: field 'check': cannot load {self.target} "
                    f"({type(exc).__name__}: {exc})"
                ) from None
        return self.func

    def accept(self, hit: Hit, ctx: CheckContext) -> bool:
        """Whether to keep ``hit``; a code none of the function's rules declares is a bug."""
        if hit.code not in self.rules:
            raise RuntimeError(
                f"{self.target} reported {hit.code}, which none of its rules "
                f"({', '.join(sorted(self.rules))}) declares"
            )
        return ctx.enabled(hit.code)


def _builder(rule_type: str) -> Callable[[Rule], PromptCheck]:
    module = importlib.import_module(f"promptlint.checks.{rule_type}")
    return module.build  # type: ignore[no-any-return]


class Evaluator:
    """The compiled plan for one run: which callables to call, for which rules."""

    def __init__(self, rules: Iterable[Rule], enabled: Iterable[str]) -> None:
        on = set(enabled)
        self.data: list[tuple[Rule, PromptCheck]] = []
        groups: dict[tuple[str, str], _PythonCheck] = {}
        for rule in rules:
            if rule.type == "engine":
                continue
            if rule.type == "python":
                assert rule.check is not None
                key = (rule.check, rule.scope)
                groups.setdefault(key, _PythonCheck(rule.check, rule.scope)).rules[rule.code] = rule
            elif rule.code in on:
                self.data.append((rule, _builder(rule.type)(rule)))
        # A function runs only when at least one of its rules is enabled.
        live = [g for g in groups.values() if on.intersection(g.rules)]
        self.prompt_checks = [g for g in live if g.scope == "prompt"]
        self.project_checks = [g for g in live if g.scope == "project"]

    def run(
        self, prompts: Sequence[Prompt], ctx: CheckContext, memo: HitMemo | None = None
    ) -> Evaluation:
        """Prompt-scope checks per prompt (skipped for a prompt ``memo`` knows), then
        project-scope checks over all prompts."""
        out = Evaluation()
        timed_out: set[str] = set()
        for index, prompt in enumerate(prompts):
            known = memo.get(prompt) if memo is not None else None
            if known is not None:
                out.hits.extend(RawHit(index, h) for h in known)
                continue
            first_hit, notices = len(out.hits), len(out.notices)
            self._check_prompt(index, prompt, ctx, out, timed_out)
            # A prompt whose checks failed or were cut short is checked again next time.
            if memo is not None and len(out.notices) == notices and not timed_out:
                memo.put(prompt, [raw.hit for raw in out.hits[first_hit:]])
        for group in self.project_checks:
            if not prompts and not ctx.registry_loads:
                break  # nothing to look at
            func = group.resolve()
            try:
                pairs = list(func(prompts, ctx))
            except ConfigError:
                raise
            except Exception as exc:
                out.notices.append(f"{group.target} failed: {type(exc).__name__}: {exc}")
                continue
            out.hits.extend(
                RawHit(i, h) if isinstance(i, int) else RawHit(None, h, i)
                for i, h in pairs
                if group.accept(h, ctx)
            )
        return out

    def _check_prompt(
        self, index: int, prompt: Prompt, ctx: CheckContext, out: Evaluation, timed_out: set[str]
    ) -> None:
        for rule, check in self.data:
            if rule.code in timed_out:
                continue
            try:
                hits = list(check(prompt, ctx))
            except PatternTimeout as exc:
                timed_out.add(rule.code)
                if ctx.enabled(REGEX_TIMEOUT_CODE):
                    out.hits.append(RawHit(index, _timeout_hit(rule, exc)))
                continue
            out.hits.extend(RawHit(index, h) for h in hits)
        for group in self.prompt_checks:
            func = group.resolve()
            try:
                hits = list(func(prompt, ctx))
            except ConfigError:
                raise
            except Exception as exc:  # a crashing check must not sink the run
                out.notices.append(
                    f"{prompt.path}:{prompt.start_line}: {group.target} failed: "
                    f"{type(exc).__name__}: {exc}"
                )
                continue
            out.hits.extend(RawHit(index, h) for h in hits if group.accept(h, ctx))


def _timeout_hit(rule: Rule, exc: PatternTimeout) -> Hit:
    message = (
        f"{rule.code} ({rule.source}): pattern {exc.pattern[:60]!r} ran over "
        f"{REGEX_TIMEOUT:g}s on this prompt; the rule is skipped for the rest of the run"
    )
    return Hit(REGEX_TIMEOUT_CODE, 0, 0, message, data={"rule": rule.code})
