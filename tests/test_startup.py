"""Lean start-up: the fast paths import nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import cli_env

HEAVY = ("presidio_analyzer", "spacy", "jinja2", "libcst", "tiktoken", "rapidfuzz", "rich")


def modules_after(argv: list[str]) -> set[str]:
    script = (
        "import json, sys\n"
        "from promptlint.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stderr.write(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
        check=True,
    )
    return set(json.loads(out.stderr.splitlines()[-1]))


def test_version_imports_nothing_heavy() -> None:
    loaded = modules_after(["--version"])
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}
    assert not any(m.startswith("promptlint.") and m not in ("promptlint.cli",) for m in loaded)


def test_help_lists_commands_without_importing_them() -> None:
    loaded = modules_after(["--help"])
    assert "promptlint.commands.check" not in loaded
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}
