"""``scan``: every PII, secret and deny-listed value in a text, filtered for prompts and masked.

Order of work, cheapest first: deny-list regex; the pre-screen (no presidio); presidio only
for the entity types the pre-screen found a candidate for; then the precision filters.
A ``Detection`` carries the masked form only, never the value itself.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from promptlint.config import ConfigError, PiiConfig
from promptlint.masking import mask
from promptlint.pii import precision
from promptlint.pii.analyzer import analyze
from promptlint.pii.catalog import (
    ALL_ENTITIES,
    DEFAULT_ENTITIES,
    DENY_ENTITY,
    NER_ENTITIES,
    OPT_IN_ENTITIES,
    SECRET_ENTITIES,
    kind_of,
)
from promptlint.pii.screen import candidate_entities, deny_pattern


@dataclass(frozen=True, slots=True)
class Detection:
    entity: str
    start: int
    end: int
    score: float
    masked: str
    test_value: bool = False  # a reserved documentation / published test value


# Which of two overlapping detections wins: the more specific kind.
_PRIORITY = {
    **{name: 1 for name in SECRET_ENTITIES},
    "BEARER_TOKEN": 2,
    "CREDIT_CARD": 3,
    "IBAN_CODE": 3,
    "US_SSN": 4,
    "EMAIL_ADDRESS": 5,
    "IP_ADDRESS": 6,
    "PHONE_NUMBER": 7,
}


def entity_names(names: Iterable[str], where: str) -> set[str]:
    """Normalised entity type names; an unknown one is a configuration error naming the key."""
    out = set()
    for raw in names:
        name = raw.strip().upper()
        if not kind_of(name):
            close = difflib.get_close_matches(name, list(ALL_ENTITIES), n=1, cutoff=0.5)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"unknown entity type '{raw}' in {where}{hint}")
        out.add(name)
    return out


def configured_entities(pii: PiiConfig) -> frozenset[str]:
    """Entity types to look for: ``pii.entities`` (or the defaults) minus ``pii.disable-entities``."""
    chosen = entity_names(pii.entities, "pii.entities") if pii.entities else set(DEFAULT_ENTITIES)
    return frozenset(chosen - entity_names(pii.disable_entities, "pii.disable-entities"))


def _deny_detections(text: str, pii: PiiConfig) -> list[Detection]:
    pattern = deny_pattern(tuple(pii.deny))
    if pattern is None:
        return []
    return [
        Detection(DENY_ENTITY, m.start(), m.end(), 1.0, mask(DENY_ENTITY, m.group(0)))
        for m in pattern.finditer(text)
    ]


def _resolve_overlaps(found: list[Detection]) -> list[Detection]:
    """Keep the most specific of overlapping detections; a deny-listed term is a separate
    concern and never hides (or is hidden by) a detection it overlaps."""
    ranked = sorted(found, key=lambda d: (_PRIORITY.get(d.entity, 8), -d.score, d.start - d.end))
    kept: list[Detection] = []
    for det in ranked:
        if det.entity == DENY_ENTITY or not any(
            k.entity != DENY_ENTITY and k.start < det.end and det.start < k.end for k in kept
        ):
            kept.append(det)
    return sorted(kept, key=lambda d: (d.start, d.end))


def scan(
    text: str, pii: PiiConfig, entities: frozenset[str] | None = None, deny: bool = True
) -> list[Detection]:
    """Detections in ``text`` for ``entities`` (default: the configured set), sorted by offset.

    Raises ``analyzer.PiiSetupError`` when ``pii.spacy_model`` names a pipeline that is not
    installed (callers turn it into a one-line configuration error) and ``ConfigError`` for
    an unknown entity type in the configuration.
    """
    wanted = configured_entities(pii) if entities is None else entities
    if not pii.spacy_model:
        wanted -= NER_ENTITIES  # the blank pipeline has no entity recognizer
    found = _deny_detections(text, pii) if deny else []
    candidates = candidate_entities(text, wanted)
    if candidates:
        opt_in = tuple(sorted(wanted & OPT_IN_ENTITIES))
        placeholders = precision.placeholder_spans(text)
        allow, allow_patterns = tuple(pii.allow), tuple(pii.allow_patterns)
        for raw in analyze(text, candidates, pii.spacy_model, opt_in):
            value = text[raw.start : raw.end]
            if (
                # Secrets are exact patterns with their own validators, not scored guesses.
                (raw.score < pii.min_score and raw.entity not in SECRET_ENTITIES)
                or precision.overlaps(raw.start, raw.end, placeholders)
                or precision.is_masked(value)
                or precision.is_lookalike(raw.entity, text, raw.start, raw.end)
                or precision.is_allowed(value, allow, allow_patterns)
            ):
                continue
            found.append(
                Detection(
                    raw.entity,
                    raw.start,
                    raw.end,
                    raw.score,
                    mask(raw.entity, value),
                    precision.is_documentation_value(raw.entity, value),
                )
            )
    return _resolve_overlaps(found)


def redacted(text: str, pii: PiiConfig) -> str:
    """``text`` with every detected value (test values too) replaced by its masked form."""
    from promptlint.masking import redact_text

    return redact_text(text, [(d.start, d.end, d.entity) for d in scan(text, pii)])
