"""Prompt-aware precision: what looks like PII in a prompt but is not.

- placeholders (``{email}``, ``{{ customer.name }}``, ``<PHONE>``, ``[NAME]``, ``%(email)s``);
- values that are already masked (``j***@acme.com``);
- reserved documentation values (example.com, 555-01xx, RFC 5737 addresses, well-known test
  cards and keys): real-looking, but published for examples, so reported as test values;
- look-alikes: order ids, dates and versions that phone matching picks up, private and
  loopback IPs, role mailboxes such as support@;
- the organisation's allow-list.
"""

from __future__ import annotations

import functools
import ipaddress
import re

# Template fields as prompts write them; a JSON object ({"email": ...}) is not one.
_PLACEHOLDER = re.compile(
    r"\{\{\{?[^{}\n]{1,120}?\}\}\}?"  # Jinja / Handlebars / Mustache
    r"|\{%[^\n]{0,200}?%\}"  # Jinja statements
    r"|\$\{[^{}\n]{1,80}\}"  # shell / JS template
    r"|\{\s*[A-Za-z_][\w.\[\]'\"-]{0,80}(?:![rsa])?(?::[^{}\s\"'@]{0,20})?\s*\}"  # str.format
    r"|<[A-Z][A-Z0-9_ -]{0,40}>|<[a-z_][a-z0-9_ -]{0,40}>"  # <PHONE>, <customer email>
    r"|\[[A-Z][A-Z0-9_ -]{0,40}\]|\[[a-z_][a-z0-9_ -]{0,40}\]"  # [NAME], [customer_email]
    r"|%\([A-Za-z_]\w*\)[sdr]"  # printf-style mapping
    r"|\$[A-Z][A-Z0-9_]{2,}"  # $API_KEY
)
_MASKED = re.compile(r"\*{2,}|x{3,}|X{3,}|•{2,}|#{3,}")

_EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net", "example.edu")
# Reserved by RFC 2606 / RFC 6761 for documentation and testing.
RESERVED_TLDS = frozenset({"test", "example", "invalid", "localhost"})
_ROLE_MAILBOXES = frozenset(
    [
        "support",
        "help",
        "info",
        "sales",
        "contact",
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "admin",
        "billing",
        "privacy",
        "security",
        "hello",
        "team",
        "feedback",
        "press",
        "careers",
        "jobs",
        "webmaster",
        "postmaster",
        "abuse",
        "git",
        "hostmaster",
        "legal",
        "marketing",
        "office",
        "service",
        "notifications",
    ]
)

# Published test numbers of the card networks and payment processors.
_TEST_CARDS = frozenset(
    [
        "4111111111111111",
        "4242424242424242",
        "4012888888881881",
        "4222222222222",
        "4000056655665556",
        "4000000000000002",
        "4000000000009995",
        "4000000000000077",
        "5555555555554444",
        "5105105105105100",
        "5200828282828210",
        "2223003122003222",
        "2223000048400011",
        "378282246310005",
        "371449635398431",
        "378734493671000",
        "6011111111111117",
        "6011000990139424",
        "6011000400000000",
        "3530111333300000",
        "3566002020360505",
        "30569309025904",
        "38520000023237",
        "36227206271667",
        "6200000000000005",
        "4917610000000000",
        "4444333322221111",
        "5454545454545454",
    ]
)
# The IBANs that standards bodies and bank documentation use as examples.
_TEST_IBANS = frozenset(
    [
        "GB82WEST12345698765432",
        "GB29NWBK60161331926819",
        "GB33BUKB20201555555555",
        "DE89370400440532013000",
        "DE75512108001245126199",
        "FR1420041010050500013M02606",
        "NL91ABNA0417164300",
        "ES9121000418450200051332",
        "IT60X0542811101000000123456",
        "CH9300762011623852957",
        "BE68539007547034",
        "AT611904300234573201",
    ]
)
# SSNs made public in advertising or reserved for it (987-65-4320..4329).
_TEST_SSNS = frozenset(
    {"078051120", "219099999", "457555462", *(f"98765432{d}" for d in range(10))}
)
_JWT_IO_SIGNATURE = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
# Ofcom's drama/documentation ranges (national significant number prefixes).
_UK_DRAMA = (
    "2079460",
    "1134960",
    "1174960",
    "1184960",
    "1214960",
    "1314960",
    "1414960",
    "1514960",
    "1614960",
    "1914980",
    "1632960",
    "7700900",
    "8081570",
    "9098790",
    "3069990",
)
_DUMMY_PASSWORDS = frozenset(
    ["password", "pass", "passwd", "pwd", "pw", "secret", "changeme", "test", "example"]
)
_DUMMY_HOSTS = frozenset(
    ["localhost", "127.0.0.1", "host", "hostname", "server", "db", "database", "example.com"]
)

_ID_WORDS = re.compile(
    r"\b(?:order|invoice|ticket|ref|reference|case|id|sku|tracking|transaction|txn|build|commit|"
    r"issue|pr|po|serial|version|ver|release|batch|job|run|acct|item|isbn|"
    r"confirmation|booking|shipment|parcel|claim|policy|record|row|step|code)\b[\s#:no.-]{0,6}$",
    re.I,
)
_PHONE_WORDS = re.compile(
    r"\b(?:phone|tel|telephone|mobile|cell|call|fax|contact|dial|whatsapp|sms|text)\b", re.I
)
_DATE = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
)


def placeholder_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _PLACEHOLDER.finditer(text)]


def overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def is_masked(value: str) -> bool:
    return bool(_MASKED.search(value))


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _email_is_documentation(value: str) -> bool:
    domain = value.rsplit("@", 1)[-1].lower()
    return domain.rsplit(".", 1)[-1] in RESERVED_TLDS or any(
        domain == d or domain.endswith("." + d) for d in _EXAMPLE_DOMAINS
    )


def _phone_is_documentation(value: str) -> bool:
    digits = _digits(value)
    if value.strip().startswith("+"):
        if digits.startswith("1"):
            digits = digits[1:]
        elif digits.startswith("44"):
            return digits[2:].startswith(_UK_DRAMA)
    elif digits.startswith("0"):
        return digits[1:].startswith(_UK_DRAMA)
    elif len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    # NANP: 555-0100 to 555-0199 are reserved for fiction and documentation.
    local = digits[-7:]
    return len(digits) in (7, 10) and local.startswith("55501")


def _ip_is_documentation(value: str) -> bool:
    try:
        addr = ipaddress.ip_address(value.split("/", 1)[0].split("%", 1)[0])
    except ValueError:
        return False
    nets = ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
    return any(
        addr in ipaddress.ip_network(n)
        for n in nets
        if ipaddress.ip_network(n).version == addr.version
    )


def _connection_is_documentation(value: str) -> bool:
    from promptlint.pii.secrets import connection_password

    host = value.rsplit("@", 1)[-1].split(":", 1)[0].lower()
    dummy_host = host in _DUMMY_HOSTS or _email_is_documentation(f"x@{host}")
    return dummy_host and connection_password(value).lower() in _DUMMY_PASSWORDS


def is_documentation_value(entity: str, value: str) -> bool:
    """A reserved or published example value: looks real, identifies nobody, unlocks nothing."""
    if entity == "EMAIL_ADDRESS":
        return _email_is_documentation(value)
    if entity == "PHONE_NUMBER":
        return _phone_is_documentation(value)
    if entity == "IP_ADDRESS":
        return _ip_is_documentation(value)
    if entity == "CREDIT_CARD":
        return _digits(value) in _TEST_CARDS
    if entity == "IBAN_CODE":
        return re.sub(r"[\s-]", "", value).upper() in _TEST_IBANS
    if entity == "US_SSN":
        return _digits(value) in _TEST_SSNS
    if entity == "JWT":
        return value.endswith(_JWT_IO_SIGNATURE)
    if entity == "CONNECTION_STRING":
        return _connection_is_documentation(value)
    if entity in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_KEY"):
        return "EXAMPLE" in value  # AWS documents its example keys this way
    return False


def _phone_lookalike(text: str, start: int, end: int) -> bool:
    value = text[start:end]
    before = text[max(0, start - 30) : start]
    after = text[end : end + 2]
    if _DATE.fullmatch(value.strip()):
        return True
    # Glued to an identifier: ORD-2024-118842, v1.2.3456789, #20240115, ab12-3456789.
    if re.search(r"[A-Za-z0-9_][-_/#.]$|[#@]$", before) or re.match(
        r"[A-Za-z0-9_]|[-_.][A-Za-z0-9]", after
    ):
        return True
    stripped = value.strip()
    if re.fullmatch(r"\d+(?:\.\d+)+", stripped) and not re.fullmatch(
        r"\d{2,4}(?:\.\d{2,4}){2,}", stripped
    ):
        return True  # a decimal (37.7749), a version or a build number (10.0.19041.1)
    if re.fullmatch(r"\d{3}-\d{2}-\d{4}", stripped):
        return True  # SSN-shaped: the SSN recognizer decides
    return bool(_ID_WORDS.search(before) and not _PHONE_WORDS.search(before))


def _ip_lookalike(text: str, start: int, end: int) -> bool:
    value = text[start:end]
    try:
        addr = ipaddress.ip_address(value.split("/", 1)[0].split("%", 1)[0])
    except ValueError:
        return True
    if _ip_is_documentation(value):
        return False
    if not addr.is_global:
        return True  # private, loopback, link-local...: infrastructure, not a person
    before = text[max(0, start - 20) : start]
    return bool(re.search(r"(?:\bv|version|ver\.?|release|build)\s*$", before, re.I))


def _email_lookalike(value: str) -> bool:
    local = value.rsplit("@", 1)[0].lower()
    return local in _ROLE_MAILBOXES


def is_lookalike(entity: str, text: str, start: int, end: int) -> bool:
    """A match that has the shape of ``entity`` but is something else in context."""
    if entity == "PHONE_NUMBER":
        return _phone_lookalike(text, start, end)
    if entity == "IP_ADDRESS":
        return _ip_lookalike(text, start, end)
    if entity == "EMAIL_ADDRESS":
        return _email_lookalike(text[start:end])
    if entity in ("US_SSN", "CREDIT_CARD", "IBAN_CODE"):
        # Glued into a longer identifier (INV-4111111111111111, x123-45-6789y).
        return bool(re.search(r"[A-Za-z0-9][-_/]$", text[max(0, start - 2) : start])) or bool(
            re.match(r"[A-Za-z0-9_]", text[end : end + 1])
        )
    return False


@functools.lru_cache(maxsize=64)
def _allow_regexes(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def is_allowed(value: str, allow: tuple[str, ...], allow_patterns: tuple[str, ...]) -> bool:
    """True when the configuration lists ``value`` as known-safe (exact, case-insensitive)
    or one of its allow patterns matches the whole value."""
    folded = value.strip().casefold()
    if any(folded == a.strip().casefold() for a in allow):
        return True
    return any(p.fullmatch(value.strip()) for p in _allow_regexes(allow_patterns))
