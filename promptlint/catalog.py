"""The model catalogue: tier, prices, context window and tokenizer of each known model.

Shipped as ``rules/data/models.yaml``; ``tiers.models`` in the config overrides fields of a
known model (negotiated prices) or adds an internal one, and ``tiers.tier-models`` restricts
suggestions to the models a team may use. Lookups accept the names found in code: provider
prefixes (``openai/``, ``models/``, Bedrock's ``anthropic.``), dated snapshots
(``gpt-4o-2024-08-06``, ``claude-sonnet-4-20250514``, ``...@20240620``) and aliases.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from promptlint.config import Config, ConfigError
from promptlint.resources import rules_data
from promptlint.tiering import TIER_RANK, TIERS

REQUIRED = ("tier", "input", "cached_input", "output", "context_window", "tokenizer")
TOKENIZERS = ("o200k_base", "cl100k_base")
_PRICE_FIELDS = ("input", "cached_input", "output")
_FIELDS = {*REQUIRED, "max_output", "provider", "aliases"}

# Snapshot and deployment suffixes, stripped one at a time until a name is found.
_VERSION_SUFFIX = re.compile(
    r"(?:-\d{4}-\d{2}-\d{2}|[-@]\d{8}|-v\d+(?::\d+)?|:\d+|-\d{3,4}|-latest|-preview(?:-\d\d-\d\d)?"
    r"|-exp(?:-\d{4})?)$"
)
_VENDOR_DOT = re.compile(r"^(?:[a-z]{2}\.)?(?:anthropic|meta|mistral|amazon|openai|google)\.")


@dataclass(frozen=True, slots=True)
class ModelInfo:
    name: str
    provider: str
    tier: str
    input: float  # USD per million tokens
    cached_input: float
    output: float
    context_window: int
    tokenizer: str
    max_output: int | None = None
    aliases: tuple[str, ...] = ()

    def price(self, input_tokens: int, cached_tokens: int, output_tokens: int) -> float:
        """USD for one call; ``cached_tokens`` is the part of ``input_tokens`` read from cache."""
        fresh = max(input_tokens - cached_tokens, 0)
        return (
            fresh * self.input + cached_tokens * self.cached_input + output_tokens * self.output
        ) / 1_000_000


@dataclass(frozen=True, slots=True)
class Lookup:
    query: str
    model: ModelInfo | None
    how: str  # exact | alias | snapshot | prefix | unknown

    @property
    def note(self) -> str:
        if self.model is None:
            return f"unknown model '{self.query}': not in the catalogue (add it under tiers.models)"
        if self.how == "prefix":
            return f"'{self.query}' priced as {self.model.name} (closest catalogue name)"
        return ""


def normalise(name: str) -> str:
    """Lower case, provider prefixes removed: ``openai/gpt-4o`` -> ``gpt-4o``."""
    key = name.strip().lower().rsplit("/", 1)[-1]
    return _VENDOR_DOT.sub("", key)


@dataclass(frozen=True)
class Catalog:
    models: Mapping[str, ModelInfo]
    prices_as_of: str
    sources: Mapping[str, str]  # provider -> URL of the prices
    tier_models: Mapping[str, tuple[str, ...]]  # tier -> allowed models (config), may be empty
    index: Mapping[str, str]  # normalised name or alias -> catalogue name

    def lookup(self, name: str | None) -> Lookup:
        if not name:
            return Lookup("", None, "unknown")
        key = normalise(name)
        if key in self.index:
            found = self.index[key]
            return Lookup(name, self.models[found], "exact" if key == normalise(found) else "alias")
        stripped = key
        while (shorter := _VERSION_SUFFIX.sub("", stripped)) != stripped:
            stripped = shorter
            if stripped in self.index:
                return Lookup(name, self.models[self.index[stripped]], "snapshot")
        # A variant of a known model (gpt-4o-mini-search-preview): the longest known prefix.
        prefixes = [k for k in self.index if key.startswith(k + "-")]
        if prefixes:
            return Lookup(name, self.models[self.index[max(prefixes, key=len)]], "prefix")
        return Lookup(name, None, "unknown")

    def get(self, name: str | None) -> ModelInfo | None:
        return self.lookup(name).model

    def candidates(self, tier: str, current: ModelInfo | None) -> list[ModelInfo]:
        """Models a suggestion for ``tier`` may name: the configured ones for that tier, else
        the catalogue's models of that tier from the current model's provider (switching
        vendors is a bigger decision than switching size), else all of that tier."""
        allowed = self.tier_models.get(tier)
        if allowed:
            return [self.models[n] for n in allowed]
        same_tier = [m for m in self.models.values() if m.tier == tier]
        if current is not None:
            own = [m for m in same_tier if m.provider == current.provider]
            if own:
                return own
        return same_tier

    def model_for_tier(self, tier: str, default: str) -> ModelInfo | None:
        """The model a prompt that declares ``tier`` runs on: ``default`` when it is of that
        tier, else the first configured model of the tier, else the tier's cheapest model
        (list prices) from the default's provider when it has one."""
        current = self.get(default)
        if current is not None and current.tier == tier:
            return current
        options = self.candidates(tier, current)
        if self.tier_models.get(tier):
            return options[0]
        return min(options, key=lambda m: m.input + m.output, default=None)

    def suggest(
        self, tier: str, current: ModelInfo | None, cost: Callable[[ModelInfo], float]
    ) -> ModelInfo | None:
        """The cheapest candidate for ``tier`` by ``cost`` (a call's price on a model)."""
        options = self.candidates(tier, current)
        order = {name: i for i, name in enumerate(self.models)}  # ties: catalogue order
        return min(options, key=lambda m: (cost(m), order[m.name])) if options else None


def _model(name: str, provider: str, fields: Mapping[str, Any], where: str) -> ModelInfo:
    fields = {str(k).replace("-", "_"): v for k, v in fields.items()}
    unknown = set(fields) - _FIELDS
    if unknown:
        raise ConfigError(
            f"{where}: unknown field '{sorted(unknown)[0]}' (known: {', '.join(sorted(_FIELDS))})"
        )
    values = fields
    values.setdefault("cached_input", values.get("input"))
    values.setdefault("tokenizer", "o200k_base")
    missing = [f for f in REQUIRED if values.get(f) is None]
    if missing:
        raise ConfigError(f"{where}: missing {', '.join(missing)}")
    if values["tier"] not in TIER_RANK:
        raise ConfigError(
            f"{where}: tier must be one of {', '.join(TIERS)}, not {values['tier']!r}"
        )
    if values["tokenizer"] not in TOKENIZERS:
        raise ConfigError(f"{where}: tokenizer must be one of {', '.join(TOKENIZERS)}")
    for key in _PRICE_FIELDS:
        value = values[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(
                f"{where}: {key} must be a non-negative number (USD per million tokens)"
            )
    for key in ("context_window", "max_output"):
        value = values.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value <= 0
        ):
            raise ConfigError(f"{where}: {key} must be a positive integer")
    aliases = values.get("aliases") or ()
    if isinstance(aliases, str) or not all(isinstance(a, str) for a in aliases):
        raise ConfigError(f"{where}: aliases must be a list of names")
    return ModelInfo(
        name=name,
        provider=str(values.get("provider") or provider),
        tier=values["tier"],
        input=float(values["input"]),
        cached_input=float(values["cached_input"]),
        output=float(values["output"]),
        context_window=int(values["context_window"]),
        tokenizer=values["tokenizer"],
        max_output=values.get("max_output"),
        aliases=tuple(aliases),
    )


@functools.lru_cache(maxsize=1)
def _shipped() -> tuple[dict[str, ModelInfo], str, dict[str, str]]:
    import yaml

    with open(rules_data("models.yaml"), encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    models: dict[str, ModelInfo] = {}
    sources: dict[str, str] = {}
    for provider, block in data["providers"].items():
        sources[provider] = block["source"]
        for name, fields in block["models"].items():
            models[name] = _model(name, provider, fields, f"models.yaml: {name}")
    return models, str(data["prices_as_of"]), sources


def _index(models: Mapping[str, ModelInfo]) -> dict[str, str]:
    index: dict[str, str] = {}
    for info in models.values():
        for alias in info.aliases:
            index.setdefault(normalise(alias), info.name)
    for info in models.values():  # a model's own name wins over another model's alias
        index[normalise(info.name)] = info.name
    return index


@functools.lru_cache(maxsize=8)
def _build(overrides: str) -> Catalog:
    shipped, as_of, sources = _shipped()
    extra = json.loads(overrides)
    models = dict(shipped)
    base = Catalog(models, as_of, sources, {}, _index(models))
    for name, fields in extra["models"].items():
        where = f"tiers.models.{name}"
        if not isinstance(fields, dict):
            raise ConfigError(f"{where} must be a mapping of fields")
        known = base.lookup(name)
        if known.model is not None and known.how != "prefix":
            merged = {f.name: getattr(known.model, f.name) for f in dataclasses.fields(ModelInfo)}
            merged.update({str(k).replace("-", "_"): v for k, v in fields.items()})
            name = merged.pop("name")
            provider = merged.pop("provider")
            models[name] = _model(name, provider, merged, where)
        else:
            models[name] = _model(name, "custom", fields, where)
    index = _index(models)
    catalog = Catalog(models, as_of, sources, {}, index)
    tier_models: dict[str, tuple[str, ...]] = {}
    for tier, names in extra["tier_models"].items():
        if tier not in TIER_RANK:
            raise ConfigError(
                f"tiers.tier-models: unknown tier '{tier}' (known: {', '.join(TIERS)})"
            )
        resolved = []
        for name in names:
            info = catalog.get(name)
            if info is None:
                raise ConfigError(
                    f"tiers.tier-models.{tier}: unknown model '{name}' (add it under tiers.models)"
                )
            resolved.append(info.name)
        tier_models[tier] = tuple(resolved)
    return Catalog(models, as_of, sources, tier_models, index)


def load_catalog(config: Config | None = None) -> Catalog:
    """The shipped catalogue with the config's model overrides and tier lists applied."""
    tiers = config.tiers if config is not None else None
    key = json.dumps(
        {
            "models": dict(tiers.models) if tiers else {},
            "tier_models": {k: list(v) for k, v in tiers.tier_models.items()} if tiers else {},
        },
        sort_keys=True,
        default=str,
    )
    return _build(key)
