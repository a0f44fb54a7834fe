"""The core records that flow through promptlint: discover -> extract -> check -> report.

Every later stage reads these; no stage writes back into an earlier one.
Positions are 1-based lines and 1-based character columns of the source file,
end positions exclusive (``end_col`` is the column just after the last character).
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """Finding severity; ordered so that ``>=`` compares strictness."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {value!r} (expected error, warning or info)"
            ) from None

    def __str__(self) -> str:
        return self.name.lower()


PROMPT_KINDS = ("python", "dotprompt", "prompty", "jinja", "markdown", "text", "yaml")


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of prompt text that sits at one place in the source.

    ``linear`` runs map character for character (plain source text); a non-linear
    run is the decoded value of one escape sequence or one interpolated
    expression, and every character of it maps to ``(line, col)``. ``src_len`` is
    how many source characters the run covers (used to map an end position).
    """

    start: int  # offset in Prompt.text
    length: int
    line: int
    col: int
    linear: bool = True
    src_len: int = -1  # -1: same as length (linear)


class SourceMap:
    """Maps offsets in a prompt's text back to (line, col) in its source file."""

    __slots__ = ("_starts", "segments")

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = sorted(segments, key=lambda s: s.start)
        self._starts = [s.start for s in self.segments]

    @classmethod
    def for_text(cls, text: str, line: int, col: int) -> SourceMap:
        """A map for text copied verbatim from the source, starting at (line, col).

        ``\\r\\n``, ``\\r`` and ``\\n`` all count as line breaks.
        """
        segments: list[Segment] = []
        offset = 0
        cur_line, cur_col = line, col
        n = len(text)
        while offset <= n:
            nl = _next_break(text, offset)
            end = n if nl < 0 else nl
            segments.append(Segment(offset, end - offset, cur_line, cur_col))
            if nl < 0:
                break
            width = 2 if text.startswith("\r\n", nl) else 1
            segments.append(Segment(nl, width, cur_line, cur_col + (nl - offset)))
            offset = nl + width
            cur_line, cur_col = cur_line + 1, 1
        return cls(segments)

    def position(self, offset: int) -> Position:
        """Source position of the character at ``offset`` (clamped to the text)."""
        if not self.segments:
            return Position(1, 1)
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            i = 0
        seg = self.segments[i]
        if seg.linear:
            return Position(seg.line, seg.col + max(0, min(offset - seg.start, seg.length)))
        return Position(seg.line, seg.col)

    def end_position(self, offset: int) -> Position:
        """Source position just after the character at ``offset - 1``."""
        if offset <= 0 or not self.segments:
            return self.position(0)
        i = bisect.bisect_right(self._starts, offset - 1) - 1
        seg = self.segments[max(i, 0)]
        if seg.linear:
            return Position(seg.line, seg.col + min(offset - seg.start, seg.length))
        src_len = seg.length if seg.src_len < 0 else seg.src_len
        return Position(seg.line, seg.col + src_len)


def _next_break(text: str, start: int) -> int:
    n = text.find("\n", start)
    r = text.find("\r", start)
    if r < 0:
        return n
    if n < 0:
        return r
    return min(n, r)


@dataclass(slots=True)
class Prompt:
    """One prompt found in a file.

    ``text`` keeps placeholders as written in the prompt's own syntax (``{name}`` for
    Python f-strings/format strings, ``{{ name }}`` for Jinja/Handlebars).
    """

    path: str
    kind: str  # one of PROMPT_KINDS
    text: str
    start_line: int
    start_col: int
    end_line: int
    end_col: int
    reason: str  # which extraction signal found it
    source_map: SourceMap
    role: str | None = None
    owner: str | None = None  # variable, attribute, call or section that holds it
    variables: tuple[str, ...] = ()
    model: str | None = None  # model literal visible next to the prompt
    max_output_tokens: int | None = None  # output cap visible next to the prompt
    call_id: str | None = None  # prompts sent together (one call / one template file)
    calls_per_day: float | None = None  # from a `# promptlint: calls-per-day=N` annotation
    placeholder_style: str = "format"  # format | jinja | handlebars | percent | none
    meta: Mapping[str, Any] = field(default_factory=dict)  # front matter and similar facts
    # Source literals the text came from, for `fix`: (start_line, start_col, end_line, end_col).
    literals: tuple[tuple[int, int, int, int], ...] = ()
    editable: bool = False  # can `fix` rewrite this prompt's text in place?

    def position(self, offset: int) -> Position:
        return self.source_map.position(offset)


@dataclass(frozen=True, slots=True)
class Directive:
    """A suppression written in a file: ``promptlint: disable=CODE[,CODE]``.

    ``codes`` empty means every code. ``first_line``..``last_line`` is the range it covers
    (one line, a whole statement, or the whole file when ``file_level``).
    """

    line: int
    col: int
    codes: tuple[str, ...]
    first_line: int
    last_line: int
    file_level: bool = False


@dataclass(frozen=True, slots=True)
class Span:
    """A source range outside any prompt (e.g. a call next to the prompts), for findings
    about the code itself."""

    path: str
    line: int
    col: int
    end_line: int
    end_col: int


@dataclass(frozen=True, slots=True)
class RegistryLoad:
    """A ``registry.load(spec)`` call; ``spec`` is None when it is not a string literal."""

    span: Span
    spec: str | None


@dataclass(slots=True)
class ExtractResult:
    path: str
    prompts: list[Prompt] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # one-line problems (syntax error...)
    registry_loads: list[RegistryLoad] = field(default_factory=list)

    @property
    def uses_registry(self) -> bool:
        """The file loads templates from the registry."""
        return bool(self.registry_loads)


@dataclass(frozen=True, slots=True)
class Skip:
    """A file the run passed over, with a one-line reason."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace ``text[start:end]`` of a prompt with ``replacement``."""

    start: int
    end: int
    replacement: str


class FixSafety(str, enum.Enum):
    SAFE = "safe"  # applied by `fix`
    UNSAFE = "unsafe"  # applied with --unsafe-fixes
    DISPLAY = "display-only"  # shown, never applied

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Hit:
    """What a check reports, in prompt-text offsets. The engine turns it into a Finding."""

    code: str
    start: int
    end: int
    message: str
    wasted_tokens: int = 0
    edits: tuple[TextEdit, ...] = ()
    fix_safety: FixSafety | None = None
    severity: Severity | None = None  # overrides the rule default (config overrides win)
    evidence: str | None = None  # normalised evidence for fingerprints; masked for PII
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Fix:
    edits: tuple[TextEdit, ...]
    safety: FixSafety
    description: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    name: str
    severity: Severity
    message: str
    path: str
    line: int
    col: int
    end_line: int
    end_col: int
    wasted_tokens: int = 0
    fix: Fix | None = None
    prompt_index: int | None = None  # index into the run's prompt list
    evidence: str = ""  # normalised, masked where sensitive; used for fingerprints only
    data: Mapping[str, Any] = field(default_factory=dict)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.code)


@dataclass(slots=True)
class CheckRun:
    """Everything one ``check`` produced; reports and ``fix`` read it, nothing writes back."""

    prompts: list[Prompt]
    findings: list[Finding]  # after suppressions and select/ignore; sorted by location
    skipped: list[Skip]
    notices: list[str]
    files_checked: int
    tokens: list[int] = field(default_factory=list)  # per prompt, same order as prompts
    scores: list[float] = field(default_factory=list)  # per-prompt efficiency score, 0-100
    waste: list[int] = field(default_factory=list)  # per prompt, overlapping findings once
    suppressed: int = 0  # findings silenced by directives
    baselined: int = 0  # findings hidden by a baseline
