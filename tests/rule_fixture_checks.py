"""Python checks used by the engine tests through test rule packs (``type: python``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from promptlint.checks.base import CheckContext
from promptlint.models import Hit, Prompt, Severity


def two_codes(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
    """Reports XYZ001 on 'alpha' and XYZ002 on 'beta'; counts its calls in the run memo."""
    ctx.memo["two_codes_calls"] = ctx.memo.get("two_codes_calls", 0) + 1
    for word, code in (("alpha", "XYZ001"), ("beta", "XYZ002")):
        at = prompt.text.find(word)
        if at >= 0:
            yield Hit(
                code,
                at,
                at + len(word),
                f"found {word}",
                wasted_tokens=1,
                severity=Severity.ERROR if word == "beta" else None,
            )


def rogue(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
    """Reports a code that none of its rules declares: a bug the engine must not hide."""
    yield Hit("XYZ999", 0, 1, "not mine")


def crashes(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
    raise ValueError("boom")
    yield  # pragma: no cover


def pairs(prompts: Sequence[Prompt], ctx: CheckContext) -> Iterator[tuple[int, Hit]]:
    """Project scope: flags every prompt after the first that shares its text."""
    ctx.memo["pairs_calls"] = ctx.memo.get("pairs_calls", 0) + 1
    seen: dict[str, int] = {}
    for i, p in enumerate(prompts):
        if p.text in seen:
            yield i, Hit("XYZ010", 0, len(p.text), f"same text as prompt {seen[p.text]}")
        seen.setdefault(p.text, i)
