"""What a call costs: per call from its tokens and the catalogue's prices, per month when the
call volume is known.

Input is every prompt of the call counted with the model's tokenizer. Expected output is the
call's ``max_tokens`` (or front-matter cap), else ``tiers.output-tokens``. When the static part
of the call (everything before the first placeholder) is at least ``cache_min_tokens`` long,
providers serve it from their prompt cache on repeated calls, so it is priced at the
cached-input rate. A month is 30 days.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from promptlint.catalog import Catalog, ModelInfo, load_catalog
from promptlint.config import Config
from promptlint.modelres import (
    ResolvedModel,
    calls_per_day,
    group_by_call,
    output_limit,
    resolve_model,
)
from promptlint.models import Prompt
from promptlint.tiering import TIER_RANK, TierDecision, decide_prompts, heuristics
from promptlint.tokens import TokenCounter, model_encoding

DAYS_PER_MONTH = 30
# A model name per bundled encoding, to count for models whose names tokens.py does not know.
_ENCODING_MODEL = {"o200k_base": "gpt-4o", "cl100k_base": "gpt-4"}
_PLACEHOLDERS = {
    "format": re.compile(r"(?<!\{)\{[A-Za-z_]"),
    "jinja": re.compile(r"\{\{|\{%"),
    "handlebars": re.compile(r"\{\{"),
    "percent": re.compile(r"%\(\w+\)[sdifr]|%[sd]"),
}


@dataclass(frozen=True, slots=True)
class CostEstimate:
    model: str
    model_source: str  # a ResolvedModel source, or option (given explicitly)
    known_model: bool  # False: not in the catalogue, no price
    input_tokens: int
    cached_tokens: int  # part of input_tokens priced at the cached-input rate
    output_tokens: int
    output_source: str  # max-tokens | config
    cost_per_call: float | None  # USD
    calls_per_day: float | None
    calls_source: str | None  # annotation | config
    cost_per_month: float | None  # USD
    note: str = ""

    @property
    def cost_per_1000(self) -> float | None:
        return None if self.cost_per_call is None else self.cost_per_call * 1000


def static_prefix(prompts: Sequence[Prompt]) -> str:
    """The text of the call up to its first placeholder: what a prompt cache can reuse."""
    pieces: list[str] = []
    for prompt in prompts:
        pattern = _PLACEHOLDERS.get(prompt.placeholder_style)
        match = pattern.search(prompt.text) if pattern else None
        if match:
            pieces.append(prompt.text[: match.start()])
            break
        pieces.append(prompt.text)
    return "".join(pieces)


def count(text: str, model: str, info: ModelInfo | None, counter: TokenCounter) -> int:
    """Tokens of ``text`` for ``model``, with the catalogue's tokenizer when tokens.py would
    otherwise guess (internal model names)."""
    if info is not None and model_encoding(model).encoding != info.tokenizer:
        model = _ENCODING_MODEL[info.tokenizer]
    return counter.tokens(text, model)


def estimate(
    prompts: Sequence[Prompt],
    config: Config,
    counter: TokenCounter,
    *,
    model: str | None = None,
    catalog: Catalog | None = None,
) -> CostEstimate:
    """The cost of one call made of ``prompts`` (on ``model`` when given, else the call's)."""
    catalog = catalog or load_catalog(config)
    resolved = ResolvedModel(model, "option") if model else resolve_model(prompts, config)
    lookup = catalog.lookup(resolved.name)
    info = lookup.model
    input_tokens = sum(count(p.text, resolved.name, info, counter) for p in prompts)
    limit = output_limit(prompts)
    output_tokens, output_source = (
        (limit, "max-tokens") if limit else (config.tiers.output_tokens, "config")
    )
    cached = count(static_prefix(prompts), resolved.name, info, counter)
    if cached < heuristics(config).thresholds["cache_min_tokens"]:
        cached = 0
    volume, volume_source = calls_per_day(prompts, config)
    per_call = info.price(input_tokens, cached, output_tokens) if info else None
    per_month = per_call * volume * DAYS_PER_MONTH if per_call is not None and volume else None
    return CostEstimate(
        model=resolved.name,
        model_source=resolved.source,
        known_model=info is not None,
        input_tokens=input_tokens,
        cached_tokens=cached,
        output_tokens=output_tokens,
        output_source=output_source,
        cost_per_call=per_call,
        calls_per_day=volume,
        calls_source=volume_source,
        cost_per_month=per_month,
        note=lookup.note,
    )


def price_on(
    prompts: Sequence[Prompt],
    info: ModelInfo,
    output_tokens: int,
    config: Config,
    counter: TokenCounter,
) -> float:
    """The price of the call made of ``prompts`` on ``info`` (counted with its tokenizer)."""
    input_tokens = sum(count(p.text, info.name, info, counter) for p in prompts)
    cached = count(static_prefix(prompts), info.name, info, counter)
    if cached < heuristics(config).thresholds["cache_min_tokens"]:
        cached = 0
    return info.price(input_tokens, cached, output_tokens)


@dataclass(frozen=True, slots=True)
class CallReview:
    """A call's tier decision, its cost, and the cheapest model of the suggested tier."""

    decision: TierDecision
    estimate: CostEstimate
    model: ModelInfo | None  # None: not in the catalogue
    suggestion: ModelInfo | None  # cheapest allowed model of the suggested tier
    suggestion_cost: float | None  # USD per call on the suggestion

    @property
    def gap(self) -> int:
        """Tiers between the model and the decision: > 0 above, < 0 below, 0 when unknown."""
        if self.model is None:
            return 0
        return TIER_RANK[self.model.tier] - TIER_RANK[self.decision.tier]


@dataclass(frozen=True, slots=True)
class TierMove:
    """A suggested change of model for one call (what TIER001/TIER002 report)."""

    direction: str  # down: a cheaper model is enough | up: the call needs a stronger model
    suggested_tier: str
    suggested_model: str | None
    suggested_cost_per_call: float | None
    saving_per_call: float | None  # negative for "up": what the stronger model costs extra


def tier_move(result: CallReview, config: Config) -> TierMove | None:
    """The move a review supports: down only when the decision is confident enough and a
    cheaper model exists; up when the decision is confident enough (a quality risk)."""
    if result.model is None or result.gap == 0:
        return None
    thresholds = heuristics(config).thresholds
    decision, now = result.decision, result.estimate.cost_per_call
    suggestion, cheaper = result.suggestion, result.suggestion_cost
    if result.gap > 0:
        if decision.confidence < thresholds["min_confidence_above"]:
            return None
        if suggestion is None or cheaper is None or now is None or cheaper >= now:
            return None
        return TierMove("down", decision.tier, suggestion.name, cheaper, now - cheaper)
    if decision.confidence < thresholds["min_confidence_below"]:
        return None
    extra = cheaper - now if cheaper is not None and now is not None else None
    return TierMove(
        "up",
        decision.tier,
        suggestion.name if suggestion else None,
        cheaper,
        -extra if extra is not None else None,
    )


def review(
    prompts: Sequence[Prompt],
    config: Config,
    counter: TokenCounter,
    *,
    model: str | None = None,
) -> CallReview:
    """Decide the tier of one call and price it now and on the suggested model."""
    catalog = load_catalog(config)
    decision = decide_prompts(prompts, config)
    est = estimate(prompts, config, counter, model=model, catalog=catalog)
    info = catalog.get(est.model)
    suggestion = catalog.suggest(
        decision.tier, info, lambda m: price_on(prompts, m, est.output_tokens, config, counter)
    )
    suggestion_cost = (
        price_on(prompts, suggestion, est.output_tokens, config, counter) if suggestion else None
    )
    return CallReview(decision, est, info, suggestion, suggestion_cost)


def usd(value: float | None) -> str:
    """Money as every message and report prints it: whole dollars from $100, cents from $1,
    below that two significant digits and no trailing zeros ($0.53, $0.005, $0.000041)."""
    if value is None:
        return "n/a"
    if value < 0:
        return f"-{usd(-value)}"
    if value >= 100:
        return f"${value:,.0f}"
    if value >= 1:
        return f"${value:,.2f}"
    if value == 0:
        return "$0"
    digits = max(2, 1 - math.floor(math.log10(value)))
    whole, _, frac = f"{value:.{digits}f}".rstrip("0").partition(".")
    return f"${whole}.{frac.ljust(2, '0')}"


def call_fields(
    prompts: Sequence[Prompt], config: Config, counter: TokenCounter
) -> list[dict[str, Any]]:
    """Per prompt, in order: the tier and cost fields of the extract JSON. The prompts of one
    call are judged together and carry their call's values (``cost_per_call`` is the whole
    call's, so sum it once per call)."""
    fields: list[dict[str, Any]] = [{} for _ in prompts]
    for group in group_by_call(prompts):
        result = review([prompts[i] for i in group], config, counter)
        values = {
            "tier": result.decision.tier,
            "tier_confidence": result.decision.confidence,
            "tier_signals": result.decision.supporting,
            "model": result.estimate.model,
            "model_source": result.estimate.model_source,
            "cost_per_call": result.estimate.cost_per_call,
        }
        for index in group:
            fields[index] = dict(values)
    return fields
