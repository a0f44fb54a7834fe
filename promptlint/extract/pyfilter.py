"""The cheap text test that keeps most Python files from being parsed at all.

``may_hold_prompts`` is a necessary condition for every signal of ``extract.python`` (and
for ``# promptlint:`` comments): a file it rejects cannot hold a prompt. A typical
repository has prompts in a few percent of its files, so this test, not ``ast``, is what
most of a scan costs.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from promptlint.config import Config

# Words whose presence (in lower-cased source) lets a file through at once.
_STRONG_WORDS = ("prompt", "template", "instruction")
# Weaker words, each with the precise pattern (on the source) that a signal needs; every
# pattern opens with a literal so that ``re`` can skip ahead fast.
_WEAK_SIGNALS: tuple[tuple[str, re.Pattern[str] | None], ...] = (
    ("promptlint:", None),
    ("backstory", None),
    ("expected_output", None),
    ("generate_content", None),
    ("system", re.compile(r"SYSTEM|[Ss]ystem_?(?:[Mm]essage|[Mm]sg|[Ii]nstruction)|system\s*=")),
    ("role", re.compile(r"role(?:[\"']\s*:|\s*=)")),
    ("message", re.compile(r"(?:System|Human|AI|User|Chat|Assistant|Developer)Message\s*\(")),
    ("responses", re.compile(r"responses\s*\.\s*(?:create|stream|parse)")),
    ("chat", re.compile(r"chat\s*\(")),
    ("registry", re.compile(r"registry\s*(?:\.\s*load|import\b.*\bload\b)")),
)
# Assignment targets, for configured name patterns (``^`` anchors in them refer to the name).
_ASSIGNED_NAME = re.compile(
    r"^[ \t]*(?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)", re.MULTILINE
)


@dataclass(frozen=True)
class Patterns:
    """The configured extra patterns, compiled once per configuration."""

    calls: tuple[str, ...]
    keywords: frozenset[str]
    names: tuple[re.Pattern[str], ...]
    gate_words: tuple[str, ...]  # lower-case words whose presence lets a file through
    name_gate: bool  # configured name patterns need a look at assignment targets


@functools.lru_cache(maxsize=8)
def _patterns(
    calls: tuple[str, ...], keywords: tuple[str, ...], names: tuple[str, ...]
) -> Patterns:
    words = tuple({c.rsplit(".", 1)[-1].lower() for c in calls} | {k.lower() for k in keywords})
    return Patterns(
        calls=calls,
        keywords=frozenset(keywords),
        names=tuple(re.compile(n) for n in names),
        gate_words=words,
        name_gate=bool(names),
    )


def config_patterns(config: Config) -> Patterns:
    return _patterns(
        tuple(c.strip() for c in config.prompt_calls),
        tuple(k.strip() for k in config.prompt_keywords),
        tuple(config.prompt_names),
    )


def may_hold_prompts(text: str, patterns: Patterns) -> bool:
    """Cheap necessary condition: can any signal (or directive) occur in ``text``?"""
    low = text.lower()
    if any(w in low for w in _STRONG_WORDS) or any(w in low for w in patterns.gate_words):
        return True
    for word, pattern in _WEAK_SIGNALS:
        if word in low and (pattern is None or pattern.search(text)):
            return True
    if patterns.name_gate:
        for m in _ASSIGNED_NAME.finditer(text):
            if any(p.search(m.group(1)) for p in patterns.names):
                return True
    return False
