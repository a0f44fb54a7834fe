"""The engine: selection, severities, per-file ignores, python-rule routing, regex time
limits, locations through real extractors, and the score."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from promptlint.config import Config, ConfigError
from promptlint.engine import enabled_codes, run_check
from promptlint.models import Severity
from promptlint.rulepack import load_rules
from promptlint.tokens import count_tokens
from tests.ruletools import OWN_PACKS, codes, make_prompt, own_rules, run_prompts

DOC = "  doc: {what: w, why: y, example: e, better: b, fix: none}\n"


def pack(tmp_path: Path, body: str, name: str = "team.yaml") -> Path:
    path = tmp_path / name
    path.write_text("pack: team\nrules:\n" + textwrap.dedent(body), encoding="utf-8")
    return path


def python_pack(tmp_path: Path) -> Path:
    return pack(
        tmp_path,
        f"""\
- code: XYZ001
  name: xyz-alpha
  type: python
  check: tests.rule_fixture_checks:two_codes
  message: alpha
{DOC}- code: XYZ002
  name: xyz-beta
  type: python
  check: tests.rule_fixture_checks:two_codes
  message: beta
{DOC}- code: XYZ010
  name: xyz-same
  type: python
  scope: project
  check: tests.rule_fixture_checks:pairs
  message: same
{DOC}""",
    )


# --- selection ---------------------------------------------------------------------------


def test_select_and_ignore_by_code_and_prefix() -> None:
    rules = own_rules()
    everything = enabled_codes(rules, Config())
    assert everything == frozenset(r.code for r in rules)
    eff = enabled_codes(rules, Config(select=["EFF"]))
    assert eff and all(c.startswith("EFF") for c in eff)
    no_whitespace = enabled_codes(rules, Config(select=["EFF"]), ignore=["EFF02"])
    assert "EFF020" not in no_whitespace and "EFF010" in no_whitespace
    # The most specific selector wins: ignore EFF, but select EFF010 explicitly.
    one = enabled_codes(rules, Config(ignore=["EFF"]), select=["EFF010"])
    assert one == {"EFF010"}
    # Command-line --select replaces the config's; --ignore adds to it.
    assert enabled_codes(rules, Config(select=["TPL"]), select=["SUP"]) == {
        "SUP001",
        "SUP002",
        "SUP003",
    }
    assert "TPL001" not in enabled_codes(rules, Config(ignore=["TPL00"]), ignore=["SUP"])


def test_unknown_selector_is_a_config_error_with_a_hint() -> None:
    with pytest.raises(
        ConfigError,
        match=r"unknown rule code or prefix 'EFX010' in --select "
        r"\(did you mean 'EFF010'\?\)",
    ):
        enabled_codes(own_rules(), Config(), select=["EFX010"])
    with pytest.raises(ConfigError, match=r"in ignore"):
        enabled_codes(own_rules(), Config(ignore=["QQQ"]))


# --- severities and per-file ignores -------------------------------------------------------


def test_severity_overrides_longest_selector_wins(tmp_path: Path) -> None:
    text = "Please, in order to help, answer."
    config = Config(severity={"EFF": "error", "EFF001": "info"})
    run = run_prompts([make_prompt(text)], config=config, select=["EFF001", "EFF010"])
    sev = {f.code: f.severity for f in run.findings}
    assert sev == {"EFF001": Severity.INFO, "EFF010": Severity.ERROR}


def test_hit_severity_is_the_default_and_config_wins(tmp_path: Path) -> None:
    rules = own_rules(python_pack(tmp_path))
    run = run_prompts([make_prompt("alpha beta")], rules=rules, select=["XYZ"])
    assert {f.code: f.severity for f in run.findings} == {
        "XYZ001": Severity.WARNING,
        "XYZ002": Severity.ERROR,
    }
    run = run_prompts(
        [make_prompt("alpha beta")],
        rules=rules,
        select=["XYZ"],
        config=Config(severity={"XYZ002": "info"}),
    )
    assert {f.code: f.severity for f in run.findings}["XYZ002"] is Severity.INFO


def test_per_file_ignores() -> None:
    prompts = [
        make_prompt("Please answer.", path="legacy/old.md"),
        make_prompt("Please answer.", path="prompts/new.md"),
    ]
    config = Config(per_file_ignores={"legacy/*": ["EFF0"]})
    run = run_prompts(prompts, config=config, select=["EFF001"])
    assert [(f.path, f.code) for f in run.findings] == [("prompts/new.md", "EFF001")]


# --- python rules ------------------------------------------------------------------------


def test_python_function_runs_once_per_prompt_and_routes_by_code(tmp_path: Path) -> None:
    from promptlint.checks.base import CheckContext

    rules = own_rules(python_pack(tmp_path))
    seen: list[CheckContext] = []
    import tests.rule_fixture_checks as fx

    original = fx.two_codes

    def spy(prompt, ctx):  # type: ignore[no-untyped-def]
        seen.append(ctx)
        return original(prompt, ctx)

    fx.two_codes = spy  # type: ignore[assignment]
    try:
        prompts = [
            make_prompt("alpha and beta", path="a.md"),
            make_prompt("beta", path="b.md"),
            make_prompt("beta", path="c.md"),
        ]
        run = run_prompts(prompts, rules=rules, select=["XYZ"])
    finally:
        fx.two_codes = original  # type: ignore[assignment]
    assert len(seen) == 3  # one call per prompt for both rules that name the function
    assert seen[0].memo["two_codes_calls"] == 3
    assert seen[0].memo["pairs_calls"] == 1  # project scope: once per run
    assert [(f.path, f.code) for f in run.findings] == [
        ("a.md", "XYZ001"),
        ("a.md", "XYZ002"),
        ("b.md", "XYZ002"),
        ("c.md", "XYZ002"),
        ("c.md", "XYZ010"),
    ]
    assert [f.prompt_index for f in run.findings] == [0, 0, 1, 2, 2]
    # A disabled sibling code is dropped, not an error.
    run = run_prompts(prompts, rules=rules, select=["XYZ001"])
    assert codes(run) == ["XYZ001"]


def test_hit_with_a_foreign_code_is_a_bug(tmp_path: Path) -> None:
    path = pack(
        tmp_path,
        f"""\
- code: XYZ100
  name: xyz-rogue
  type: python
  check: tests.rule_fixture_checks:rogue
  message: m
{DOC}""",
    )
    with pytest.raises(RuntimeError, match=r"reported XYZ999, which none of its rules \(XYZ100\)"):
        run_prompts([make_prompt("text")], rules=own_rules(path))


def test_crashing_check_is_a_notice_and_the_run_goes_on(tmp_path: Path) -> None:
    path = pack(
        tmp_path,
        f"""\
- code: XYZ200
  name: xyz-crash
  type: python
  check: tests.rule_fixture_checks:crashes
  message: m
{DOC}""",
    )
    run = run_prompts(
        [make_prompt("Please answer.", path="x.md")],
        rules=own_rules(path),
        select=["XYZ200", "EFF001"],
    )
    assert codes(run) == ["EFF001"]
    assert run.notices == ["x.md:1: tests.rule_fixture_checks:crashes failed: ValueError: boom"]


# --- regex time limit --------------------------------------------------------------------


def test_catastrophic_regex_is_reported_and_the_run_continues(tmp_path: Path) -> None:
    path = pack(
        tmp_path,
        f"""\
- code: XYZ300
  name: xyz-backtracking
  type: existence
  patterns: ['(x+x+)+y']
  message: m
{DOC}""",
    )
    prompts = [make_prompt("x" * 5000, path=f"p{i}.md") for i in range(5)]
    prompts.append(make_prompt("Please answer.", path="q.md"))
    started = time.perf_counter()
    run = run_prompts(prompts, rules=own_rules(path), select=["XYZ300", "SUP002", "EFF001"])
    elapsed = time.perf_counter() - started
    timeouts = [f for f in run.findings if f.code == "SUP002"]
    assert len(timeouts) == 1  # reported once; the rule is skipped afterwards
    assert "XYZ300" in timeouts[0].message and str(path) in timeouts[0].message
    assert timeouts[0].path == "p0.md"
    assert "EFF001" in codes(run)
    assert elapsed < 5  # one time-out, not one per prompt


# --- locations through real extractors ------------------------------------------------------


def test_locations_through_escapes_fstrings_and_concatenation(tmp_path: Path) -> None:
    source = (
        "SYSTEM_PROMPT = (\n"
        '    "Tab\\there. "\n'
        '    f"Hi {name}! Please answer "\n'
        '    "in order to help."\n'
        ")\n"
    )
    (tmp_path / "app.py").write_text(source, encoding="utf-8")
    run = run_check(
        [str(tmp_path / "app.py")],
        Config(root=str(tmp_path)),
        rules=own_rules(),
        select=["EFF001", "EFF010"],
    )
    found = {f.code: f for f in run.findings}
    lines = source.splitlines()
    please = found["EFF001"]
    assert (please.line, please.col) == (3, lines[2].index("Please") + 1)
    assert please.end_col == lines[2].index("Please") + 1 + len("Please")
    verbose = found["EFF010"]
    assert (verbose.line, verbose.col) == (4, lines[3].index("in order") + 1)
    assert (verbose.end_line, verbose.end_col) == (4, lines[3].index(" help") + 1)


def test_locations_in_a_template_file_skip_the_front_matter(tmp_path: Path) -> None:
    text = "---\nmodel: gpt-4o\n---\nsystem:\nAnswer briefly.\nPlease cite the policy.\n"
    (tmp_path / "support.prompty").write_text(text, encoding="utf-8")
    run = run_check(
        [str(tmp_path / "support.prompty")],
        Config(root=str(tmp_path)),
        rules=own_rules(),
        select=["EFF001"],
    )
    (finding,) = run.findings
    assert (finding.line, finding.col, finding.end_col) == (6, 1, 7)


# --- tokens and score --------------------------------------------------------------------


def test_tokens_per_prompt_and_overlapping_waste_counted_once(tmp_path: Path) -> None:
    team = pack(
        tmp_path,
        f"""\
- code: XYZ400
  name: xyz-note
  type: existence
  tokens: [note that refunds]
  message: m
{DOC}""",
    )
    text = "Please note that refunds take five days."
    run = run_prompts([make_prompt(text)], rules=own_rules(team), select=["EFF011", "XYZ400"])
    assert sorted(codes(run)) == ["EFF011", "XYZ400"]
    tokens = count_tokens(text).tokens
    assert run.tokens == [tokens]
    # The two findings share "note that": their waste is not added up.
    assert run.waste[0] < sum(f.wasted_tokens for f in run.findings)
    assert run.waste[0] >= max(f.wasted_tokens for f in run.findings)
    assert run.scores == [round(100 * (1 - run.waste[0] / tokens), 1)]


def test_prompt_model_picks_the_tokenizer() -> None:
    text = "Summarize the incident report for the on-call engineer in two sentences."
    prompts = [make_prompt(text, path="a.md", model="gpt-4"), make_prompt(text, path="b.md")]
    run = run_prompts(prompts, select=["EFF"])
    assert run.tokens == [
        count_tokens(text, "gpt-4").tokens,
        count_tokens(text, "gpt-4o-mini").tokens,
    ]


def test_findings_are_sorted_and_extraction_notices_kept(tmp_path: Path) -> None:
    (tmp_path / "b.py").write_text(
        'SYSTEM_PROMPT = "Please answer in order to help."\n', encoding="utf-8"
    )
    (tmp_path / "a.py").write_text('SYSTEM_PROMPT = "Hi"\ndef broken(:\n', encoding="utf-8")
    run = run_check([str(tmp_path)], Config(root=str(tmp_path)), rules=own_rules(), select=["EFF"])
    keys = [f.sort_key() for f in run.findings]
    assert keys == sorted(keys) and len(keys) == 2
    assert any("a.py" in n for n in run.notices)


def test_builtin_rules_still_load_alongside_own_packs() -> None:
    rules = load_rules(builtin=True)
    for path in OWN_PACKS:
        assert any(r.source == str(path) for r in rules)


def test_a_fix_inside_a_longer_fix_of_the_same_pack_is_one_finding() -> None:
    from tests.ruletools import apply_fix

    text = "Please note that refunds take five days."
    run = run_prompts([make_prompt(text)], select=["EFF001", "EFF011"])
    (finding,) = run.findings
    assert finding.code == "EFF011"
    assert apply_fix(text, finding) == "Refunds take five days."
    # Apart, both are reported.
    run = run_prompts(
        [make_prompt("Please be brief. Please note that refunds vary.")],
        select=["EFF001", "EFF011"],
    )
    assert codes(run) == ["EFF001", "EFF011"]
