"""Check-fix passes over a tree, then one atomic write per changed file.

Every file is read once. Fixes are applied in memory and the changed files re-extracted
and re-checked, up to ``MAX_PASSES`` times, so fixes dropped for a conflict get their turn
and a second run has nothing left to do. Only then is each changed file written, unless it
changed on disk in the meantime, holds merge-conflict markers or is open in an editor.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from promptlint.atomic import FileChangedError, read_snapshot, replace_if_unchanged
from promptlint.config import Config
from promptlint.discover import SourceFile
from promptlint.extract import extract_text
from promptlint.extract.sections import LineIndex
from promptlint.fix.apply import FixRequest, apply_fixes
from promptlint.inventory import Inventory, build_inventory
from promptlint.models import CheckRun, ExtractResult, Finding, FixSafety

if TYPE_CHECKING:
    from promptlint.cache import Cache
    from promptlint.rulepack import RuleSet

MAX_PASSES = 5
_BOM = "\ufeff".encode()
_CONFLICT_MARKER = re.compile(r"^(?:<{7}|>{7})(?: |\r?$)", re.MULTILINE)
_DIFF_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_SENSITIVE_PREFIXES = ("PII", "SEC")
_Span = tuple[int, int, int, int, str]  # line, col, end line, end col, entity type


@dataclass(slots=True)
class FileFix:
    """What fixing did (or would do) to one file."""

    path: str
    fixes: int  # findings fixed
    tokens_before: int
    tokens_after: int
    diff: str = ""
    written: bool = False

    @property
    def tokens_saved(self) -> int:
        return self.tokens_before - self.tokens_after


@dataclass(frozen=True, slots=True)
class NotApplied:
    """A fixable finding whose fix was left out, and why."""

    finding: Finding
    reason: str


@dataclass(slots=True)
class FixReport:
    files: list[FileFix]  # files whose content changed (or would change)
    final: CheckRun  # the check of the fixed content
    notices: list[str] = field(default_factory=list)  # files left untouched, with why
    not_applied: list[NotApplied] = field(default_factory=list)
    untouched: int = 0  # files with fixes that could not be written
    passes: int = 0

    @property
    def fixes(self) -> int:
        return sum(f.fixes for f in self.files)

    @property
    def tokens_saved(self) -> int:
        return sum(f.tokens_saved for f in self.files)


def allowed_safeties(unsafe: bool) -> frozenset[FixSafety]:
    return frozenset({FixSafety.SAFE, FixSafety.UNSAFE} if unsafe else {FixSafety.SAFE})


def refusal(file: SourceFile, text: str) -> str | None:
    """Why ``file`` must not be rewritten now, or None."""
    if _CONFLICT_MARKER.search(text):
        return "holds merge-conflict markers; resolve them first"
    folder, name = os.path.split(file.abs_path)
    for lock in (f".{name}.swp", f".#{name}"):  # vim swap file, emacs lock
        if os.path.lexists(os.path.join(folder, lock)):
            return f"is open in an editor ({lock} exists); save and close it first"
    return None


def _fixable(
    run: CheckRun, safeties: frozenset[FixSafety]
) -> dict[str, list[tuple[Finding, FixRequest]]]:
    """Findings whose fixes may be applied, with their fix requests, by path."""
    by_path: dict[str, list[tuple[Finding, FixRequest]]] = {}
    for finding in run.findings:
        fix = finding.fix
        if fix is None or not fix.edits or fix.safety not in safeties:
            continue
        if finding.prompt_index is None:
            continue
        prompt = run.prompts[finding.prompt_index]
        by_path.setdefault(prompt.path, []).append((finding, FixRequest(prompt, fix.edits)))
    return by_path


def _tokens_by_path(run: CheckRun) -> dict[str, int]:
    totals: dict[str, int] = {}
    for prompt, tokens in zip(run.prompts, run.tokens, strict=True):
        totals[prompt.path] = totals.get(prompt.path, 0) + tokens
    return totals


def run_fix(
    paths: Sequence[str],
    config: Config,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    unsafe: bool = False,
    write: bool = True,
    jobs: int | None = None,
    cache: Cache | None = None,
) -> FixReport:
    """Fix ``paths`` (default '.'): in place when ``write``, else only diff the result."""
    from promptlint.engine import run_check_on_inventory
    from promptlint.rulepack import load_rules

    rules = load_rules(config)
    inv = build_inventory(tuple(paths) or (".",), config, jobs=jobs, keep_text=True, cache=cache)
    files = {f.path: f for f in inv.files}
    results: dict[str, ExtractResult] = {r.path: r for r in inv.results}
    original_results = dict(results)
    original = dict(inv.texts)
    texts = dict(inv.texts)
    safeties = allowed_safeties(unsafe)
    refused: dict[str, str] = {}
    gave_up: list[str] = []
    fixed: dict[str, int] = {}

    def check(inventory: Inventory) -> CheckRun:
        return run_check_on_inventory(
            inventory, config, select=select, ignore=ignore, rules=rules, cache=cache
        )

    first = run = check(inv)
    not_applied: list[NotApplied] = []
    passes = 0
    while passes < MAX_PASSES:
        todo = {p: fs for p, fs in _fixable(run, safeties).items() if p in texts}
        if not todo:
            not_applied = []
            break
        passes += 1
        not_applied = []
        changed = False
        for path, items in todo.items():
            if path in refused:
                continue
            reason = refusal(files[path], texts[path])
            if reason is not None:
                refused[path] = reason
                continue
            try:
                outcome = apply_fixes(texts[path], [request for _, request in items])
            except RecursionError:
                # Pathologically nested source: stop fixing this file, keep earlier passes.
                gave_up.append(f"{path}: too deeply nested to rewrite; remaining fixes skipped")
                refused[path] = ""
                continue
            not_applied.extend(NotApplied(items[i][0], why) for i, why in outcome.rejected)
            if outcome.source != texts[path]:
                texts[path] = outcome.source
                fixed[path] = fixed.get(path, 0) + len(outcome.applied)
                results[path] = extract_text(path, files[path].kind, outcome.source, config)
                changed = True
        if not changed:
            break
        ordered = [results[f.path] for f in inv.files if f.path in results]
        prompts = [p for r in ordered for p in r.prompts]
        inv = Inventory(
            files=inv.files, results=ordered, skipped=inv.skipped, prompts=prompts, texts=texts
        )
        run = check(inv)

    before, after = _tokens_by_path(first), _tokens_by_path(run)
    report = FixReport([], run, not_applied=not_applied, passes=passes)
    report.notices.extend(
        f"{path}: {why}; left untouched" for path, why in sorted(refused.items()) if why
    )
    report.notices.extend(gave_up)
    report.untouched = sum(1 for why in refused.values() if why)
    changed_paths = sorted(p for p in texts if texts[p] != original[p])
    masks_before: dict[str, list[_Span]] = {}
    masks_after: dict[str, list[_Span]] = {}
    if not write and changed_paths:
        # Diffs show prompt text: mask PII and secrets whatever rules the run selected.
        changed_files = [files[p] for p in changed_paths]
        masks_before = _sensitive_spans(config, rules, changed_files, original_results)
        masks_after = _sensitive_spans(config, rules, changed_files, results)
    for path in changed_paths:
        entry = FileFix(path, fixed.get(path, 0), before.get(path, 0), after.get(path, 0))
        if write:
            problem = _write(files[path], original[path], texts[path])
            if problem:
                report.notices.append(problem)
                report.untouched += 1
                continue
            entry.written = True
        else:
            entry.diff = unified_diff(
                path,
                _masked(original[path], masks_before.get(path, ())),
                _masked(texts[path], masks_after.get(path, ())),
            )
        report.files.append(entry)
    return report


def _write(file: SourceFile, original: str, new: str) -> str | None:
    """Write ``new`` over ``file`` if it still holds ``original``; a notice when it cannot."""
    try:
        snapshot = read_snapshot(file.abs_path)
    except OSError as exc:
        return f"{file.path}: cannot read ({exc.strerror or exc}); left untouched"
    data = snapshot.data
    bom = data.startswith(_BOM)
    try:
        current = data[len(_BOM) :].decode("utf-8") if bom else data.decode("utf-8")
    except UnicodeDecodeError:
        current = None
    if current != original:
        return f"{file.path}: changed on disk since it was read; left untouched"
    try:
        replace_if_unchanged(snapshot, (_BOM if bom else b"") + new.encode("utf-8"))
    except FileChangedError:
        return f"{file.path}: changed on disk since it was read; left untouched"
    except OSError as exc:
        return f"{file.path}: cannot write ({exc.strerror or exc}); left untouched"
    return None


def _sensitive_spans(
    config: Config,
    rules: RuleSet,
    files: list[SourceFile],
    results: dict[str, ExtractResult],
) -> dict[str, list[_Span]]:
    """Positions of PII and secrets in ``files`` (as extracted in ``results``), by path."""
    from promptlint.engine import run_check_on_inventory

    codes = [p for p in _SENSITIVE_PREFIXES if any(c.startswith(p) for c in rules.by_code)]
    if not codes:
        return {}
    ordered = [results[f.path] for f in files]
    subset = Inventory(
        files=files, results=ordered, skipped=[], prompts=[p for r in ordered for p in r.prompts]
    )
    spans: dict[str, list[_Span]] = {}
    for f in run_check_on_inventory(subset, config, select=codes, rules=rules).findings:
        if f.code.startswith(_SENSITIVE_PREFIXES):
            entity = str(f.data.get("entity") or f.data.get("entity_type") or "SECRET")
            spans.setdefault(f.path, []).append((f.line, f.col, f.end_line, f.end_col, entity))
    return spans


def _masked(text: str, spans: Iterable[_Span]) -> str:
    from promptlint.masking import redact_text

    spans = list(spans)
    if not spans:
        return text
    index = LineIndex(text)
    offsets = []
    for line, col, end_line, end_col, entity in spans:
        if 1 <= line <= index.line_count and 1 <= end_line <= index.line_count:
            offsets.append((index.offset(line, col), index.offset(end_line, end_col), entity))
    return redact_text(text, offsets)


def unified_diff(path: str, old: str, new: str) -> str:
    """A unified diff of one file, line breaks kept as they are (``git apply`` reads it)."""
    old_lines = _DIFF_LINES.findall(old)
    new_lines = _DIFF_LINES.findall(new)
    out: list[str] = []
    for line in difflib.unified_diff(old_lines, new_lines, f"a/{path}", f"b/{path}"):
        if line.endswith(("\n", "\r")):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)
