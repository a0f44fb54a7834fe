"""Estimating the tokens a piece of prompt text wastes, with the run's token counter.

Tokenizers merge a space or a punctuation mark with the word next to it, so a piece is
counted inside a small window of its neighbours (the words on either side), not alone:
"Answer  the" is three tokens and "Answer the" two, although "  " and " " are one each.
"""

from __future__ import annotations

from promptlint.checks.base import CheckContext
from promptlint.models import Prompt, TextEdit

# How far the window reaches on each side (characters), at most.
_REACH = 24


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    left = start
    while left > 0 and start - left < _REACH and not text[left - 1].isspace():
        left -= 1
    while left > 0 and start - left < _REACH and text[left - 1].isspace():
        left -= 1
    while left > 0 and start - left < _REACH and not text[left - 1].isspace():
        left -= 1
    right = end
    while right < len(text) and right - end < _REACH and text[right].isspace():
        right += 1
    while right < len(text) and right - end < _REACH and not text[right].isspace():
        right += 1
    return left, right


def span_tokens(ctx: CheckContext, prompt: Prompt, start: int, end: int) -> int:
    """Tokens that ``text[start:end]`` adds to the prompt."""
    return edit_saving(ctx, prompt, TextEdit(start, end, ""))


def edit_saving(ctx: CheckContext, prompt: Prompt, edit: TextEdit) -> int:
    """Tokens an edit saves, counted in the window around it (never negative)."""
    text = prompt.text
    left, right = _window(text, edit.start, edit.end)
    before = text[left:right]
    after = text[left : edit.start] + edit.replacement + text[edit.end : right]
    return max(0, ctx.tokens(before, prompt.model) - ctx.tokens(after, prompt.model))
