"""The last guard before an audit leaves the process: no found value in clear.

Checks already mask what they report, but a rule that quotes prompt text (a repeated
sentence, a filler phrase) could quote a sentence that holds an e-mail address. So every
string of the document is searched for the raw values behind the run's PII and secret
findings, recovered from the prompts through their source maps, and each is replaced by
its masked form.
"""

from __future__ import annotations

from typing import Any

from promptlint.masking import mask
from promptlint.models import CheckRun, Prompt, SourceMap

# Shorter values ("Al", "42") would also match ordinary words and numbers.
MIN_VALUE_LENGTH = 4


def _start_offset(smap: SourceMap, line: int, col: int) -> int | None:
    for seg in smap.segments:
        if seg.line != line:
            continue
        if seg.linear and seg.col <= col < seg.col + max(seg.length, 1):
            return seg.start + (col - seg.col)
        if not seg.linear and seg.col == col:
            return seg.start
    return None


def _end_offset(smap: SourceMap, start: int, line: int, col: int) -> int | None:
    for seg in smap.segments:
        if seg.start + seg.length <= start or seg.line != line:
            continue
        if seg.linear and seg.col < col <= seg.col + seg.length:
            return seg.start + (col - seg.col)
        src_len = seg.length if seg.src_len < 0 else seg.src_len
        if not seg.linear and seg.col + src_len == col:
            return seg.start + seg.length
    return None


def raw_value(prompt: Prompt, line: int, col: int, end_line: int, end_col: int) -> str | None:
    """The prompt text at a finding's source range, or None when it cannot be mapped."""
    start = _start_offset(prompt.source_map, line, col)
    if start is None:
        return None
    end = _end_offset(prompt.source_map, start, end_line, end_col)
    if end is None or end <= start:
        return None
    return prompt.text[start:end]


def sensitive_values(run: CheckRun) -> dict[str, str]:
    """Raw value -> masked form, for every PII/secret finding of the run."""
    values: dict[str, str] = {}
    for f in run.findings:
        entity = f.data.get("entity") if f.data else None
        if f.prompt_index is None or not isinstance(entity, str):
            continue
        raw = raw_value(run.prompts[f.prompt_index], f.line, f.col, f.end_line, f.end_col)
        if raw is not None and len(raw.strip()) >= MIN_VALUE_LENGTH:
            values[raw.strip()] = str(f.data.get("masked") or mask(entity, raw))
    return values


def _clean(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        for raw, masked in values.items():
            if raw in value:
                value = value.replace(raw, masked)
        return value
    if isinstance(value, dict):
        return {k: _clean(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v, values) for v in value]
    return value


def scrub(doc: dict[str, Any], run: CheckRun) -> dict[str, Any]:
    """``doc`` with every raw PII/secret value of ``run`` replaced by its masked form."""
    values = sensitive_values(run)
    # Longest first, so a value that contains another is replaced whole.
    ordered = dict(sorted(values.items(), key=lambda kv: -len(kv[0])))
    return _clean(doc, ordered) if ordered else doc
