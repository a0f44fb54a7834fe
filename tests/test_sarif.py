"""SARIF 2.1.0 output: valid against the OASIS schema, rule metadata from the docs, stable
fingerprints, masked messages and no evidence."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest

from promptlint.baseline import FINGERPRINT_KEY, fingerprints
from promptlint.config import config_from_mapping
from promptlint.models import CheckRun, Finding, Fix, FixSafety, Severity, Skip, TextEdit
from promptlint.report import sarif
from promptlint.rulepack import Rule, RuleDoc

from .conftest import git, run_cli

# The official schema (OASIS sarif-spec, Schemata/sarif-schema-2.1.0.json, errata 01), stored
# with the tests: nothing is fetched at test time.
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0.json").read_text("utf-8"))
PLANTED = "hunter2-PLANTED-EVIDENCE"


def _rule(code: str, name: str, severity: Severity, fix: str = "safe") -> Rule:
    return Rule(
        code=code,
        name=name,
        type="existence",
        severity=severity,
        message="m",
        doc=RuleDoc(
            what=f"Flags {name}. It names the evidence.",
            why="It costs tokens.",
            example="Please kindly ```answer```.",
            better="Answer.",
            fix=fix,
        ),
        pack="test",
        source="test.yaml",
    )


RULES = [
    _rule("EFF001", "politeness-filler", Severity.WARNING),
    _rule("SEC001", "llm-api-key", Severity.ERROR, fix="none"),
    _rule("TIER004", "missing-output-limit", Severity.INFO, fix="none"),
]


def _finding(code: str, name: str, severity: Severity, line: int, **kw: object) -> Finding:
    defaults: dict[str, object] = {
        "message": f"{name} found",
        "path": "app/prompts.py",
        "col": 5,
        "end_line": line,
        "end_col": 12,
        "evidence": "please kindly",
    }
    defaults.update(kw)
    return Finding(code=code, name=name, severity=severity, line=line, **defaults)  # type: ignore[arg-type]


def _run(findings: list[Finding]) -> CheckRun:
    return CheckRun(
        prompts=[],
        findings=findings,
        skipped=[Skip("big.py", "skipped: file is 3,000,000 bytes")],
        notices=["broken.py: syntax error at line 3"],
        files_checked=4,
        tokens=[120, 30],
        waste=[6, 0],
    )


@pytest.fixture
def config(tmp_path: Path):
    return config_from_mapping({"severity": {"TIER": "warning"}}, root=str(tmp_path))


@pytest.fixture
def findings(tmp_path: Path) -> list[Finding]:
    path = str(tmp_path / "app" / "my prompts.py")
    fix = Fix((TextEdit(0, 7, ""),), FixSafety.SAFE, "remove filler")
    return [
        _finding(
            "EFF001", "politeness-filler", Severity.WARNING, 3, path=path, fix=fix, wasted_tokens=2
        ),
        _finding(
            "SEC001",
            "llm-api-key",
            Severity.ERROR,
            7,
            path=path,
            message="OpenAI key sk-proj-...**** in prompt",
            evidence=PLANTED,
        ),
        _finding(
            "TIER004", "missing-output-limit", Severity.INFO, 9, path=path, end_line=11, end_col=1
        ),
        _finding(
            "ENG000", "engine-notice", Severity.INFO, 0, path=path, col=0, end_line=0, end_col=0
        ),
    ]


def test_validates_against_the_sarif_schema(findings, config) -> None:
    log = sarif.to_sarif(_run(findings), RULES, config)
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    # An empty run is a valid log too.
    assert not list(validator.iter_errors(sarif.to_sarif(_run([]), RULES, config)))


def test_schema_rejects_what_github_would_reject(findings, config) -> None:
    """The stored schema is the real one: it catches a wrong level and a zero line."""
    log = sarif.to_sarif(_run(findings), RULES, config)
    log["runs"][0]["results"][0]["level"] = "warning-ish"
    log["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    errors = list(jsonschema.Draft4Validator(SCHEMA).iter_errors(log))
    assert len(errors) == 2


def test_driver_rules_and_results(findings, config, tmp_path: Path) -> None:
    log = sarif.to_sarif(_run(findings), RULES, config, root=tmp_path)
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "promptlint" and driver["version"] and driver["informationUri"]
    ids = [r["id"] for r in driver["rules"]]
    assert ids == ["EFF001", "SEC001", "TIER004", "ENG000"]  # unknown codes get a bare rule
    eff = driver["rules"][0]
    assert eff["name"] == "politeness-filler"
    assert eff["shortDescription"]["text"] == "Flags politeness-filler."
    assert eff["fullDescription"]["text"] == "Flags politeness-filler. It names the evidence."
    assert "It costs tokens." in eff["help"]["text"]
    # The example holds backticks: the Markdown fence must be longer than any run inside.
    assert "````text\nPlease kindly ```answer```.\n````" in eff["help"]["markdown"]
    assert "**Fix safety:** safe" in eff["help"]["markdown"]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in driver["rules"]}
    # Config severity (prefix TIER -> warning) overrides the rule's info default.
    assert levels == {
        "EFF001": "warning",
        "SEC001": "error",
        "TIER004": "warning",
        "ENG000": "note",
    }

    results = run["results"]
    assert [r["level"] for r in results] == ["warning", "error", "note", "note"]
    assert [r["ruleIndex"] for r in results] == [0, 1, 2, 3]
    loc = results[0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "app/my%20prompts.py", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 12}
    assert results[2]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 9,
        "startColumn": 5,
        "endLine": 11,
        "endColumn": 1,
    }
    # A file-level finding (line 0) still gets a valid region.
    assert results[3]["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert results[0]["properties"] == {"wastedTokens": 2, "fixSafety": "safe"}
    assert run["columnKind"] == "unicodeCodePoints"
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert notes == [
        "big.py: skipped: file is 3,000,000 bytes",
        "broken.py: syntax error at line 3",
    ]
    assert run["properties"]["wastedTokens"] == 6 and run["properties"]["promptTokens"] == 150


def test_partial_fingerprints_are_the_baseline_fingerprints(findings, config) -> None:
    log = sarif.to_sarif(_run(findings), RULES, config)
    got = [r["partialFingerprints"][FINGERPRINT_KEY] for r in log["runs"][0]["results"]]
    assert got == fingerprints(findings, config.root)
    assert len(set(got)) == len(got)


def test_fingerprints_do_not_follow_line_numbers(findings, config) -> None:
    moved = [dataclasses.replace(f, line=f.line + 40, end_line=f.end_line + 40) for f in findings]
    a = sarif.to_sarif(_run(findings), RULES, config)["runs"][0]["results"]
    b = sarif.to_sarif(_run(moved), RULES, config)["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in a] == [r["partialFingerprints"] for r in b]
    assert a[0]["locations"] != b[0]["locations"]


def test_evidence_never_written(findings, config) -> None:
    text = sarif.render(_run(findings), RULES, config)
    assert PLANTED not in text
    assert "sk-proj-...****" in text  # the masked message is what appears


def test_cli_sarif_end_to_end(git_repo: Path) -> None:
    """`check --format sarif` on a real repository: valid, repo-relative URIs, masked."""
    (git_repo / "svc").mkdir()
    (git_repo / "svc" / ".promptlint.yaml").write_text("model: gpt-4o-mini\n")
    (git_repo / "svc" / "prompts").mkdir()
    (git_repo / "svc" / "prompts" / "system.md").write_text(
        "Please kindly summarise the ticket for the support team.\n"
        "Contact jane.roe@gmail.com or call +1 415 555 0172 for escalations.\n"
    )
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-q", "-m", "init")
    out = run_cli("check", "--format", "sarif", "prompts", cwd=git_repo / "svc")
    assert out.returncode in (0, 1), out.stderr
    log = json.loads(out.stdout)
    assert not list(jsonschema.Draft4Validator(SCHEMA).iter_errors(log))
    results = log["runs"][0]["results"]
    assert results, "the sample prompt has findings"
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"svc/prompts/system.md"}  # relative to the repository root
    assert "jane.roe@gmail.com" not in out.stdout and "555 0172" not in out.stdout
