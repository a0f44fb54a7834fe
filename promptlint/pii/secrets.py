"""Recognizers for credentials people paste into prompts.

Each ``SecretSpec`` is plain data: the full pattern (``regex`` module syntax, case-sensitive;
presidio runs it), a cheap ``marker`` that the pre-screen looks for first, and a validator that
rejects shapes which are not real credentials (placeholders, low-entropy filler, masked values).
``analyzer`` turns the specs into presidio ``PatternRecognizer`` instances.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

# Words that mark a value as a placeholder someone is meant to replace, never a live credential.
_FILLER = re.compile(
    r"x{4,}|\*{3,}|\.{3}|your|placeholder|redacted|changeme|dummy|<|>|\{|\}|\$", re.I
)


@dataclass(frozen=True, slots=True)
class SecretSpec:
    entity: str
    pattern: str  # regex-module syntax, matched case-sensitively
    marker: str  # stdlib-re pattern: cheap necessary condition for ``pattern``
    validate: Callable[[str], bool]
    score: float = 0.9


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _random_looking(body: str, min_len: int = 16, min_entropy: float = 3.0) -> bool:
    """True when ``body`` looks machine-generated: long, varied, letters and digits, no filler."""
    if len(body) < min_len or _FILLER.search(body):
        return False
    if not (re.search(r"[A-Za-z]", body) and re.search(r"\d", body)):
        return False
    return entropy(body) >= min_entropy


def _api_key(value: str) -> bool:
    body = value.split("-", 1)[1]
    return _random_looking(body.replace("-", "").replace("_", ""), min_len=20)


def _aws_key_id(value: str) -> bool:
    body = value[4:]
    return not re.fullmatch(r"(.)\1+", body) and "XXXX" not in body


def _aws_secret(value: str) -> bool:
    # 40 base64 characters of mixed case; pure hex is a SHA-1 digest, not a key.
    if re.fullmatch(r"[0-9a-fA-F]{40}", value):
        return False
    has_classes = (
        re.search(r"[a-z]", value) and re.search(r"[A-Z]", value) and re.search(r"\d", value)
    )
    return bool(has_classes) and _random_looking(value, min_len=40, min_entropy=4.0)


def _github(value: str) -> bool:
    body = value.split("_", 1)[1] if not value.startswith("github_pat_") else value[11:]
    return _random_looking(body.replace("_", ""), min_len=30)


def _slack_token(value: str) -> bool:
    tail = value.rsplit("-", 1)[-1]
    return len(tail) >= 8 and not _FILLER.search(value) and entropy(tail) >= 2.5


def _slack_webhook(value: str) -> bool:
    tail = value.rstrip("/").rsplit("/", 1)[-1]
    return _random_looking(tail, min_len=16, min_entropy=3.0)


def _platform_token(prefix: str) -> Callable[[str], bool]:
    """Validator for ``prefix`` + a random body: no filler, varied characters, and at least two
    of lower case, upper case and digits (some of these bodies are letters only)."""

    def validate(value: str) -> bool:
        body = value[len(prefix) :]
        classes = sum(bool(re.search(c, body)) for c in ("[a-z]", "[A-Z]", "[0-9]"))
        return classes >= 2 and not _FILLER.search(body) and entropy(body) >= 3.0

    return validate


def _b64_json(part: str) -> object:
    padded = part + "=" * (-len(part) % 4)
    try:
        return json.loads(base64.urlsafe_b64decode(padded))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _jwt(value: str) -> bool:
    header, payload, signature = value.split(".")
    decoded = _b64_json(header)
    return (
        isinstance(decoded, dict)
        and "alg" in decoded
        and isinstance(_b64_json(payload), dict)
        and len(signature) >= 16
    )


def _bearer(value: str) -> bool:
    return _random_looking(re.sub(r"[-._~+/=]", "", value), min_len=20, min_entropy=3.2)


def _private_key(value: str) -> bool:
    body = re.sub(r"-----(?:BEGIN|END)[^-]*-----|[A-Za-z-]+: [^\n]*|\\n|\s", "", value)
    return len(body) >= 64 and not _FILLER.search(body) and entropy(body) >= 4.0


def connection_password(value: str) -> str:
    """The password part of ``scheme://user:password@host``."""
    credentials = value.split("://", 1)[1].rsplit("@", 1)[0]
    return credentials.split(":", 1)[1] if ":" in credentials else ""


def _connection_string(value: str) -> bool:
    password = connection_password(value)
    if not password or re.fullmatch(r"\*+|x+|\.+|%s|\?+", password, re.I):
        return False
    # Template syntax means the password is injected at run time.
    return not re.search(r"[{}<>]|\$[A-Za-z_{(]|%\(|os\.environ|getenv", password)


_B = r"(?<![A-Za-z0-9_-])"  # no credential character before
_E = r"(?![A-Za-z0-9_-])"  # ... or after

SECRET_SPECS: tuple[SecretSpec, ...] = (
    SecretSpec(
        "ANTHROPIC_API_KEY",
        _B + r"sk-ant-(?:[a-z]+\d\d-)?[A-Za-z0-9_-]{20,}" + _E,
        r"sk-ant-",
        _api_key,
    ),
    SecretSpec(
        "OPENAI_API_KEY",
        _B + r"sk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}" + _E,
        r"sk-",
        _api_key,
    ),
    SecretSpec(
        "AWS_ACCESS_KEY_ID",
        r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}(?![A-Za-z0-9])",
        r"A(?:KI|SI|BI|CC|GP|ID|RO|IP|NP|NV|PK)A[A-Z0-9]{16}",
        _aws_key_id,
    ),
    SecretSpec(
        "AWS_SECRET_KEY",
        # Only next to an AWS/secret label: 40 base64 characters alone are too common.
        r"(?<=(?i:aws|secret)[\w \t\"'.:=>-]{0,40})(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])",
        r"(?i:aws|secret)[\s\S]{0,60}?[A-Za-z0-9/+]{40}",
        _aws_secret,
    ),
    SecretSpec(
        "GITHUB_TOKEN",
        r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{50,240})(?![A-Za-z0-9_])",
        r"gh[pousr]_|github_pat_",
        _github,
    ),
    SecretSpec(
        "GOOGLE_API_KEY",
        _B + r"AIza[0-9A-Za-z_-]{35}" + _E,
        r"AIza[0-9A-Za-z_-]{35}",
        _platform_token("AIza"),
    ),
    SecretSpec(
        "HUGGINGFACE_TOKEN",
        r"(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{34,}(?![A-Za-z0-9_])",
        r"hf_[A-Za-z0-9]{34}",
        _platform_token("hf_"),
    ),
    SecretSpec(
        "GITLAB_TOKEN",
        _B + r"glpat-[A-Za-z0-9_-]{20,}" + _E,
        r"glpat-",
        _platform_token("glpat-"),
    ),
    SecretSpec(
        "SLACK_TOKEN",
        _B
        + r"(?:xox[abposre]-(?:\d+-){1,3}[A-Za-z0-9]{8,}|xapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{16,})"
        + _E,
        r"xox[abposre]-|xapp-",
        _slack_token,
    ),
    SecretSpec(
        "SLACK_WEBHOOK",
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/]{20,}",
        r"hooks\.slack\.com/",
        _slack_webhook,
    ),
    SecretSpec(
        "JWT",
        _B + r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}" + _E,
        r"eyJ[A-Za-z0-9_-]{8,}\.eyJ",
        _jwt,
        score=0.95,
    ),
    SecretSpec(
        "BEARER_TOKEN",
        r"(?<=\b[Bb]earer[ \t]{1,3})[A-Za-z0-9._~+/-]{20,}=*(?![A-Za-z0-9._~+/=-])",
        r"[Bb]earer[ \t]",
        _bearer,
        score=0.85,
    ),
    SecretSpec(
        "PRIVATE_KEY",
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
        r"(?:(?:\s|\\n)+(?:[A-Za-z-]+: [^\n]*|[A-Za-z0-9+/=]{16,}))+"
        r"(?:(?:\s|\\n)*-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)?",
        r"PRIVATE KEY",
        _private_key,
        score=1.0,
    ),
    SecretSpec(
        "CONNECTION_STRING",
        r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|"
        r"oracle|jdbc:[a-z]+|s?ftp|smtps?|clickhouse|snowflake)://[^\s:/@'\"`]+:[^\s@'\"`]+@[^\s/'\"`?#,;]+",
        r"://[^\s/@]+:[^\s@]+@",
        _connection_string,
    ),
)

SPECS_BY_ENTITY: dict[str, SecretSpec] = {spec.entity: spec for spec in SECRET_SPECS}
