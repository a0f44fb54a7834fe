"""YAML prompt configs: prompts held under known keys.

Keys (case-insensitive): ``prompt``, ``system_prompt``, ``system``, ``user_prompt``,
``template``, ``instructions``, ``system_message``, any ``*_prompt`` / ``*_instructions``,
``content`` beside a chat ``role`` (so ``messages: [{role, content}]`` lists), every string
of a ``prompts:`` mapping or list, plus ``yaml-prompt-keys`` from the configuration. A value
counts only when it is a string that reads like prompt text (``system: linux`` does not);
``content`` beside a role needs only to be non-blank.

Positions come from the composed node graph (``yamlsafe.compose_documents``, alias-bomb
safe; every document of a stream),
so they are exact for plain, quoted and block scalars: each source line of the scalar is
aligned with the parsed value, escapes and line folding map to the characters that produced
them. A scalar whose text sits verbatim in one source range (a one-line plain or quoted
value without escapes) is ``editable``; block scalars are not, as rewriting them needs
re-indentation. The role comes from the key (``system_prompt`` -> system) or the sibling
``role``; ``model`` and an output cap (``max_tokens``...) from the nearest enclosing mapping;
``meta`` holds the scalar facts of the enclosing mappings (tier, use_case, owner...).
Prompts of one mapping or one ``messages`` list share a ``call_id`` (``path#mapping``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import yaml

from promptlint.config import Config
from promptlint.extract.sections import (
    LineIndex,
    brace_style,
    brace_variables,
    comment_directives,
    front_matter_directives,
    lines,
    looks_binary,
    max_tokens_from,
    model_from,
    normalize_role,
    skipped,
    trim_span,
)
from promptlint.models import ExtractResult, Prompt, Segment, SourceMap
from promptlint.yamlsafe import YamlError, compose_documents

DEFAULT_KEYS = (
    "prompt",
    "system_prompt",
    "system",
    "user_prompt",
    "template",
    "instructions",
    "system_message",
    "messages",
    "prompts",
)
_SUFFIXES = ("_prompt", "_instructions")
_SYSTEM_KEYS = frozenset({"system_prompt", "system", "system_message", "instructions"})
_USER_KEYS = frozenset({"user_prompt", "user_message"})
_CHAT_ROLES = frozenset(
    {"system", "developer", "user", "assistant", "tool", "human", "ai", "model"}
)
# Prompt configs are small; a bigger YAML file is data (fixtures, dumps) and would cost
# about a second to compose and walk.
MAX_YAML_CHARS = 512_000
_STR_TAG = "tag:yaml.org,2002:str"
_WORD = re.compile(r"[^\W\d_]{2,}")
_PLACEHOLDER = re.compile(r"\{\{?\s*[A-Za-z_][\w.]*\s*\}?\}")
_DOUBLE_QUOTED_ESCAPE = re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.|$)")
_SINGLE_QUOTED_ESCAPE = re.compile(r"''")
_ITEM_INDEX = re.compile(r"\[\d+\]$")
# Helm/Go or Jinja statements: a template that renders YAML, not YAML itself.
_TEMPLATE_SYNTAX = re.compile(r"\{\{-|-\}\}|\{\{\s*\.|\{%")


def reads_like_prompt(value: str) -> bool:
    """Prose, not a setting: four words, or a sentence, or words around a placeholder."""
    words = len(_WORD.findall(value))
    if words >= 4:
        return True
    if words >= 2 and _PLACEHOLDER.search(value):
        return True
    return words >= 3 and value.rstrip()[-1:] in ".?!:"


def _prefilter(keys: frozenset[str]) -> re.Pattern[str]:
    """Any candidate key followed by ':' (``*_prompt`` keys contain ``prompt``)."""
    names = "|".join(sorted(re.escape(k) for k in {*keys, "content"}))
    return re.compile(rf"(?i)(?:{names})['\"]?\s*:")


@dataclass(slots=True)
class _Scope:
    """What a value inherits from its enclosing mappings."""

    model: str | None = None
    max_output_tokens: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Found:
    node: yaml.ScalarNode
    owner: str
    role: str | None
    call: str  # owner path of the container whose prompts are sent together
    scope: _Scope
    structural: bool  # `content` beside a chat role: any non-blank text counts


class _Walker:
    """Finds prompt-bearing scalars in a composed YAML document."""

    def __init__(self, keys: frozenset[str]) -> None:
        self.keys = keys
        self.loader = yaml.SafeLoader("")
        self.seen: set[int] = set()

    def close(self) -> None:
        self.loader.dispose()

    def value(self, node: yaml.Node) -> Any:
        return self.loader.construct_object(node, deep=True)

    def fact(self, node: yaml.ScalarNode) -> Any:
        """A scalar's value; as written when it does not construct (``date: 2024-13-45``)."""
        try:
            return self.value(node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            return node.value

    def is_prompt_key(self, key: str) -> bool:
        return key in self.keys or key.endswith(_SUFFIXES)

    def walk(
        self, node: yaml.Node, owner: str, scope: _Scope, in_prompts: bool
    ) -> Iterator[_Found]:
        if id(node) in self.seen:  # aliases: each node is visited once
            return
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            yield from self.mapping(node, owner, scope, in_prompts)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                child = f"{owner}[{i}]"
                if in_prompts and isinstance(item, yaml.ScalarNode) and item.tag == _STR_TAG:
                    yield _Found(item, child, None, child, scope, False)
                else:
                    yield from self.walk(item, child, scope, False)

    def mapping(
        self, node: yaml.MappingNode, owner: str, outer: _Scope, in_prompts: bool
    ) -> Iterator[_Found]:
        pairs = [
            (k.value.lower(), k.value, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)
        ]
        # Facts of the mapping (model, tier, owner...); a `prompts:` mapping holds only texts.
        facts = {
            name: self.fact(v)
            for key, name, v in pairs
            if isinstance(v, yaml.ScalarNode)
            and not in_prompts
            and not self.is_prompt_key(key)
            and key != "content"
        }
        lowered = {k.lower(): v for k, v in facts.items()}
        models = [
            self.value(v)
            for key, _, v in pairs
            if key == "model" and not isinstance(v, yaml.ScalarNode)
        ]
        scope = _Scope(
            model=model_from(lowered.get("model"))
            or (model_from(models[0]) if models else None)
            or outer.model,
            max_output_tokens=max_tokens_from(lowered) or outer.max_output_tokens,
            meta={**outer.meta, **facts},
        )
        role_sibling = lowered.get("role")
        chat_role = (
            normalize_role(role_sibling)
            if isinstance(role_sibling, str) and role_sibling.strip().lower() in _CHAT_ROLES
            else None
        )
        for key, name, child in pairs:
            path = f"{owner}.{name}" if owner else name
            if isinstance(child, yaml.ScalarNode):
                if child.tag != _STR_TAG or id(child) in self.seen:
                    continue
                if key == "content" and chat_role:
                    self.seen.add(id(child))
                    # The messages of one list are sent together.
                    call = _ITEM_INDEX.sub("", owner)
                    yield _Found(child, path, chat_role, call, scope, True)
                elif in_prompts or self.is_prompt_key(key):
                    self.seen.add(id(child))
                    role = _key_role(key)
                    call = path if in_prompts else owner
                    yield _Found(child, path, role, call, scope, False)
            else:
                nested_prompts = key == "prompts" or (
                    self.is_prompt_key(key) and isinstance(child, yaml.SequenceNode)
                )
                yield from self.walk(child, path, scope, nested_prompts)


def _file_settings(walker: _Walker, root: yaml.Node) -> dict[str, Any]:
    """The top-level ``promptlint:`` mapping (file-level suppressions), if any."""
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "promptlint":
                return {"promptlint": walker.value(value)}
    return {}


def _key_role(key: str) -> str | None:
    if key in _SYSTEM_KEYS or key.endswith("system_prompt"):
        return "system"
    if key in _USER_KEYS or key.endswith("user_prompt"):
        return "user"
    return None


# --- positions ------------------------------------------------------------------------


def _line_pieces(
    text: str, start: int, end: int, node: yaml.ScalarNode
) -> Iterator[tuple[int, int]]:
    """Source ranges of the content on each line of a scalar (indentation and breaks cut)."""
    style = node.style
    if style in ("|", ">"):
        # The first line holds the header (`|`, `>-`, `|2`...), the content follows. Every
        # content line is indented at least as deep as the block, so the shallowest line
        # gives the block's indentation (also with an explicit indentation indicator).
        content = [
            (line_start, line_end, len(line) - len(line.lstrip(" ")))
            for line_start, line_end, _ in islice(lines(text, start, end), 1, None)
            if (line := text[line_start:line_end]).strip()
        ]
        indent = min((width for _, _, width in content), default=0)
        for line_start, line_end, _ in content:
            yield line_start + indent, line_end
        return
    if style in ("'", '"'):
        start, end = start + 1, end - 1
    for i, (line_start, line_end, _) in enumerate(lines(text, start, end)):
        line = text[line_start:line_end]
        lead = 0 if i == 0 else len(line) - len(line.lstrip(" \t"))
        stop = line_end - (len(line) - len(line.rstrip(" \t")))
        if stop > line_start + lead:
            yield line_start + lead, stop


def _tokens(text: str, start: int, end: int, style: str | None) -> Iterator[tuple[int, int, bool]]:
    """Split one line piece into literal runs and escapes: ``(start, end, is_escape)``."""
    pattern = {'"': _DOUBLE_QUOTED_ESCAPE, "'": _SINGLE_QUOTED_ESCAPE}.get(style or "")
    if pattern is None:
        yield start, end, False
        return
    pos = start
    for m in pattern.finditer(text, start, end):
        if m.start() > pos:
            yield pos, m.start(), False
        yield m.start(), m.end(), True
        pos = m.end()
    if pos < end:
        yield pos, end, False


def scalar_map(text: str, index: LineIndex, node: yaml.ScalarNode) -> list[Segment]:
    """Segments mapping every character of ``node.value`` back to the source."""
    value = node.value
    start, end = node.start_mark.index, node.end_mark.index
    segments: list[Segment] = []
    cursor = 0
    # Where the characters not copied verbatim (line breaks, folds, escapes) come from.
    pending: list[tuple[int, int, int]] = []  # (line, col, source length)
    last = index.position(start)
    last_line = last[0]
    for piece_start, piece_end in _line_pieces(text, start, end, node):
        for tok_start, tok_end, escape in _tokens(text, piece_start, piece_end, node.style):
            line, col = index.position(tok_start)
            if escape:
                pending.append((line, col, tok_end - tok_start))
                continue
            chunk = text[tok_start:tok_end]
            # Each escape decodes to one character (a line-continuation backslash to none),
            # so a chunk after escapes is expected right after them.
            expected = cursor + sum(width > 1 for _, _, width in pending)
            at = expected if value.startswith(chunk, expected) else value.find(chunk, cursor)
            slack = (line - last_line) + len(pending) + 1
            if at < 0 or at - cursor > slack:
                segments.append(Segment(cursor, len(value) - cursor, line, col, False, 0))
                return segments
            if at > cursor:
                if len(pending) == at - cursor:
                    segments += [
                        Segment(cursor + i, 1, pl, pc, False, width)
                        for i, (pl, pc, width) in enumerate(pending)
                    ]
                else:
                    pl, pc, width = pending[0] if pending else (last[0], last[1], 0)
                    segments.append(Segment(cursor, at - cursor, pl, pc, False, width))
            segments.append(Segment(at, len(chunk), line, col))
            cursor = at + len(chunk)
            last = index.position(tok_end)
            last_line = line
            pending = []
    if cursor < len(value):
        segments.append(Segment(cursor, len(value) - cursor, last[0], last[1], False, 0))
    return segments


def _window(segments: list[Segment], a: int, b: int) -> list[Segment]:
    """The segments of ``value[a:b]``, re-based to offset 0."""
    out: list[Segment] = []
    for seg in segments:
        lo, hi = max(seg.start, a), min(seg.start + seg.length, b)
        if lo >= hi:
            continue
        if seg.linear:
            out.append(Segment(lo - a, hi - lo, seg.line, seg.col + (lo - seg.start)))
        else:
            out.append(Segment(lo - a, hi - lo, seg.line, seg.col, False, seg.src_len))
    return out


def _prompt(path: str, text: str, index: LineIndex, found: _Found) -> Prompt | None:
    node = found.node
    value = node.value
    if not value.strip():
        return None
    if not found.structural and not reads_like_prompt(value):
        return None
    a, b = trim_span(value, 0, len(value))
    body = value[a:b]
    source_map = SourceMap(_window(scalar_map(text, index, node), a, b))
    start = source_map.position(0)
    end = source_map.end_position(len(body))
    verbatim = text[index.offset(start.line, start.col) : index.offset(end.line, end.col)] == body
    if verbatim:
        literal = (start.line, start.col, end.line, end.col)
    else:
        literal = (*index.position(node.start_mark.index), *index.position(node.end_mark.index))
    return Prompt(
        path=path,
        kind="yaml",
        text=body,
        start_line=start.line,
        start_col=start.col,
        end_line=end.line,
        end_col=end.col,
        reason="yaml-key",
        source_map=source_map,
        role=found.role,
        owner=found.owner,
        variables=tuple(brace_variables(body)),
        model=found.scope.model,
        max_output_tokens=found.scope.max_output_tokens,
        call_id=f"{path}#{found.call}" if found.call else path,
        placeholder_style=brace_style(body),
        meta=found.scope.meta,
        literals=(literal,),
        editable=verbatim,
    )


def extract(path: str, text: str, config: Config, kind: str = "yaml") -> ExtractResult:
    result = ExtractResult(path)
    keys = frozenset(k.lower() for k in (*DEFAULT_KEYS, *config.yaml_prompt_keys))
    if not text.strip() or not _prefilter(keys).search(text):
        return result
    if looks_binary(text):
        return skipped(path, "looks like binary data")
    if len(text) > MAX_YAML_CHARS:
        return skipped(
            path, f"YAML file has {len(text):,} characters, over the {MAX_YAML_CHARS:,} limit"
        )
    try:
        roots = compose_documents(text, "YAML")
    except YamlError as exc:
        if exc.args[0].startswith("invalid") and _TEMPLATE_SYNTAX.search(text):
            return result
        return skipped(path, str(exc))
    if not roots:
        return result
    index = LineIndex(text)
    walker = _Walker(keys)
    try:
        found = [item for root in roots for item in walker.walk(root, "", _Scope(), False)]
        settings = _file_settings(walker, roots[0])
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        return skipped(path, f"invalid YAML: {' '.join(str(exc).split())}")
    finally:
        walker.close()
    result.directives = comment_directives(text, index, ["yaml"])
    result.directives += front_matter_directives(settings, text, index)
    for item in found:
        prompt = _prompt(path, text, index, item)
        if prompt is not None:
            result.prompts.append(prompt)
    return result
