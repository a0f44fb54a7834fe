"""Baselines: the findings a project has accepted for now, as stable fingerprints.

A fingerprint hashes (rule code, path, normalised evidence, occurrence index among findings
with the same three). Line numbers play no part, so a baseline survives lines moving; the
occurrence index keeps two identical findings in one file apart. Only hashes are stored,
never the evidence, so a baseline cannot leak (or be brute-forced back to) a found value:
PII evidence is masked by the checks before it reaches a Finding.

The file is sorted JSON without timestamps, so two branches that each add findings merge
cleanly.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from promptlint.models import CheckRun, Finding

SCHEMA = "promptlint.baseline/1"
DEFAULT_BASELINE = ".promptlint-baseline.json"
# Key of the fingerprint in SARIF partialFingerprints; bump the version if the recipe changes.
FINGERPRINT_KEY = "promptlint/v1"

# Numbers in a message are mostly counts and positions ("42 tokens", "line 7"), which change
# when unrelated text moves; they must not change the fingerprint.
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SPACE = re.compile(r"\s+")


class BaselineError(Exception):
    """A baseline file that cannot be read or understood (one line)."""


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    code: str
    path: str  # POSIX, relative to the configuration root
    fingerprint: str


def normalised_evidence(finding: Finding) -> str:
    """What identifies a finding within its file, independent of where it sits."""
    text = finding.evidence or _NUMBER.sub("#", finding.message)
    return _SPACE.sub(" ", text).strip()


def project_path(path: str, root: str | os.PathLike[str]) -> str:
    """``path`` (as shown to the user) relative to the project root, POSIX style.

    Fingerprints use this form so that running from a subdirectory changes nothing.
    """
    absolute = os.path.abspath(path)
    rel = os.path.relpath(absolute, os.path.abspath(root))
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return Path(absolute).as_posix()
    return Path(rel).as_posix()


def fingerprints(findings: Sequence[Finding], root: str | os.PathLike[str]) -> list[str]:
    """One fingerprint per finding, in the order given.

    Occurrence indices count in source order, whatever order the findings arrive in.
    """
    order = sorted(range(len(findings)), key=lambda i: findings[i].sort_key())
    seen: Counter[tuple[str, str, str]] = Counter()
    result = [""] * len(findings)
    paths: dict[str, str] = {}
    for i in order:
        f = findings[i]
        path = paths.get(f.path)
        if path is None:
            path = paths[f.path] = project_path(f.path, root)
        key = (f.code, path, normalised_evidence(f))
        occurrence = seen[key]
        seen[key] += 1
        digest = hashlib.sha256("\0".join((*key, str(occurrence))).encode("utf-8"))
        result[i] = digest.hexdigest()[:32]
    return result


def entries_for(findings: Sequence[Finding], root: str | os.PathLike[str]) -> list[BaselineEntry]:
    prints = fingerprints(findings, root)
    entries = {
        BaselineEntry(f.code, project_path(f.path, root), fp)
        for f, fp in zip(findings, prints, strict=True)
    }
    return sorted(entries, key=lambda e: (e.path, e.code, e.fingerprint))


def render(entries: Iterable[BaselineEntry]) -> str:
    """The baseline file's text: sorted, indented, no timestamps, trailing newline."""
    ordered = sorted(entries, key=lambda e: (e.path, e.code, e.fingerprint))
    doc = {"schema": SCHEMA, "findings": [dataclasses.asdict(e) for e in ordered]}
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(path: str | os.PathLike[str], entries: Iterable[BaselineEntry]) -> None:
    """Write atomically: an interrupted run leaves the old baseline, never half a file."""
    from promptlint.atomic import write_atomic

    write_atomic(os.fspath(path), render(entries).encode("utf-8"))


def read(path: str | os.PathLike[str]) -> list[BaselineEntry]:
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"baseline file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not valid UTF-8"
        raise BaselineError(f"cannot read baseline {path}: {reason}") from None
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise BaselineError(f"{path}: not a promptlint baseline (expected schema {SCHEMA})")
    items = doc.get("findings")
    if not isinstance(items, list):
        raise BaselineError(f"{path}: 'findings' must be a list")
    entries = []
    for n, item in enumerate(items):
        if not (
            isinstance(item, dict)
            and all(isinstance(item.get(k), str) for k in ("code", "path", "fingerprint"))
        ):
            raise BaselineError(f"{path}: findings[{n}] needs string code, path and fingerprint")
        entries.append(BaselineEntry(item["code"], item["path"], item["fingerprint"]))
    return entries


def apply(
    run: CheckRun, entries: Iterable[BaselineEntry], root: str | os.PathLike[str]
) -> CheckRun:
    """The run without the findings the baseline knows; ``baselined`` counts them."""
    known = {e.fingerprint for e in entries}
    prints = fingerprints(run.findings, root)
    kept = [f for f, fp in zip(run.findings, prints, strict=True) if fp not in known]
    hidden = len(run.findings) - len(kept)
    return dataclasses.replace(run, findings=kept, baselined=run.baselined + hidden)
