"""Markdown and plain-text prompt files (only the ones ``filetypes.classify`` routes here).

A file is one prompt, unless it is laid out by role, read conservatively:

- Markdown role headings (``# System``, ``## User prompt``, ``### Assistant``), outside code
  fences, split the file: one prompt per heading. Text before the first one is a prompt of
  its own (no role) unless it is only a title.
- Otherwise ``system:`` / ``user:`` lines alone on a line split the file, but only when the
  file opens with one; a ``User:`` line in the middle of a prompt is a few-shot example.

Optional YAML front matter is not part of any prompt (line numbers stay real) and supplies
``meta`` and ``model``. Variables are ``{name}`` and ``{{name}}`` placeholders. A whole-file
prompt takes its role from the file name (``system.md``, ``user_prompt.txt``).

A ``.txt`` file inside a ``prompts/`` folder is always exactly one prompt holding the whole
file, front matter and all (reason ``prompt-file``): a folder of labelled texts is checked
one text per file.

HTML comments, ``<!-- promptlint: disable=... -->`` included, stay in the prompt text: Markdown
is not rendered before it goes to a model, so an app that reads the file sends them too and
their tokens are real. (``per-file-ignores`` in the configuration suppresses for free.)
"""

from __future__ import annotations

import posixpath
import re

from promptlint.config import Config
from promptlint.extract.sections import (
    FileFacts,
    LineIndex,
    Section,
    brace_style,
    brace_variables,
    comment_directives,
    front_matter_directives,
    lines,
    looks_binary,
    max_tokens_from,
    model_from,
    read_front_matter,
    role_line,
    section_prompt,
    skipped,
    split_sections,
)
from promptlint.models import ExtractResult

_ROLE_HEADING = re.compile(
    r" {0,3}#{1,6}[ \t]+(system|developer|user|assistant)"
    r"(?:[ \t]+(?:prompt|message|instructions))?[ \t]*:?[ \t]*#*[ \t]*",
    re.IGNORECASE,
)
_HTML_COMMENT = re.compile(r"<!--(?:(?!<!--).)*?-->", re.DOTALL)
_NAME_WORDS = re.compile(r"[a-z]+")
_NAME_ROLES = ("system", "developer", "user", "assistant")


def _heading_role(line: str) -> str | None:
    m = _ROLE_HEADING.fullmatch(line)
    return m.group(1).lower() if m else None


def _role_from_name(path: str) -> str | None:
    words = set(_NAME_WORDS.findall(posixpath.basename(path).lower().rsplit(".", 1)[0]))
    return next((role for role in _NAME_ROLES if role in words), None)


def _in_prompts_folder(path: str) -> bool:
    parts = path.replace("\\", "/").lower().split("/")[:-1]
    return "prompts" in parts


def _is_title_only(section_text: str) -> bool:
    """Only headings and comments: a document title, not text sent to a model."""
    visible = _HTML_COMMENT.sub("", section_text)
    return all(not line.strip() or line.lstrip().startswith("#") for line in visible.splitlines())


def _opens_with_marker(text: str, start: int) -> bool:
    for line_start, content_end, _ in lines(text, start):
        line = text[line_start:content_end]
        if line.strip():
            return role_line(line) is not None
    return False


def _sections(path: str, text: str, start: int, kind: str) -> list[Section]:
    if kind == "markdown":
        found = split_sections(text, start, _heading_role, "prompt-section", None, fenced_code=True)
        if found:
            if _is_title_only(text[found[0].start : found[0].end]):
                found = found[1:]
            return found
    if _opens_with_marker(text, start):
        return split_sections(text, start, role_line, "prompt-section", None)
    name = posixpath.basename(path)
    return [Section(start, len(text), _role_from_name(path), name, "prompt-file")]


def _whole_file(path: str, text: str, kind: str) -> ExtractResult:
    """A labelled text: the whole file is the prompt, nothing is split off."""
    if looks_binary(text):
        return skipped(path, "looks like binary data")
    result = ExtractResult(path)
    index = LineIndex(text)
    result.directives = comment_directives(text, index, ["html"])
    facts = FileFacts(path, kind, {}, None, None, brace_style(text))
    name = posixpath.basename(path)
    section = Section(0, len(text), _role_from_name(path), name, "prompt-file")
    prompt = section_prompt(text, index, section, facts, brace_variables(text))
    if prompt is not None:
        result.prompts.append(prompt)
    return result


def extract(path: str, text: str, config: Config, kind: str = "markdown") -> ExtractResult:
    if not text.strip():
        return ExtractResult(path)
    if kind == "text" and _in_prompts_folder(path):
        return _whole_file(path, text, kind)
    fm = read_front_matter(path, text)
    if isinstance(fm, ExtractResult):
        return fm
    result = ExtractResult(path)
    index = LineIndex(text)
    result.directives = comment_directives(text, index, ["html"])
    result.directives += front_matter_directives(fm.data, text, index)
    model = model_from(fm.data.get("model"))
    max_tokens = max_tokens_from(fm.data.get("config"), fm.data)
    for section in _sections(path, text, fm.body_offset, kind):
        body = text[section.start : section.end]
        if not _HTML_COMMENT.sub("", body).strip():
            continue
        facts = FileFacts(path, kind, fm.data, model, max_tokens, brace_style(body))
        prompt = section_prompt(text, index, section, facts, brace_variables(body))
        if prompt is not None:
            result.prompts.append(prompt)
    return result
