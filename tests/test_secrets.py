"""Secret recognizers (SEC rules): every kind found, placeholders and look-alikes not, masked.

Credential-shaped values are generated at test time (``fake_secret``) so the repository never
holds a string that secret scanners would flag.
"""

from __future__ import annotations

import base64
import json
import random
import string

import pytest

from promptlint.checks.base import CheckContext
from promptlint.checks.pii import check_prompt
from promptlint.config import config_from_mapping
from promptlint.masking import mask
from promptlint.models import Prompt, SourceMap
from promptlint.pii.detect import scan
from promptlint.tokens import TokenCounter

ALNUM = string.ascii_letters + string.digits
SEC_CODES = frozenset(f"SEC00{i}" for i in range(1, 9)) | {"PII010"}


def _b64url(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def fake_secret(kind: str, seed: int = 0) -> str:
    """A well-formed, random (so never live) credential of ``kind``."""
    rnd = random.Random(f"{kind}-{seed}")

    def chars(n: int, alphabet: str = ALNUM) -> str:
        return "".join(rnd.choice(alphabet) for _ in range(n))

    b64 = ALNUM + "+/"
    if kind == "OPENAI_PROJ":
        return "sk-proj-" + chars(40) + "-" + chars(20, ALNUM + "_")
    if kind == "OPENAI_LEGACY":
        return "sk-" + chars(48)
    if kind == "ANTHROPIC":
        return "sk-ant-api03-" + chars(93, ALNUM + "_-") + "AA"
    if kind == "AWS_ID":
        return "AKIA" + chars(16, string.ascii_uppercase[:26] + "234567")
    if kind == "AWS_SECRET":
        return chars(20, b64) + "Aa1" + chars(17, b64)
    if kind == "GITHUB_PAT":
        return "ghp_" + chars(36)
    if kind == "GITHUB_OAUTH":
        return "gho_" + chars(36)
    if kind == "GITHUB_FINE":
        return "github_pat_" + chars(22) + "_" + chars(59)
    if kind == "GOOGLE":
        return "AIza" + chars(35, ALNUM + "_-")
    if kind == "HUGGINGFACE":
        return "hf_" + chars(34, string.ascii_letters)
    if kind == "GITLAB":
        return "glpat-" + chars(20, ALNUM + "_-")
    if kind == "SLACK_BOT":
        return f"xoxb-{chars(11, string.digits)}-{chars(13, string.digits)}-{chars(24)}"
    if kind == "SLACK_APP":
        return f"xapp-1-A{chars(10, string.ascii_uppercase + string.digits)}-{chars(13, string.digits)}-{chars(64, '0123456789abcdef')}"
    if kind == "SLACK_HOOK":
        upper = string.ascii_uppercase + string.digits
        return (
            f"https://hooks.slack.com/services/T{chars(8, upper)}/B{chars(10, upper)}/{chars(24)}"
        )
    if kind == "JWT":
        header = _b64url({"alg": "HS256", "typ": "JWT"})
        payload = _b64url({"sub": chars(8), "iat": 1700000000 + seed, "role": "admin"})
        return f"{header}.{payload}.{chars(43, ALNUM + '-_')}"
    if kind == "BEARER":
        return chars(32)
    if kind in ("RSA_KEY", "OPENSSH_KEY"):
        label = "RSA PRIVATE KEY" if kind == "RSA_KEY" else "OPENSSH PRIVATE KEY"
        body = "\n".join(chars(64, b64) for _ in range(5))
        return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----"
    if kind == "PKCS8_ESCAPED":  # as in a service-account JSON file
        body = "\\n".join(chars(64, b64) for _ in range(4))
        return f"-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----\\n"
    raise ValueError(kind)


def fill_secrets(text: str, seed: int = 0) -> str:
    """Replace each ``@@KIND@@`` marker with a generated credential."""
    out = text
    while "@@" in out:
        start = out.index("@@")
        end = out.index("@@", start + 2)
        kind = out[start + 2 : end]
        out = out[:start] + fake_secret(kind, seed) + out[end + 2 :]
    return out


def make_prompt(text: str, **fields: object) -> Prompt:
    return Prompt(
        path="prompts/p.txt",
        kind="text",
        text=text,
        start_line=1,
        start_col=1,
        end_line=text.count("\n") + 1,
        end_col=1,
        reason="test",
        source_map=SourceMap.for_text(text, 1, 1),
        **fields,  # type: ignore[arg-type]
    )


def entities(text: str) -> list[tuple[str, str, bool]]:
    config = config_from_mapping({})
    return [(d.entity, text[d.start : d.end], d.test_value) for d in scan(text, config.pii)]


@pytest.mark.parametrize(
    ("kind", "entity"),
    [
        ("OPENAI_PROJ", "OPENAI_API_KEY"),
        ("OPENAI_LEGACY", "OPENAI_API_KEY"),
        ("ANTHROPIC", "ANTHROPIC_API_KEY"),
        ("AWS_ID", "AWS_ACCESS_KEY_ID"),
        ("GITHUB_PAT", "GITHUB_TOKEN"),
        ("GITHUB_OAUTH", "GITHUB_TOKEN"),
        ("GITHUB_FINE", "GITHUB_TOKEN"),
        ("SLACK_BOT", "SLACK_TOKEN"),
        ("SLACK_APP", "SLACK_TOKEN"),
        ("GOOGLE", "GOOGLE_API_KEY"),
        ("HUGGINGFACE", "HUGGINGFACE_TOKEN"),
        ("GITLAB", "GITLAB_TOKEN"),
        ("SLACK_HOOK", "SLACK_WEBHOOK"),
        ("JWT", "JWT"),
        ("RSA_KEY", "PRIVATE_KEY"),
        ("OPENSSH_KEY", "PRIVATE_KEY"),
    ],
)
def test_each_secret_kind_is_found_with_its_exact_span(kind: str, entity: str) -> None:
    value = fake_secret(kind)
    text = f"Use this credential for the tool call:\n{value}\nThen summarise the result."
    assert (entity, value, False) in entities(text)


def test_aws_secret_needs_its_label_and_mixed_case() -> None:
    value = fake_secret("AWS_SECRET")
    assert ("AWS_SECRET_KEY", value, False) in entities(f"aws_secret_access_key = {value}")
    assert entities(f"The payload checksum field holds {value} today.") == []
    sha1 = "3f786850e387550fdab836ed7e6dc881de23001b"
    assert entities(f"aws secret digest: {sha1}") == []


def test_bearer_token_and_jwt_do_not_double_report() -> None:
    jwt = fake_secret("JWT")
    found = entities(f"Authorization: Bearer {jwt}")
    assert [(e, v) for e, v, _ in found] == [("JWT", jwt)]
    token = fake_secret("BEARER")
    assert entities(f"Authorization: Bearer {token}") == [("BEARER_TOKEN", token, False)]


def test_connection_strings_with_and_without_a_password() -> None:
    url = "postgres://svc:Zr8qLm2Tx9@db.prod.acme.io:5432"
    assert entities(f"Connect to {url}/orders") == [("CONNECTION_STRING", url, False)]
    for templated in (
        "postgres://svc:{password}@db:5432/app",
        "postgresql://app:${DB_PASSWORD}@db:5432/app",
        "mysql://USER:****@HOST:3306/DB",
        "redis://localhost:6379/0",
    ):
        assert entities(templated) == [], templated
    dummy = entities("postgres://postgres:password@localhost:5432/dev")
    assert [(e, t) for e, _, t in dummy] == [("CONNECTION_STRING", True)]


@pytest.mark.parametrize(
    "text",
    [
        "Set OPENAI_API_KEY=sk-... before running.",
        "Replace sk-your-key-here-with-the-real-one with your key.",
        "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx is the token format.",
        "Authorization: Bearer {access_token}",
        "Authorization: Bearer <YOUR_TOKEN_HERE>",
        "Authorization: Bearer YOUR_ACCESS_TOKEN_GOES_HERE",
        "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
        "xoxb-your-workspace-token",
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "Keys look like sk-proj- followed by random characters.",
        "scikit-learn is imported as sklearn; sk-learn is a typo.",
        "Google keys start with AIza; set GOOGLE_API_KEY=AIzaSy" + "X" * 33 + ".",
        "Call hf_hub_download(repo_id, filename) to fetch the weights.",
        "The variable hf_" + "tokenizerconfigurationloaderfactory" + " is a name, not a token.",
        "GitLab tokens look like glpat-your-personal-token-goes-here.",
        "glpat-" + "x" * 20 + " is the token format.",
        "AIza" + "0123456789" * 3 + " is too short to be a key.",
    ],
)
def test_placeholders_and_descriptions_are_not_secrets(text: str) -> None:
    assert [f for f in entities(text) if not f[2]] == []


def test_documented_example_keys_are_test_values() -> None:
    found = entities(
        "AKIAIOSFODNN7EXAMPLE / aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    )
    assert {(e, t) for e, _, t in found} == {("AWS_ACCESS_KEY_ID", True), ("AWS_SECRET_KEY", True)}


def test_secret_hits_are_errors_with_masked_message_evidence_and_data() -> None:
    value = fake_secret("OPENAI_PROJ")
    text = f"Use key {value} for calls."
    ctx = CheckContext(config_from_mapping({}), TokenCounter(), enabled_codes=SEC_CODES)
    hits = list(check_prompt(make_prompt(text), ctx))
    assert len(hits) == 1
    hit = hits[0]
    assert hit.code == "SEC001" and str(hit.severity) == "error"
    assert text[hit.start : hit.end] == value
    assert hit.data == {"entity": "OPENAI_API_KEY", "score": 0.9, "masked": "sk-proj-...****"}
    assert hit.evidence == "OPENAI_API_KEY:sk-proj-...****"
    for field in (hit.message, hit.evidence, str(hit.data)):
        assert value not in field and value[8:20] not in field


@pytest.mark.parametrize(
    "kind",
    [
        "OPENAI_PROJ",
        "ANTHROPIC",
        "AWS_ID",
        "AWS_SECRET",
        "GITHUB_FINE",
        "SLACK_BOT",
        "SLACK_HOOK",
        "GOOGLE",
        "HUGGINGFACE",
        "GITLAB",
        "JWT",
        "BEARER",
        "RSA_KEY",
    ],
)
def test_masked_secret_keeps_no_part_of_the_random_body(kind: str) -> None:
    value = fake_secret(kind)
    entity = {
        "OPENAI_PROJ": "OPENAI_API_KEY",
        "ANTHROPIC": "ANTHROPIC_API_KEY",
        "AWS_ID": "AWS_ACCESS_KEY_ID",
        "AWS_SECRET": "AWS_SECRET_KEY",
        "GITHUB_FINE": "GITHUB_TOKEN",
        "SLACK_BOT": "SLACK_TOKEN",
        "SLACK_HOOK": "SLACK_WEBHOOK",
        "GOOGLE": "GOOGLE_API_KEY",
        "HUGGINGFACE": "HUGGINGFACE_TOKEN",
        "GITLAB": "GITLAB_TOKEN",
        "BEARER": "BEARER_TOKEN",
        "RSA_KEY": "PRIVATE_KEY",
    }.get(kind, kind)
    masked = mask(entity, value)
    public = (
        masked.replace("...****", "").replace(" ****", "").replace("/****", "/").replace("****", "")
    )
    body = value[len(public) :] if value.startswith(public) else value
    body = body.split("-----END", 1)[0]  # the END line of a key block is public too
    assert len(body) >= 16
    # No run of 5 characters of the random body survives in the masked form.
    assert not any(body[i : i + 5] in masked for i in range(len(body) - 4)), masked


@pytest.mark.parametrize("kind", ["GOOGLE", "HUGGINGFACE", "GITLAB"])
def test_platform_tokens_are_sec008_errors_with_their_public_prefix_only(kind: str) -> None:
    value = fake_secret(kind, seed=3)
    text = f"Fetch the data with token {value} and summarise it."
    ctx = CheckContext(config_from_mapping({}), TokenCounter(), enabled_codes=SEC_CODES)
    hits = list(check_prompt(make_prompt(text), ctx))
    assert [(h.code, str(h.severity), text[h.start : h.end]) for h in hits] == [
        ("SEC008", "error", value)
    ]
    prefix = {"GOOGLE": "AIza", "HUGGINGFACE": "hf_", "GITLAB": "glpat-"}[kind]
    assert hits[0].data["masked"] == f"{prefix}...****"
    for field in (hits[0].message, hits[0].evidence, str(hits[0].data)):
        assert value[len(prefix) :][:8] not in field


def test_min_score_does_not_gate_secrets() -> None:
    """min-score tunes presidio's scored guesses (phone numbers...); secrets are exact patterns
    with their own validators, so even the strictest min-score keeps every one of them."""
    key, token = fake_secret("OPENAI_PROJ"), fake_secret("BEARER")
    text = f"Key {key}.\nAuthorization: Bearer {token}\nCall 212-736-4120 today."
    strict = config_from_mapping({"pii": {"min-score": 1}}).pii
    assert [(d.entity, text[d.start : d.end]) for d in scan(text, strict)] == [
        ("OPENAI_API_KEY", key),
        ("BEARER_TOKEN", token),
    ]
