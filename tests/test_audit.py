"""`promptlint audit`: the document, its four renderings, team and use-case resolution,
masking, and the progress bar. Runs the real pipeline (tiktoken, presidio, the catalogue)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from promptlint.audit import SCHEMA, run_audit
from promptlint.audit.scrub import scrub
from promptlint.config import config_from_mapping, load_config
from promptlint.engine import run_check
from promptlint.models import Prompt, SourceMap
from promptlint.teams import UNOWNED, TeamResolver
from promptlint.usecase import classify_call
from tests.conftest import ROOT, cli_env, run_cli

EXAMPLES = ROOT / "examples"
FORMATS = ("text", "markdown", "json", "html")
GROUPS = ("by_team", "by_use_case", "by_tier", "by_model")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """`promptlint audit examples/` written with --out in every format (stdout/stderr kept)."""
    out_dir = tmp_path_factory.mktemp("audit")
    found: dict[str, str] = {}
    for fmt in FORMATS:
        target = out_dir / f"audit.{fmt}"
        result = run_cli(
            "audit", "examples/", "--no-cache", "--format", fmt, "--out", str(target), cwd=ROOT
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"Wrote the {fmt} audit of ")
        assert result.stdout.endswith(f" prompts to {target}\n")
        found[fmt] = target.read_text("utf-8")
        found[f"{fmt}.stdout"] = result.stdout
        found[f"{fmt}.stderr"] = result.stderr
    return found


@pytest.fixture(scope="module")
def doc(reports: dict[str, str]) -> dict:
    return json.loads(reports["json"])


def planted_values() -> list[str]:
    """The PII and the secret planted in the example app, read from its source."""
    answers = (EXAMPLES / "app" / "answers.py").read_text("utf-8")
    ops = (EXAMPLES / "app" / "ops.py").read_text("utf-8")
    email = re.search(r"[\w.+-]+@[\w-]+\.\w+", answers)
    phone = re.search(r"\+\d[\d ]{9,}\d", answers)
    key = re.search(r"sk-proj-\w+", ops)
    assert email and phone and key, "the example app no longer plants these values"
    digits = phone.group().split(" ", 1)[1]  # the number without its country code
    return [email.group(), phone.group(), digits, key.group(), key.group()[8:]]


# --- the document ------------------------------------------------------------------------


def test_document_has_every_section_with_real_numbers(doc: dict) -> None:
    s = doc["summary"]
    assert doc["schema"] == SCHEMA
    assert s["prompts"] > 10
    assert s["tokens_total"] > 0 and 0 < s["tokens_mean"] <= s["tokens_p95"] <= s["tokens_max"]
    assert s["cost_per_call_total"] > 0
    assert s["monthly_cost"] > 0
    # Volumes come from annotations in the example: the rest is said to be unknown.
    assert 0 < s["calls_with_volume"] < s["calls"]
    assert s["calls_volume_unknown"] == s["calls"] - s["calls_with_volume"]
    assert s["teams"] >= 2 and len(doc["by_team"]) == s["teams"]
    assert s["use_cases"] >= 3 and len(doc["by_use_case"]) == s["use_cases"]
    assert s["tier_suggestions"] > 0 and s["tier_monthly_saving"] > 0
    assert s["pii_findings"] > 0 and s["secret_findings"] > 0
    assert 0 < s["efficiency_score"] < 100 and s["waste_tokens"] > 0
    for key in (
        "top_waste",
        "tier_suggestions",
        "top_savings",
        "duplicates",
        "prompts",
        "findings",
        "efficiency_distribution",
    ):
        assert doc[key], key
    assert doc["registry"]["coverage"] == s["registry_coverage"]


def test_efficiency_distribution_counts_every_prompt(doc: dict) -> None:
    buckets = doc["efficiency_distribution"]
    assert sum(b["prompts"] for b in buckets) == doc["summary"]["prompts"]
    assert sum(b["tokens"] for b in buckets) == doc["summary"]["tokens_total"]
    for prompt in doc["prompts"]:
        # min <= score < max; the last bucket holds exactly 100 (min == max == 100).
        (bucket,) = [
            b
            for b in buckets
            if b["min"] <= prompt["score"] < b["max"] or prompt["score"] == b["min"] == b["max"]
        ]
        assert bucket["prompts"] > 0


@pytest.mark.parametrize("group", GROUPS)
def test_group_totals_add_up_to_the_summary(doc: dict, group: str) -> None:
    s, rows = doc["summary"], doc[group]
    assert sum(g["prompts"] for g in rows) == s["prompts"]
    assert sum(g["calls"] for g in rows) == s["calls"]  # a call is never split across groups
    assert sum(g["tokens"] for g in rows) == s["tokens_total"]
    assert sum(g["waste_tokens"] for g in rows) == s["waste_tokens"]
    assert sum(g["pii"] for g in rows) == s["pii_findings"]
    assert sum(g["secrets"] for g in rows) == s["secret_findings"]
    assert sum(g["volume_unknown"] for g in rows) == s["prompts_volume_unknown"]
    for key, total in (
        ("monthly_cost", "monthly_cost"),
        ("cost_per_call", "cost_per_call_total"),
        ("monthly_saving", "monthly_saving"),
    ):
        assert sum(g[key] for g in rows) == pytest.approx(s[total], abs=1e-5)


def test_prompt_rows_add_up_and_carry_call_facts(doc: dict) -> None:
    s, prompts = doc["summary"], doc["prompts"]
    assert sum(p["tokens"] for p in prompts) == s["tokens_total"]
    assert sum(p["monthly_cost"] or 0 for p in prompts) == pytest.approx(
        s["monthly_cost"], abs=1e-4
    )
    by_call: dict[int, list[dict]] = {}
    for p in prompts:
        by_call.setdefault(p["call"], []).append(p)
    for members in by_call.values():  # the prompts of one call share its labels
        for key in ("team", "use_case", "tier", "model", "calls_per_day"):
            assert len({m[key] for m in members}) == 1, key
    unknown = [p for p in prompts if p["calls_per_day"] is None]
    assert unknown and all(p["monthly_cost"] is None for p in unknown)


def test_tier_suggestion_savings_follow_from_prices_and_volume(doc: dict) -> None:
    downs = [t for t in doc["tier_suggestions"] if t["direction"] == "down"]
    assert downs
    for t in downs:
        assert t["suggested_cost_per_call"] < t["cost_per_call"]
        assert t["saving_per_call"] == pytest.approx(
            t["cost_per_call"] - t["suggested_cost_per_call"], abs=2e-6
        )
        if t["calls_per_day"]:
            assert t["monthly_saving"] == pytest.approx(
                t["saving_per_call"] * t["calls_per_day"] * 30, rel=1e-3
            )
        else:
            assert t["monthly_saving"] is None


def test_pii_summary_is_masked_and_located(doc: dict) -> None:
    pii = doc["pii"]
    items = [i for i in pii["items"] if i["category"] != "test-value"]
    assert {i["category"] for i in items} == {"pii", "secret"}
    assert sum(t["count"] for t in pii["by_type"]) == len(items)
    assert sum(loc["count"] for loc in pii["by_location"]) == len(items)
    for item in items:
        assert "*" in item["masked"]
        assert item["path"].startswith("examples/app/") and item["line"] > 0


# --- the renderings ----------------------------------------------------------------------

SECTION_TITLES = (
    "Efficiency score distribution",
    "By team",
    "By use case",
    "By needed tier",
    "Top waste",
    "Top savings",
    "PII and secrets",
    "Duplicate",
    "Registry coverage",
)


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_format_shows_every_section(reports: dict[str, str], doc: dict, fmt: str) -> None:
    text = reports[fmt]
    for title in SECTION_TITLES:
        assert title in text, title
    assert "model tier they need" in text or "tier they need" in text
    assert "volume unknown" in text
    for group in doc["by_team"]:  # Markdown keeps @team from pinging with a word joiner
        assert group["name"].lstrip("@") in text
    for item in doc["pii"]["items"]:
        shown = item["masked"] if fmt != "html" else item["masked"].replace("&", "&amp;")
        assert shown in text or fmt == "markdown"  # Markdown escapes '*' in cells
    s = doc["summary"]
    assert f"{s['prompts']:,}" in text and f"{s['tokens_total']:,}" in text


def test_html_report_is_self_contained(reports: dict[str, str]) -> None:
    html = reports["html"]
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"https?://", html, re.I)
    assert not re.search(r"<(link|img|iframe|object|embed)\b", html, re.I)
    assert not re.search(r"<script[^>]+src=", html, re.I)
    assert "@import" not in html and "url(" not in html
    assert html.count("<svg") >= 8 and "<rect" in html
    assert 'class="sortable"' in html


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_planted_value_in_clear(reports: dict[str, str], fmt: str) -> None:
    values = planted_values()
    for part in (reports[fmt], reports[f"{fmt}.stdout"], reports[f"{fmt}.stderr"]):
        for value in values:
            assert value not in part


def test_stdout_is_one_line_and_no_progress_off_a_terminal(reports: dict[str, str]) -> None:
    for fmt in FORMATS:
        assert len(reports[f"{fmt}.stdout"].splitlines()) == 1
        err = reports[f"{fmt}.stderr"]
        assert "\x1b[" not in err and "\r" not in err
        assert "Checking prompts" not in err and "Reading files" not in err


def test_text_report_goes_to_stdout_without_escape_codes() -> None:
    result = run_cli("audit", "examples/app", "-q", "--no-cache", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "Summary" in result.stdout and "By team" in result.stdout
    assert "\x1b[" not in result.stdout
    assert result.stderr == ""


def test_progress_bar_shows_on_a_terminal_only() -> None:
    """stderr on a pseudo-terminal: the bar appears (the run, uncached, outlasts its start
    delay)."""
    import pty

    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "promptlint",
            "audit",
            "examples/",
            "--format",
            "json",
            "--no-cache",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=slave,
        env=cli_env({"TERM": "xterm"}),
        timeout=180,
        check=False,
    )
    os.close(slave)
    reader.join(timeout=5)
    os.close(master)
    assert proc.returncode == 0
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert re.search(r"Reading files|Checking prompts|Costing calls", shown)
    assert json.loads(proc.stdout)["schema"] == SCHEMA  # stdout stays clean JSON


def test_configuration_error_exits_2(tmp_path: Path) -> None:
    (tmp_path / ".promptlint.yaml").write_text("audit:\n  teamz: {}\n")
    result = run_cli("audit", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "teamz" in result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_out_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(
        "audit",
        "examples/app/ops.py",
        "--no-cache",
        "--out",
        str(tmp_path / "no" / "x.json"),
        "--format",
        "json",
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr


# --- teams --------------------------------------------------------------------------------


def test_codeowners_last_match_wins_and_config_map_first(tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "CODEOWNERS").write_text(
        "# owners\n*.py @org/python\n/app/ @org/app @someone\n/app/legacy/*.py @org/legacy\n"
    )
    config = config_from_mapping({}, root=str(tmp_path))
    teams = TeamResolver(config)
    assert teams.team("tool.py") == "@org/python"
    assert teams.team("app/main.py") == "@org/app"  # first owner of the last matching rule
    assert teams.team("app/legacy/old.py") == "@org/legacy"
    assert teams.team("docs/readme.md") == UNOWNED
    mapped = TeamResolver(
        config_from_mapping(
            {"audit": {"teams": {"data-science": ["app/legacy/**"]}}}, root=str(tmp_path)
        )
    )
    assert mapped.team("app/legacy/old.py") == "data-science"
    assert mapped.team("app/main.py") == "@org/app"


def test_codeowners_at_the_root_is_read(tmp_path: Path) -> None:
    (tmp_path / "CODEOWNERS").write_text("prompts/ @org/writers\n")
    teams = TeamResolver(config_from_mapping({}, root=str(tmp_path)))
    assert teams.team("prompts/welcome.md") == "@org/writers"
    assert teams.team("src/prompts/x.md") == "@org/writers"  # unanchored, like gitignore


def test_codeowners_in_dot_github_wins_over_the_root_as_on_github(tmp_path: Path) -> None:
    (tmp_path / "CODEOWNERS").write_text("* @org/stale\n")
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "CODEOWNERS").write_text("* @org/current\n")
    teams = TeamResolver(config_from_mapping({}, root=str(tmp_path)))
    assert teams.team("app/x.py") == "@org/current"


# --- use cases ----------------------------------------------------------------------------


def _prompt(
    text: str, path: str = "app/x.py", role: str | None = None, meta: dict | None = None
) -> Prompt:
    return Prompt(
        path=path,
        kind="python",
        text=text,
        start_line=1,
        start_col=1,
        end_line=1,
        end_col=1 + len(text),
        reason="test",
        source_map=SourceMap.for_text(text, 1, 1),
        role=role,
        meta=meta or {},
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Draft a friendly welcome email in our brand tone for the newsletter.", "writing"),
        ("Summarise the research papers below and cite the sources of each finding.", "research"),
        (
            "Answer the customer's refund question; escalate the ticket if the policy is unclear.",
            "support",
        ),
        ("Review this Python function, find the bug and write a unit test for it.", "code"),
        ("Turn the alert and the logs into a status update for the incident channel.", "ops"),
        ("Tell me a joke about penguins.", "other"),
    ],
)
def test_use_case_heuristic(text: str, expected: str) -> None:
    config = config_from_mapping({})
    assert classify_call([_prompt(text)], "app/x.py", config) == expected


def test_use_case_is_decided_for_the_whole_call() -> None:
    config = config_from_mapping({})
    system = _prompt(
        "You write warm welcome emails for new customers in our brand tone.", role="system"
    )
    user = _prompt("Discount code: {code}", role="user")
    # Alone the user turn reads as something else ("code" twice); the call is a writing task.
    assert classify_call([user], "app/x.py", config) != "writing"
    assert classify_call([system, user], "app/x.py", config) == "writing"


def test_use_case_overrides_path_then_front_matter() -> None:
    text = "Review this Python function and fix the bug."
    config = config_from_mapping({"audit": {"use-cases": {"legal/**": "research"}}})
    declared = _prompt(text, path="app/x.prompt", meta={"use_case": "support"})
    assert classify_call([declared], "app/x.prompt", config) == "support"
    assert classify_call([declared], "legal/x.prompt", config) == "research"
    assert classify_call([_prompt(text)], "app/x.py", config) == "code"


# --- registry coverage and masking on small projects -------------------------------------


def test_registry_coverage_counts_registry_prompts(tmp_path: Path) -> None:
    (tmp_path / ".promptlint.yaml").write_text("registry:\n  path: templates\n")
    version = tmp_path / "templates" / "summarize"
    version.mkdir(parents=True)
    source = ROOT / "templates" / "summarize" / "1.0.0.prompt"
    (version / "1.0.0.prompt").write_text(source.read_text("utf-8"))
    (tmp_path / "app.py").write_text(
        "from openai import OpenAI\n\nclient = OpenAI()\n"
        'SYSTEM_PROMPT = "You are a support agent. Answer the customer question about refunds '
        'in two sentences."\n\n'
        'def ask(q):\n    return client.chat.completions.create(model="gpt-4o-mini", '
        'messages=[{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": q}])\n'
    )
    config = load_config(None, (str(tmp_path),))
    audit = run_audit([str(tmp_path)], config)
    rows = audit["prompts"]
    from_registry = [r for r in rows if r["registry"]]
    assert from_registry and all("/templates/" in r["path"] for r in from_registry)
    assert audit["summary"]["registry_coverage"] == pytest.approx(
        len(from_registry) / len(rows), abs=1e-4
    )
    assert 0 < audit["summary"]["registry_coverage"] < 1
    summarize = [r for r in from_registry if "summarize" in r["path"]]
    assert summarize[0]["use_case"] == "research"  # from the template's front matter


def test_scrub_masks_a_raw_value_quoted_anywhere(tmp_path: Path) -> None:
    (tmp_path / "bot.py").write_text(
        'PROMPT = """You are a support agent.\n'
        'Escalate to maria.keller@examplecorp.de when the customer is angry."""\n'
    )
    config = config_from_mapping({}, root=str(tmp_path))
    run = run_check([str(tmp_path)], config)
    assert any(f.data.get("entity") == "EMAIL_ADDRESS" for f in run.findings)
    doc = {"a": ["quoted: 'maria.keller@examplecorp.de when'"], "b": {"c": 1}}
    cleaned = scrub(doc, run)
    assert "maria.keller@examplecorp.de" not in json.dumps(cleaned)
    assert "m***@e***.de" in cleaned["a"][0]
    assert cleaned["b"] == {"c": 1}
