"""Baselines: fingerprints that survive moved lines, hold no evidence, and merge cleanly."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path

import pytest

from promptlint import baseline
from promptlint.models import CheckRun, Finding, Severity

from .conftest import run_cli

PROMPT = (
    "SYSTEM_PROMPT = (\n"
    '    "Please kindly summarise the support ticket for the on-call engineer. "\n'
    '    "Email jane.roe@gmail.com or call +1 415 555 0172 when a refund is over 500 dollars."\n'
    ")\n"
)
PLANTED = ("kindly", "jane.roe", "gmail", "555 0172", "0172", "j***@g***")


def _finding(
    line: int, evidence: str = "please kindly", path: str = "app.py", **kw: object
) -> Finding:
    return Finding(
        "EFF001",
        "politeness-filler",
        Severity.WARNING,
        "Padding 'please kindly' adds 2 tokens",
        path,
        line,
        5,
        line,
        18,
        evidence=evidence,
        **kw,
    )  # type: ignore[arg-type]


def test_fingerprint_ignores_position_and_numbers(tmp_path: Path) -> None:
    root = str(tmp_path)
    a = baseline.fingerprints([_finding(3)], root)
    b = baseline.fingerprints([_finding(300)], root)
    assert a == b
    other_file = baseline.fingerprints([_finding(3, path="other.py")], root)
    other_text = baseline.fingerprints([_finding(3, evidence="kindly note")], root)
    assert len({a[0], other_file[0], other_text[0]}) == 3
    # Without evidence the message counts, with its numbers (counts, positions) stripped.
    no_ev = [
        dataclasses.replace(_finding(3), evidence="", message="Prompt has 4,120 tokens (line 3)")
    ]
    moved = [dataclasses.replace(no_ev[0], message="Prompt has 4,180 tokens (line 9)")]
    assert baseline.fingerprints(no_ev, root) == baseline.fingerprints(moved, root)


def test_identical_findings_are_told_apart_by_occurrence(tmp_path: Path) -> None:
    root = str(tmp_path)
    pair = [_finding(10), _finding(4)]  # arrive out of order
    prints = baseline.fingerprints(pair, root)
    assert len(set(prints)) == 2
    # Occurrence counts in source order: the same two, shifted, keep their fingerprints.
    assert baseline.fingerprints([_finding(6), _finding(12)], root) == prints[::-1]


def test_path_is_taken_from_the_project_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    from_root = baseline.fingerprints([_finding(1, path="sub/app.py")], str(tmp_path))
    monkeypatch.chdir(tmp_path / "sub")
    from_sub = baseline.fingerprints([_finding(1, path="app.py")], str(tmp_path))
    absolute = baseline.fingerprints(
        [_finding(1, path=str(tmp_path / "sub" / "app.py"))], str(tmp_path)
    )
    assert from_root == from_sub == absolute


def test_apply_hides_known_findings_and_counts_them(tmp_path: Path) -> None:
    root = str(tmp_path)
    known = baseline.entries_for([_finding(3)], root)
    run = CheckRun([], [_finding(3), _finding(9, evidence="new padding")], [], [], 1, baselined=0)
    out = baseline.apply(run, known, root)
    assert [f.evidence for f in out.findings] == ["new padding"]
    assert out.baselined == 1


def test_file_format_is_sorted_stable_and_mergeable(tmp_path: Path) -> None:
    root = str(tmp_path)
    findings = [
        _finding(i, evidence=f"e{i}", path=p)
        for i, p in enumerate(["b.py", "a.py", "c.py", "a.py"])
    ]
    target = tmp_path / "base.json"
    baseline.write(target, baseline.entries_for(findings, root))
    first = target.read_bytes()
    baseline.write(target, baseline.entries_for(list(reversed(findings)), root))
    assert target.read_bytes() == first  # same findings, same bytes
    text = first.decode()
    assert text.endswith("}\n")
    doc = json.loads(text)
    assert list(doc) == ["findings", "schema"]  # sort_keys: no ordering noise between runs
    keys = [(e["path"], e["code"], e["fingerprint"]) for e in doc["findings"]]
    assert keys == sorted(keys)
    assert not re.search(r"\d{4}-\d{2}-\d{2}|time|date", text)
    assert [e.fingerprint for e in baseline.read(target)] == [k[2] for k in keys]


def test_baseline_file_is_readable_by_everyone_like_any_committed_file(tmp_path: Path) -> None:
    """A temp file is created 0600; the baseline replacing it must not stay private."""
    target = tmp_path / "base.json"
    baseline.write(target, baseline.entries_for([_finding(1)], str(tmp_path)))
    assert target.stat().st_mode & 0o777 == 0o644
    target.chmod(0o664)  # a mode the user chose is kept on rewrite
    baseline.write(target, [])
    assert target.stat().st_mode & 0o777 == 0o664
    assert [p.name for p in tmp_path.iterdir()] == ["base.json"]  # no temp file left


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "invalid JSON"),
        ('{"schema": "other/1", "findings": []}', "not a promptlint baseline"),
        ('{"schema": "promptlint.baseline/1", "findings": [{"code": 1}]}', "findings[0]"),
    ],
)
def test_bad_baseline_is_one_line_error(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "b.json"
    bad.write_text(content)
    with pytest.raises(baseline.BaselineError, match=re.escape(message)):
        baseline.read(bad)


def _findings_of(out: str) -> list[str]:
    return [line for line in out.splitlines() if re.match(r"\S+:\d+:\d+: [A-Z]+\d{3} ", line)]


def test_cli_baseline_round_trip(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text(PROMPT)
    first = run_cli("check", "app.py", cwd=tmp_path)
    before = _findings_of(first.stdout)
    assert before, first.stdout + first.stderr

    made = run_cli("baseline", "app.py", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert f"wrote {len(before)} findings to .promptlint-baseline.json" in made.stderr
    stored = (tmp_path / ".promptlint-baseline.json").read_text()
    for value in PLANTED:  # fingerprints only: no evidence, not even masked
        assert value not in stored
    codes = sorted(e["code"] for e in json.loads(stored)["findings"])
    assert codes == sorted(line.split(": ")[1].split()[0] for line in before)

    # Lines inserted above every finding: nothing is new.
    app.write_text("import os\n\n\ndef helper() -> int:\n    return len(os.sep)\n\n\n" + PROMPT)
    moved = run_cli("check", "--baseline", ".promptlint-baseline.json", "app.py", cwd=tmp_path)
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert _findings_of(moved.stdout) == []
    assert f"{len(before)} baselined" in moved.stdout

    # A new problem is reported, alone.
    app.write_text(
        app.read_text() + 'USER_PROMPT = "Kindly note that you should answer in English."\n'
    )
    new = run_cli("check", "--baseline", ".promptlint-baseline.json", "app.py", cwd=tmp_path)
    reported = _findings_of(new.stdout)
    assert reported
    assert all(line.startswith("app.py:12:") for line in reported), reported

    # Fixing a finding drops it from the next baseline.
    app.write_text(PROMPT.replace("Please kindly summarise", "Summarise"))
    again = run_cli("baseline", "app.py", cwd=tmp_path)
    assert again.returncode == 0
    left = json.loads((tmp_path / ".promptlint-baseline.json").read_text())["findings"]
    assert len(left) < len(before)
    assert "no longer found" in again.stderr and "(0 new" in again.stderr


def test_cli_missing_or_corrupt_baseline(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(PROMPT)
    missing = run_cli("check", "--baseline", "nope.json", "app.py", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        "promptlint: error: baseline file not found: nope.json"
    ]
    (tmp_path / "bad.json").write_text("[1, 2")
    bad = run_cli("check", "--baseline", "bad.json", "app.py", cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert os.path.exists(tmp_path / "bad.json")
