"""``metric`` rules: a threshold over one measure of the whole prompt.

Measures: tokens (with the prompt's model), words, sentences (or list items / lines),
lines, characters, and share (percent of the prompt's tokens inside matches of ``pattern``).
"""

from __future__ import annotations

from collections.abc import Iterator

from promptlint.checks.base import CheckContext, PromptCheck
from promptlint.checks.regexsafe import compile_pattern, find_all
from promptlint.checks.text import fill, sentence_spans, words
from promptlint.models import Hit, Prompt
from promptlint.rulepack import TOKEN_BUDGET, Rule


def _lines(text: str) -> int:
    return len(text.splitlines()) if text else 0


def build(rule: Rule) -> PromptCheck:
    opts = rule.options
    measure: str = opts["metric"]
    pattern = compile_pattern(opts["pattern"], opts["ignorecase"]) if opts["pattern"] else None

    def limit(value: float | str | None, ctx: CheckContext) -> float | None:
        if value == TOKEN_BUDGET:
            return float(ctx.config.token_budget)
        return None if value is None else float(value)

    def check(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
        text = prompt.text
        if not text.strip():
            return
        total = ctx.tokens(text, prompt.model)
        if total < opts["min_tokens"]:
            return
        value: float
        if measure == "tokens":
            value = total
        elif measure == "words":
            value = len(words(text))
        elif measure == "sentences":
            value = len(sentence_spans(text))
        elif measure == "lines":
            value = _lines(text)
        elif measure == "characters":
            value = len(text)
        else:
            assert pattern is not None
            inside = sum(
                ctx.tokens(m.group(0), prompt.model)
                for m in find_all(pattern, text, rule.code)
                if m.end() > m.start()
            )
            value = round(100 * inside / total, 1) if total else 0.0
        most, least = limit(opts["max"], ctx), limit(opts["min"], ctx)
        over = most is not None and value > most
        under = least is not None and value < least
        if not (over or under):
            return
        wasted = 0
        if over and opts["waste"] == "excess" and most is not None:
            excess = value - most
            wasted = round(excess if measure == "tokens" else total * excess / 100)
        yield Hit(
            rule.code,
            0,
            len(text),
            fill(rule.message, value=float(value), max=most, min=least),
            wasted_tokens=int(wasted),
            data={"metric": measure, "value": value},
        )

    return check
