"""``repetition`` rules: a word typed twice in a row, or an instruction stated twice.

Sentences are compared with rapidfuzz's normalised Levenshtein ratio (0-100) over their
words, after dropping the rule's ``ignore`` phrases (emphasis and framing such as "you MUST
ALWAYS" or "please note that"), so "Always answer in English." and "Please note that you
must answer in English!" match. A pair over the threshold must also differ by at most one
word that is neither a number nor a negation ("free plan" / "team plan" state different
facts). A later sentence also repeats an earlier one when it restates one clause of it and
the earlier sentence's other clauses hold no condition, negation or number ("If asked,
send the form." does not say "Send the form." again).
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterator

import regex

from promptlint.checks.base import CheckContext, PromptCheck
from promptlint.checks.regexsafe import compile_pattern, phrases_pattern
from promptlint.checks.text import (
    Span,
    evidence,
    fill,
    in_template,
    is_skipped,
    sentence_removal,
    sentence_spans,
    words,
)
from promptlint.checks.waste import edit_saving
from promptlint.models import Hit, Prompt, TextEdit
from promptlint.rulepack import Rule

# Words and numbers of a sentence, as compared ("within 5 days" is not "within 9 days").
_TERM = regex.compile(r"\w+(?:['’]\w+)*")
# Where a sentence splits into clauses.
_CLAUSE_BREAK = regex.compile(r"[,;:]\s+|\s+[—–-]{1,2}\s+")
# Each sentence is compared with at most this many sentences before it (the quadratic part).
_MAX_PAIRWISE = 400
# Sentences that keep fewer words than this once the ignored phrases are gone say too little
# to be called the same instruction.
_MIN_COMPARED_WORDS = 2


def build(rule: Rule) -> PromptCheck:
    if rule.options["unit"] == "word":
        return _word_check(rule)
    return _sentence_check(rule)


def _word_check(rule: Rule) -> PromptCheck:
    fold = rule.options["ignorecase"]
    allowed = {w.lower() if fold else w for w in rule.options["exceptions"]}
    skip: tuple[str, ...] = rule.options["skip"]

    def repeats(text: str, prev: regex.Match[str], cur: regex.Match[str]) -> bool:
        gap = text[prev.end() : cur.start()]
        if not gap or gap.strip() or "\n" in gap:
            return False  # only "the the", not "the. The" or across lines
        a, b = prev.group(0), cur.group(0)
        if fold:
            a, b = a.lower(), b.lower()
        return not (
            a != b
            or a in allowed
            or in_template(text, prev.start(), cur.end())
            or is_skipped(text, skip, prev.start(), cur.end())
        )

    def check(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
        text = prompt.text
        found = words(text)
        k = 0
        while k + 1 < len(found):
            # One finding per run of copies ("very very very"), not one per copy.
            last = k
            while last + 1 < len(found) and repeats(text, found[last], found[last + 1]):
                last += 1
            if last == k:
                k += 1
                continue
            first, second, end = found[k], found[k + 1], found[last]
            edit = TextEdit(first.end(), end.end(), "")
            yield Hit(
                rule.code,
                second.start(),
                end.end(),
                fill(rule.message, match=second.group(0), count=last - k + 1),
                wasted_tokens=edit_saving(ctx, prompt, edit),
                edits=(edit,) if rule.fix_safety else (),
                fix_safety=rule.fix_safety,
                evidence=evidence(second.group(0)),
            )
            k = last + 1

    return check


def _sentence_check(rule: Rule) -> PromptCheck:
    threshold: float = rule.options["threshold"]
    min_words: int = rule.options["min_words"]
    fold: bool = rule.options["ignorecase"]
    skip: tuple[str, ...] = rule.options["skip"]
    ignore: tuple[str, ...] = rule.options["ignore"]
    dropped = (
        compile_pattern(phrases_pattern(ignore, nonword=False, ignorecase=fold), fold)
        if ignore
        else None
    )

    def check(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
        from rapidfuzz.fuzz import ratio
        from rapidfuzz.process import extract

        text = prompt.text
        terms = _Terms(text, dropped, fold)
        sentences: list[Span] = []
        norms: list[str] = []  # each sentence's words as compared
        vocab: list[frozenset[str]] = []  # ... and as a set
        clauses: dict[int, list[str]] = {}  # sentence -> its clause norms, computed on demand
        first_seen: dict[str, int] = {}  # norm -> first sentence with it

        def restated_clause(norm: str, lo: int) -> tuple[int, float] | None:
            """An earlier sentence with a clause that says ``norm``. Only sentences holding
            all of its words but one are split: clause matches are rare."""
            words = frozenset(norm.split())
            for i in range(lo, len(norms)):
                if len(vocab[i]) <= len(words) or len(words - vocab[i]) > 1:
                    continue
                if i not in clauses:
                    clauses[i] = _clause_norms(text, *sentences[i], min_words, terms)
                for clause in clauses[i]:
                    score = 100.0 if clause == norm else ratio(norm, clause)
                    if score >= threshold and _same_instruction(clause, norm):
                        return i, score
            return None

        for start, end in sentence_spans(text):
            if terms.count(start, end) < min_words or is_skipped(text, skip, start, end):
                continue
            norm = terms.compared(start, end)
            if len(norm.split()) < _MIN_COMPARED_WORDS:
                continue
            found: tuple[int, float] | None = None
            lo = max(0, len(norms) - _MAX_PAIRWISE)
            earlier = first_seen.get(norm)
            if earlier is not None:
                found = (earlier, 100.0)
            elif norms:
                close = extract(norm, norms[lo:], scorer=ratio, score_cutoff=threshold, limit=8)
                match = next((m for m in close if _same_instruction(m[0], norm)), None)
                found = (lo + match[2], match[1]) if match else restated_clause(norm, lo)
            first_seen.setdefault(norm, len(norms))
            sentences.append((start, end))
            norms.append(norm)
            vocab.append(frozenset(norm.split()))
            if found is None or in_template(text, start, end):
                continue
            first, score = found
            edit = sentence_removal(text, start, end)
            yield Hit(
                rule.code,
                start,
                end,
                fill(rule.message, match=text[start:end], value=round(score)),
                wasted_tokens=max(edit_saving(ctx, prompt, edit), 1),
                edits=(edit,) if rule.fix_safety else (),
                fix_safety=rule.fix_safety,
                evidence=evidence(text[start:end]),
                data={"similarity": round(score), "first_offset": sentences[first][0]},
            )

    return check


class _Terms:
    """The words of a prompt, found once, and which of them an ignored phrase covers."""

    def __init__(self, text: str, dropped: regex.Pattern[str] | None, fold: bool) -> None:
        found = list(_TERM.finditer(text))
        self._starts = [m.start() for m in found]
        self._words = [m.group(0).lower() if fold else m.group(0) for m in found]
        self._kept = [True] * len(found)
        for m in dropped.finditer(text) if dropped is not None else ():
            for k in range(*self._range(*m.span())):
                self._kept[k] = False

    def _range(self, start: int, end: int) -> tuple[int, int]:
        return bisect.bisect_left(self._starts, start), bisect.bisect_left(self._starts, end)

    def count(self, start: int, end: int) -> int:
        """Words in ``text[start:end]``, ignored or not."""
        lo, hi = self._range(start, end)
        return hi - lo

    def compared(self, start: int, end: int) -> str:
        """The words of ``text[start:end]`` as compared: ignored phrases out, case folded."""
        lo, hi = self._range(start, end)
        return " ".join(
            w for w, keep in zip(self._words[lo:hi], self._kept[lo:hi], strict=True) if keep
        )


def _clause_norms(text: str, start: int, end: int, min_words: int, terms: _Terms) -> list[str]:
    """The clauses of a sentence that state an instruction on their own, as compared: long
    enough, and the sentence's other clauses hold no condition, negation or number."""
    bounds = [start]
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        bounds += [m.start(), m.end()]
    bounds.append(end)
    clauses = list(zip(bounds[::2], bounds[1::2], strict=True))
    if len(clauses) < 2:
        return []
    qualified = [_qualifying().search(text, s, e) is not None for s, e in clauses]
    out = []
    for k, (s, e) in enumerate(clauses):
        if sum(qualified) - qualified[k] or terms.count(s, e) < min_words:
            continue
        norm = terms.compared(s, e)
        if len(norm.split()) >= _MIN_COMPARED_WORDS:
            out.append(norm)
    return out


# A clause that makes the rest of its sentence conditional or exceptional: "If the customer
# asks, send the form" does not state "Send the form".
_QUALIFIERS = frozenset(
    {
        "if", "when", "whenever", "unless", "except", "until", "once", "before", "after",
        "while", "where", "otherwise", "or", "but", "instead",
    }
)  # fmt: skip


_NEGATIONS = frozenset(
    {"not", "no", "never", "don't", "dont", "doesn't", "won't", "cannot", "can't", "nor", "without"}
)


def _states_a_fact(word: str) -> bool:
    """A word two copies of an instruction cannot differ in: a negation or a number."""
    return word in _NEGATIONS or (not word.isalpha() and any(c.isdigit() for c in word))


@functools.cache
def _qualifying() -> regex.Pattern[str]:
    """A qualifier, a negation or a number anywhere in a clause."""
    names = sorted(_QUALIFIERS | _NEGATIONS, key=len, reverse=True)
    body = "|".join(regex.escape(n) for n in names)
    return regex.compile(rf"\d|(?<![\w'’])(?:{body})(?![\w'’])", regex.IGNORECASE)


def _same_instruction(a: str, b: str) -> bool:
    """Similar characters are not enough: "on the free plan" and "on the team plan" differ in
    the fact that matters. Two sentences state the same instruction when their words differ
    by at most one, and that one is neither a number nor a negation."""
    diff = set(a.split()) ^ set(b.split())
    if len(diff) > 1:
        return False
    return not any(_states_a_fact(w) for w in diff)
