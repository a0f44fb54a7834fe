"""Masked forms of sensitive values: what every output shows instead of a found value.

A masked form keeps just enough to recognise the kind of value and, for long numbers, which one
(``j***@a***.com``, ``**** 6467``, ``sk-proj-...****``); it never keeps enough to recover the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from promptlint.pii.catalog import SECRET_ENTITIES

_STARS = "***"

# Public, non-secret prefixes that tell the reader which credential it is.
_SECRET_PREFIX = re.compile(
    r"sk-ant-(?:[a-z]+\d\d-)?|sk-(?:proj-|svcacct-|admin-)?|gh[pousr]_|github_pat_|xox[a-z]-|xapp-"
    r"|A[A-Z]{2}A(?=[A-Z0-9]{16}$)|eyJ|AIza|hf_|glpat-"
)


def _initial(word: str) -> str:
    return f"{word[:1]}{_STARS}" if word else _STARS


def _mask_email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    labels = domain.split(".")
    tld = labels[-1] if len(labels) > 1 else ""
    return f"{_initial(local)}@{_initial(labels[0])}" + (f".{tld}" if tld else "")


def _mask_digits(value: str, keep: int) -> str:
    """Star every digit but the last ``keep``, keeping separators so the shape stays readable."""
    total = sum(ch.isdigit() for ch in value)
    out, seen = [], 0
    for ch in value:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > total - keep else "*")
        elif ch.isalpha():
            out.append("*")
        else:
            out.append(ch)
    return "".join(out)


def _mask_card(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return f"**** {digits[-4:]}" if len(digits) >= 12 else _STARS


def _mask_iban(value: str) -> str:
    compact = re.sub(r"[\s-]", "", value)
    return f"{compact[:2]}** **** {compact[-4:]}" if len(compact) > 8 else _STARS


def _mask_ip(value: str) -> str:
    if ":" in value:
        return value.split(":", 1)[0] + ":" + _STARS
    parts = value.split(".")
    return ".".join(parts[:2] + ["***"] * (len(parts) - 2)) if len(parts) == 4 else _STARS


def _mask_connection(value: str) -> str:
    scheme, _, rest = value.partition("://")
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{_initial(user)}:****@{_initial(host)}"


def _mask_private_key(value: str) -> str:
    header = re.match(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----", value)
    return f"{header.group(0) if header else '-----BEGIN PRIVATE KEY-----'} ****"


def _mask_secret(value: str) -> str:
    if value.startswith("https://hooks.slack.com/"):
        kind = value[len("https://hooks.slack.com/") :].split("/", 1)[0]
        return f"https://hooks.slack.com/{kind}/****"
    prefix = _SECRET_PREFIX.match(value)
    return f"{prefix.group(0)}...****" if prefix else "****"


def _mask_names(value: str) -> str:
    return " ".join(_initial(word) for word in value.split()) or _STARS


_MASKERS: dict[str, Callable[[str], str]] = {
    "EMAIL_ADDRESS": _mask_email,
    "CREDIT_CARD": _mask_card,
    "IBAN_CODE": _mask_iban,
    "US_SSN": lambda _: "***-**-****",
    "PHONE_NUMBER": lambda value: _mask_digits(value, keep=2),
    "IP_ADDRESS": _mask_ip,
    "PERSON": _mask_names,
    "LOCATION": _mask_names,
    "NRP": _mask_names,
    "CONNECTION_STRING": _mask_connection,
    "PRIVATE_KEY": _mask_private_key,
    "BEARER_TOKEN": lambda _: "Bearer ****",
}


def mask(entity_type: str, value: str) -> str:
    """The masked form of ``value`` found as ``entity_type`` (a presidio or promptlint type)."""
    value = value.strip()
    masker = _MASKERS.get(entity_type)
    if masker is not None:
        return masker(value)
    if entity_type in SECRET_ENTITIES:  # API keys and tokens: the public prefix at most
        return _mask_secret(value)
    if any(ch.isdigit() for ch in value) and not any(ch.isalpha() for ch in value):
        return _mask_digits(value, keep=0)
    return _initial(value)


def redact_text(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """``text`` with each ``(start, end, entity_type)`` span replaced by its masked form.

    Overlapping spans are merged into the first one that starts there, so no part of a
    value survives between two replacements.
    """
    ordered = sorted(spans, key=lambda s: (s[0], -s[1]))
    out: list[str] = []
    cursor = 0
    for start, end, entity in ordered:
        start, end = max(start, 0), min(end, len(text))
        if end <= cursor or start >= end:
            continue
        if start < cursor:  # overlap: mask the rest of this span as part of the previous one
            cursor = end
            continue
        out.append(text[cursor:start])
        out.append(mask(entity, text[start:end]))
        cursor = end
    out.append(text[cursor:])
    return "".join(out)
