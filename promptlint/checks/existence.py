"""``existence`` rules: phrases or patterns that should not appear in a prompt."""

from __future__ import annotations

from collections.abc import Iterator

from promptlint.checks.base import CheckContext, PromptCheck
from promptlint.checks.regexsafe import compile_pattern, find_all, phrases_pattern
from promptlint.checks.text import evidence, fill, in_template, is_skipped, removal_edit
from promptlint.checks.waste import edit_saving, span_tokens
from promptlint.models import Hit, Prompt
from promptlint.rulepack import Rule


def build(rule: Rule) -> PromptCheck:
    opts = rule.options
    sources: list[str] = []
    if opts["tokens"]:
        sources.append(
            phrases_pattern(opts["tokens"], nonword=opts["nonword"], ignorecase=opts["ignorecase"])
        )
    sources.extend(opts["patterns"])
    patterns = [compile_pattern(s, opts["ignorecase"]) for s in sources]
    remove = opts["action"] == "remove" and rule.fix_safety is not None
    count_waste = opts["waste"] == "match"
    skip: tuple[str, ...] = opts["skip"]

    def check(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
        text = prompt.text
        spans = sorted(
            m.span()
            for pattern in patterns
            for m in find_all(pattern, text, rule.code)
            if m.end() > m.start()
        )
        last_end = -1
        for start, end in spans:
            if (
                start < last_end
                or in_template(text, start, end)
                or is_skipped(text, skip, start, end)
            ):
                continue
            last_end = end
            matched = text[start:end]
            edits = (removal_edit(text, start, end),) if remove else ()
            if edits and in_template(text, edits[0].start, edits[0].end):
                edits = ()
            if count_waste:
                wasted = (
                    edit_saving(ctx, prompt, edits[0])
                    if edits
                    else span_tokens(ctx, prompt, start, end)
                )
            else:
                wasted = 0
            yield Hit(
                rule.code,
                start,
                end,
                fill(rule.message, match=matched),
                wasted_tokens=wasted,
                edits=edits,
                fix_safety=rule.fix_safety if edits else None,
                evidence=evidence(matched),
            )

    return check
