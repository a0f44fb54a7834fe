"""``substitution`` rules: a verbose form and its concise replacement (autofixable)."""

from __future__ import annotations

from collections.abc import Iterator

import regex

from promptlint.checks.base import CheckContext, PromptCheck
from promptlint.checks.regexsafe import compile_pattern, find_all, phrases_pattern
from promptlint.checks.text import (
    evidence,
    fill,
    in_template,
    is_skipped,
    match_case,
    removal_edit,
)
from promptlint.checks.waste import edit_saving
from promptlint.models import Hit, Prompt, TextEdit
from promptlint.rulepack import Rule


def _key(phrase: str, ignorecase: bool) -> str:
    flat = " ".join(phrase.split())
    return flat.lower() if ignorecase else flat


def build(rule: Rule) -> PromptCheck:
    opts = rule.options
    ignorecase: bool = opts["ignorecase"]
    min_saving: int = opts["min_saving"]
    skip: tuple[str, ...] = opts["skip"]
    swaps: list[tuple[regex.Pattern[str], str | None]]
    if opts["regex"]:
        swaps = [(compile_pattern(key, ignorecase), repl) for key, repl in opts["swap"]]
        lookup: dict[str, str] = {}
    else:
        # One alternation for all phrases: one scan per prompt whatever the list length.
        lookup = {_key(k, ignorecase): v for k, v in opts["swap"]}
        source = phrases_pattern(
            (k for k, _ in opts["swap"]), nonword=opts["nonword"], ignorecase=ignorecase
        )
        swaps = [(compile_pattern(source, ignorecase), None)]

    def check(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
        text = prompt.text
        found: list[tuple[int, int, str]] = []
        for pattern, template in swaps:
            for m in find_all(pattern, text, rule.code):
                if m.end() == m.start():
                    continue
                repl = (
                    m.expand(template)
                    if template is not None
                    else lookup.get(_key(m.group(0), ignorecase))
                )
                if repl is not None:
                    found.append((m.start(), m.end(), repl))
        found.sort()
        last_end = -1
        for start, end, repl in found:
            if (
                start < last_end
                or in_template(text, start, end)
                or is_skipped(text, skip, start, end)
            ):
                continue
            matched = text[start:end]
            if repl:
                edit = TextEdit(start, end, match_case(repl, matched))
            else:
                edit = removal_edit(text, start, end)
            if edit.replacement == text[edit.start : edit.end] or in_template(
                text, edit.start, edit.end
            ):
                continue
            saving = edit_saving(ctx, prompt, edit)
            if saving < min_saving:
                continue
            last_end = end
            safety = rule.fix_safety
            yield Hit(
                rule.code,
                start,
                end,
                fill(rule.message, match=matched, replacement=repl.strip() or "nothing"),
                wasted_tokens=saving,
                edits=(edit,) if safety is not None else (),
                fix_safety=safety,
                evidence=evidence(matched),
            )

    return check
