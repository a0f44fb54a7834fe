"""Jinja templates (``.j2``, ``.jinja``, ``.jinja2``) that hold prompts.

Most Jinja files are HTML pages or configuration, so a template is a prompt only when its
path matches ``template-globs``, when it has role marker lines (``system:``, ``user:``...
alone on a line) or when its wording reads like an instruction to a model ("You are",
"your task", or two of "answer", "respond", "instructions", "assistant"...) and it is not
markup. Anything else yields no prompt and no notice.

Role marker lines split the template into one prompt per message; without them the whole
template (after optional YAML front matter) is one prompt. Variables come from jinja2's
own parser (``meta.find_undeclared_variables``), attributed to sections by the lines where
the lexer sees them; loop variables and ``{% set %}`` names are not inputs.
"""

from __future__ import annotations

import functools
import posixpath
import re
from typing import TYPE_CHECKING

from promptlint.config import Config
from promptlint.extract.sections import (
    FileFacts,
    LineIndex,
    Section,
    comment_directives,
    config_relpath,
    front_matter_directives,
    max_tokens_from,
    model_from,
    read_front_matter,
    role_line,
    section_prompt,
    split_sections,
)
from promptlint.filetypes import matches_any
from promptlint.models import ExtractResult

if TYPE_CHECKING:
    import jinja2

# An instruction to a model on its own is enough; weaker cues must come in pairs.
_STRONG_CUE = re.compile(r"\b(?:you are|you're an?|your (?:task|job|role) is|act as)\b", re.I)
_WEAK_CUE = re.compile(
    r"\b(answer|respond|instructions?|assistant|step[- ]by[- ]step|do not|return only|"
    r"reply|summari[sz]e|output format|json)\b",
    re.I,
)
_MARKUP = re.compile(
    r"<(?:!doctype|html|head|body|div|span|p|a|table|tr|td|ul|ol|li|form|input|button|"
    r"script|style|link|meta|section|nav|footer|header|h[1-6]|img|br)\b",
    re.I,
)
_MARKUP_LIMIT = 3  # this many HTML tags make a page, not a prompt
_FALLBACK_VARIABLE = re.compile(r"\{\{-?\s*([A-Za-z_]\w*)")
_STATEMENT_OR_COMMENT = re.compile(r"\{%(?:(?!\{%).)*?%\}|\{#(?:(?!\{#).)*?#\}", re.DOTALL)


def looks_like_prompt(body: str) -> bool:
    """Does a template without role markers read like an instruction to a model?"""
    if len(_MARKUP.findall(body, 0, 20_000)) >= _MARKUP_LIMIT:
        return False
    if _STRONG_CUE.search(body):
        return True
    return len({m.group(1).lower() for m in _WEAK_CUE.finditer(body)}) >= 2


def renders_text(section_text: str) -> bool:
    """Does a section hold more than ``{% ... %}`` statements and ``{# ... #}`` comments?"""
    return bool(_STATEMENT_OR_COMMENT.sub("", section_text).strip())


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(extensions=["jinja2.ext.loopcontrols", "jinja2.ext.do"])


def jinja_variables(
    path: str, text: str, body_offset: int, index: LineIndex
) -> tuple[list[tuple[int, str]], str | None]:
    """``(line, name)`` of each input variable read by the Jinja body ``text[body_offset:]``.

    The second value is a one-line notice naming ``path:line`` when the template does not
    parse; the names then come from a plain ``{{ name`` scan.
    """
    import jinja2
    from jinja2 import meta

    body = text[body_offset:]
    if "{{" not in body and "{%" not in body:  # plain text: nothing to parse
        return [], None
    first_line = index.position(body_offset)[0]
    env = _environment()
    try:
        tree = env.parse(body)
    except jinja2.TemplateSyntaxError as exc:
        line = (exc.lineno or 1) + first_line - 1
        uses = [
            (index.position(body_offset + m.start())[0], m.group(1))
            for m in _FALLBACK_VARIABLE.finditer(body)
        ]
        return uses, f"{path}:{line}: Jinja syntax error: {exc.message}"
    inputs = meta.find_undeclared_variables(tree)
    uses: list[tuple[int, str]] = []
    previous = ""
    for lineno, token, value in env.lex(body):
        # `x.name` and `x | name` are attributes and filters, not inputs.
        if token == "name" and value in inputs and previous not in (".", "|"):
            uses.append((lineno + first_line - 1, value))
        if token != "whitespace":
            previous = value if token == "operator" else ""
    return uses, None


def _section_variables(
    uses: list[tuple[int, str]], section: Section, index: LineIndex
) -> list[str]:
    first = index.position(section.start)[0]
    last = index.position(max(section.start, section.end - 1))[0]
    return [name for line, name in uses if first <= line <= last]


def add_section_prompts(
    result: ExtractResult,
    text: str,
    body_offset: int,
    index: LineIndex,
    sections: list[Section],
    facts: FileFacts,
) -> None:
    """Add a prompt for each section of a Jinja body that renders text (Jinja, Prompty),
    with the variables jinja2's parser finds in it; a syntax error becomes a notice."""
    uses, problem = jinja_variables(facts.path, text, body_offset, index)
    if problem:
        result.notices.append(problem)
    for section in sections:
        if not renders_text(text[section.start : section.end]):
            continue
        names = _section_variables(uses, section, index)
        prompt = section_prompt(text, index, section, facts, names)
        if prompt is not None:
            result.prompts.append(prompt)


def extract(path: str, text: str, config: Config, kind: str = "jinja") -> ExtractResult:
    fm = read_front_matter(path, text)
    if isinstance(fm, ExtractResult):
        return fm
    result = ExtractResult(path)
    if not fm.body.strip():
        return result
    sections = split_sections(text, fm.body_offset, role_line, "jinja-section", None)
    reads_like_prompt = looks_like_prompt(fm.body)
    # One `system:` line may be a YAML key in a config template: markers count when two
    # roles appear or the wording reads like a prompt.
    if len({s.role for s in sections[1:]}) < 2 and not reads_like_prompt:
        sections = []
    if not sections:
        wanted = matches_any(config_relpath(path, config), config.template_globs)
        if not wanted and not reads_like_prompt:
            return result
        name = posixpath.basename(path)
        sections = [Section(fm.body_offset, len(text), None, name, "jinja-template")]
    index = LineIndex(text)
    result.directives = comment_directives(text, index, ["jinja"])
    result.directives += front_matter_directives(fm.data, text, index)
    facts = FileFacts(
        path=path,
        kind=kind,
        meta=fm.data,
        model=model_from(fm.data.get("model")),
        max_output_tokens=max_tokens_from(fm.data.get("config"), fm.data),
        placeholder_style="jinja",
    )
    add_section_prompts(result, text, fm.body_offset, index, sections, facts)
    return result
