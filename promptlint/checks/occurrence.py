"""``occurrence`` rules: a pattern counted per prompt against a maximum and/or minimum."""

from __future__ import annotations

from collections.abc import Iterator

from promptlint.checks.base import CheckContext, PromptCheck
from promptlint.checks.regexsafe import compile_pattern, find_all
from promptlint.checks.text import evidence, fill, in_template, is_skipped
from promptlint.checks.waste import span_tokens
from promptlint.models import Hit, Prompt
from promptlint.rulepack import Rule


def build(rule: Rule) -> PromptCheck:
    opts = rule.options
    pattern = compile_pattern(opts["pattern"], opts["ignorecase"])
    most: int | None = opts["max"]
    least: int | None = opts["min"]
    skip: tuple[str, ...] = opts["skip"]

    def check(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
        text = prompt.text
        matches = [
            m
            for m in find_all(pattern, text, rule.code)
            if m.end() > m.start()
            and not in_template(text, *m.span())
            and not is_skipped(text, skip, *m.span())
        ]
        count = len(matches)
        if most is not None and count > most:
            excess = matches[most:]
            wasted = (
                sum(span_tokens(ctx, prompt, *m.span()) for m in excess)
                if opts["waste"] == "excess"
                else 0
            )
            first = excess[0]
            yield Hit(
                rule.code,
                first.start(),
                first.end(),
                fill(rule.message, count=count, max=most, min=least, match=first.group(0)),
                wasted_tokens=wasted,
                evidence=evidence(first.group(0)),
                data={"count": count},
            )
        if least is not None and count < least and text.strip():
            line_end = text.find("\n")
            yield Hit(
                rule.code,
                0,
                len(text) if line_end < 0 else line_end,
                fill(rule.message, count=count, max=most, min=least),
                data={"count": count},
            )

    return check
