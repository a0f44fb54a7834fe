"""Rule-pack regexes with a time limit, so a catastrophic pattern cannot hang a commit.

Patterns are compiled with the ``regex`` library (cached per process) and every search runs
with ``timeout=``; a search that hits the limit raises ``PatternTimeout`` naming the rule, which
the engine reports as a finding and then stops running that rule for the rest of the run.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import regex

# Seconds one pattern may spend on one prompt. Real rules take microseconds; backtracking
# blow-ups take seconds or forever, so the limit separates them cleanly.
REGEX_TIMEOUT = 0.5


class PatternTimeout(Exception):
    """A rule's pattern exceeded ``REGEX_TIMEOUT`` on one prompt."""

    def __init__(self, code: str, pattern: str) -> None:
        super().__init__(f"{code}: pattern {pattern!r} exceeded {REGEX_TIMEOUT:g}s")
        self.code = code
        self.pattern = pattern


@functools.lru_cache(maxsize=2048)
def compile_pattern(pattern: str, ignorecase: bool = False) -> regex.Pattern[str]:
    """Compile once per process; packs are validated at load, so this does not fail."""
    flags = regex.MULTILINE | (regex.IGNORECASE if ignorecase else 0)
    return regex.compile(pattern, flags)


def find_all(pattern: regex.Pattern[str], text: str, code: str) -> list[regex.Match[str]]:
    """Every match of ``pattern`` in ``text`` within the time limit."""
    try:
        return list(pattern.finditer(text, timeout=REGEX_TIMEOUT))
    except TimeoutError:
        raise PatternTimeout(code, pattern.pattern) from None


_END = ""


def phrases_pattern(phrases: Iterable[str], *, nonword: bool, ignorecase: bool) -> str:
    """One regex for a list of literal phrases, as a word trie: "in order to" and "in the
    event that" share their "in", so the engine tries each position once per first word,
    not once per phrase (the catalogue's lists run several times faster this way).

    Whitespace inside a phrase matches any run of whitespace; unless ``nonword``, phrases
    that start or end with a word character only match at word boundaries.
    """
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for word in phrase.split():
            node = node.setdefault(word.lower() if ignorecase else word, {})
        node[_END] = True
    return _emit(trie, nonword, top=True)


def _emit(node: dict[str, Any], nonword: bool, top: bool = False) -> str:
    alternatives = []
    # Longer words first, so that "please," is tried before "please".
    for word in sorted((w for w in node if w != _END), key=lambda w: (-len(w), w)):
        child = node[word]
        head = r"(?<!\w)" if top and not nonword and word[:1].isalnum() else ""
        tail = r"(?!\w)" if not nonword and word[-1:].isalnum() else ""
        rest = [w for w in child if w != _END]
        piece = head + regex.escape(word)
        if rest:
            more = r"\s+" + _emit(child, nonword)
            piece += f"(?:{more}|{tail})" if _END in child else more
        else:
            piece += tail
        alternatives.append(piece)
    return "(?:" + "|".join(alternatives) + ")"


def phrase_pattern(phrase: str, nonword: bool) -> str:
    """A literal phrase as a regex: whitespace runs match any whitespace, words are bounded."""
    body = r"\s+".join(regex.escape(part) for part in phrase.split())
    if nonword:
        return body
    # Bound only the ends that are word characters ("e.g." must not need a \b after '.').
    head = r"(?<!\w)" if phrase.strip()[:1].isalnum() else ""
    tail = r"(?!\w)" if phrase.strip()[-1:].isalnum() else ""
    return f"{head}{body}{tail}"
