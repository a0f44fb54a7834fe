"""GitHub Actions annotations (workflow-command syntax and escaping), the Markdown summary
and ``--statistics``."""

from __future__ import annotations

import json
import re
from pathlib import Path

from promptlint.models import (
    CheckRun,
    Finding,
    Fix,
    FixSafety,
    Prompt,
    Severity,
    SourceMap,
    TextEdit,
)
from promptlint.report import github, markdown, statistics

from .conftest import run_cli

PLANTED = "PLANTED-evidence-9931"


def _finding(code: str, severity: Severity, line: int, **kw: object) -> Finding:
    fields: dict[str, object] = {
        "name": "politeness-filler",
        "message": "Politeness padding 'please' adds tokens",
        "path": "app/prompts.py",
        "col": 3,
        "end_line": line,
        "end_col": 9,
        "evidence": PLANTED,
    }
    fields.update(kw)
    return Finding(code=code, severity=severity, line=line, **fields)  # type: ignore[arg-type]


def _prompt(text: str) -> Prompt:
    return Prompt(
        "p.md", "markdown", text, 1, 1, 1, len(text) + 1, "test", SourceMap.for_text(text, 1, 1)
    )


def _run(findings: list[Finding], tokens: tuple[int, ...] = (), **kw: object) -> CheckRun:
    prompts = [_prompt(f"prompt {i}") for i in range(len(tokens))]
    return CheckRun(prompts, findings, [], [], files_checked=1, tokens=list(tokens), **kw)  # type: ignore[arg-type]


# The unescaping a workflow-command consumer does (the Actions runner's own rules).
def _unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(text: str) -> str:
    return _unescape_data(text.replace("%3A", ":").replace("%2C", ","))


_COMMAND = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    m = _COMMAND.match(line)
    assert m, line
    props = dict(p.split("=", 1) for p in m.group(2).split(","))
    return (
        m.group(1),
        {k: _unescape_property(v) for k, v in props.items()},
        _unescape_data(m.group(3)),
    )


def test_annotation_exact_syntax() -> None:
    f = _finding("EFF001", Severity.WARNING, 12)
    assert github.annotation(f) == (
        "::warning file=app/prompts.py,line=12,col=3,endLine=12,endColumn=9,"
        "title=EFF001 politeness-filler::Politeness padding 'please' adds tokens"
    )


def test_escaping_follows_the_actions_toolkit() -> None:
    assert github.escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    f = _finding(
        "SEC001",
        Severity.ERROR,
        4,
        path="dir,with:odd/na%me.py",
        name="llm-api-key",
        message="line one\nline two: 50% of it, masked sk-...****\r",
    )
    line = github.annotation(f)
    assert "\n" not in line and "\r" not in line
    command, props, message = _parse(line)
    assert command == "error"
    assert props["file"] == "dir,with:odd/na%me.py"
    assert props["title"] == "SEC001 llm-api-key"
    assert message == f.message


def test_severity_commands_and_multiline_ranges() -> None:
    run = _run(
        [
            _finding("SEC001", Severity.ERROR, 1),
            _finding("EFF001", Severity.WARNING, 2),
            _finding("TIER004", Severity.INFO, 3, end_line=6, end_col=2),
        ]
    )
    lines = github.render(run).splitlines()
    assert [_parse(x)[0] for x in lines] == ["error", "warning", "notice"]
    _, props, _ = _parse(lines[2])
    # Columns are only valid on single-line annotations.
    assert props == {
        "file": "app/prompts.py",
        "line": "3",
        "endLine": "6",
        "title": "TIER004 politeness-filler",
    }
    assert PLANTED not in "\n".join(lines)


def _many(n: int) -> list[Finding]:
    return [
        _finding(
            "EFF001",
            Severity.WARNING,
            i + 1,
            path=f"p{i % 3}.md",
            wasted_tokens=1,
            fix=Fix((TextEdit(0, 1, ""),), FixSafety.SAFE),
        )
        for i in range(n)
    ]


def test_markdown_summary_headline_table_cap_and_totals() -> None:
    findings = [_finding("SEC001", Severity.ERROR, 1, name="llm-api-key"), *_many(60)]
    findings.append(_finding("TIER004", Severity.INFO, 70, name="missing-output-limit"))
    run = _run(
        findings, tokens=(400, 600), waste=[25, 0], scores=[90.0, 100.0], baselined=4, suppressed=2
    )
    text = markdown.render(run, limit=10)
    assert text.startswith(markdown.MARKER + "\n")
    assert "### promptlint: 62 findings (1 error, 60 warnings, 1 info) in 4 files" in text
    assert (
        "2 prompts · 1,000 tokens · 25 tokens wasted (2.5%) · mean efficiency score 95/100" in text
    )
    assert "Not shown: 4 baselined, 2 suppressed in code." in text
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == 10 + 3  # ten findings, then the per-rule table (3 rules)
    assert "… and 52 more." in text
    assert "| `EFF001` | politeness-filler | 60 | 60 |" in text
    assert PLANTED not in text


def test_markdown_escapes_prompt_text() -> None:
    nasty = "Replace <script>alert(1)</script> | ping @octocat, [link](http://x) `code` $3 now, $1 later"
    text = markdown.render(_run([_finding("EFF002", Severity.WARNING, 5, message=nasty)]))
    row = next(line for line in text.splitlines() if "EFF002" in line and line.startswith("| `"))
    assert "<script>" not in row and "&lt;script&gt;" in row
    assert "@octocat" not in row  # would notify a user in a PR comment
    assert "[link](http://x)" not in row
    assert "\\$3 now, \\$1 later" in row  # GitHub would render $...$ as math
    # The pipe inside the message does not add a column.
    assert len(re.findall(r"(?<!\\)\|", row)) == 5


def test_markdown_clean_run() -> None:
    text = markdown.render(_run([], tokens=(10,)))
    assert "### promptlint: no findings" in text
    assert "1 prompt · 10 tokens" in text
    assert "| Location" not in text


def test_statistics_counts_sorted_with_fixable() -> None:
    findings = [
        _finding("SEC001", Severity.ERROR, 1, name="llm-api-key"),
        *_many(3),
        _finding(
            "EFF002", Severity.WARNING, 9, name="verbose-phrase", fix=Fix((), FixSafety.DISPLAY)
        ),
        _finding(
            "EFF002", Severity.WARNING, 10, name="verbose-phrase", fix=Fix((), FixSafety.UNSAFE)
        ),
    ]
    stats = statistics.rule_counts(findings)
    assert [(s.code, s.count, s.fixable) for s in stats] == [
        ("EFF001", 3, 3),
        ("EFF002", 2, 1),
        ("SEC001", 1, 0),
    ]
    text = statistics.to_text(stats).splitlines()
    assert text[0].split() == ["3", "EFF001", "politeness-filler", "3", "fixable"]
    assert text[2].split() == ["1", "SEC001", "llm-api-key"]
    doc = json.loads(statistics.to_json(stats))
    assert doc["rules"][1] == {
        "code": "EFF002",
        "name": "verbose-phrase",
        "count": 2,
        "fixable": 1,
        "wasted_tokens": 0,
    }


def test_cli_github_markdown_and_statistics(tmp_path: Path) -> None:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "system.md").write_text(
        "Please kindly summarise the ticket for the support team.\n"
        "Email jane.roe@gmail.com if the customer asks for a refund.\n"
    )
    gh = run_cli("check", "--format", "github", "prompts", cwd=tmp_path)
    assert gh.returncode in (0, 1), gh.stderr
    lines = gh.stdout.splitlines()
    assert lines and all(_COMMAND.match(x) for x in lines)
    assert {_parse(x)[1]["file"] for x in lines} == {"prompts/system.md"}
    md = run_cli("check", "--format", "markdown", "prompts", cwd=tmp_path)
    assert md.stdout.startswith(markdown.MARKER)
    st = run_cli("check", "--statistics", "--format", "json", "prompts", cwd=tmp_path)
    counts = json.loads(st.stdout)["rules"]
    assert sum(c["count"] for c in counts) == len(lines)
    for out in (gh.stdout, md.stdout, st.stdout):
        assert "jane.roe@gmail.com" not in out
    bad = run_cli("check", "--statistics", "--format", "sarif", "prompts", cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_cli_annotations_are_relative_to_the_repository(git_repo: Path) -> None:
    """Run from a subfolder (a monorepo package): GitHub still needs repo-relative paths."""
    pkg = git_repo / "services" / "bot"
    (pkg / "prompts").mkdir(parents=True)
    (pkg / ".promptlint.yaml").write_text("model: gpt-4o-mini\n")
    (pkg / "prompts" / "system.md").write_text("Please kindly answer the customer's question.\n")
    out = run_cli("check", "--format", "github", "prompts", cwd=pkg)
    lines = out.stdout.splitlines()
    assert lines, out.stderr
    assert {_parse(x)[1]["file"] for x in lines} == {"services/bot/prompts/system.md"}
