"""Safe YAML loading for front matter, prompt configs and rule packs.

PyYAML's ``safe_load`` still expands aliases, so a ten-line "billion laughs" document can
eat all memory. We compose the node graph first (which does not expand aliases), measure
the expanded size, and refuse documents that would blow up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_EXPANDED_NODES = 100_000
# libyaml composes about ten times faster; its marks count characters like PyYAML's.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Only CR, LF and CRLF break lines (str.splitlines also breaks on \f, \x1c, U+2028...).
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class YamlError(ValueError):
    """Malformed or hostile YAML; the message is one line."""


def _expanded_size(node: yaml.Node, memo: dict[int, int], depth: int = 0) -> int:
    if depth > 200:
        raise YamlError("YAML nesting is too deep")
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # guards against recursive structures
    size = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            size += _expanded_size(child, memo, depth + 1)
            if size > MAX_EXPANDED_NODES:
                break
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            size += _expanded_size(k, memo, depth + 1) + _expanded_size(v, memo, depth + 1)
            if size > MAX_EXPANDED_NODES:
                break
    memo[key] = size
    return size


def compose_yaml(text: str, what: str = "YAML") -> yaml.Node | None:
    """The node graph of one YAML document (marks give positions), refused if it would blow up.

    Raises YamlError with a one-line message.
    """
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid {what}: {_one_line(exc)}") from None
    if node is not None and _expanded_size(node, {}) > MAX_EXPANDED_NODES:
        raise YamlError(f"{what} expands to more than {MAX_EXPANDED_NODES:,} nodes (alias bomb?)")
    return node


def compose_documents(text: str, what: str = "YAML") -> list[yaml.Node]:
    """The node graphs of every document of a YAML stream, refused together if they blow up.

    Raises YamlError with a one-line message.
    """
    try:
        nodes = [n for n in yaml.compose_all(text, Loader=_COMPOSER) if n is not None]
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid {what}: {_one_line(exc)}") from None
    memo: dict[int, int] = {}
    if sum(_expanded_size(node, memo) for node in nodes) > MAX_EXPANDED_NODES:
        raise YamlError(f"{what} expands to more than {MAX_EXPANDED_NODES:,} nodes (alias bomb?)")
    return nodes


def load_yaml(text: str, what: str = "YAML") -> Any:
    """Parse one YAML document safely. Raises YamlError with a one-line message."""
    node = compose_yaml(text, what)
    if node is None:
        return None
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid {what}: {_one_line(exc)}") from None
    except RecursionError:
        raise YamlError(f"{what} is recursive") from None
    finally:
        loader.dispose()


def _one_line(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    if problem and mark is not None:
        return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"
    return " ".join(str(exc).split())


@dataclass(slots=True)
class FrontMatter:
    """A file split into YAML front matter and body.

    ``body_line`` is the 1-based line where the body starts; ``body_offset`` its offset in
    the original text.
    """

    data: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    body_offset: int = 0
    present: bool = False


def split_front_matter(text: str, what: str = "front matter") -> FrontMatter:
    """Split ``---`` fenced YAML front matter from the body.

    Line endings may be LF, CRLF or CR. Raises YamlError for malformed front matter.
    """
    lines = _LINES.findall(text)
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        return FrontMatter(body=text)
    offset = len(lines[0])
    for i in range(1, len(lines)):
        stripped = lines[i].rstrip("\r\n").rstrip()
        if stripped in ("---", "..."):
            raw = "".join(lines[1:i]).replace("\r\n", "\n").replace("\r", "\n")
            data = load_yaml(raw, what) if raw.strip() else {}
            if data is None:
                data = {}
            if not isinstance(data, dict):
                raise YamlError(f"{what} must be a mapping")
            body_offset = offset + len(lines[i])
            return FrontMatter(data, text[body_offset:], i + 2, body_offset, True)
        offset += len(lines[i])
    raise YamlError(f"{what} is not closed by '---'")
