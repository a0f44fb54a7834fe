"""The bundled example app, end to end: what the README's first command shows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

EXAMPLES = ROOT / "examples"


@pytest.fixture
def app(tmp_path: Path) -> Path:
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target, ignore=shutil.ignore_patterns(".promptlint_cache"))
    return target


def check_json(folder: Path) -> dict:
    result = run_cli("check", ".", "--format", "json", cwd=folder)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def where(path: Path, needle: str) -> tuple[int, int]:
    """1-based line and column of the first occurrence of ``needle`` in ``path``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        col = line.find(needle)
        if col >= 0:
            return number, col + 1
    raise AssertionError(f"{needle!r} not in {path}")


def test_extract_finds_every_kind_of_prompt_file(app: Path) -> None:
    result = run_cli("extract", ".", "--format", "json", cwd=app)
    assert result.returncode == 0, result.stderr
    kinds = {p["kind"] for p in json.loads(result.stdout)["prompts"]}
    assert kinds == {"python", "dotprompt", "prompty", "markdown", "text", "yaml"}


def test_check_reports_several_categories_at_the_offending_text(app: Path) -> None:
    doc = check_json(app)
    families = {f["code"].rstrip("0123456789") for f in doc["findings"]}
    assert {"EFF", "PII", "SEC", "INJ", "TIER", "DUP"} <= families
    by_code: dict[str, list[dict]] = {}
    for f in doc["findings"]:
        by_code.setdefault(f["code"], []).append(f)
    # Locations point at the text itself, inside string literals and template bodies.
    verbose = {(f["path"], f["line"], f["col"]) for f in by_code["EFF010"]}
    assert ("app/triage.py", *where(app / "app/triage.py", "In order to")) in verbose
    assert (
        "prompts/refund_policy.md",
        *where(app / "prompts/refund_policy.md", "At this point in time"),
    ) in verbose
    key = by_code["SEC001"][0]
    assert (key["path"], key["line"], key["col"]) == (
        "app/ops.py",
        *where(app / "app/ops.py", "sk-proj-"),
    )
    # Found values never appear in clear.
    raw = json.dumps(doc)
    assert "sk-proj-Xk29" not in raw and "jane.morrison@gmail.com" not in raw
    assert "415 555 2671" not in raw


def test_fix_then_check_shows_fixed_findings_gone_and_tokens_saved(app: Path) -> None:
    before = check_json(app)
    safe = [f for f in before["findings"] if f["fix"] and f["fix"]["safety"] == "safe"]
    assert len(safe) >= 10
    fixed = run_cli("fix", ".", cwd=app)
    assert "tokens saved" in fixed.stderr + fixed.stdout
    after = check_json(app)
    remaining_safe = [f for f in after["findings"] if f["fix"] and f["fix"]["safety"] == "safe"]
    assert remaining_safe == []
    assert after["summary"]["tokens"] < before["summary"]["tokens"]
    assert after["summary"]["score"] > before["summary"]["score"]
    # Findings without a safe fix are untouched by `fix`.
    kept = {f["code"] for f in before["findings"] if not f["fix"]}
    assert kept <= {f["code"] for f in after["findings"]}

    # A second run has nothing left to do and changes no byte.
    def project_files() -> dict[Path, bytes]:
        return {
            p: p.read_bytes()
            for p in app.rglob("*")
            if p.is_file() and ".promptlint_cache" not in p.parts
        }

    snapshot = project_files()
    again = run_cli("fix", ".", cwd=app)
    assert "Fixed 0 findings in 0 files; 0 tokens saved" in again.stdout + again.stderr
    assert project_files() == snapshot


def test_readme_first_command_succeeds(app: Path) -> None:
    assert run_cli("check", "--exit-zero", ".", cwd=app).returncode == 0
    audit = run_cli("audit", ".", cwd=app)
    assert audit.returncode == 0, audit.stderr
    assert "Cost per month" in audit.stdout
