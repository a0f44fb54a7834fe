"""Model catalogue, model resolution and cost estimates."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from promptlint.catalog import REQUIRED, load_catalog
from promptlint.config import ConfigError, config_from_mapping
from promptlint.cost import estimate, review, static_prefix
from promptlint.modelres import ResolvedModel, group_by_call, resolve_model
from promptlint.models import Prompt, SourceMap
from promptlint.resources import rules_data
from promptlint.tiering import TIERS
from promptlint.tokens import TokenCounter, get_encoding


def make_prompt(
    text: str,
    *,
    kind: str = "python",
    role: str | None = "user",
    model: str | None = None,
    call_id: str | None = None,
    path: str = "app.py",
    max_tokens: int | None = None,
    calls_per_day: float | None = None,
    meta: dict | None = None,
    style: str = "format",
) -> Prompt:
    return Prompt(
        path=path,
        kind=kind,
        text=text,
        start_line=1,
        start_col=1,
        end_line=1,
        end_col=len(text) + 1,
        reason="test",
        source_map=SourceMap.for_text(text, 1, 1),
        role=role,
        model=model,
        call_id=call_id,
        max_output_tokens=max_tokens,
        calls_per_day=calls_per_day,
        meta=meta or {},
        placeholder_style=style,
    )


def test_every_model_has_all_fields_and_a_valid_tier() -> None:
    raw = yaml.safe_load(rules_data("models.yaml").read_text(encoding="utf-8"))
    datetime.date.fromisoformat(raw["prices_as_of"])
    catalog = load_catalog()
    assert {"openai", "anthropic", "google", "mistral", "meta", "deepseek"} <= set(raw["providers"])
    for provider, block in raw["providers"].items():
        assert block["source"].startswith("https://"), provider
        for name, fields in block["models"].items():
            assert set(REQUIRED) <= set(fields), name
    for info in catalog.models.values():
        assert info.tier in TIERS, info.name
        assert 0 <= info.cached_input <= info.input, info.name
        assert info.output > 0 and info.input > 0, info.name
        assert info.context_window >= 8000, info.name
        assert info.max_output is None or info.max_output <= info.context_window, info.name
        get_encoding(info.tokenizer)  # a bundled encoding, usable offline
    for tier in TIERS:  # every tier has somewhere to send a prompt, for each major vendor
        assert [m for m in catalog.models.values() if m.tier == tier and m.provider == "openai"]
    assert catalog.sources["openai"].startswith("https://")


@pytest.mark.parametrize(
    "name, expected, how",
    [
        ("gpt-4o", "gpt-4o", "exact"),
        ("GPT-4o-Mini", "gpt-4o-mini", "exact"),
        ("openai/gpt-4.1-mini", "gpt-4.1-mini", "exact"),
        ("gpt-4o-2024-08-06", "gpt-4o", "snapshot"),
        ("gpt-4.1-nano-2025-04-14", "gpt-4.1-nano", "snapshot"),
        ("claude-sonnet-4-20250514", "claude-sonnet-4-0", "snapshot"),
        ("claude-3-5-haiku-20241022", "claude-3-5-haiku", "snapshot"),
        ("claude-3-7-sonnet@20250219", "claude-3-7-sonnet", "snapshot"),
        ("anthropic.claude-3-haiku-20240307-v1:0", "claude-3-haiku", "snapshot"),
        ("models/gemini-2.5-flash", "gemini-2.5-flash", "exact"),
        ("gemini-2.0-flash-001", "gemini-2.0-flash", "snapshot"),
        ("mistral-large-2411", "mistral-large-latest", "snapshot"),
        ("meta-llama/Llama-3.3-70B-Instruct-Turbo", "llama-3.3-70b-instruct", "alias"),
        ("deepseek-r1", "deepseek-reasoner", "alias"),
        ("gpt-4o-mini-search-preview", "gpt-4o-mini", "prefix"),
    ],
)
def test_lookup_understands_names_found_in_code(name: str, expected: str, how: str) -> None:
    found = load_catalog().lookup(name)
    assert found.model is not None and found.model.name == expected
    assert found.how == how


def test_unknown_models_are_reported_not_fatal() -> None:
    catalog = load_catalog()
    found = catalog.lookup("acme-llm-7")
    assert found.model is None and "unknown model 'acme-llm-7'" in found.note
    est = estimate(
        [make_prompt("Summarise {doc}", model="acme-llm-7")],
        config_from_mapping({}),
        TokenCounter(),
    )
    assert est.known_model is False and est.cost_per_call is None
    assert est.model == "acme-llm-7" and est.model_source == "call"
    assert "tiers.models" in est.note


def test_config_overrides_prices_and_adds_internal_models() -> None:
    config = config_from_mapping(
        {
            "tiers": {
                "models": {
                    "gpt-4o": {"input": 1.0, "cached-input": 0.5},
                    "acme-llm": {
                        "tier": "medium",
                        "input": 0.2,
                        "output": 0.4,
                        "context_window": 32000,
                        "tokenizer": "cl100k_base",
                        "aliases": ["acme"],
                    },
                }
            }
        }
    )
    catalog = load_catalog(config)
    gpt4o = catalog.get("gpt-4o-2024-08-06")
    assert gpt4o is not None and gpt4o.input == 1.0 and gpt4o.cached_input == 0.5
    assert gpt4o.output == load_catalog().models["gpt-4o"].output  # untouched fields stay
    acme = catalog.get("acme")
    assert acme is not None and acme.provider == "custom" and acme.cached_input == 0.2
    assert load_catalog().get("acme") is None  # the shipped catalogue is not mutated

    # Internal models count with their declared tokenizer.
    text = "Summarise the incident report for the on-call engineer."
    est = estimate([make_prompt(text, model="acme-llm")], config, TokenCounter())
    assert est.input_tokens == len(get_encoding("cl100k_base").encode_ordinary(text))
    assert est.cost_per_call == pytest.approx((est.input_tokens * 0.2 + 500 * 0.4) / 1e6)


@pytest.mark.parametrize(
    "models, message",
    [
        ({"acme": {"tier": "medium", "input": 1}}, "missing output, context_window"),
        (
            {"acme": {"tier": "huge", "input": 1, "output": 1, "context_window": 9}},
            "tier must be one of",
        ),
        ({"gpt-4o": {"input": -1}}, "input must be a non-negative number"),
        ({"gpt-4o": {"prize": 1}}, "unknown field 'prize'"),
        ({"gpt-4o": {"tokenizer": "llama3"}}, "tokenizer must be one of"),
    ],
)
def test_bad_model_overrides_are_one_line_errors(models: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_catalog(config_from_mapping({"tiers": {"models": models}}))


def test_tier_models_restrict_suggestions() -> None:
    prompts = [
        make_prompt(
            "Classify the review as positive or negative. Reply with one word.", model="gpt-4o"
        )
    ]
    counter = TokenCounter()
    default = review(prompts, config_from_mapping({}), counter)
    assert default.decision.tier == "small"
    assert default.suggestion is not None and default.suggestion.provider == "openai"
    config = config_from_mapping({"tiers": {"tier-models": {"small": ["claude-3-haiku"]}}})
    restricted = review(prompts, config, counter)
    assert restricted.suggestion is not None and restricted.suggestion.name == "claude-3-haiku"
    with pytest.raises(ConfigError, match="unknown model 'nope'"):
        load_catalog(config_from_mapping({"tiers": {"tier-models": {"small": ["nope"]}}}))
    with pytest.raises(ConfigError, match="unknown tier 'tiny'"):
        load_catalog(config_from_mapping({"tiers": {"tier-models": {"tiny": ["gpt-4o"]}}}))


def test_model_resolution_order_and_source(tmp_path: Path) -> None:
    config = config_from_mapping(
        {"model": "gpt-4.1-mini", "tiers": {"model-paths": {"support/**": "claude-3-5-haiku"}}},
        root=str(tmp_path),
    )
    call = make_prompt("Hi", model="gpt-4o", path=str(tmp_path / "support/bot.py"))
    assert resolve_model([call], config).source == "call"
    # Template extractors copy the front-matter model into Prompt.model.
    front = make_prompt(
        "Hi",
        kind="dotprompt",
        model="googleai/gemini-2.5-flash",
        meta={"model": "googleai/gemini-2.5-flash"},
        path=str(tmp_path / "x.prompt"),
    )
    assert resolve_model([front], config) == ResolvedModel(
        "googleai/gemini-2.5-flash", "front-matter"
    )
    nested = make_prompt(
        "Hi", kind="prompty", meta={"model": {"configuration": {"azure_deployment": "gpt-4o"}}}
    )
    assert resolve_model([nested], config).name == "gpt-4o"
    dotted = make_prompt("Hi", kind="dotprompt", meta={"config": {"model": "o4-mini"}})
    assert resolve_model([dotted], config).name == "o4-mini"
    by_path = make_prompt("Hi", path=str(tmp_path / "support" / "faq.py"))
    assert resolve_model([by_path], config) == ResolvedModel("claude-3-5-haiku", "config-path")
    other = make_prompt("Hi", path=str(tmp_path / "billing" / "bot.py"))
    assert resolve_model([other], config) == ResolvedModel("gpt-4.1-mini", "default")


def test_calls_are_grouped_by_call_id_within_a_file() -> None:
    prompts = [
        make_prompt("sys", call_id="c1", role="system"),
        make_prompt("alone"),
        make_prompt("user", call_id="c1"),
        make_prompt("other file", call_id="c1", path="other.py"),
    ]
    assert group_by_call(prompts) == [[0, 2], [1], [3]]


def test_cost_per_call_and_per_month() -> None:
    config = config_from_mapping({"tiers": {"output-tokens": 300, "calls-per-day": {"*.py": 1000}}})
    counter = TokenCounter()
    system = make_prompt(
        "Summarise the ticket in two sentences.", role="system", model="gpt-4o-mini", call_id="c"
    )
    user = make_prompt("Ticket: {ticket}", call_id="c")
    est = estimate([system, user], config, counter)
    tokens = counter.tokens(system.text, "gpt-4o-mini") + counter.tokens(user.text, "gpt-4o-mini")
    assert est.input_tokens == tokens and est.output_tokens == 300 and est.output_source == "config"
    per_call = (tokens * 0.15 + 300 * 0.60) / 1e6
    assert est.cost_per_call == pytest.approx(per_call)
    assert est.calls_source == "config" and est.cost_per_month == pytest.approx(
        per_call * 1000 * 30
    )
    assert est.cost_per_1000 == pytest.approx(per_call * 1000)

    annotated = make_prompt("Summarise {x}", model="gpt-4o-mini", max_tokens=50, calls_per_day=10)
    est = estimate([annotated], config, counter)
    assert (est.output_tokens, est.output_source) == (50, "max-tokens")
    assert (est.calls_per_day, est.calls_source) == (10, "annotation")


def test_long_static_prefix_is_priced_as_cached_input() -> None:
    counter = TokenCounter()
    config = config_from_mapping({})
    manual = "Refund rules: items may be returned within 30 days with a receipt. " * 120
    system = make_prompt(manual, role="system", model="gpt-4.1", call_id="c")
    user = make_prompt("Question: {question}", call_id="c")
    assert static_prefix([system, user]) == manual + "Question: "
    est = estimate([system, user], config, counter)
    assert est.cached_tokens >= 1024
    fresh = est.input_tokens - est.cached_tokens
    assert est.cost_per_call == pytest.approx(
        (fresh * 2.00 + est.cached_tokens * 0.50 + 500 * 8.00) / 1e6
    )
    short = estimate([make_prompt("Question: {q}", model="gpt-4.1")], config, counter)
    assert short.cached_tokens == 0
    jinja = make_prompt("Hello {{ name }}, " + manual, style="jinja")
    assert static_prefix([jinja]) == "Hello "
