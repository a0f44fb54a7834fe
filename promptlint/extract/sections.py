"""What the template and prompt-file extractors share.

Line geometry (CR, CRLF and LF all break lines), role sections turned into ``Prompt``
records with exact positions, suppression comments, front matter facts (model, output cap,
file-level suppressions) and the cheap checks that turn bad input into a one-line notice.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from promptlint import discover
from promptlint.config import Config
from promptlint.models import Directive, ExtractResult, Prompt, SourceMap
from promptlint.yamlsafe import FrontMatter, YamlError, split_front_matter

_BREAK = re.compile(r"\r\n|\r|\n")
# Control characters other than tab/CR/LF/FF/VT, and the replacement character: text that
# is mostly these is binary data that happened to decode as UTF-8.
_GARBAGE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_GARBAGE_SAMPLE = 8192
_GARBAGE_RATIO = 0.05
_PARSER_LINE = re.compile(r"\(line (\d+)")

_ROLE_ALIASES = {"human": "user", "ai": "assistant", "model": "assistant"}


class LineIndex:
    """Converts offsets of one text into 1-based (line, column) positions and back."""

    __slots__ = ("length", "starts")

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in _BREAK.finditer(text))]
        self.length = len(text)

    def position(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1

    def offset(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col - 1

    @property
    def line_count(self) -> int:
        """Lines of the text; a final line break does not open another line."""
        ends_with_break = len(self.starts) > 1 and self.starts[-1] == self.length
        return len(self.starts) - ends_with_break


def lines(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, int]]:
    """``(line_start, content_end, next_start)`` of each line of ``text[start:end]``."""
    stop = len(text) if end is None else end
    pos = start
    while pos < stop:
        m = _BREAK.search(text, pos, stop)
        if m is None:
            yield pos, stop, stop
            return
        yield pos, m.start(), m.end()
        pos = m.end()


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop whole blank lines at the start and whitespace at the end of ``text[start:end]``.

    The indentation of the first non-blank line is kept (it is part of the prompt), unless
    the span starts mid-line, after a marker such as ``{{role "user"}}``.
    """
    mid_line = start > 0 and text[start - 1] not in "\r\n"
    origin = start
    for line_start, content_end, next_start in lines(text, start, end):
        if text[line_start:content_end].strip():
            if mid_line and line_start == origin:
                start = content_end - len(text[start:content_end].lstrip(" \t"))
            else:
                start = line_start
            break
        start = next_start
    else:
        return end, end
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def normalize_role(name: str | None) -> str | None:
    if not name:
        return None
    lower = name.strip().lower()
    return _ROLE_ALIASES.get(lower, lower)


@dataclass(frozen=True, slots=True)
class Section:
    """A run of a file that is sent as one message: ``text[start:end]`` of the whole file."""

    start: int
    end: int
    role: str | None
    owner: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What every prompt of one file shares."""

    path: str
    kind: str
    meta: Mapping[str, Any]
    model: str | None
    max_output_tokens: int | None
    placeholder_style: str


def section_prompt(
    text: str, index: LineIndex, section: Section, facts: FileFacts, variables: Iterable[str]
) -> Prompt | None:
    """The prompt of one section, trimmed, with exact positions; None when it is blank."""
    start, end = trim_span(text, section.start, section.end)
    if start >= end:
        return None
    body = text[start:end]
    start_line, start_col = index.position(start)
    end_line, end_col = index.position(end)
    return Prompt(
        path=facts.path,
        kind=facts.kind,
        text=body,
        start_line=start_line,
        start_col=start_col,
        end_line=end_line,
        end_col=end_col,
        reason=section.reason,
        source_map=SourceMap.for_text(body, start_line, start_col),
        role=section.role,
        owner=section.owner,
        variables=tuple(dict.fromkeys(variables)),
        model=facts.model,
        max_output_tokens=facts.max_output_tokens,
        call_id=facts.path,
        placeholder_style=facts.placeholder_style,
        meta=facts.meta,
        literals=((start_line, start_col, end_line, end_col),),
        editable=True,
    )


# --- suppression comments -------------------------------------------------------------

_DIRECTIVE_BODY = (
    r"promptlint:\s*(?P<kind>disable-file|disable)(?:\s*=\s*(?P<codes>[\w\-, ]*?))?\s*"
)
COMMENT_STYLES = {
    "jinja": re.compile(r"\{#-?\s*" + _DIRECTIVE_BODY + r"-?#\}"),
    "handlebars": re.compile(r"\{\{~?!(?:--)?\s*" + _DIRECTIVE_BODY + r"(?:--)?~?\}\}"),
    "html": re.compile(r"<!--\s*" + _DIRECTIVE_BODY + r"-->"),
    # A YAML comment: '#' at the start of a line or after whitespace, up to the line end.
    "yaml": re.compile(r"(?:(?<=\s)|^)#\s*" + _DIRECTIVE_BODY + r"(?=[\r\n]|$)"),
}


def _codes(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    return tuple(c.strip() for c in raw.split(",") if c.strip())


def comment_directives(text: str, index: LineIndex, styles: Iterable[str]) -> list[Directive]:
    """Suppression comments of the given styles.

    A comment covers the lines it spans; a comment alone on its line also covers the next
    line. ``disable-file`` covers the whole file. No codes means every code.
    """
    found: list[Directive] = []
    last_line = index.line_count
    if "promptlint" not in text:
        return found
    for style in styles:
        for m in COMMENT_STYLES[style].finditer(text):
            line, col = index.position(m.start())
            end_line, _ = index.position(m.end())
            codes = _codes(m.group("codes"))
            if m.group("kind") == "disable-file":
                found.append(Directive(line, col, codes, 1, last_line, file_level=True))
                continue
            line_start = index.starts[line - 1]
            next_start = index.starts[end_line] if end_line < last_line else len(text)
            alone = (
                not text[line_start : m.start()].strip() and not text[m.end() : next_start].strip()
            )
            cover_to = min(end_line + 1, last_line) if alone else end_line
            found.append(Directive(line, col, codes, line, cover_to))
    found.sort(key=lambda d: (d.line, d.col))
    return found


_FRONT_KEY = re.compile(r"promptlint\s*:")


def front_matter_directives(
    data: Mapping[str, Any], text: str, index: LineIndex
) -> list[Directive]:
    """``promptlint: {disable: [CODE, ...]}`` in front matter (or a YAML file): file level."""
    settings = data.get("promptlint")
    if not isinstance(settings, Mapping) or "disable" not in settings:
        return []
    raw = settings["disable"]
    if isinstance(raw, str):
        codes = _codes(raw)
    elif isinstance(raw, list):
        codes = tuple(str(c).strip() for c in raw if str(c).strip())
    else:  # `disable: true` / `disable:` -> every code
        codes = ()
    line = next(
        (
            index.position(start)[0]
            for start, content_end, _ in lines(text)
            if _FRONT_KEY.match(text, start, content_end)
        ),
        1,
    )
    return [Directive(line, 1, codes, 1, index.line_count, file_level=True)]


# --- front matter facts ---------------------------------------------------------------

_MODEL_KEYS = ("model", "name", "id", "azure_deployment", "deployment", "deployment_name")
_MAX_TOKEN_KEYS = (
    "maxOutputTokens",
    "max_output_tokens",
    "max_tokens",
    "maxTokens",
    "max_completion_tokens",
)


def model_from(value: Any) -> str | None:
    """A model name from ``model:`` written as a string or a (Prompty-style) mapping."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, Mapping):
        configuration = value.get("configuration")
        for holder in (configuration, value):
            if isinstance(holder, Mapping):
                for key in _MODEL_KEYS:
                    found = holder.get(key)
                    if isinstance(found, str) and found.strip() and not found.startswith("${"):
                        return found.strip()
    return None


def max_tokens_from(*holders: Any) -> int | None:
    """The first output-token cap among ``holders`` (mappings such as ``config:``)."""
    for holder in holders:
        if not isinstance(holder, Mapping):
            continue
        for key in _MAX_TOKEN_KEYS:
            value = holder.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return value
    return None


# --- variables ------------------------------------------------------------------------

_DOUBLE_BRACE = re.compile(r"\{\{[-~]?\s*([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)\s*[-~]?\}\}")
_SINGLE_BRACE = re.compile(
    r"(?<!\{)\{([A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[\w+\])*)(?:![rsa])?(?::[^{}\r\n]*)?\}(?!\})"
)


def brace_variables(text: str) -> list[str]:
    """``{{name}}`` and ``{name}`` placeholders, in order of first use."""
    found = [(m.start(), m.group(1)) for m in _DOUBLE_BRACE.finditer(text)]
    found += [(m.start(), m.group(1)) for m in _SINGLE_BRACE.finditer(text)]
    return list(dict.fromkeys(name for _, name in sorted(found)))


def brace_style(text: str) -> str:
    """The placeholder syntax of a prose or YAML prompt."""
    if _DOUBLE_BRACE.search(text):
        return "jinja"
    if _SINGLE_BRACE.search(text):
        return "format"
    return "none"


# --- bad input ------------------------------------------------------------------------


def looks_binary(text: str) -> bool:
    sample = text[:_GARBAGE_SAMPLE]
    return bool(sample) and len(_GARBAGE.findall(sample)) > _GARBAGE_RATIO * len(sample)


def skipped(path: str, problem: str) -> ExtractResult:
    return ExtractResult(path, notices=[f"{path}: {problem}, file skipped"])


def read_front_matter(path: str, text: str) -> FrontMatter | ExtractResult:
    """The front matter split of ``text``, or a result carrying the one-line notice."""
    if looks_binary(text):
        return skipped(path, "looks like binary data")
    try:
        return split_front_matter(text)
    except YamlError as exc:
        # The parser counts lines from the front matter's first line, which is file line 2.
        message = _PARSER_LINE.sub(lambda m: f"(line {int(m.group(1)) + 1}", str(exc))
        return skipped(path, message)


def config_relpath(path: str, config: Config) -> str:
    """``path`` relative to the configuration root, POSIX-style (for template globs)."""
    return discover.config_relpath(Path(path), Path(config.root).resolve())


# --- role sections --------------------------------------------------------------------

# `system:` alone on a line, optionally `# system:` or Prompty's `system[name="x"]:`.
_ROLE_LINE = re.compile(
    r"[ \t]*#?[ \t]*(system|developer|user|assistant|tool|function)[ \t]*(?:\[[^\]]*\])?[ \t]*:[ \t]*",
    re.IGNORECASE,
)


def role_line(line: str) -> str | None:
    """The role a ``role:`` marker line opens, or None."""
    m = _ROLE_LINE.fullmatch(line)
    return m.group(1).lower() if m else None


def split_sections(
    text: str,
    start: int,
    marker: Callable[[str], str | None],
    reason: str,
    preamble_role: str | None,
    *,
    fenced_code: bool = False,
) -> list[Section]:
    """Split ``text[start:]`` at marker lines; the marker lines themselves are not content.

    Text before the first marker is a section with ``preamble_role``. With ``fenced_code``
    markers inside Markdown code fences are ignored. No marker: an empty list.
    """
    found: list[tuple[int, int, str]] = []  # marker line start, content start, role
    fence: str | None = None
    for line_start, content_end, next_start in lines(text, start):
        line = text[line_start:content_end]
        if fenced_code:
            stripped = line.lstrip()
            if fence is None and stripped.startswith(("```", "~~~")):
                fence = stripped[:3]
                continue
            if fence is not None:
                if stripped.startswith(fence):
                    fence = None
                continue
        role = marker(line)
        if role is not None:
            found.append((line_start, next_start, role))
    if not found:
        return []
    sections = [Section(start, found[0][0], preamble_role, preamble_role or "preamble", reason)]
    for i, (_, content_start, role) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(text)
        sections.append(Section(content_start, stop, role, role, reason))
    return sections
