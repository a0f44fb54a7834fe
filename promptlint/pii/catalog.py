"""The entity types promptlint reports: rule code, default severity and a human label.

Plain data (no presidio import) so the checks, masking and the pre-screen can share it.
"""

from __future__ import annotations

from dataclasses import dataclass

from promptlint.models import Severity


@dataclass(frozen=True, slots=True)
class EntityKind:
    code: str
    label: str
    severity: Severity
    secret: bool = False


PII_ENTITIES: dict[str, EntityKind] = {
    "EMAIL_ADDRESS": EntityKind("PII001", "email address", Severity.WARNING),
    "PHONE_NUMBER": EntityKind("PII002", "phone number", Severity.WARNING),
    "US_SSN": EntityKind("PII003", "US social security number", Severity.ERROR),
    "CREDIT_CARD": EntityKind("PII004", "payment card number", Severity.ERROR),
    "IBAN_CODE": EntityKind("PII005", "IBAN", Severity.ERROR),
    "IP_ADDRESS": EntityKind("PII006", "public IP address", Severity.WARNING),
    "PERSON": EntityKind("PII007", "person name", Severity.INFO),
    "LOCATION": EntityKind("PII008", "location or address", Severity.WARNING),
    "NRP": EntityKind("PII008", "nationality, religion or political group", Severity.WARNING),
    # Opt-in (pii.entities): presidio's recognizers for these misfire on prompt text, so they
    # are off by default and, when enabled, only count next to one of their context words.
    "UK_NHS": EntityKind("PII011", "UK NHS number", Severity.ERROR),
    "US_DRIVER_LICENSE": EntityKind("PII011", "US driver licence number", Severity.ERROR),
    "US_BANK_NUMBER": EntityKind("PII011", "US bank account number", Severity.ERROR),
    "US_PASSPORT": EntityKind("PII011", "US passport number", Severity.ERROR),
    "US_ITIN": EntityKind("PII011", "US taxpayer id", Severity.ERROR),
}

SECRET_ENTITIES: dict[str, EntityKind] = {
    "OPENAI_API_KEY": EntityKind("SEC001", "OpenAI API key", Severity.ERROR, True),
    "ANTHROPIC_API_KEY": EntityKind("SEC001", "Anthropic API key", Severity.ERROR, True),
    "AWS_ACCESS_KEY_ID": EntityKind("SEC002", "AWS access key id", Severity.ERROR, True),
    "AWS_SECRET_KEY": EntityKind("SEC002", "AWS secret access key", Severity.ERROR, True),
    "GITHUB_TOKEN": EntityKind("SEC003", "GitHub token", Severity.ERROR, True),
    "GOOGLE_API_KEY": EntityKind("SEC008", "Google API key", Severity.ERROR, True),
    "HUGGINGFACE_TOKEN": EntityKind("SEC008", "Hugging Face token", Severity.ERROR, True),
    "GITLAB_TOKEN": EntityKind("SEC008", "GitLab token", Severity.ERROR, True),
    "SLACK_TOKEN": EntityKind("SEC004", "Slack token", Severity.ERROR, True),
    "SLACK_WEBHOOK": EntityKind("SEC004", "Slack webhook URL", Severity.ERROR, True),
    "JWT": EntityKind("SEC005", "JSON web token", Severity.ERROR, True),
    "BEARER_TOKEN": EntityKind("SEC005", "bearer token", Severity.ERROR, True),
    "PRIVATE_KEY": EntityKind("SEC006", "private key", Severity.ERROR, True),
    "CONNECTION_STRING": EntityKind(
        "SEC007", "connection string with a password", Severity.ERROR, True
    ),
}

DENY_ENTITY = "DENY_LIST"
DENY_CODE = "PII009"
TEST_VALUE_CODE = "PII010"
POLICY_CODE = "POL001"

NER_ENTITIES = frozenset({"PERSON", "LOCATION", "NRP"})
OPT_IN_ENTITIES = frozenset(
    {"UK_NHS", "US_DRIVER_LICENSE", "US_BANK_NUMBER", "US_PASSPORT", "US_ITIN"}
)
ALL_ENTITIES: dict[str, EntityKind] = {**PII_ENTITIES, **SECRET_ENTITIES}
DEFAULT_ENTITIES = frozenset(set(ALL_ENTITIES) - OPT_IN_ENTITIES)


def kind_of(entity: str) -> EntityKind | None:
    return ALL_ENTITIES.get(entity)


def label_of(entity: str) -> str:
    if entity == DENY_ENTITY:
        return "deny-listed term"
    kind = ALL_ENTITIES.get(entity)
    return kind.label if kind else entity.lower().replace("_", " ")
