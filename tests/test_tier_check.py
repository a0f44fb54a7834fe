"""TIER rules: check functions on built prompts, the rule pack, and the CLI end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from promptlint.checks.base import CheckContext
from promptlint.checks.tier import (
    ABOVE_TIER,
    BELOW_TIER,
    CODES,
    CONTEXT_OVERFLOW,
    NO_OUTPUT_LIMIT,
    check_calls,
)
from promptlint.config import Config, config_from_mapping
from promptlint.models import Hit, Prompt, SourceMap
from promptlint.resources import rules_dir
from promptlint.rulepack import load_pack
from promptlint.tokens import TokenCounter
from tests.conftest import run_cli

CLASSIFY = "Classify the ticket as billing, bug or other.\nReply with the label only."
PROOF = "Prove that the greedy schedule is optimal and derive its time complexity."


def prompt(
    text: str,
    *,
    role: str = "user",
    model: str | None = None,
    call_id: str | None = None,
    max_tokens: int | None = None,
    calls_per_day: float | None = None,
) -> Prompt:
    return Prompt(
        path="app.py",
        kind="python",
        text=text,
        start_line=3,
        start_col=5,
        end_line=3,
        end_col=5 + len(text),
        reason="test",
        source_map=SourceMap.for_text(text, 3, 5),
        role=role,
        model=model,
        call_id=call_id,
        max_output_tokens=max_tokens,
        calls_per_day=calls_per_day,
    )


def run(
    prompts: list[Prompt], config: Config | None = None, codes: tuple[str, ...] = CODES
) -> list[tuple[int, Hit]]:
    ctx = CheckContext(config or Config(), TokenCounter(), enabled_codes=frozenset(codes))
    return list(check_calls(prompts, ctx))


def test_model_above_tier_names_signals_and_money_once_per_call() -> None:
    call = [
        prompt(
            CLASSIFY, role="system", model="gpt-4o", call_id="c1", max_tokens=5, calls_per_day=5000
        ),
        prompt("Ticket: {ticket}", model="gpt-4o", call_id="c1", max_tokens=5),
    ]
    hits = run(call)
    assert [(i, h.code) for i, h in hits] == [(0, ABOVE_TIER)]
    hit = hits[0][1]
    assert (hit.start, hit.end) == (0, CLASSIFY.index("\n"))
    assert "gpt-4o (large) is above the tier this prompt needs: small" in hit.message
    assert "classify" in hit.message and "label only" in hit.message
    assert "Per 1,000 calls:" in hit.message and "saves" in hit.message
    assert "a month at 5,000 calls a day" in hit.message
    assert hit.data["suggested_model"] and hit.data["saving_per_call"] > 0
    assert hit.data["signals"] and hit.data["tier"] == "small"


def test_model_below_tier_is_a_quality_risk() -> None:
    hits = run([prompt(PROOF, model="gpt-4o-mini", max_tokens=2000)])
    assert [h.code for _, h in hits] == [BELOW_TIER]
    message = hits[0][1].message
    assert "gpt-4o-mini (small) is below the tier this prompt needs: reasoning" in message
    assert "prove" in message and "Quality risk" in message and "consider o4-mini" in message


def test_matching_tier_and_low_confidence_are_quiet() -> None:
    assert run([prompt(PROOF, model="o4-mini", max_tokens=2000)]) == []
    # "{question}" alone carries no signal: no tier claim is made about it.
    assert run([prompt("{question}", model="o3", max_tokens=100)]) == []


def test_context_overflow_is_an_error_finding() -> None:
    manual = "Returns are accepted within thirty days when the receipt is shown. " * 1400
    hits = run(
        [prompt(manual, role="system", model="gpt-3.5-turbo", max_tokens=1000)],
        codes=(CONTEXT_OVERFLOW,),
    )
    assert [h.code for _, h in hits] == [CONTEXT_OVERFLOW]
    assert "exceed the 16,385-token context window of gpt-3.5-turbo" in hits[0][1].message
    assert (
        run(
            [prompt(manual, role="system", model="gpt-4.1", max_tokens=1000)],
            codes=(CONTEXT_OVERFLOW,),
        )
        == []
    )


def test_missing_output_limit_only_where_a_call_is_visible() -> None:
    hits = run([prompt(CLASSIFY, model="gpt-4o-mini")], codes=(NO_OUTPUT_LIMIT,))
    assert [h.code for _, h in hits] == [NO_OUTPUT_LIMIT]
    assert "short-answer task" in hits[0][1].message and "max_tokens" in hits[0][1].message
    assert (
        run([prompt(CLASSIFY, model="gpt-4o-mini", max_tokens=5)], codes=(NO_OUTPUT_LIMIT,)) == []
    )
    assert run([prompt(CLASSIFY)], codes=(NO_OUTPUT_LIMIT,)) == []  # a bare variable


def test_disabled_codes_and_unknown_models_produce_nothing() -> None:
    assert run([prompt(CLASSIFY, model="gpt-4o")], codes=()) == []
    hits = run([prompt(PROOF, model="acme-llm", max_tokens=100)])
    assert hits == []


def test_config_default_model_and_tier_models_drive_the_suggestion() -> None:
    config = config_from_mapping(
        {
            "model": "claude-opus-4-1",
            "tiers": {"tier-models": {"small": ["gemini-2.0-flash-lite"]}},
        }
    )
    hits = run([prompt(CLASSIFY, max_tokens=5)], config, codes=(ABOVE_TIER,))
    assert len(hits) == 1
    assert "claude-opus-4-1 (reasoning)" in hits[0][1].message
    assert hits[0][1].data["suggested_model"] == "gemini-2.0-flash-lite"
    assert hits[0][1].data["model_source"] == "default"


def test_rule_pack_is_fully_documented() -> None:
    rules = load_pack(rules_dir() / "tier.yaml")
    assert [r.code for r in rules] == list(CODES)
    for rule in rules:
        assert rule.type == "python" and rule.scope == "project"
        assert rule.check == "promptlint.checks.tier:check_calls"
        assert all([rule.doc.what, rule.doc.why, rule.doc.example, rule.doc.better])
        assert rule.doc.fix == "none"
    severities = {r.code: str(r.severity) for r in rules}
    assert severities == {
        ABOVE_TIER: "info",
        BELOW_TIER: "warning",
        CONTEXT_OVERFLOW: "error",
        NO_OUTPUT_LIMIT: "info",
    }


APP = """\
from openai import OpenAI

client = OpenAI()


def route(ticket: str):
    # promptlint: calls-per-day=5000
    return client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": "Classify the ticket as billing, bug or other. Reply with the label only."},
            {"role": "user", "content": f"Ticket: {ticket}"},
        ],
    )
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    (tmp_path / ".promptlint.yaml").write_text("model: gpt-4o-mini\n", encoding="utf-8")
    return tmp_path


def test_check_reports_tier_findings_end_to_end(project: Path) -> None:
    done = run_cli("check", "--select", "TIER", ".", cwd=project)
    assert done.returncode == 0, done.stderr  # info findings do not fail the run
    lines = [line for line in done.stdout.splitlines() if "TIER" in line]
    assert any(line.startswith("app.py:11:") and "TIER001" in line for line in lines), done.stdout
    assert any("TIER004" in line for line in lines)
    assert "a month at 5,000 calls a day" in done.stdout


def test_extract_json_carries_tier_and_cost(project: Path) -> None:
    done = run_cli("extract", "--format", "json", ".", cwd=project)
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)["prompts"]
    assert len(records) == 2
    for record in records:  # system and user judged as one call
        assert record["tier"] == "small" and record["tier_confidence"] >= 0.5
        assert any("classify" in s for s in record["tier_signals"])
        assert (record["model"], record["model_source"]) == ("gpt-4o", "call")
        assert record["cost_per_call"] > 0
    assert records[0]["cost_per_call"] == records[1]["cost_per_call"]


def test_tier_command_explains_any_text(tmp_path: Path) -> None:
    done = run_cli("tier", "-", "--model", "gpt-4o-mini", input=PROOF, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("tier: reasoning (confidence ")
    assert "prove" in done.stdout and "model: gpt-4o-mini (option, tier small)" in done.stdout
    assert "suggested: o4-mini (reasoning)" in done.stdout

    (tmp_path / "p.txt").write_text(CLASSIFY, encoding="utf-8")
    doc = json.loads(
        run_cli("tier", "p.txt", "--format", "json", "-m", "gpt-4o", cwd=tmp_path).stdout
    )
    assert doc["schema"] == "promptlint.tier/1" and doc["tier"] == "small"
    assert doc["model_tier"] == "large" and doc["suggested_cost_per_call"] < doc["cost_per_call"]
    assert doc["signals"][0]["contribution"] < 0

    unknown = run_cli("tier", "p.txt", "-m", "acme-llm", cwd=tmp_path)
    assert unknown.returncode == 0 and "unknown model 'acme-llm'" in unknown.stdout


def test_tier_command_errors_are_one_line(tmp_path: Path) -> None:
    missing = run_cli("tier", "nope.txt", cwd=tmp_path)
    assert missing.returncode == 2
    assert (
        missing.stderr.strip()
        == "promptlint: error: cannot read nope.txt: No such file or directory"
    )
    (tmp_path / ".promptlint.yaml").write_text(
        "tiers:\n  weights:\n    verbz: 1\n", encoding="utf-8"
    )
    bad = run_cli("tier", "-", input="hello", cwd=tmp_path)
    assert bad.returncode == 2 and "unknown key 'verbz' in tiers.weights" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_declared_tier_is_judged_on_a_model_of_that_tier() -> None:
    from dataclasses import replace

    from promptlint.catalog import load_catalog
    from promptlint.cost import review

    config = Config()  # default model: not of the large tier
    assert load_catalog(config).get(config.model).tier != "large"
    declared = replace(prompt(CLASSIFY), meta={"tier": "Large"})
    result = review([declared], config, TokenCounter())
    assert result.estimate.model_source == "front-matter-tier"
    assert result.model is not None and result.model.tier == "large"
    # The template asks for more than it needs: judged against its own tier, not the default.
    assert [h.code for _, h in run([declared])] == [ABOVE_TIER]
    # A configured model list for the tier wins; an unknown tier falls back to the default.
    teams = config_from_mapping({"tiers": {"tier-models": {"large": ["claude-sonnet-4-5"]}}})
    assert review([declared], teams, TokenCounter()).estimate.model == "claude-sonnet-4-5"
    odd = replace(prompt(CLASSIFY), meta={"tier": "huge"})
    assert review([odd], config, TokenCounter()).estimate.model_source == "default"


def test_money_has_one_format_without_trailing_zeros() -> None:
    from promptlint.audit.format import money
    from promptlint.cost import usd

    assert money is usd
    got = [usd(v) for v in (None, 0, 0.0053, 0.005, 0.053, 0.5, 1.234, 1234.5, -0.25, 4.1e-5)]
    assert got == [
        "n/a", "$0", "$0.0053", "$0.005", "$0.053", "$0.50", "$1.23", "$1,234", "-$0.25",
        "$0.000041",
    ]  # fmt: skip
