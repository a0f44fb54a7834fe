"""PII check: the labelled set (precision/recall floors), offline presidio, lazy import, NER,
prompt-aware precision, deny/allow lists, severities, data policy and masking everywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest
import yaml

from promptlint.checks.base import CheckContext
from promptlint.checks.pii import check_prompt
from promptlint.config import ConfigError, config_from_mapping
from promptlint.masking import mask, redact_text
from promptlint.pii.detect import scan
from promptlint.rulepack import load_pack
from promptlint.tokens import TokenCounter
from tests.conftest import ROOT, cli_env, run_cli
from tests.test_secrets import fake_secret, fill_secrets, make_prompt

LABELLED = Path(__file__).parent / "data" / "pii_labelled.yaml"
ALL_CODES = frozenset(
    r.code
    for pack in ("pii", "secrets", "policy")
    for r in load_pack(ROOT / "rules" / f"{pack}.yaml")
)
# Types found by patterns and checksums: the floors of the issue apply to each of them.
PATTERN_TYPES = (
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "US_SSN",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "DENY_LIST",
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_KEY",
    "GITHUB_TOKEN",
    "SLACK_TOKEN",
    "SLACK_WEBHOOK",
    "JWT",
    "BEARER_TOKEN",
    "PRIVATE_KEY",
    "CONNECTION_STRING",
)


def ctx_for(
    data: dict[str, object] | None = None, codes: frozenset[str] = ALL_CODES
) -> CheckContext:
    return CheckContext(config_from_mapping(data or {}), TokenCounter(), enabled_codes=codes)


def hits_for(text: str, data: dict[str, object] | None = None, **fields: object) -> list:
    return list(check_prompt(make_prompt(text, **fields), ctx_for(data)))


# --- the labelled set -------------------------------------------------------------------


def evaluate_labelled() -> tuple[dict[str, Counter[str]], int, int]:
    doc = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    config = config_from_mapping({"pii": {"deny": doc["deny"]}})
    stats: dict[str, Counter[str]] = {}
    positives = negatives = 0
    for seed, item in enumerate(doc["items"]):
        text = fill_secrets(item["text"], seed)
        expected = [(entity, fill_secrets(value, seed)) for entity, value in item.get("expect", [])]
        positives += bool(expected)
        negatives += not expected
        spans = []
        for entity, value in expected:
            start = text.find(value)
            assert start >= 0, f"labelled value {entity} not in its text: {item['text'][:60]}"
            spans.append((entity, start, start + len(value)))
        found = [d for d in scan(text, config.pii) if not d.test_value]
        matched: set[int] = set()
        for det in found:
            hit = next(
                (
                    i
                    for i, (e, s, t) in enumerate(spans)
                    if e == det.entity and s < det.end and det.start < t
                ),
                None,
            )
            counter = stats.setdefault(det.entity, Counter())
            if hit is None:
                counter["fp"] += 1
            else:
                counter["tp"] += 1
                matched.add(hit)
        for i, (entity, _, _) in enumerate(spans):
            if i not in matched:
                stats.setdefault(entity, Counter())["fn"] += 1
    return stats, positives, negatives


def test_labelled_set_meets_precision_and_recall_floors() -> None:
    stats, positives, negatives = evaluate_labelled()
    assert positives + negatives >= 150 and negatives >= positives
    lines, failures = [], []
    for entity in PATTERN_TYPES:
        c = stats.get(entity, Counter())
        assert c["tp"] + c["fn"] > 0, f"no positive for {entity} in the labelled set"
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        recall = c["tp"] / (c["tp"] + c["fn"])
        lines.append(
            f"{entity:18} P={precision:.3f} R={recall:.3f} tp={c['tp']} fp={c['fp']} fn={c['fn']}"
        )
        if precision < 0.95 or recall < 0.90:
            failures.append(entity)
    print("\n" + "\n".join(lines))
    assert not failures, "\n".join(lines)


# --- offline, lazy, built once -----------------------------------------------------------

_SOCKET_RECORDER = """
import socket, sys
attempts = []
def record(name):
    def refuse(*args, **kwargs):
        attempts.append(name)
        raise OSError("network blocked by test")
    return refuse
socket.socket.connect = record("connect")
socket.getaddrinfo = record("getaddrinfo")
socket.create_connection = record("create_connection")
"""


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=cli_env(),
        cwd=ROOT,
        timeout=120,
    )


def test_presidio_and_tldextract_make_no_network_attempt() -> None:
    # tldextract swallows network errors and falls back to its snapshot, so a plain socket
    # block would hide an attempt: count attempts instead, in a fresh process.
    proc = _python(
        _SOCKET_RECORDER
        + """
from promptlint.config import PiiConfig
from promptlint.pii.detect import scan
found = scan("Mail maria.lopez@gmail.com or a@b.co.uk, call +44 20 7123 4567", PiiConfig())
print(sorted(d.entity for d in found), attempts)
"""
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['EMAIL_ADDRESS', 'EMAIL_ADDRESS', 'PHONE_NUMBER'] []"


def test_prompts_without_candidates_never_import_presidio() -> None:
    proc = _python(
        """
import sys
from promptlint.checks.base import CheckContext
from promptlint.checks.pii import check_prompt
from promptlint.config import config_from_mapping
from promptlint.models import Prompt, SourceMap
from promptlint.report.extract import masked_text
from promptlint.tokens import TokenCounter
text = "You are a helpful assistant. Answer in 3 bullet points about {topic}, version 2.1."
prompt = Prompt("p.txt", "text", text, 1, 1, 1, 1, "test", SourceMap.for_text(text, 1, 1))
ctx = CheckContext(config_from_mapping({}), TokenCounter(), frozenset({"PII001", "SEC001", "PII010"}))
assert list(check_prompt(prompt, ctx)) == []
assert masked_text(text, ctx.config.pii) == text
print("presidio_analyzer" in sys.modules, "spacy" in sys.modules)
"""
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False False"


def test_check_command_on_clean_prompts_never_imports_presidio(tmp_path: Path) -> None:
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "a.txt").write_text("Summarise the ticket in two sentences.\n")
    proc = run_cli("check", "prompts", cwd=tmp_path, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "presidio_analyzer" not in proc.stderr
    with_pii = tmp_path / "prompts" / "b.txt"
    with_pii.write_text("Email maria.lopez@gmail.com the summary.\n")
    proc = run_cli("check", "prompts", cwd=tmp_path, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert "presidio_analyzer" in proc.stderr  # the import check above can see presidio


def test_analyzer_is_built_once_per_configuration() -> None:
    from promptlint.pii.analyzer import build_analyzer

    assert build_analyzer() is build_analyzer()
    assert build_analyzer("", ("UK_NHS",)) is not build_analyzer()
    # However the same configuration is spelled (analyze() passes it positionally).
    assert build_analyzer("", ()) is build_analyzer()
    both = build_analyzer("", ("US_ITIN", "UK_NHS"))
    assert both is build_analyzer("", ["UK_NHS", "US_ITIN"])


def test_context_words_raise_scores_through_lemmas() -> None:
    from promptlint.pii.analyzer import analyze

    bare = analyze("reference 4158675309 attached", {"PHONE_NUMBER"})
    with_context = analyze("phone 4158675309 attached", {"PHONE_NUMBER"})
    assert [r.score for r in bare] == [0.3]  # a bare digit run alone stays under min-score
    assert [round(r.score, 2) for r in with_context] == [0.65]
    assert scan("phone 4158675309 attached", config_from_mapping({}).pii)
    assert not scan("reference 4158675309 attached", config_from_mapping({}).pii)


def test_misfiring_builtins_are_off_by_default_and_context_gated_when_enabled() -> None:
    us_phone = "Call the clinic on 4015559185 tomorrow."  # also a checksum-valid NHS number
    assert {d.entity for d in scan(us_phone, config_from_mapping({}).pii)} <= {"PHONE_NUMBER"}
    nhs = config_from_mapping({"pii": {"entities": ["UK_NHS"]}}).pii
    assert scan("Reference 401 555 9185 for the parcel.", nhs) == []
    found = scan("Patient NHS number 401 555 9185, summarise the referral.", nhs)
    assert [d.entity for d in found] == ["UK_NHS"]


def test_min_score_is_configurable() -> None:
    text = "Call 212-736-4120 today."
    assert scan(text, config_from_mapping({}).pii)
    assert scan(text, config_from_mapping({"pii": {"min-score": 0.99}}).pii) == []


# --- NER through a pipeline the test builds --------------------------------------------


@pytest.fixture(scope="module")
def ner_pipeline(tmp_path_factory: pytest.TempPathFactory) -> str:
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    patterns = [
        {"label": "PERSON", "pattern": [{"LOWER": "priya"}, {"LOWER": "raman"}]},
        {"label": "GPE", "pattern": "Lyon"},
        {"label": "NORP", "pattern": "Catholic"},
        {"label": "ORG", "pattern": "Acme"},
    ]
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    path = tmp_path_factory.mktemp("spacy") / "ruler_en"
    nlp.to_disk(path)
    return str(path)


def test_named_entities_run_through_presidio_ner(ner_pipeline: str) -> None:
    text = "Example: Priya Raman from Lyon, a practising Catholic, asked Acme for a refund."
    hits = hits_for(text, {"pii": {"spacy-model": ner_pipeline}})
    got = {(h.code, h.data["entity"], text[h.start : h.end], str(h.severity)) for h in hits}
    assert got == {
        ("PII007", "PERSON", "Priya Raman", "info"),
        ("PII008", "LOCATION", "Lyon", "warning"),
        ("PII008", "NRP", "Catholic", "warning"),
    }
    assert next(h for h in hits if h.code == "PII007").data["masked"] == "P*** R***"
    # The blank default has no NER: the same text has no finding.
    assert hits_for(text) == []


def test_missing_spacy_pipeline_is_a_one_line_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not installed"):
        hits_for("mail maria.lopez@gmail.com", {"pii": {"spacy-model": "en_core_web_missing"}})
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "a.txt").write_text("mail maria.lopez@gmail.com\n")
    (tmp_path / ".promptlint.yaml").write_text("pii:\n  spacy-model: en_core_web_missing\n")
    proc = run_cli("check", "prompts", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "en_core_web_missing" in proc.stderr
    assert "Traceback" not in proc.stderr


# --- prompt-aware precision -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Email {email} or call {phone}.",
        "Hi {{ customer.name }}, your address {{ customer.email }} is confirmed.",
        "Reply to <EMAIL_ADDRESS>, phone <PHONE>, name [NAME].",
        "Write to {first}.{last}@acme-corp.io from the template.",
        "Send it to %(email)s.",
        "The email on file is j***@g***.com.",
    ],
)
def test_placeholders_and_masked_values_are_not_pii(text: str) -> None:
    assert hits_for(text) == []


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("Example: jane@example.com", "EMAIL_ADDRESS"),
        ("Send it to qa@staging.test", "EMAIL_ADDRESS"),
        ("Call (415) 555-0132 in the role-play", "PHONE_NUMBER"),
        ("Server 192.0.2.10 in the docs", "IP_ADDRESS"),
        ("Card 4242 4242 4242 4242 in test mode", "CREDIT_CARD"),
        ("Use 4111111111111111 for the sandbox", "CREDIT_CARD"),
        ("IBAN GB82 WEST 1234 5698 7654 32", "IBAN_CODE"),
        ("Key AKIAIOSFODNN7EXAMPLE from the AWS docs", "AWS_ACCESS_KEY_ID"),
    ],
)
def test_documentation_values_are_info_test_values_or_dropped(text: str, entity: str) -> None:
    hits = hits_for(text)
    assert [(h.code, h.data["entity"], str(h.severity)) for h in hits] == [
        ("PII010", entity, "info")
    ]
    assert hits[0].message.startswith("Test value:")
    assert hits_for(text, {"pii": {"documentation-values": "ignore"}}) == []


@pytest.mark.parametrize(
    "text",
    [
        "Look up order ORD-2024-118842 today.",
        "Upgrade Python 3.11.4 to 3.12.1.",
        "Moved from 2024-01-15 to 15/02/2024.",
        "Windows build 10.0.19041.1 is affected.",
        "Invoice INV-2024-000123 is overdue.",
        "Request id 550e8400-e29b-41d4-a716-446655440000 failed.",
        "MAX_RETRIES = 1000000 and TIMEOUT_MS = 30000.",
        "Ping 10.0.0.12 and 127.0.0.1 from the container.",
        "Write a biography of Ada Lovelace.",
    ],
)
def test_lookalikes_are_not_pii(text: str) -> None:
    assert hits_for(text) == []


# --- hits: offsets, masked message/evidence/data, severities ---------------------------


def test_hits_carry_exact_offsets_and_masked_forms_only() -> None:
    text = "Contact maria.lopez@gmail.com or (415) 867-5309; card 4526 0181 5908 3012, SSN 536-22-8174."
    hits = hits_for(text)
    by_entity = {h.data["entity"]: h for h in hits}
    expected = {
        "EMAIL_ADDRESS": ("maria.lopez@gmail.com", "PII001", "warning", "m***@g***.com"),
        "PHONE_NUMBER": ("(415) 867-5309", "PII002", "warning", "(***) ***-**09"),
        "CREDIT_CARD": ("4526 0181 5908 3012", "PII004", "error", "**** 3012"),
        "US_SSN": ("536-22-8174", "PII003", "error", "***-**-****"),
    }
    assert set(by_entity) == set(expected)
    for entity, (value, code, severity, masked) in expected.items():
        hit = by_entity[entity]
        assert text[hit.start : hit.end] == value
        assert (hit.code, str(hit.severity), hit.data["masked"]) == (code, severity, masked)
        assert hit.evidence == f"{entity}:{masked}"
        assert 0.5 <= hit.data["score"] <= 1.0
        assert masked in hit.message
        for field in (hit.message, hit.evidence, json.dumps(dict(hit.data))):
            assert value not in field


def test_entity_severity_is_configurable() -> None:
    text = "Mail maria.lopez@gmail.com"
    assert str(hits_for(text)[0].severity) == "warning"
    assert (
        str(hits_for(text, {"pii": {"severity": {"EMAIL_ADDRESS": "error"}}})[0].severity)
        == "error"
    )


def test_disabled_codes_and_entities_are_skipped() -> None:
    text = "Mail maria.lopez@gmail.com or call 212-736-4120"
    only_phone = check_prompt(make_prompt(text), ctx_for(codes=frozenset({"PII002"})))
    assert [h.code for h in only_phone] == ["PII002"]
    no_email = hits_for(text, {"pii": {"disable-entities": ["EMAIL_ADDRESS"]}})
    assert [h.code for h in no_email] == ["PII002"]
    assert hits_for(text, {"pii": {"enabled": False}}) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"pii": {"entities": ["EMAIL"]}},
            "unknown entity type 'EMAIL' in pii.entities (did you mean 'EMAIL_ADDRESS'?)",
        ),
        ({"pii": {"severity": {"PHONE": "error"}}}, "unknown entity type 'PHONE' in pii.severity"),
        (
            {"data-policy": [{"name": "p", "entities": ["SSN"]}]},
            "unknown entity type 'SSN' in data-policy 'p'",
        ),
    ],
)
def test_unknown_entity_names_are_configuration_errors(
    data: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError) as err:
        hits_for("Call 212-736-4120 or mail r.kim@yahoo.com", data)
    assert str(err.value).startswith(message)


def test_deny_and_allow_lists() -> None:
    data = {
        "pii": {
            "deny": ["Project Bluebird", "Initech"],
            "allow": ["press@globex.com"],
            "allow-patterns": [r".*@acme-corp\.io"],
        }
    }
    text = "Project bluebird update for INITECH: mail press@globex.com, ops@acme-corp.io, r.kim@yahoo.com"
    hits = hits_for(text, data)
    got = [(h.code, text[h.start : h.end]) for h in hits]
    assert got == [
        ("PII009", "Project bluebird"),
        ("PII009", "INITECH"),
        ("PII001", "r.kim@yahoo.com"),
    ]
    deny = hits[0]
    assert str(deny.severity) == "error" and "bluebird" not in deny.message.lower()
    assert deny.evidence == "DENY_LIST:P***"
    assert hits_for("Bluebirds visit the Initechnology summit", data) == []


# --- data policy ------------------------------------------------------------------------

POLICY = {
    "data-policy": [
        {
            "name": "customer-data",
            "entities": ["EMAIL_ADDRESS", "PHONE_NUMBER"],
            "models": ["azure/*", "llama-*"],
        }
    ]
}


def test_policy_flags_a_disallowed_model_and_names_the_policy() -> None:
    text = "Draft a reply to maria.lopez@gmail.com"
    hits = [h for h in hits_for(text, POLICY, model="gpt-4o") if h.code == "POL001"]
    assert len(hits) == 1
    assert "customer-data" in hits[0].message and "gpt-4o" in hits[0].message
    assert "maria" not in hits[0].message and str(hits[0].severity) == "error"
    assert hits[0].data == {
        "policy": "customer-data",
        "model": "gpt-4o",
        "entities": ["EMAIL_ADDRESS"],
    }


def test_policy_model_comes_from_call_then_front_matter_then_default() -> None:
    text = "Draft a reply to maria.lopez@gmail.com"

    def policy_hits(data: dict[str, object], **fields: object) -> list:
        return [h for h in hits_for(text, {**POLICY, **data}, **fields) if h.code == "POL001"]

    assert policy_hits({}, model="azure/gpt-4o") == []
    assert policy_hits({}, meta={"model": "llama-3-70b"}) == []
    assert len(policy_hits({}, meta={"model": "claude-3-5-sonnet"})) == 1
    assert len(policy_hits({})) == 1  # default model gpt-4o-mini
    assert policy_hits({"model": "llama-3-8b"}) == []
    # A per-path model mapping counts as well: the policy judges the model TIER rules see.
    assert policy_hits({"tiers": {"model-paths": {"**": "azure/gpt-4o"}}}) == []
    # Entities the policy does not cover, and test values, do not trigger it.
    assert [
        h
        for h in hits_for(
            "Call 212-736-4120",
            {
                **POLICY,
                "data-policy": [{"name": "cards", "entities": ["CREDIT_CARD"], "models": []}],
            },
        )
        if h.code == "POL001"
    ] == []
    assert [h for h in hits_for("Mail jane@example.com", POLICY) if h.code == "POL001"] == []


# --- masking ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entity", "value", "masked"),
    [
        ("EMAIL_ADDRESS", "john.smith@acme.com", "j***@a***.com"),
        ("CREDIT_CARD", "4526 0181 5908 6467", "**** 6467"),
        ("PHONE_NUMBER", "+44 20 7123 4567", "+** ** **** **67"),
        ("US_SSN", "536-22-8174", "***-**-****"),
        ("IBAN_CODE", "DE44 5001 0517 5407 3249 31", "DE** **** 4931"),
        ("IP_ADDRESS", "81.2.69.160", "81.2.***.***"),
        ("PERSON", "Priya Raman", "P*** R***"),
        ("CONNECTION_STRING", "postgres://svc:pw@db.acme.io", "postgres://s***:****@d***"),
        ("OPENAI_API_KEY", "sk-proj-abc", "sk-proj-...****"),
        ("DENY_LIST", "Bluebird", "B***"),
    ],
)
def test_mask_forms(entity: str, value: str, masked: str) -> None:
    assert mask(entity, value) == masked


def test_redact_text_replaces_spans_and_merges_overlaps() -> None:
    text = "a maria.lopez@gmail.com b 4526 0181 5908 6467 c"
    spans = [(2, 23, "EMAIL_ADDRESS"), (26, 45, "CREDIT_CARD"), (30, 40, "PHONE_NUMBER")]
    assert redact_text(text, spans) == "a m***@g***.com b **** 6467 c"


# --- no output holds a planted value in clear --------------------------------------------


PLANTED = {
    "email": "olivia.grant77@fastmail.com",
    "phone": "(312) 641-2290",
    "card": "4661 3186 0913 9090",
    "ssn": "301-48-2297",
    "iban": "DE44 5001 0517 5407 3249 31",
    "deny": "Bluebird",
}


def _planted_project(tmp_path: Path) -> tuple[Path, list[str]]:
    secret = fake_secret("OPENAI_PROJ", 3)
    github = fake_secret("GITHUB_PAT", 3)
    (tmp_path / ".promptlint.yaml").write_text("pii:\n  deny: [Bluebird]\n")
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "support.txt").write_text(
        "You are a support agent for the Bluebird launch.\n"
        f"Example customer: {PLANTED['email']}, phone {PLANTED['phone']}.\n"
        f"Refund card {PLANTED['card']}; SSN {PLANTED['ssn']}; IBAN {PLANTED['iban']}.\n"
    )
    (tmp_path / "app.py").write_text(
        f'SYSTEM_PROMPT = "Use key {secret} and token {github} to call the tools."\n'
    )
    values = [
        *PLANTED.values(),
        secret,
        github,
        secret[8:24],
        github[4:20],
        "0913 9090",
        "641-2290",
    ]
    return tmp_path, values


def _assert_clean(output: str, values: list[str], where: str) -> None:
    for value in values:
        assert value not in output, f"{where} leaks {value!r}"
        assert value.replace(" ", "") not in output.replace(" ", ""), f"{where} leaks {value!r}"


def test_no_output_format_contains_a_planted_value(tmp_path: Path) -> None:
    project, values = _planted_project(tmp_path)
    outputs = {}
    for fmt in ("text", "json"):
        proc = run_cli("extract", "--format", fmt, ".", cwd=project)
        assert proc.returncode == 0, proc.stderr
        outputs[f"extract {fmt}"] = proc.stdout + proc.stderr
        if fmt == "json":
            extracted = json.loads(proc.stdout)
            assert any("o***@f***.com" in p["text"] for p in extracted["prompts"])
    help_text = run_cli("check", "--help").stdout
    formats = [f for f in ("text", "json", "sarif", "github", "markdown") if f in help_text]
    for fmt in formats:
        proc = run_cli("check", "--format", fmt, ".", cwd=project)
        assert proc.returncode == 1, proc.stderr
        outputs[f"check {fmt}"] = proc.stdout + proc.stderr
    assert "o***@f***.com" in outputs["check text"] and "sk-proj-...****" in outputs["check text"]
    for where, output in outputs.items():
        _assert_clean(output, values, where)


def test_json_findings_carry_entity_span_score_and_masked_value(tmp_path: Path) -> None:
    project, _ = _planted_project(tmp_path)
    proc = run_cli("check", "--format", "json", "prompts", cwd=project)
    doc = json.loads(proc.stdout)
    findings = doc["findings"] if isinstance(doc, dict) else doc
    email = next(f for f in findings if f["code"] == "PII001")
    col = len("Example customer: ") + 1
    span = (2, col, 2, col + len(PLANTED["email"]))
    assert (email["line"], email["col"], email["end_line"], email["end_col"]) == span
    data = email.get("data", email)
    assert data["entity"] == "EMAIL_ADDRESS" and data["masked"] == "o***@f***.com"
    assert data["score"] == 1.0


def test_show_values_is_refused_under_ci_and_masked_off_a_terminal(tmp_path: Path) -> None:
    project, values = _planted_project(tmp_path)
    proc = run_cli("check", "--show-values", "prompts", cwd=project, env={"CI": "true"})
    assert proc.returncode == 2
    assert (
        proc.stderr.strip()
        == "promptlint: error: --show-values is refused when CI is set; found values stay masked"
    )
    piped = run_cli("check", "--show-values", "prompts", cwd=project)
    assert "needs an interactive terminal" in piped.stderr
    _assert_clean(piped.stdout + piped.stderr, values, "check --show-values (piped)")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_show_values_reveals_on_an_interactive_terminal(tmp_path: Path) -> None:
    import pty

    project, _ = _planted_project(tmp_path)
    out = bytearray()

    def read(fd: int) -> bytes:
        data = os.read(fd, 4096)
        out.extend(data)
        return data

    env = cli_env()
    old = os.environ.copy()
    cwd = os.getcwd()
    try:
        os.environ.clear()
        os.environ.update(env)
        os.chdir(project)
        pty.spawn([sys.executable, "-m", "promptlint", "check", "--show-values", "prompts"], read)
    finally:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(old)
    shown = out.decode(errors="replace")
    assert f"PII001 EMAIL_ADDRESS value: {PLANTED['email']}" in shown


# --- prompts longer than spaCy's max_length ---------------------------------------------


def _long_prompt(placed: dict[int, str], length: int) -> str:
    """Report lines up to ``length`` characters, with ``placed[offset]`` inserted as its own
    line at the first line start at or after each offset."""
    lines: list[str] = []
    size, pending = 0, sorted(placed.items())
    while size < length:
        if pending and size >= pending[0][0]:
            line = pending.pop(0)[1] + "\n"
        else:
            line = f"Section {len(lines)}: revenue grew in the region while costs fell.\n"
        lines.append(line)
        size += len(line)
    return "".join(lines)


def test_a_prompt_over_a_million_characters_is_scanned_to_its_end() -> None:
    """spaCy refuses texts over nlp.max_length (1,000,000): the scan must not fail open."""
    from promptlint.pii.detect import redacted

    key, email = fake_secret("OPENAI_PROJ", seed=7), "maria.keller@fabrikam-mail.de"
    text = _long_prompt(
        {
            985_000: f"Escalations go to {email} first.",  # in the overlap of two chunks
            1_150_000: f"Use key {key} for the API.",  # only in the last chunk
        },
        1_200_000,
    )
    assert len(text) > 1_000_000
    config = config_from_mapping({})
    found = [(d.entity, text[d.start : d.end], d.masked) for d in scan(text, config.pii)]
    assert found == [
        ("EMAIL_ADDRESS", email, "m***@f***.de"),
        ("OPENAI_API_KEY", key, "sk-proj-...****"),
    ]
    clean = redacted(text, config.pii)
    assert email not in clean and key not in clean and "sk-proj-...****" in clean


def test_chunks_tile_the_text_and_hold_every_short_value_they_own_whole() -> None:
    from promptlint.pii.analyzer import chunk_bounds

    for length, size, overlap in ((2_500_000, 1_000_000, 20_000), (95, 10, 40), (7, 10, 4)):
        bounds = chunk_bounds(length, size, overlap)
        assert bounds[0][2] == 0 and bounds[-1][3] == length
        half = min(overlap, size // 2) // 2
        for (start, end, own_from, own_to), following in zip(
            bounds, [*bounds[1:], None], strict=True
        ):
            assert end - start <= size and start <= own_from < own_to <= end
            if following is not None:
                assert following[2] == own_to  # owned ranges meet: nothing scanned by none
                assert own_to + half <= end  # a value starting before own_to fits this chunk
