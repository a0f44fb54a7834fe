"""Which use case a call serves (writing, research, support, code, ops, other).

A keyword heuristic whose data lives in ``rules/data/usecases.yaml``; overridden per path by
``audit.use-cases`` in the configuration and per template by ``use_case`` front matter.
The prompts of one call are classified together, so a system prompt and its user turn land
in the same use case and the call's cost is counted once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from promptlint.config import Config
from promptlint.filetypes import matches_any
from promptlint.models import Prompt
from promptlint.resources import rules_data
from promptlint.yamlsafe import load_yaml

USE_CASES = ("writing", "research", "support", "code", "ops", "other")
FALLBACK = "other"


@dataclass(frozen=True, slots=True)
class UseCaseModel:
    min_score: float
    patterns: tuple[tuple[str, float, re.Pattern[str]], ...]


@functools.lru_cache(maxsize=1)
def _model() -> UseCaseModel:
    data = load_yaml(rules_data("usecases.yaml").read_text("utf-8"), "usecases.yaml")
    patterns = []
    for name, spec in data["use_cases"].items():
        words = sorted(spec["keywords"], key=len, reverse=True)
        alternation = "|".join(re.escape(w).replace(r"\ ", r"[\s_-]+") for w in words)
        patterns.append(
            (
                name,
                float(spec.get("weight", 1.0)),
                re.compile(rf"(?<![\w])(?:{alternation})(?![\w])", re.IGNORECASE),
            )
        )
    return UseCaseModel(float(data.get("min_score", 1)), tuple(patterns))


def _declared(meta: Mapping[str, Any]) -> str | None:
    value = meta.get("use_case", meta.get("use-case")) if meta else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def score_use_cases(text: str) -> dict[str, float]:
    """Weighted keyword counts per use case (only those with a match)."""
    scores: dict[str, float] = {}
    for name, weight, pattern in _model().patterns:
        found = len(pattern.findall(text))
        if found:
            scores[name] = weight * found
    return scores


def classify_call(prompts: Sequence[Prompt], relpath: str, config: Config) -> str:
    """The use case of the call made of ``prompts`` (all from the file at ``relpath``).

    Precedence: the first ``audit.use-cases`` glob matching the path, then ``use_case`` in a
    template's front matter, then the keyword heuristic over the path and the call's text.
    """
    for glob, use_case in config.audit.use_cases.items():
        if matches_any(relpath, [glob]):
            return use_case
    for prompt in prompts:
        declared = _declared(prompt.meta)
        if declared:
            return declared
    path_words = relpath.replace("/", " ").replace("_", " ").replace(".", " ")
    text = "\n".join([path_words, *(p.text for p in prompts)])
    scores = score_use_cases(text)
    if not scores:
        return FALLBACK
    # Ties go to the use case listed first in the data file (dicts keep insertion order).
    best = max(scores, key=lambda name: scores[name])
    return best if scores[best] >= _model().min_score else FALLBACK
