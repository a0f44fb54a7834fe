"""Suppression directives: line, statement, file level, prefixes, and the SUP rules that report
directives silencing nothing or naming no rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptlint.config import Config
from promptlint.engine import run_check
from promptlint.models import Directive
from tests.ruletools import codes, make_prompt, own_rules, run_prompts

TEXT = "Please answer.\nIn order to help, be brief.\nKindly cite the policy."
PATH = "prompts/p.md"


def run_with(*directives: Directive, select: tuple[str, ...] = ("EFF", "SUP")):  # type: ignore[no-untyped-def]
    return run_prompts(
        [make_prompt(TEXT, path=PATH)], select=select, directives={PATH: list(directives)}
    )


def test_line_directive_silences_only_its_codes_on_its_lines() -> None:
    run = run_with(Directive(line=1, col=20, codes=("EFF001",), first_line=1, last_line=1))
    assert [(f.line, f.code) for f in run.findings] == [(2, "EFF010"), (3, "EFF001")]
    assert run.suppressed == 1


def test_statement_range_and_prefix() -> None:
    run = run_with(Directive(line=1, col=1, codes=("EFF0",), first_line=1, last_line=2))
    assert [(f.line, f.code) for f in run.findings] == [(3, "EFF001")]
    assert run.suppressed == 2


def test_no_codes_means_every_code() -> None:
    run = run_with(Directive(line=2, col=1, codes=(), first_line=2, last_line=2))
    assert [f.line for f in run.findings] == [1, 3]


def test_file_level() -> None:
    run = run_with(
        Directive(line=1, col=1, codes=("EFF001",), first_line=1, last_line=3, file_level=True)
    )
    assert codes(run) == ["EFF010"]
    assert run.suppressed == 2


def test_unused_directive_is_sup001_at_the_directive() -> None:
    run = run_with(
        Directive(line=2, col=30, codes=("EFF010", "EFF013"), first_line=2, last_line=2),
        Directive(line=3, col=25, codes=(), first_line=9, last_line=9),
    )
    sup = [f for f in run.findings if f.code == "SUP001"]
    assert [(f.line, f.col, f.message) for f in sup] == [
        (2, 30, "Suppression of EFF013 silences nothing here; remove it"),
        (3, 25, "Suppression 'disable' silences nothing here; remove it"),
    ]


def test_directive_for_a_rule_that_did_not_run_is_not_unused() -> None:
    run = run_with(Directive(line=1, col=1, codes=("TPL003",), first_line=1, last_line=1))
    assert "SUP001" not in codes(run)


def test_unknown_code_is_sup003() -> None:
    run = run_with(Directive(line=1, col=16, codes=("EFX001",), first_line=1, last_line=1))
    sup = [f for f in run.findings if f.code == "SUP003"]
    assert [(f.line, f.col) for f in sup] == [(1, 16)]
    assert "EFX001" in sup[0].message


def test_sup001_can_itself_be_silenced_file_wide() -> None:
    run = run_with(
        Directive(line=2, col=30, codes=("EFF013",), first_line=2, last_line=2),
        Directive(line=1, col=1, codes=("SUP001",), first_line=1, last_line=3, file_level=True),
    )
    assert "SUP001" not in codes(run)


def test_sup_rules_respect_select() -> None:
    run = run_with(
        Directive(line=2, col=30, codes=("EFF013",), first_line=2, last_line=2), select=("EFF",)
    )
    assert "SUP001" not in codes(run)


# --- end to end through the real extractors -------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(
        'SYSTEM_PROMPT = "Please answer in order to help."  # promptlint: disable=EFF001\n'
        "USER_PROMPT = (  # promptlint: disable=EFF010\n"
        '    "Please answer in order to help."\n'
        ")\n"
        'OTHER_PROMPT = "Answer briefly."  # promptlint: disable=EFF013\n',
        encoding="utf-8",
    )
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "system.j2").write_text(
        "system:\nPlease answer {{ question }}. {# promptlint: disable=EFF001 #}\n"
        "Kindly be brief.\n",
        encoding="utf-8",
    )
    (tmp_path / "prompts" / "faq.prompt").write_text(
        "---\nmodel: gpt-4o\npromptlint:\n  disable: [EFF010]\n---\n"
        "In order to answer, read the FAQ. Please be brief.\n",
        encoding="utf-8",
    )
    (tmp_path / "prompts" / "notes.md").write_text(
        "<!-- promptlint: disable-file=EFF001 -->\nPlease answer.\nIn order to help, be brief.\n",
        encoding="utf-8",
    )
    return tmp_path


def test_each_suppression_form_end_to_end(project: Path) -> None:
    config = Config(root=str(project), template_globs=["prompts/*.j2"])
    run = run_check(
        [str(project)], config, rules=own_rules(), select=["EFF001", "EFF010", "EFF013", "SUP"]
    )
    found = sorted((Path(f.path).name, f.line, f.code) for f in run.findings)
    assert found == [
        ("app.py", 1, "EFF010"),  # the line directive named EFF001 only
        ("app.py", 3, "EFF001"),  # the statement directive named EFF010 only
        ("app.py", 5, "SUP001"),  # EFF013 silenced nothing
        ("faq.prompt", 6, "EFF001"),  # front matter disabled EFF010 for the file
        ("notes.md", 3, "EFF010"),  # disable-file=EFF001
        ("system.j2", 3, "EFF001"),  # the Jinja comment covers its own line only
    ]
    assert run.suppressed == 5
