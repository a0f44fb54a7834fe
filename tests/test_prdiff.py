"""Pull-request mode in real git repositories: ``promptlint diff`` and ``check --diff-base``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from promptlint.models import Prompt, SourceMap
from promptlint.prdiff import content_key, match_prompts
from promptlint.tokens import count_tokens

from .conftest import git, run_cli

SUMMARY_OLD = "Summarise the support ticket in three bullet points for the on-call engineer."
SUMMARY_NEW = (
    "Summarise the support ticket in three bullet points for the on-call engineer. "
    "Quote the customer's exact error message, list every product area it touches, and end "
    "with the single next step you recommend."
)
TRIAGE = "Please kindly classify the ticket as billing, bug or question and answer with one word."
LEGACY = "Please note that you must always answer politely and never mention internal tools.\n"
FRESH = "Kindly note that you should greet new customers by name and point them to the FAQ.\n"


def _py(summary: str, padding: str = "") -> str:
    return f'{padding}SUMMARY_PROMPT = "{summary}"\nTRIAGE_PROMPT = "{TRIAGE}"\n'


@pytest.fixture
def repo(git_repo: Path) -> Path:
    """Base commit: two prompts in Python, one Markdown prompt file."""
    (git_repo / "app").mkdir()
    (git_repo / "prompts").mkdir()
    (git_repo / "app" / "prompts.py").write_text(_py(SUMMARY_OLD))
    (git_repo / "prompts" / "legacy.md").write_text(LEGACY)
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-q", "-m", "base")
    return git_repo


def _change(repo: Path) -> None:
    """Edit one prompt, move the other down, delete one file, add one."""
    (repo / "app" / "prompts.py").write_text(
        _py(SUMMARY_NEW, padding="import os\n\n\nHOME = os.sep\n\n")
    )
    (repo / "prompts" / "legacy.md").unlink()
    (repo / "prompts" / "welcome.md").write_text(FRESH)


def _diff_json(repo: Path, *args: str) -> tuple[int, dict]:
    out = run_cli("diff", *args, "--format", "json", cwd=repo)
    assert out.returncode in (0, 1), out.stderr
    return out.returncode, json.loads(out.stdout)


def test_diff_against_the_working_tree(repo: Path) -> None:
    _change(repo)
    code, doc = _diff_json(repo, "HEAD")
    assert code == 0  # no budget configured
    assert doc["base"] == "HEAD" and doc["head"] == "working tree"
    by_status = {(p["status"], (p["new"] or p["old"])["path"]) for p in doc["prompts"]}
    assert by_status == {
        ("changed", "app/prompts.py"),
        ("added", "prompts/welcome.md"),
        ("removed", "prompts/legacy.md"),
    }
    assert doc["unchanged"] == 1  # TRIAGE_PROMPT moved down five lines: not a change
    changed = next(p for p in doc["prompts"] if p["status"] == "changed")
    old_t = count_tokens(SUMMARY_OLD, "gpt-4o-mini").tokens
    new_t = count_tokens(SUMMARY_NEW, "gpt-4o-mini").tokens
    assert (changed["old"]["tokens"], changed["new"]["tokens"]) == (old_t, new_t)
    assert changed["token_delta"] == new_t - old_t > 20
    assert changed["old"]["line"] == 1 and changed["new"]["line"] == 6
    assert changed["new"]["owner"] == "SUMMARY_PROMPT"
    # Cost follows tokens at the default model's input price.
    assert changed["cost_delta"] > 0 and doc["cost_per_call"]["new"] > doc["cost_per_call"]["old"]
    total = doc["tokens"]
    assert total["new"] - total["old"] == sum(p["token_delta"] for p in doc["prompts"])
    # Findings: the removed file's padding is fixed, the new file's is added; the moved
    # TRIAGE_PROMPT's padding is neither.
    added = {(f["path"], f["code"]) for f in doc["findings_added"]}
    fixed = {(f["path"], f["code"]) for f in doc["findings_fixed"]}
    assert any(path == "prompts/welcome.md" for path, _ in added)
    assert any(path == "prompts/legacy.md" for path, _ in fixed)
    assert not any(path == "app/prompts.py" and code == "EFF001" for path, code in added | fixed)


def test_diff_between_two_commits_and_text_and_markdown(repo: Path) -> None:
    _change(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "change")
    (repo / "prompts" / "welcome.md").write_text("Uncommitted edit that the refs do not see.\n")
    _, doc = _diff_json(repo, "HEAD~1", "HEAD")
    assert doc["head"] == "HEAD"
    added = next(p for p in doc["prompts"] if p["status"] == "added")
    assert added["new"]["tokens"] == count_tokens(FRESH.strip(), "gpt-4o-mini").tokens
    text = run_cli("diff", "HEAD~1", "HEAD", cwd=repo)
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert lines[0] == "promptlint diff HEAD~1..HEAD"
    assert any(x.startswith("changed  app/prompts.py:6 (SUMMARY_PROMPT)") for x in lines)
    assert any(x.startswith("total: ") and "1 unchanged" in x for x in lines)
    md = run_cli("diff", "HEAD~1", "HEAD", "--format", "markdown", cwd=repo)
    assert md.stdout.startswith("<!-- promptlint-diff -->")
    assert "| `prompts/legacy.md:1`" in md.stdout and "| removed |" in md.stdout


def test_budget_gate(repo: Path) -> None:
    _change(repo)
    (repo / ".promptlint.yaml").write_text("max-token-growth: 5\n")
    out = run_cli("diff", "HEAD", cwd=repo)
    assert out.returncode == 1
    assert "budget gate failed: total prompt tokens grew" in out.stdout
    assert "over the 5% limit" in out.stdout
    relaxed = run_cli("diff", "HEAD", "--max-token-growth", "500", cwd=repo)
    assert relaxed.returncode == 0, relaxed.stdout
    (repo / ".promptlint.yaml").write_text("token-budget: 25\n")
    over = run_cli("diff", "HEAD", "--format", "json", cwd=repo)
    assert over.returncode == 1
    failures = json.loads(over.stdout)["budget"]["failures"]
    assert failures == [
        f"app/prompts.py:6: prompt has {count_tokens(SUMMARY_NEW, 'gpt-4o-mini').tokens} tokens, "
        "over the 25-token budget"
    ]


def test_check_diff_base_reports_only_new_or_changed_prompts(repo: Path) -> None:
    full_before = run_cli("check", "--format", "github", ".", cwd=repo)
    assert "app/prompts.py" in full_before.stdout  # TRIAGE_PROMPT's padding is a finding
    _change(repo)
    out = run_cli("check", "--diff-base", "HEAD", "--format", "github", ".", cwd=repo)
    assert out.returncode in (0, 1), out.stderr
    files_lines = {
        (part.split("file=")[1].split(",")[0], int(part.split(",line=")[1].split(",")[0]))
        for part in out.stdout.splitlines()
    }
    assert ("app/prompts.py", 7) not in files_lines  # TRIAGE_PROMPT: moved, not changed
    assert all(path != "app/prompts.py" or line == 6 for path, line in files_lines)
    assert any(path == "prompts/welcome.md" for path, _ in files_lines)
    assert "not shown" in out.stderr and "unchanged since HEAD" in out.stderr
    # Without --diff-base the moved prompt's findings are still there.
    full = run_cli("check", "--format", "github", ".", cwd=repo)
    assert "file=app/prompts.py,line=7" in full.stdout


def test_diff_base_with_nothing_changed_reports_nothing(repo: Path) -> None:
    out = run_cli("check", "--diff-base", "HEAD", "--format", "github", ".", cwd=repo)
    assert out.returncode == 0 and out.stdout == ""


def test_git_errors_are_one_line(repo: Path, tmp_path: Path) -> None:
    bad = run_cli("diff", "no-such-ref", cwd=repo)
    assert bad.returncode == 2
    assert bad.stderr.strip() == "promptlint: error: unknown revision: no-such-ref"
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "system.md").write_text("Answer briefly.\n")
    outside = run_cli("check", "--diff-base", "HEAD", "system.md", cwd=plain)
    assert outside.returncode == 2 and len(outside.stderr.strip().splitlines()) == 1
    assert "Traceback" not in outside.stderr


def _prompt(path: str, text: str, owner: str | None = None) -> Prompt:
    return Prompt(
        path, "python", text, 1, 1, 1, 2, "test", SourceMap.for_text(text, 1, 1), owner=owner
    )


def test_match_by_content_then_place() -> None:
    old = [_prompt("a.py", "One", "A"), _prompt("a.py", "Two", "B"), _prompt("b.py", "Three", "C")]
    new = [
        _prompt("c.py", "Three", "C"),  # moved to another file
        _prompt("a.py", "Two, longer", "B"),  # edited in place
        _prompt("a.py", "    One\n", "A"),  # re-indented only
        _prompt("a.py", "Four", "D"),  # new
    ]
    m = match_prompts(
        old, new, [content_key(p.text) for p in old], [content_key(p.text) for p in new]
    )
    assert sorted(m.unchanged) == [(0, 2), (2, 0)]
    assert m.changed == [(1, 1)]
    assert m.added == [3] and m.removed == []
