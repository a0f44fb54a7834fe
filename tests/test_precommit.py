"""The pre-commit hook, run for real: `pre-commit try-repo` installs promptlint from this
checkout into pre-commit's own environment (the one test allowed to reach the registry)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, git

WASTEFUL = """
SYSTEM_PROMPT = (
    "You are a helpful assistant. Please kindly classify the ticket below into billing, "
    "shipping or other. In order to be correct, it is important to note that you must answer "
    "with one word."
)
"""


def test_hook_definition_is_valid() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    ids = {h["id"]: h for h in hooks}
    assert ids["promptlint"]["entry"] == "promptlint check"
    assert ids["promptlint"]["require_serial"] is True
    import re

    pattern = re.compile(ids["promptlint"]["files"])
    for name in ["a.py", "p.prompt", "p.prompty", "t.j2", "t.jinja2", "s.md", "s.txt", "c.yaml"]:
        assert pattern.search(name), name
    assert not pattern.search("image.png")


@pytest.mark.network_ok
@pytest.mark.slow
def test_pre_commit_try_repo_runs_the_hook(git_repo: Path, tmp_path: Path) -> None:
    if shutil.which("git") is None:  # pragma: no cover
        pytest.fail("git is required")
    (git_repo / "bot.py").write_text(WASTEFUL, encoding="utf-8")
    (git_repo / "notes.py").write_text("x = 1\n", encoding="utf-8")
    git(git_repo, "add", ".")
    git(git_repo, "commit", "-qm", "init")
    home = tmp_path / "pre-commit-home"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(ROOT),
            "promptlint",
            "--files",
            "bot.py",
            "notes.py",
            "--verbose",
        ],
        cwd=git_repo,
        capture_output=True,
        text=True,
        timeout=1500,
        env={**__import__("os").environ, "PRE_COMMIT_HOME": str(home)},
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out  # findings fail the hook
    assert "promptlint" in out
    assert "bot.py:" in out and "EFF" in out
    assert "notes.py:" not in out
