"""Apply the fixes of one file's prompts to its source, without ever corrupting it.

Each fix (the edits of one finding) is planned into source edits by the rewriter of its
prompt's kind, all or nothing. Fixes whose edits overlap an already accepted fix are
dropped (a later pass picks them up again if they still apply), edits are spliced in from
the end of the file, and the result is validated: every rewritten Python literal must keep
its value and fields, and the file must still parse as it did before. A fix that breaks
validation is dropped on its own; the others still go in.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from promptlint.fix.locate import EditRejected, SourceEdit
from promptlint.fix.pyliteral import PlannedEdit, PythonRewriter, Token, module_parses
from promptlint.fix.textfile import TextRewriter
from promptlint.models import Prompt, TextEdit


@dataclass(frozen=True, slots=True)
class FixRequest:
    """The edits of one fix, in offsets of ``prompt.text``."""

    prompt: Prompt
    edits: tuple[TextEdit, ...]


@dataclass(slots=True)
class FileFixOutcome:
    """The new source, and which requests (by index) went in or were left out and why."""

    source: str
    applied: list[int] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)


@dataclass(slots=True)
class _Plan:
    index: int
    edits: list[SourceEdit]
    literal_edits: list[PlannedEdit]  # Python only: what each edit does to its token
    text_ranges: list[TextEdit]  # the fix's own edits, in prompt-text offsets
    prompt_key: int  # identity of the prompt the text ranges belong to


class _Ranges:
    """Pairwise non-conflicting ranges, kept sorted so a conflict test is a bisection.

    Two ranges conflict when they overlap or start at the same point: two insertions at
    one point (or an insertion where a deletion starts) have no well-defined order.
    """

    __slots__ = ("_ends", "_starts")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def conflicts(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, start)
        if i < len(self._starts) and (self._starts[i] < end or self._starts[i] == start):
            return True
        return i > 0 and self._ends[i - 1] > start

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)


def _fits(ranges: _Ranges, edits: Sequence[SourceEdit | TextEdit]) -> bool:
    return not any(ranges.conflicts(e.start, e.end) for e in edits)


def _self_consistent(edits: Sequence[SourceEdit | TextEdit]) -> bool:
    ranges = _Ranges()
    for e in edits:
        if ranges.conflicts(e.start, e.end):
            return False
        ranges.add(e.start, e.end)
    return True


def splice(source: str, edits: Sequence[SourceEdit]) -> str:
    """Apply non-overlapping edits (any order) to ``source``."""
    out: list[str] = []
    pos = len(source)
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        out.append(source[edit.end : pos])
        out.append(edit.replacement)
        pos = edit.start
    out.append(source[:pos])
    return "".join(reversed(out))


def _validator(kind: str) -> Callable[[str], bool] | None:
    """Whole-file check for formats where an edit could break the file's syntax."""
    if kind == "python":
        return module_parses
    if kind == "yaml":
        return _yaml_parses
    if kind == "jinja":
        return _jinja_parses
    return None


def _yaml_parses(text: str) -> bool:
    import yaml

    try:
        # Composing builds the node graph without expanding aliases: safe on hostile input.
        for _ in yaml.compose_all(text, Loader=yaml.SafeLoader):
            pass
    except yaml.YAMLError:
        return False
    return True


def _jinja_parses(text: str) -> bool:
    import jinja2

    try:
        jinja2.Environment().parse(text)
    except jinja2.TemplateSyntaxError:
        return False
    return True


def apply_fixes(source: str, requests: Sequence[FixRequest]) -> FileFixOutcome:
    """Apply as many of ``requests`` (fixes of prompts of one file) as can go in safely."""
    outcome = FileFixOutcome(source)
    python: PythonRewriter | None = None
    text: TextRewriter | None = None
    plans: list[_Plan] = []
    for i, request in enumerate(requests):
        try:
            if request.prompt.kind == "python":
                python = python or PythonRewriter(source)
                literal_edits = python.plan(request.prompt, request.edits)
                source_edits = [p.edit for p in literal_edits]
            else:
                text = text or TextRewriter(source)
                literal_edits = []
                source_edits = text.plan(request.prompt, request.edits)
        except EditRejected as exc:
            outcome.rejected.append((i, str(exc)))
            continue
        plan = _Plan(i, source_edits, literal_edits, list(request.edits), id(request.prompt))
        if not plan.edits:
            outcome.rejected.append((i, "fix changes nothing in the file"))
        elif not _self_consistent(plan.edits):
            outcome.rejected.append((i, "fix has overlapping edits"))
        else:
            plans.append(plan)

    accepted: list[_Plan] = []
    taken = _Ranges()
    taken_text: dict[int, _Ranges] = {}
    for plan in sorted(plans, key=lambda p: (min(e.start for e in p.edits), p.index)):
        # Overlap in the prompt text counts too, even where the effective source edits
        # (trimmed to what really changes) would not touch.
        same_prompt = taken_text.setdefault(plan.prompt_key, _Ranges())
        if not (_fits(taken, plan.edits) and _fits(same_prompt, plan.text_ranges)):
            outcome.rejected.append((plan.index, "conflicts with another fix; retried next pass"))
            continue
        accepted.append(plan)
        for e in plan.edits:
            taken.add(e.start, e.end)
        for t in plan.text_ranges:
            same_prompt.add(t.start, t.end)

    if python is not None:
        accepted = _keep_valid_literals(python, accepted, outcome)
    accepted = _keep_valid_file(source, requests, accepted, outcome)
    outcome.source = splice(source, [e for p in accepted for e in p.edits])
    outcome.applied = sorted(p.index for p in accepted)
    outcome.rejected.sort()
    return outcome


def _keep_valid_literals(
    python: PythonRewriter, accepted: list[_Plan], outcome: FileFixOutcome
) -> list[_Plan]:
    """Drop fixes until every rewritten literal keeps its value and fields."""
    while True:
        # Tokens are keyed by their source range: one literal may hold edits of several fixes.
        tokens: dict[int, Token] = {}
        by_token: dict[int, list[tuple[int, PlannedEdit]]] = {}
        for plan in accepted:
            for literal_edit in plan.literal_edits:
                tokens[literal_edit.token.start] = literal_edit.token
                by_token.setdefault(literal_edit.token.start, []).append((plan.index, literal_edit))
        dropped: set[int] = set()
        for key, items in by_token.items():
            token = tokens[key]
            if python.token_is_valid(token, [e for _, e in items]):
                continue
            # Keep fixes greedily in order; the one that breaks the literal is left out.
            kept: list[PlannedEdit] = []
            for index in dict.fromkeys(i for i, _ in items):
                mine = [e for i, e in items if i == index]
                if index not in dropped and python.token_is_valid(token, kept + mine):
                    kept.extend(mine)
                else:
                    dropped.add(index)
        if not dropped:
            return accepted
        for index in sorted(dropped):
            outcome.rejected.append((index, "rewritten literal would not keep its value"))
        accepted = [p for p in accepted if p.index not in dropped]


def _keep_valid_file(
    source: str, requests: Sequence[FixRequest], accepted: list[_Plan], outcome: FileFixOutcome
) -> list[_Plan]:
    """Keep the file parseable when it was: drop fixes that would break it."""
    kinds = {requests[p.index].prompt.kind for p in accepted}
    checks = [c for c in map(_validator, sorted(kinds)) if c is not None]
    checks = [c for c in checks if c(source)]  # a file broken already is not ours to judge
    if not checks or not accepted:
        return accepted

    def valid(plans: list[_Plan]) -> bool:
        new = splice(source, [e for p in plans for e in p.edits])
        return all(check(new) for check in checks)

    if valid(accepted):
        return accepted
    kept: list[_Plan] = []
    for plan in accepted:
        if valid([*kept, plan]):
            kept.append(plan)
        else:
            kind = requests[plan.index].prompt.kind
            outcome.rejected.append((plan.index, f"would break the file's {kind} syntax"))
    return kept


def apply_prompt_edits(source: str, prompt: Prompt, edits: Sequence[TextEdit]) -> FileFixOutcome:
    """Apply ``edits`` of one prompt to the source of its file, each edit on its own."""
    return apply_fixes(source, [FixRequest(prompt, (edit,)) for edit in edits])
