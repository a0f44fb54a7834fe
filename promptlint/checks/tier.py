"""TIER rules: the model a call uses against the tier its prompts need, and what that costs.

One project-scope check judges each call once (its system and user prompts together, grouped
by ``call_id``) and reports on the call's first prompt, so a developer who disagrees can
suppress the finding where the call starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from promptlint.checks.base import CheckContext
from promptlint.cost import CallReview, TierMove, review, tier_move, usd
from promptlint.modelres import group_by_call
from promptlint.models import Hit, Prompt, Severity

ABOVE_TIER = "TIER001"
BELOW_TIER = "TIER002"
CONTEXT_OVERFLOW = "TIER003"
NO_OUTPUT_LIMIT = "TIER004"
CODES = (ABOVE_TIER, BELOW_TIER, CONTEXT_OVERFLOW, NO_OUTPUT_LIMIT)


def check_calls(prompts: Sequence[Prompt], ctx: CheckContext) -> Iterable[tuple[int, Hit]]:
    if not any(ctx.enabled(code) for code in CODES):
        return
    for group in group_by_call(prompts):
        call = [prompts[i] for i in group]
        if not any(p.text.strip() for p in call):
            continue
        result = review(call, ctx.config, ctx.counter)
        first = call[0]
        newline = first.text.find("\n")
        end = len(first.text) if newline < 0 else newline
        for hit in _hits(result, call, ctx, end):
            yield group[0], hit


def _hits(result: CallReview, call: Sequence[Prompt], ctx: CheckContext, end: int) -> Iterable[Hit]:
    decision, est, model = result.decision, result.estimate, result.model
    move = tier_move(result, ctx.config)
    why = f"{decision.tier} (confidence {decision.confidence:.2f}: {decision.explain()})"
    data = {
        "tier": decision.tier,
        "confidence": decision.confidence,
        "signals": decision.reasons,
        "model": est.model,
        "model_source": est.model_source,
        "cost_per_call": est.cost_per_call,
    }
    if move is not None and move.direction == "down" and ctx.enabled(ABOVE_TIER):
        yield Hit(
            ABOVE_TIER,
            0,
            end,
            _above_message(result, why, move),
            evidence=f"{est.model}>{decision.tier}",
            data={
                **data,
                "suggested_model": move.suggested_model,
                "saving_per_call": move.saving_per_call,
            },
        )
    if move is not None and move.direction == "up" and ctx.enabled(BELOW_TIER):
        # With no model visible anywhere, the default model is a guess: say so, at info
        # level, rather than fail a commit over a model the code may never use.
        assumed = est.model_source == "default"
        yield Hit(
            BELOW_TIER,
            0,
            end,
            _below_message(result, why)
            + (
                "; the model is the configured default, not one named for this call"
                if assumed
                else ""
            ),
            severity=Severity.INFO if assumed else None,
            evidence=f"{est.model}<{decision.tier}",
            data={**data, "suggested_model": move.suggested_model},
        )
    if model is not None and ctx.enabled(CONTEXT_OVERFLOW):
        needed = est.input_tokens + est.output_tokens
        if needed > model.context_window:
            yield Hit(
                CONTEXT_OVERFLOW,
                0,
                end,
                f"{est.input_tokens:,} input + {est.output_tokens:,} output tokens exceed the "
                f"{model.context_window:,}-token context window of {model.name}",
                evidence=f"{est.model}:{model.context_window}",
                data={**data, "needed": needed},
            )
    if ctx.enabled(NO_OUTPUT_LIMIT) and est.output_source != "max-tokens" and _call_visible(call):
        task = f"a {decision.tier} task" if decision.tier != "small" else "a short-answer task"
        yield Hit(
            NO_OUTPUT_LIMIT,
            0,
            end,
            f"No output limit on this call to {est.model} ({task}: {decision.explain(2)}); "
            f"set max_tokens so a runaway answer cannot cost more than you planned "
            f"(estimates assume {est.output_tokens:,} output tokens)",
            evidence=f"{est.model}:no-limit",
            data=data,
        )


def _call_visible(call: Sequence[Prompt]) -> bool:
    """A limit is expected where the model is set next to the prompt (an API call's
    arguments or a template's model settings): that is where ``max_tokens`` belongs."""
    return any(p.model for p in call)


def _volume(result: CallReview, per_call_saving: float) -> str:
    est = result.estimate
    if not est.calls_per_day:
        return ""
    month = per_call_saving * est.calls_per_day * 30
    return f"; {usd(month)} a month at {est.calls_per_day:,.0f} calls a day"


def _above_message(result: CallReview, why: str, move: TierMove) -> str:
    est, saving = result.estimate, move.saving_per_call
    assert result.model is not None and est.cost_per_call is not None and saving is not None
    share = saving / est.cost_per_call * 100 if est.cost_per_call else 0.0
    return (
        f"{est.model} ({result.model.tier}) is above the tier this prompt needs: {why}. "
        f"Per 1,000 calls: {usd(est.cost_per_call * 1000)} now, "
        f"{usd((move.suggested_cost_per_call or 0) * 1000)} on {move.suggested_model}; "
        f"saves {usd(saving * 1000)} ({share:.0f}%){_volume(result, saving)}"
    )


def _below_message(result: CallReview, why: str) -> str:
    est, suggestion = result.estimate, result.suggestion
    assert result.model is not None
    advice = ""
    if suggestion is not None and result.suggestion_cost is not None:
        advice = (
            f"; consider {suggestion.name} ({usd(result.suggestion_cost * 1000)} per 1,000 calls)"
        )
    return (
        f"{est.model} ({result.model.tier}) is below the tier this prompt needs: {why}. "
        f"Quality risk: expect wrong or shallow answers{advice}"
    )
