"""``promptlint check``, ``rules`` and ``explain`` as a user runs them (subprocesses)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import run_cli

OWN = "--select=EFF,TPL,SUP"

FINDING_SCHEMA = {
    "type": "object",
    "required": [
        "code",
        "name",
        "severity",
        "message",
        "path",
        "line",
        "col",
        "end_line",
        "end_col",
        "wasted_tokens",
        "fix",
        "data",
    ],
    "properties": {
        "code": {"type": "string", "pattern": "^[A-Z]{2,6}[0-9]{3}$"},
        "severity": {"enum": ["error", "warning", "info"]},
        "line": {"type": "integer", "minimum": 1},
        "col": {"type": "integer", "minimum": 1},
        "wasted_tokens": {"type": "integer", "minimum": 0},
        "fix": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["safety", "description", "edits"],
                    "properties": {
                        "safety": {"enum": ["safe", "unsafe", "display-only"]},
                        "edits": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["start", "end", "replacement", "line", "col"],
                            },
                        },
                    },
                },
            ]
        },
    },
}
CHECK_SCHEMA = {
    "type": "object",
    "required": ["schema", "version", "findings", "summary", "files", "skipped", "notices"],
    "properties": {
        "schema": {"const": "promptlint.check/1"},
        "findings": {"type": "array", "items": FINDING_SCHEMA},
        "summary": {
            "type": "object",
            "required": [
                "findings",
                "by_severity",
                "prompts",
                "files",
                "tokens",
                "wasted_tokens",
                "score",
                "suppressed",
                "baselined",
                "fixable",
            ],
            "properties": {"score": {"type": "number", "minimum": 0, "maximum": 100}},
        },
        "files": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["path", "prompts", "tokens", "wasted_tokens", "score"],
            },
        },
        "skipped": {"type": "array", "items": {"type": "object", "required": ["path", "reason"]}},
    },
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".promptlint.yaml").write_text("model: gpt-4o-mini\n", encoding="utf-8")
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "support.md").write_text(
        "You answer billing questions.\nIn order to answer, read the policy.  \nPlease be brief.\n",
        encoding="utf-8",
    )
    (prompts / "clean.md").write_text(
        "Summarize the ticket in two sentences for the on-call engineer.\n", encoding="utf-8"
    )
    (prompts / "broken.md").write_bytes(b"caf\xe9 latte\n")
    return tmp_path


def test_text_output_and_exit_1(project: Path) -> None:
    result = run_cli("check", OWN, "prompts", cwd=project)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert (
        "prompts/support.md:2:1: EFF010 [*] 'In order to' says the same as 'to' in more "
        "tokens" in lines
    )
    assert "prompts/support.md:2:37: EFF020 [*] Trailing whitespace at the end of a line" in lines
    assert (
        "prompts/support.md:3:1: EFF001 [*] Politeness padding 'Please' adds tokens and no "
        "instruction" in lines
    )
    summary = "\n".join(lines)
    assert "Found 3 findings (0 errors, 1 warning, 2 info) in 2 prompts across 2 files" in summary
    assert "efficiency score" in summary and "Scores by file (worst first):" in summary
    assert "3 fixable with `promptlint fix`" in summary
    # The undecodable file is one notice line on stderr, not a traceback.
    assert "prompts/broken.md: skipped: not valid UTF-8" in result.stderr
    assert "Traceback" not in result.stderr


def test_exit_codes(project: Path) -> None:
    assert run_cli("check", OWN, "prompts/clean.md", cwd=project).returncode == 0
    assert run_cli("check", OWN, "--exit-zero", "prompts", cwd=project).returncode == 0
    # Only info findings, and fail-on warning: clean exit.
    assert run_cli("check", OWN, "--ignore", "EFF010", "prompts", cwd=project).returncode == 0
    (project / "strict.yaml").write_text("fail-on: info\n", encoding="utf-8")
    assert (
        run_cli(
            "check", OWN, "--ignore=EFF010", "--config", "strict.yaml", "prompts", cwd=project
        ).returncode
        == 1
    )


@pytest.mark.parametrize(
    ("args", "config", "message"),
    [
        (
            ["--select", "EFX010"],
            None,
            "unknown rule code or prefix 'EFX010' in --select (did you mean 'EFF010'?)",
        ),
        ([], "severity:\n  EFF: loud\n", "unknown severity 'loud'"),
        ([], "rule-packs: [team.yaml]\n", "team.yaml: ACME001: field 'patterns': invalid regex"),
        (["--format", "yaml"], None, "Invalid value for '--format'"),
    ],
)
def test_usage_and_config_errors_exit_2(
    project: Path, args: list[str], config: str | None, message: str
) -> None:
    (project / "team.yaml").write_text(
        "pack: team\nrules:\n  - code: ACME001\n    name: acme\n    type: existence\n"
        "    message: m\n    patterns: ['(oops']\n"
        "    doc: {what: w, why: y, example: e, better: b, fix: none}\n",
        encoding="utf-8",
    )
    if config:
        (project / ".promptlint.yaml").write_text(config, encoding="utf-8")
    result = run_cli("check", *args, "prompts", cwd=project)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_json_output_follows_the_schema(project: Path) -> None:
    result = run_cli("check", OWN, "--format", "json", "prompts", cwd=project)
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, CHECK_SCHEMA)
    by_code = {f["code"]: f for f in doc["findings"]}
    verbose = by_code["EFF010"]
    assert (verbose["line"], verbose["col"], verbose["end_col"]) == (2, 1, 12)
    assert verbose["fix"]["safety"] == "safe"
    assert verbose["fix"]["edits"] == [
        {
            "start": 30,
            "end": 41,
            "replacement": "To",
            "line": 2,
            "col": 1,
            "end_line": 2,
            "end_col": 12,
        }
    ]
    assert doc["summary"]["findings"] == 3 and doc["summary"]["prompts"] == 2
    assert doc["skipped"] == [
        {"path": "prompts/broken.md", "reason": "skipped: not valid UTF-8 (byte 3)"}
    ]
    assert {f["path"] for f in doc["files"]} == {"prompts/support.md", "prompts/clean.md"}


def test_output_file(project: Path) -> None:
    result = run_cli(
        "check", OWN, "--format", "json", "-o", "out/report.json", "prompts", cwd=project
    )
    assert result.returncode == 2 and "cannot write out/report.json" in result.stderr
    result = run_cli("check", OWN, "--format", "json", "-o", "report.json", "prompts", cwd=project)
    assert result.returncode == 1 and result.stdout == ""
    assert json.loads((project / "report.json").read_text())["schema"] == "promptlint.check/1"


def test_team_pack_adds_a_rule_without_python(project: Path) -> None:
    (project / ".promptlint.yaml").write_text("rule-packs: [lint/words.yaml]\n", encoding="utf-8")
    (project / "lint").mkdir()
    (project / "lint" / "words.yaml").write_text(
        "pack: acme-style\nrules:\n  - code: ACME001\n    name: say-customer\n"
        "    type: substitution\n    severity: warning\n    message: \"Say '{replacement}', "
        "not '{match}'\"\n    ignorecase: true\n    swap: {client: customer}\n"
        "    doc: {what: w, why: y, example: e, better: b, fix: safe}\n",
        encoding="utf-8",
    )
    (project / "prompts" / "team.md").write_text("Greet the client by name.\n", encoding="utf-8")
    result = run_cli("check", "--select", "ACME", "prompts/team.md", cwd=project)
    assert result.returncode == 1
    assert "prompts/team.md:1:11: ACME001 [*] Say 'customer', not 'client'" in result.stdout


def test_rules_lists_the_catalogue() -> None:
    result = run_cli("rules", "--select", "EFF,TPL,SUP")
    assert result.returncode == 0
    rows = result.stdout.splitlines()
    assert rows[0].split() == ["CODE", "NAME", "SEVERITY", "FIX", "PACK"]
    assert any(r.split()[:4] == ["EFF010", "verbose-phrase", "warning", "safe"] for r in rows)
    assert any(r.split()[:4] == ["EFF050", "shouting", "info", "-"] for r in rows)
    data = json.loads(run_cli("rules", "--format", "json").stdout)
    eff = [r for r in data if r["code"].startswith("EFF")]
    assert len(eff) >= 25
    assert all({"code", "name", "severity", "fixable", "fix", "pack"} <= set(r) for r in data)


def test_explain_prints_the_rule_page() -> None:
    result = run_cli("explain", "EFF010")
    assert result.returncode == 0
    for heading in (
        "EFF010 verbose-phrase",
        "What it does",
        "Why it matters",
        "Example",
        "Better",
        "Fix",
    ):
        assert heading in result.stdout
    assert "in order to" in result.stdout.lower()
    by_name = run_cli("explain", "verbose-phrase")
    assert by_name.stdout == result.stdout


def test_explain_unknown_code_suggests_the_closest() -> None:
    result = run_cli("explain", "EFX010")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "promptlint: error: unknown rule 'EFX010' (closest: EFF010); "
        "`promptlint rules` lists them all"
    ]
    by_name = run_cli("explain", "verbose-phrases")
    assert "(closest: EFF010)" in by_name.stderr
