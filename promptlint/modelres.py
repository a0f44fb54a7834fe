"""Which model a call uses, how that was found, and the call's other cost facts.

Precedence: the model literal in the same call (``call``), the template's front matter
(``front-matter``), the model of the tier the front matter declares (``tier: small``, the
author's intent: ``front-matter-tier``), the first ``tiers.model-paths`` glob matching the file
(``config-path``), then ``model`` of the config (``default``). The prompts of one call share ``Prompt.call_id``;
a prompt without one is a call of its own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from promptlint.catalog import load_catalog
from promptlint.config import Config
from promptlint.filetypes import matches_any
from promptlint.models import Prompt
from promptlint.tiering import TIER_RANK

# Where templates keep their model besides a top-level ``model:`` (dotprompt ``config:``,
# LangChain-style ``parameters:``, Prompty's ``model: {configuration: ...}`` via model_from).
_NESTED_MODEL = (("config", "model"), ("parameters", "model"), ("settings", "model"))


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    name: str
    source: str  # call | front-matter | front-matter-tier | config-path | default


def group_by_call(prompts: Sequence[Prompt]) -> list[list[int]]:
    """Indices of ``prompts`` grouped by call, in order of each call's first prompt."""
    groups: dict[tuple[str, str] | int, list[int]] = {}
    for index, prompt in enumerate(prompts):
        key: tuple[str, str] | int = (prompt.path, prompt.call_id) if prompt.call_id else index
        groups.setdefault(key, []).append(index)
    return list(groups.values())


def front_matter_model(meta: Mapping[str, Any]) -> str | None:
    from promptlint.extract.sections import model_from

    found = model_from(meta.get("model"))
    if found:
        return found
    for outer, inner in _NESTED_MODEL:
        holder = meta.get(outer)
        if isinstance(holder, Mapping):
            found = model_from(holder.get(inner))
            if found:
                return found
    return None


def relative_path(path: str, config: Config) -> str:
    """``path`` relative to the config root, POSIX style (as config globs expect)."""
    try:
        return Path(os.path.abspath(path)).relative_to(Path(config.root).resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix().lstrip("/")


def resolve_model(prompts: Sequence[Prompt], config: Config) -> ResolvedModel:
    """The model the call made of ``prompts`` is sent to."""
    front: str | None = None
    for prompt in prompts:
        fm = front_matter_model(prompt.meta) if prompt.meta else None
        front = front or fm
        # Template extractors copy the front-matter model into ``model``; only a value that
        # differs from it (or any value in Python source) is a literal of the call itself.
        if prompt.model and (prompt.kind == "python" or prompt.model != fm):
            return ResolvedModel(prompt.model, "call")
    if front:
        return ResolvedModel(front, "front-matter")
    tier = declared_tier(prompts)
    if tier is not None:
        info = load_catalog(config).model_for_tier(tier, config.model)
        if info is not None:
            return ResolvedModel(info.name, "front-matter-tier")
    if prompts and config.tiers.model_paths:
        rel = relative_path(prompts[0].path, config)
        for glob, model in config.tiers.model_paths.items():
            if matches_any(rel, [glob]):
                return ResolvedModel(model, "config-path")
    return ResolvedModel(config.model, "default")


def declared_tier(prompts: Sequence[Prompt]) -> str | None:
    """The tier a template's front matter declares (``tier: small``), if it names one."""
    for prompt in prompts:
        value = prompt.meta.get("tier") if prompt.meta else None
        if isinstance(value, str) and value.strip().lower() in TIER_RANK:
            return value.strip().lower()
    return None


def output_limit(prompts: Sequence[Prompt]) -> int | None:
    """The output cap visible in the call (``max_tokens`` or the front-matter equivalent)."""
    limits = [p.max_output_tokens for p in prompts if p.max_output_tokens]
    return min(limits) if limits else None


def calls_per_day(prompts: Sequence[Prompt], config: Config) -> tuple[float | None, str | None]:
    """Call volume and where it came from: the annotation next to the prompt, else the first
    ``tiers.calls-per-day`` glob matching the file."""
    for prompt in prompts:
        if prompt.calls_per_day is not None:
            return prompt.calls_per_day, "annotation"
    if prompts and config.tiers.calls_per_day:
        rel = relative_path(prompts[0].path, config)
        for glob, volume in config.tiers.calls_per_day.items():
            if matches_any(rel, [glob]):
                return volume, "config"
    return None, None
