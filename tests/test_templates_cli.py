"""End-to-end: every `promptlint templates` verb in a temporary git repository."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import git, run_cli

APP = '''\
import openai

SUPPORT_PROMPT = """You are a support agent for {product}. Answer the customer using only the
policy below; never promise refunds the policy does not grant. Policy: {policy}"""

def answer(question, product, policy):
    return openai.chat.completions.create(
        model="gpt-4o-mini",
        messages=[
            {"role": "system", "content": SUPPORT_PROMPT.format(product=product, policy=policy)},
            {"role": "user", "content": question},
        ],
    )
'''


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def fails(result: subprocess.CompletedProcess[str], code: int, *needles: str) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    text = result.stdout + result.stderr
    for needle in needles:
        assert needle in text
    assert "Traceback" not in text
    return text


def tpl(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("templates", *args, cwd=repo)


@pytest.fixture
def repo(git_repo: Path) -> Path:
    (git_repo / "app.py").write_text(APP)
    ok(tpl(git_repo, "init"))
    return git_repo


def write_draft(repo: Path, name: str, old: str, new: str) -> None:
    path = repo / "templates" / name / "draft.prompt"
    path.write_text(path.read_text().replace(old, new))


def test_lifecycle(repo: Path) -> None:
    assert (repo / "templates" / "README.md").is_file()
    assert "already initialised" in ok(tpl(repo, "init"))
    # add --from PATH:LINE lifts the prompt and declares its variables.
    out = ok(tpl(repo, "add", "support", "--from", "app.py:4", "-d", "Support answer"))
    assert "variables: product, policy" in out
    draft = (repo / "templates" / "support" / "draft.prompt").read_text()
    assert "{{ product }}" in draft and "{{ policy }}" in draft and "{product}" not in draft
    assert "- name: product\n  type: string\n  required: true" in draft
    assert "published support@1.0.0" in ok(tpl(repo, "publish", "support", "--major"))
    assert not (repo / "templates" / "support" / "draft.prompt").exists()

    # new: a draft from the latest version; publish --minor.
    ok(tpl(repo, "new", "support"))
    write_draft(repo, "support", "never promise refunds", "never promise refunds or credits")
    assert "support@1.1.0" in ok(tpl(repo, "publish", "support", "--minor"))

    listing = json.loads(ok(tpl(repo, "list", "--json")))
    assert listing["templates"][0]["versions"] == ["1.0.0", "1.1.0"]
    assert "support  1.1.0" in ok(tpl(repo, "list"))

    assert "support@production -> 1.0.0" in ok(tpl(repo, "label", "support@1.0.0", "production"))
    shown = ok(tpl(repo, "show", "support@production"))
    assert (
        shown.startswith("support@1.0.0  Support answer")
        and "var policy: string (required)" in shown
    )
    assert json.loads(ok(tpl(repo, "show", "support@^1", "--json")))["version"] == "1.1.0"

    rendered = ok(
        tpl(repo, "render", "support@1.1.0", "--var", "product=Acme", "--var", "policy=No refunds.")
    )
    assert (
        rendered.startswith("You are a support agent for Acme.")
        and "Policy: No refunds." in rendered
    )

    diff = ok(tpl(repo, "diff", "support@1.0.0", "support@1.1.0"))
    assert "-version: 1.0.0" in diff and "+version: 1.1.0" in diff and "or credits" in diff
    assert "tokens: " in diff and "(+2)" in diff

    verified = ok(tpl(repo, "verify"))
    assert "1 template(s) verified" in verified
    # Everything the registry wrote is plain, committable text.
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "templates")
    assert git(repo, "status", "--porcelain") == ""


def test_render_errors(repo: Path) -> None:
    ok(tpl(repo, "new", "brief"))
    ok(tpl(repo, "publish", "brief", "--major"))
    fails(tpl(repo, "render", "brief"), 2, "missing required variable 'input'")
    fails(
        tpl(repo, "render", "brief", "--var", "input=x", "--var", "tone=warm"),
        2,
        "undeclared variable 'tone'",
    )
    fails(tpl(repo, "render", "brief", "--var", "novalue"), 2, "expected KEY=VALUE")
    vars_file = repo / "vars.json"
    vars_file.write_text(json.dumps({"input": 42}))
    fails(
        tpl(repo, "render", "brief", "--vars-file", str(vars_file)),
        2,
        "variable 'input' must be string, got int",
    )
    vars_file.write_text(json.dumps({"input": "a report"}))
    assert "a report" in ok(tpl(repo, "render", "brief@1.0.0", "--vars-file", str(vars_file)))
    fails(tpl(repo, "render", "brief@^2"), 2, "no published version matches")
    fails(tpl(repo, "render", "ghost"), 2, "no template named 'ghost'")


def test_render_of_a_hostile_body_is_a_one_line_error(repo: Path) -> None:
    ok(tpl(repo, "new", "bomb"))
    (repo / "templates" / "bomb" / "draft.prompt").write_text(
        "---\nname: bomb\ndescription: d\n---\n{{ 'a' * 1000000000 }}{% include '/etc/passwd' %}\n"
    )
    ok(tpl(repo, "publish", "bomb", "--major"))
    text = fails(tpl(repo, "render", "bomb"), 2, "bomb@1.0.0", "'*' would be too large")
    assert len(text.strip().splitlines()) == 1 and "internal error" not in text


def test_typed_variables_from_the_command_line(repo: Path) -> None:
    folder = repo / "templates" / "pick"
    ok(tpl(repo, "new", "pick"))
    (folder / "draft.prompt").write_text(
        "---\nname: pick\ndescription: d\nvariables:\n"
        "- {name: labels, type: list}\n- {name: n, type: integer, default: 1}\n"
        "- {name: strict, type: boolean, default: false}\n---\n"
        "Pick {{ n }} of {{ labels | join(', ') }}{% if strict %} exactly{% endif %}.\n"
    )
    ok(tpl(repo, "publish", "pick", "--major"))
    out = ok(
        tpl(
            repo,
            "render",
            "pick",
            "--var",
            'labels=["a", "b"]',
            "--var",
            "n=2",
            "--var",
            "strict=true",
        )
    )
    assert out == "Pick 2 of a, b exactly.\n"
    fails(tpl(repo, "render", "pick", "--var", "labels=a,b"), 2, "must be a JSON list")
    fails(tpl(repo, "render", "pick", "--var", "labels=[]", "--var", "n=two"), 2, "must be integer")


def test_publish_and_label_failures(repo: Path) -> None:
    fails(tpl(repo, "publish", "ghost", "--patch"), 2, "ghost has no draft")
    ok(tpl(repo, "new", "brief"))
    fails(tpl(repo, "publish", "brief"), 2, "--major, --minor or --patch")
    fails(tpl(repo, "new", "brief"), 2, "a draft already exists")
    fails(tpl(repo, "new", "Bad Name"), 2, "invalid template name")
    ok(tpl(repo, "publish", "brief", "--patch"))
    ok(tpl(repo, "new", "brief"))
    fails(tpl(repo, "publish", "brief", "--patch"), 2, "identical to 0.0.1")
    fails(tpl(repo, "label", "brief", "production"), 2, "name the version to label")
    fails(tpl(repo, "label", "brief@9.0.0", "production"), 2, "no published version matches")
    fails(tpl(repo, "label", "brief@0.0.1", "1.0.0"), 2, "invalid label")


def test_malformed_draft_names_file_and_field(repo: Path) -> None:
    ok(tpl(repo, "new", "brief"))
    draft = repo / "templates" / "brief" / "draft.prompt"
    draft.write_text(draft.read_text().replace("type: string", "type: text"))
    out = fails(
        tpl(repo, "publish", "brief", "--major"), 2, "draft.prompt: field 'variables[0].type'"
    )
    assert len(out.strip().splitlines()) == 1
    draft.write_text("---\nname: brief\nvariables: [unclosed\n---\nbody\n")
    fails(tpl(repo, "show", "brief@draft"), 2, "draft.prompt: invalid front matter")
    fails(tpl(repo, "verify"), 1, "draft.prompt")


def test_verify_catches_tampering_and_dangling_pointers(repo: Path) -> None:
    ok(tpl(repo, "new", "brief"))
    ok(tpl(repo, "publish", "brief", "--major"))
    ok(tpl(repo, "label", "brief@1.0.0", "production"))
    version = repo / "templates" / "brief" / "1.0.0.prompt"
    original = version.read_text()
    version.write_text(original.replace("Describe the task", "Describe the whole task"))
    fails(tpl(repo, "verify"), 1, "1.0.0.prompt: content does not match its SHA-256")
    fails(tpl(repo, "render", "brief", "--var", "input=x"), 2, "does not match its SHA-256")
    version.write_text(original)
    lock_path = repo / "templates" / "brief" / "template.lock"
    lock = json.loads(lock_path.read_text())
    lock["labels"]["staging"] = "3.0.0"
    lock_path.write_text(json.dumps(lock))
    fails(tpl(repo, "verify"), 1, "label 'staging' points to 3.0.0")
    lock["labels"].pop("staging")
    lock_path.write_text(json.dumps(lock))
    version.unlink()
    fails(tpl(repo, "verify"), 1, "1.0.0.prompt: missing")


def test_add_from_a_whole_file_and_failures(repo: Path) -> None:
    notes = repo / "notes.txt"
    notes.write_text("Rewrite the release notes for {audience}; keep version numbers exact.\n")
    out = ok(tpl(repo, "add", "release-notes", "--from", "notes.txt"))
    assert "variables: audience" in out
    fails(tpl(repo, "add", "x", "--from", "app.py:12"), 2, "app.py:12: no prompt on that line")
    fails(tpl(repo, "add", "x", "--from", "missing.py"), 2, "missing.py: no such file")
    fails(tpl(repo, "add", "release-notes", "--from", "notes.txt"), 2, "a draft already exists")


def test_registry_option_and_config(repo: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    ok(run_cli("templates", "--registry", str(other), "init", cwd=repo))
    ok(run_cli("templates", "--registry", str(other), "new", "brief", cwd=repo))
    assert (other / "brief" / "draft.prompt").is_file()
    (repo / ".promptlint.yaml").write_text("registry:\n  path: prompts/registry\n")
    ok(tpl(repo, "init"))
    assert (repo / "prompts" / "registry" / "README.md").is_file()


def test_lint_and_verify_run_the_rules_engine(repo: Path) -> None:
    pytest.importorskip("promptlint.engine")
    ok(tpl(repo, "new", "brief"))
    draft = repo / "templates" / "brief" / "draft.prompt"
    draft.write_text(
        draft.read_text().replace(
            "Describe the task in one or two sentences.",
            "Please kindly describe the task in order to help. Please be clear.",
        )
    )
    ok(tpl(repo, "publish", "brief", "--major"))
    linted = tpl(repo, "lint", "--fail-on", "info")
    assert linted.returncode == 1, linted.stderr
    assert "templates/brief/1.0.0.prompt:" in linted.stdout and "EFF" in linted.stdout
    # Findings below error level do not fail verify.
    assert "verified" in ok(tpl(repo, "verify"))
