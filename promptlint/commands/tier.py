"""``promptlint tier``: explain which model tier a text needs, and what it costs."""

from __future__ import annotations

import json
from typing import Any

import click

from promptlint.commands.common import config_options, get_config, handle_errors, read_input

SCHEMA = "promptlint.tier/1"


@click.command()
@click.argument("file", required=False, default="-")
@click.option(
    "--model",
    "-m",
    default=None,
    help="Model to price (default: tiers.model-paths for FILE, else the config's model).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@config_options
@handle_errors
def tier(
    file: str, model: str | None, fmt: str, config_file: str | None, quiet: bool, verbose: int
) -> None:
    """Explain the tier decision for FILE (or '-' for standard input): tier, confidence,
    the signals behind it, the cost per call and the cheapest model of that tier."""
    from promptlint.cost import review
    from promptlint.models import Prompt, SourceMap
    from promptlint.tokens import TokenCounter

    text = read_input(file)
    config = get_config(config_file, () if file == "-" else (file,))
    prompt = Prompt(
        path="<stdin>" if file == "-" else file,
        kind="text",
        text=text,
        start_line=1,
        start_col=1,
        end_line=text.count("\n") + 1,
        end_col=1,
        reason="command",
        source_map=SourceMap.for_text(text, 1, 1),
        role="user",
    )
    counter = TokenCounter(config.model)
    result = review([prompt], config, counter, model=model)
    doc = _document(result)
    if fmt == "json":
        click.echo(json.dumps(doc, indent=2))
    else:
        click.echo(_text(doc, verbose > 0))


def _document(result: Any) -> dict[str, Any]:
    decision, est, info, suggestion = (
        result.decision,
        result.estimate,
        result.model,
        result.suggestion,
    )
    return {
        "schema": SCHEMA,
        "tier": decision.tier,
        "confidence": decision.confidence,
        "score": decision.score,
        "signals": [
            {"feature": s.feature, "text": s.text, "contribution": s.contribution}
            for s in decision.signals
        ],
        "model": est.model,
        "model_source": est.model_source,
        "model_tier": info.tier if info else None,
        "input_tokens": est.input_tokens,
        "cached_tokens": est.cached_tokens,
        "output_tokens": est.output_tokens,
        "output_source": est.output_source,
        "cost_per_call": est.cost_per_call,
        "suggested_model": suggestion.name if suggestion else None,
        "suggested_tier": suggestion.tier if suggestion else None,
        "suggested_cost_per_call": result.suggestion_cost,
        "note": est.note,
    }


def _text(doc: dict[str, Any], verbose: bool) -> str:
    from promptlint.cost import usd

    lines = [f"tier: {doc['tier']} (confidence {doc['confidence']:.2f})", "signals:"]
    signals = doc["signals"] if verbose else doc["signals"][:6]
    lines += [f"  {s['contribution']:+.2f}  {s['text']}" for s in signals] or ["  (none)"]
    model_tier = f", tier {doc['model_tier']}" if doc["model_tier"] else ""
    lines.append(f"model: {doc['model']} ({doc['model_source']}{model_tier})")
    if doc["note"]:
        lines.append(f"note: {doc['note']}")
    output_from = "max_tokens" if doc["output_source"] == "max-tokens" else "tiers.output-tokens"
    cached = f", {doc['cached_tokens']:,} of them cached" if doc["cached_tokens"] else ""
    if doc["cost_per_call"] is not None:
        lines.append(
            f"cost: {usd(doc['cost_per_call'])} per call, {usd(doc['cost_per_call'] * 1000)} per "
            f"1,000 calls ({doc['input_tokens']:,} input tokens{cached}, "
            f"{doc['output_tokens']:,} output tokens from {output_from})"
        )
    suggested, cost = doc["suggested_model"], doc["suggested_cost_per_call"]
    if suggested and cost is not None:
        line = (
            f"suggested: {suggested} ({doc['suggested_tier']}), {usd(cost * 1000)} per 1,000 calls"
        )
        now = doc["cost_per_call"]
        if now and suggested != doc["model"]:
            delta = now - cost
            verb = "saves" if delta > 0 else "costs"
            line += f"; {verb} {usd(abs(delta) * 1000)} per 1,000 calls"
        lines.append(line)
    return "\n".join(lines)
