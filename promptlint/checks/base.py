"""What every check receives: the run's configuration, token counter and enabled rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from promptlint.config import Config
from promptlint.models import Hit, Prompt, RegistryLoad, Span
from promptlint.tokens import TokenCounter


@dataclass(slots=True)
class CheckContext:
    config: Config
    counter: TokenCounter
    enabled_codes: frozenset[str] = frozenset()  # codes that survive select/ignore
    registry_loads: tuple[RegistryLoad, ...] = ()  # every file's registry.load() calls
    # Scratch space shared by checks within one run (e.g. one PII scan per prompt).
    memo: dict[str, Any] = field(default_factory=dict)

    def enabled(self, code: str) -> bool:
        return code in self.enabled_codes

    def tokens(self, text: str, model: str | None = None) -> int:
        return self.counter.tokens(text, model)


class PromptCheck(Protocol):
    def __call__(self, prompt: Prompt, ctx: CheckContext) -> Iterable[Hit]: ...


class ProjectCheck(Protocol):
    """Cross-prompt checks: yield (index into ``prompts``, hit), or (span, hit) for a hit
    about code outside any prompt (the hit's offsets are then unused)."""

    def __call__(
        self, prompts: Sequence[Prompt], ctx: CheckContext
    ) -> Iterable[tuple[int | Span, Hit]]: ...


RuleSpec = Mapping[str, Any]
