"""``repetition`` rules: a word typed twice in a row, or an instruction stated twice.

Sentences are compared with rapidfuzz's normalised Levenshtein ratio (0-100) over their
lower-cased words, so "Always answer in English." and "Always answer in English!" match;
a pair over the threshold must also differ by at most one word that is neither a number
nor a negation ("free plan" / "team plan" state different facts).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import regex

from promptlint.checks.base import CheckContext, PromptCheck
from promptlint.checks.text import (
    evidence,
    fill,
    in_template,
    is_skipped,
    sentence_spans,
    words,
)
from promptlint.checks.waste import edit_saving, span_tokens
from promptlint.models import Hit, Prompt, TextEdit
from promptlint.rulepack import Rule

# Words and numbers of a sentence, as compared ("within 5 days" is not "within 9 days").
_TERM = regex.compile(r"\w+(?:['’]\w+)*")
# Each sentence is compared with at most this many sentences before it (the quadratic part).
_MAX_PAIRWISE = 400


def build(rule: Rule) -> PromptCheck:
    if rule.options["unit"] == "word":
        return _word_check(rule)
    return _sentence_check(rule)


def _word_check(rule: Rule) -> PromptCheck:
    fold = rule.options["ignorecase"]
    allowed = {w.lower() if fold else w for w in rule.options["exceptions"]}
    skip: tuple[str, ...] = rule.options["skip"]

    def check(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
        text = prompt.text
        found = words(text)
        for prev, cur in itertools.pairwise(found):
            gap = text[prev.end() : cur.start()]
            if not gap or gap.strip() or "\n" in gap:
                continue  # only "the the", not "the. The" or across lines
            a, b = prev.group(0), cur.group(0)
            if fold:
                a, b = a.lower(), b.lower()
            if (
                a != b
                or a in allowed
                or in_template(text, prev.start(), cur.end())
                or is_skipped(text, skip, prev.start(), cur.end())
            ):
                continue
            edit = TextEdit(prev.end(), cur.end(), "")
            yield Hit(
                rule.code,
                cur.start(),
                cur.end(),
                fill(rule.message, match=cur.group(0)),
                wasted_tokens=edit_saving(ctx, prompt, edit),
                edits=(edit,) if rule.fix_safety else (),
                fix_safety=rule.fix_safety,
                evidence=evidence(cur.group(0)),
            )

    return check


def _sentence_check(rule: Rule) -> PromptCheck:
    threshold: float = rule.options["threshold"]
    min_words: int = rule.options["min_words"]
    fold = rule.options["ignorecase"]
    skip: tuple[str, ...] = rule.options["skip"]

    def check(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
        from rapidfuzz.fuzz import ratio
        from rapidfuzz.process import extract

        text = prompt.text
        candidates: list[tuple[int, int, str]] = []
        for start, end in sentence_spans(text):
            if is_skipped(text, skip, start, end):
                continue
            ws = _TERM.findall(text, start, end)
            if len(ws) < min_words:
                continue
            norm = " ".join(w.lower() for w in ws) if fold else " ".join(ws)
            candidates.append((start, end, norm))
        norms = [c[2] for c in candidates]
        first_seen: dict[str, int] = {}
        for j, (start, end, norm) in enumerate(candidates):
            earlier = first_seen.get(norm)
            first_seen.setdefault(norm, j)
            if earlier is not None:
                i, score = earlier, 100.0
            elif j:
                lo = max(0, j - _MAX_PAIRWISE)
                close = extract(norm, norms[lo:j], scorer=ratio, score_cutoff=threshold, limit=8)
                match = next((m for m in close if _same_instruction(m[0], norm)), None)
                if match is None:
                    continue
                i, score = lo + match[2], match[1]
            else:
                continue
            if in_template(text, start, end):
                continue
            edit = _sentence_removal(text, start, end)
            yield Hit(
                rule.code,
                start,
                end,
                fill(rule.message, match=text[start:end], value=round(score)),
                wasted_tokens=span_tokens(ctx, prompt, start, end)
                if not edit
                else max(edit_saving(ctx, prompt, edit), 1),
                edits=(edit,) if edit and rule.fix_safety else (),
                fix_safety=rule.fix_safety if edit else None,
                evidence=evidence(text[start:end]),
                data={"similarity": round(score), "first_offset": candidates[i][0]},
            )

    return check


_NEGATIONS = frozenset(
    {"not", "no", "never", "don't", "dont", "doesn't", "won't", "cannot", "can't", "nor", "without"}
)


def _same_instruction(a: str, b: str) -> bool:
    """Similar characters are not enough: "on the free plan" and "on the team plan" differ in
    the fact that matters. Two sentences state the same instruction when their words differ
    by at most one, and that one is neither a number nor a negation."""
    diff = set(a.split()) ^ set(b.split())
    if len(diff) > 1:
        return False
    return not any(w in _NEGATIONS or any(c.isdigit() for c in w) for w in diff)


def _sentence_removal(text: str, start: int, end: int) -> TextEdit | None:
    """Delete a repeated sentence with the spaces after it; a whole line goes with its break."""
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    line_end = len(text)
    for brk in ("\n", "\r"):
        k = text.find(brk, end)
        if k >= 0:
            line_end = min(line_end, k)
    prefix, suffix = text[line_start:start], text[end:line_end]
    if not suffix.strip() and (not prefix.strip() or prefix.strip() in "-*•"):
        # The sentence is the whole line (maybe a list item): remove the line.
        stop = line_end
        if text.startswith("\r\n", stop):
            stop += 2
        elif stop < len(text):
            stop += 1
        return TextEdit(line_start, stop, "")
    stop = end
    while stop < len(text) and text[stop] in " \t":
        stop += 1
    if stop == end and start > 0 and text[start - 1] == " ":
        return TextEdit(start - 1, end, "")
    return TextEdit(start, stop, "")
