"""A cheap pre-screen: which entity types could possibly be in a text?

Each family below is a necessary condition for its recognizers (a phone number has seven
digits close together, an email has ``x@y.z``...). Most prompts match none, so they never reach
presidio, and a run where no prompt matches never imports it.
"""

from __future__ import annotations

import functools
import re

from promptlint.pii.catalog import NER_ENTITIES
from promptlint.pii.secrets import SECRET_SPECS

_FAMILIES: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile(r"[\w.+-]@[\w-]+(?:\.[\w-]+)+"), frozenset({"EMAIL_ADDRESS"})),
    # Seven or more digits with at most phone/card/SSN punctuation between them.
    (
        re.compile(r"(?:\d[\s().+/-]{0,3}){6,}\d"),
        frozenset({"PHONE_NUMBER", "US_SSN", "CREDIT_CARD", "UK_NHS", "US_BANK_NUMBER", "US_ITIN"}),
    ),
    (re.compile(r"\b[A-Z]{2}\d{2}[ -]?[A-Z0-9]{4}"), frozenset({"IBAN_CODE"})),
    (
        re.compile(
            r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b|::|\b[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){7}\b"
        ),
        frozenset({"IP_ADDRESS"}),
    ),
    # Letters and digits mixed in one word: licence and passport number shapes.
    (
        re.compile(r"\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{6,14}\b|\b\d{8,9}\b"),
        frozenset({"US_DRIVER_LICENSE", "US_PASSPORT"}),
    ),
    *((re.compile(spec.marker), frozenset({spec.entity})) for spec in SECRET_SPECS),
)


def candidate_entities(text: str, wanted: frozenset[str]) -> frozenset[str]:
    """The subset of ``wanted`` entity types that ``text`` has a candidate for."""
    if not text:
        return frozenset()
    found: set[str] = set(wanted & NER_ENTITIES)  # names have no cheap shape: NER sees all text
    for pattern, entities in _FAMILIES:
        relevant = entities & wanted
        if relevant and not relevant <= found and pattern.search(text):
            found |= relevant
    return frozenset(found)


@functools.lru_cache(maxsize=64)
def deny_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One case-insensitive whole-word pattern for the configured deny-list terms."""
    cleaned = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in cleaned) + r")(?!\w)", re.I)
