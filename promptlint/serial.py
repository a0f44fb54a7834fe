"""JSON (de)serialisers for the records the cache keeps: ``ExtractResult`` and ``Hit``.

Loading is strict because a cache entry is untrusted input (a cache folder can arrive in a
pull request): every field is type-checked and anything that does not fit raises
``EntryError``, which the cache treats as a miss. Dumping refuses values that JSON would not
bring back unchanged (a tuple inside ``meta`` would come back a list), so whatever is stored
loads back equal to what was computed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from promptlint.models import (
    Directive,
    ExtractResult,
    FixSafety,
    Hit,
    Prompt,
    RegistryLoad,
    Segment,
    Severity,
    SourceMap,
    Span,
    TextEdit,
)


class EntryError(ValueError):
    """A stored value that does not fit the records (corrupt, foreign or hostile)."""


# --- strict readers --------------------------------------------------------------------


def _int(v: Any) -> int:
    if type(v) is not int:
        raise EntryError(f"expected an integer, got {type(v).__name__}")
    return v


def _bool(v: Any) -> bool:
    if type(v) is not bool:
        raise EntryError(f"expected a boolean, got {type(v).__name__}")
    return v


def _str(v: Any) -> str:
    if type(v) is not str:
        raise EntryError(f"expected a string, got {type(v).__name__}")
    return v


def _opt(read: Any, v: Any) -> Any:
    return None if v is None else read(v)


def _number(v: Any) -> Any:
    """An int or a float, kept as stored: JSON brings back ``3`` and ``3.0`` as written."""
    if type(v) not in (int, float):
        raise EntryError(f"expected a number, got {type(v).__name__}")
    return v


def _list(v: Any, size: int | None = None) -> list[Any]:
    if type(v) is not list or (size is not None and len(v) != size):
        raise EntryError("expected a list" + (f" of {size}" if size is not None else ""))
    return v


def _dict(v: Any) -> dict[str, Any]:
    if type(v) is not dict:
        raise EntryError(f"expected an object, got {type(v).__name__}")
    return v


def _plain(v: Any) -> bool:
    """Whether JSON round-trips ``v`` unchanged (no tuples, sets, dates, non-str keys)."""
    if v is None or type(v) in (str, int, bool):
        return True
    if type(v) is float:
        return v == v and v not in (float("inf"), float("-inf"))
    if type(v) is list:
        return all(_plain(x) for x in v)
    if type(v) is dict:
        return all(type(k) is str and _plain(x) for k, x in v.items())
    return False


def _mapping(v: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(v)
    if not _plain(out):
        raise EntryError("value does not survive JSON unchanged")
    return out


# --- ExtractResult ---------------------------------------------------------------------


def dump_prompt(p: Prompt) -> dict[str, Any]:
    return {
        "path": p.path,
        "kind": p.kind,
        "text": p.text,
        "span": [p.start_line, p.start_col, p.end_line, p.end_col],
        "reason": p.reason,
        "segments": [
            [s.start, s.length, s.line, s.col, s.linear, s.src_len] for s in p.source_map.segments
        ],
        "role": p.role,
        "owner": p.owner,
        "variables": list(p.variables),
        "model": p.model,
        "max_output_tokens": p.max_output_tokens,
        "call_id": p.call_id,
        "calls_per_day": p.calls_per_day,
        "placeholder_style": p.placeholder_style,
        "meta": _mapping(p.meta),
        "literals": [list(lit) for lit in p.literals],
        "editable": p.editable,
    }


def _load_segment(v: Any) -> Segment:
    start, length, line, col, linear, src_len = _list(v, 6)
    return Segment(_int(start), _int(length), _int(line), _int(col), _bool(linear), _int(src_len))


def _load_prompt(d: Any) -> Prompt:
    d = _dict(d)
    start_line, start_col, end_line, end_col = (_int(x) for x in _list(d["span"], 4))
    return Prompt(
        path=_str(d["path"]),
        kind=_str(d["kind"]),
        text=_str(d["text"]),
        start_line=start_line,
        start_col=start_col,
        end_line=end_line,
        end_col=end_col,
        reason=_str(d["reason"]),
        source_map=SourceMap([_load_segment(s) for s in _list(d["segments"])]),
        role=_opt(_str, d["role"]),
        owner=_opt(_str, d["owner"]),
        variables=tuple(_str(x) for x in _list(d["variables"])),
        model=_opt(_str, d["model"]),
        max_output_tokens=_opt(_int, d["max_output_tokens"]),
        call_id=_opt(_str, d["call_id"]),
        calls_per_day=_opt(_number, d["calls_per_day"]),
        placeholder_style=_str(d["placeholder_style"]),
        meta=_dict(d["meta"]),
        literals=tuple(
            (_int(a), _int(b), _int(c), _int(e))
            for a, b, c, e in (_list(x, 4) for x in _list(d["literals"]))
        ),
        editable=_bool(d["editable"]),
    )


def _dump_span(s: Span) -> list[Any]:
    return [s.path, s.line, s.col, s.end_line, s.end_col]


def _load_span(v: Any) -> Span:
    path, line, col, end_line, end_col = _list(v, 5)
    return Span(_str(path), _int(line), _int(col), _int(end_line), _int(end_col))


def _dump_directive(d: Directive) -> list[Any]:
    return [d.line, d.col, list(d.codes), d.first_line, d.last_line, d.file_level]


def _load_directive(v: Any) -> Directive:
    line, col, codes, first, last, file_level = _list(v, 6)
    return Directive(
        _int(line),
        _int(col),
        tuple(_str(c) for c in _list(codes)),
        _int(first),
        _int(last),
        _bool(file_level),
    )


def dump_result(result: ExtractResult) -> dict[str, Any]:
    """A JSON-ready form of ``result``; ``EntryError`` when some value would not survive."""
    return {
        "path": result.path,
        "prompts": [dump_prompt(p) for p in result.prompts],
        "directives": [_dump_directive(d) for d in result.directives],
        "notices": list(result.notices),
        "registry_loads": [[_dump_span(r.span), r.spec] for r in result.registry_loads],
    }


def load_result(data: Any) -> ExtractResult:
    """The ``ExtractResult`` that ``dump_result`` wrote; ``EntryError`` when it does not fit."""
    try:
        d = _dict(data)
        loads = []
        for item in _list(d["registry_loads"]):
            span, spec = _list(item, 2)
            loads.append(RegistryLoad(_load_span(span), _opt(_str, spec)))
        return ExtractResult(
            path=_str(d["path"]),
            prompts=[_load_prompt(p) for p in _list(d["prompts"])],
            directives=[_load_directive(x) for x in _list(d["directives"])],
            notices=[_str(n) for n in _list(d["notices"])],
            registry_loads=loads,
        )
    except (KeyError, TypeError, ValueError) as exc:  # EntryError is a ValueError
        raise EntryError(f"not an extraction result: {exc}") from None


# --- Hit -------------------------------------------------------------------------------


def dump_hit(hit: Hit) -> dict[str, Any]:
    """A JSON-ready form of ``hit``; ``EntryError`` when some value would not survive."""
    return {
        "code": hit.code,
        "start": hit.start,
        "end": hit.end,
        "message": hit.message,
        "wasted_tokens": hit.wasted_tokens,
        "edits": [[e.start, e.end, e.replacement] for e in hit.edits],
        "fix_safety": None if hit.fix_safety is None else hit.fix_safety.value,
        "severity": None if hit.severity is None else int(hit.severity),
        "evidence": hit.evidence,
        "data": _mapping(hit.data),
    }


def _load_edit(v: Any) -> TextEdit:
    start, end, replacement = _list(v, 3)
    return TextEdit(_int(start), _int(end), _str(replacement))


def load_hit(data: Any) -> Hit:
    """The ``Hit`` that ``dump_hit`` wrote; ``EntryError`` when it does not fit."""
    try:
        d = _dict(data)
        safety = d["fix_safety"]
        severity = d["severity"]
        return Hit(
            code=_str(d["code"]),
            start=_int(d["start"]),
            end=_int(d["end"]),
            message=_str(d["message"]),
            wasted_tokens=_number(d["wasted_tokens"]),
            edits=tuple(_load_edit(e) for e in _list(d["edits"])),
            fix_safety=None if safety is None else FixSafety(_str(safety)),
            severity=None if severity is None else Severity(_int(severity)),
            evidence=_opt(_str, d["evidence"]),
            data=_dict(d["data"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise EntryError(f"not a check hit: {exc}") from None
