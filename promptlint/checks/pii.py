"""PII, secrets, deny-listed terms and the data policy (PII*, SEC*, POL001 rules).

One ``scan`` per prompt feeds every code. Messages, evidence and data carry masked values only:
evidence is ``ENTITY:masked`` so a baseline fingerprint cannot be brute-forced back to a value.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator

from promptlint.config import Config, ConfigError, PolicyRule
from promptlint.modelres import resolve_model
from promptlint.models import Hit, Prompt, Severity
from promptlint.pii.analyzer import PiiSetupError
from promptlint.pii.catalog import (
    ALL_ENTITIES,
    DENY_CODE,
    DENY_ENTITY,
    POLICY_CODE,
    TEST_VALUE_CODE,
    label_of,
)
from promptlint.pii.detect import Detection, configured_entities, entity_names, scan

from .base import CheckContext


def _severity(entity: str, config: Config) -> Severity:
    for key, value in config.pii.severity.items():
        if entity in entity_names([key], "pii.severity"):
            return Severity.parse(value)
    kind = ALL_ENTITIES.get(entity)
    return kind.severity if kind else Severity.ERROR


def _code(det: Detection) -> str:
    if det.entity == DENY_ENTITY:
        return DENY_CODE
    if det.test_value:
        return TEST_VALUE_CODE
    return ALL_ENTITIES[det.entity].code


def _message(det: Detection) -> str:
    label = label_of(det.entity)
    if det.entity == DENY_ENTITY:
        return f"Deny-listed term {det.masked} must not appear in prompts"
    if det.test_value:
        return f"Test value: {label} {det.masked} is a reserved documentation value, not real data"
    if ALL_ENTITIES[det.entity].secret:
        return (
            f"{label[0].upper()}{label[1:]} {det.masked} in prompt text; revoke it and keep "
            "credentials out of prompts"
        )
    return f"{label[0].upper()}{label[1:]} {det.masked} in prompt text; use a placeholder or synthetic value"


def _hit(det: Detection, config: Config) -> Hit:
    severity = (
        Severity.INFO
        if det.test_value
        else (Severity.ERROR if det.entity == DENY_ENTITY else _severity(det.entity, config))
    )
    return Hit(
        code=_code(det),
        start=det.start,
        end=det.end,
        message=_message(det),
        severity=severity,
        evidence=f"{det.entity}:{det.masked}",
        data={"entity": det.entity, "score": round(det.score, 2), "masked": det.masked},
    )


def _policy_entities(policies: Iterable[PolicyRule]) -> frozenset[str]:
    return frozenset(
        name
        for p in policies
        for name in entity_names(p.entities, f"data-policy '{p.name or 'unnamed'}' entities")
    )


def _policy_hits(found: list[Detection], prompt: Prompt, config: Config) -> Iterator[Hit]:
    model = resolve_model([prompt], config).name  # the same model TIER rules judge
    real = [d for d in found if not d.test_value]
    for policy in config.data_policy:
        covered = {e.strip().upper() for e in policy.entities}
        held = [d for d in real if d.entity in covered]
        if not held or any(fnmatch.fnmatchcase(model, pattern) for pattern in policy.models):
            continue
        entities = sorted({d.entity for d in held})
        allowed = ", ".join(policy.models) or "none"
        name = policy.name or "unnamed"
        yield Hit(
            code=POLICY_CODE,
            start=held[0].start,
            end=held[0].end,
            message=(
                f"Data policy '{name}': prompt holds {', '.join(entities)} but its model "
                f"'{model}' is not allowed (allowed: {allowed})"
            ),
            severity=Severity.ERROR,
            evidence=f"{name}:{model}:{','.join(entities)}",
            data={"policy": name, "model": model, "entities": entities},
        )


def _wanted(ctx: CheckContext) -> frozenset[str]:
    configured = configured_entities(ctx.config.pii)
    wanted = {
        e for e in configured if ctx.enabled(ALL_ENTITIES[e].code) or ctx.enabled(TEST_VALUE_CODE)
    }
    if ctx.enabled(POLICY_CODE):
        wanted |= _policy_entities(ctx.config.data_policy)
    return frozenset(wanted)


def check_prompt(prompt: Prompt, ctx: CheckContext) -> Iterable[Hit]:
    """PII/SEC/POL hits for one prompt."""
    config = ctx.config
    if not config.pii.enabled or not prompt.text:
        return []
    try:
        found = scan(prompt.text, config.pii, _wanted(ctx), deny=ctx.enabled(DENY_CODE))
    except PiiSetupError as exc:
        raise ConfigError(str(exc)) from None
    hits: list[Hit] = []
    for det in found:
        if det.test_value and config.pii.documentation_values == "ignore":
            continue
        hit = _hit(det, config)
        if ctx.enabled(hit.code):
            hits.append(hit)
    if ctx.enabled(POLICY_CODE) and config.data_policy:
        hits.extend(_policy_hits(found, prompt, config))
    return hits
