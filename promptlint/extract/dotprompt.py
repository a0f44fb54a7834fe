"""dotprompt (``.prompt``): YAML front matter, then a Handlebars body.

``{{role "system"}}`` / ``{{role "user"}}`` markers split the body into one prompt per
message (``{{role "model"}}`` is the assistant). As in dotprompt itself, text outside any
marker (a body without markers, or text before the first marker) is a ``user`` message.
The model comes from front matter ``model``, the output cap from
``config.maxOutputTokens`` (or ``max_tokens``).

Variables are the Handlebars paths the template reads from its input: ``{{name}}``,
``{{obj.field}}``, ``{{#if flag}}``, helper arguments (``{{json data}}``,
``{{media url=photo}}``) and ``@root.x``. Helpers (``role``, ``history``, ``media``,
``section``, ``else``...) are not variables, nor are paths inside ``{{#each}}`` and
``{{#with}}`` blocks, which are relative to the loop item, not the input.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from promptlint.config import Config
from promptlint.extract.jinja import jinja_variables
from promptlint.extract.sections import (
    FileFacts,
    LineIndex,
    Section,
    comment_directives,
    config_relpath,
    front_matter_directives,
    max_tokens_from,
    model_from,
    normalize_role,
    read_front_matter,
    section_prompt,
)
from promptlint.models import ExtractResult

# Comments first: they may contain "}}" and must not be read as expressions or markers.
_COMMENT = re.compile(r"\{\{~?!--(?:(?!\{\{~?!--).)*?--~?\}\}|\{\{~?![^}]*\}\}", re.DOTALL)
# An expression never spans another "{{": an unclosed one costs one scan, not quadratic time.
_MUSTACHE = re.compile(r"\{\{\{?((?:(?!\{\{).)*?)\}?\}\}", re.DOTALL)
_TOKEN = re.compile(r""""(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[()]|[^\s()]+""")
_PATH = re.compile(r"(?:@root\.)?[A-Za-z_][\w\-]*(?:\.[A-Za-z_][\w\-]*)*")
# Single-word expressions that are dotprompt/Handlebars helpers, not input fields.
_BARE_HELPERS = frozenset({"history", "else", "this", "section", "media", "role", "json"})
_LITERALS = frozenset({"true", "false", "null", "undefined"})
# Blocks that change the context: paths inside them are relative to the item.
_SCOPED_BLOCKS = frozenset({"each", "with"})


@dataclass(slots=True)
class _Body:
    """What one scan of a Handlebars body finds."""

    masked: str  # the body with comments blanked out (same offsets)
    markers: list[tuple[int, int, str]] = field(default_factory=list)  # start, end, role
    variables: list[tuple[int, str]] = field(default_factory=list)  # offset, path


def _argument_paths(tokens: list[str], scoped: bool) -> list[str]:
    """Input paths among helper arguments (``x``, ``key=x``, ``(sub x)``), not literals.

    Inside ``#each``/``#with`` (``scoped``) only ``@root.`` paths read the input.
    """
    paths: list[str] = []
    after_paren = False
    for token in tokens:
        if token in ("(", ")"):
            after_paren = token == "("
            continue
        if after_paren:  # a sub-expression's helper name
            after_paren = False
            continue
        value = token.split("=", 1)[1] if "=" in token else token
        if value in _LITERALS or value in _BARE_HELPERS:
            continue
        if value.startswith("this."):
            continue
        if scoped and not value.startswith("@root."):
            continue
        if _PATH.fullmatch(value):
            paths.append(value.removeprefix("@root."))
    return paths


def _scan(body: str, base: int) -> _Body:
    """Role markers and input variables of a Handlebars body starting at offset ``base``."""
    masked = _COMMENT.sub(lambda m: " " * len(m.group()), body)
    found = _Body(masked)
    scopes: list[str] = []
    for m in _MUSTACHE.finditer(masked):
        inner = m.group(1).strip().strip("~").strip()
        if not inner:
            continue
        sigil = inner[0]
        if sigil in "#^":
            tokens = _TOKEN.findall(inner[1:].strip())
            if not tokens:
                continue
            name, args = tokens[0], tokens[1:]
            if "as" in args:  # block parameters: `{{#each items as |item|}}`
                args = args[: args.index("as")]
            scoped = any(s in _SCOPED_BLOCKS for s in scopes)
            found.variables += [(base + m.start(), p) for p in _argument_paths(args, scoped)]
            scopes.append(name)
            continue
        if sigil == "/":
            if scopes:
                scopes.pop()
            continue
        if sigil in ">*":  # partials and decorators
            continue
        tokens = _TOKEN.findall(inner.lstrip("&").strip())
        if not tokens:
            continue
        head, args = tokens[0], tokens[1:]
        if head == "role" and args and args[0][:1] in "\"'":
            role = normalize_role(args[0][1:-1]) or "user"
            found.markers.append((base + m.start(), base + m.end(), role))
            continue
        if head == "else":  # `{{else}}` or `{{else if cond}}`: args after the helper name
            if not args:
                continue
            head, args = args[0], args[1:]
        scoped = any(s in _SCOPED_BLOCKS for s in scopes)
        # A helper call reads its arguments; a lone path reads itself.
        paths = _argument_paths(args if args else [head], scoped)
        found.variables += [(base + m.start(), p) for p in paths]
    return found


def in_registry(path: str, config: Config) -> bool:
    rel = config_relpath(path, config)
    folder = config.registry.path.strip("/").replace("\\", "/")
    return rel.startswith(folder + "/")


def extract(path: str, text: str, config: Config, kind: str = "dotprompt") -> ExtractResult:
    fm = read_front_matter(path, text)
    if isinstance(fm, ExtractResult):
        return fm
    result = ExtractResult(path)
    if not text.strip():
        return result
    index = LineIndex(text)
    result.directives = comment_directives(text, index, ["handlebars"])
    result.directives += front_matter_directives(fm.data, text, index)
    # Versions in the template registry are dotprompt files whose bodies are Jinja
    # (rendered by jinja2's sandbox): read their variables with jinja2's own parser.
    registry_file = in_registry(path, config)
    facts = FileFacts(
        path=path,
        kind=kind,
        meta=fm.data,
        model=model_from(fm.data.get("model")),
        max_output_tokens=max_tokens_from(fm.data.get("config"), fm.data),
        placeholder_style="jinja" if registry_file else "handlebars",
    )
    scan = _scan(fm.body, fm.body_offset)
    if registry_file:
        uses, problem = jinja_variables(path, text, fm.body_offset, index)
        if problem:
            result.notices.append(problem)
        scan.variables = [(index.offset(line, 1), name) for line, name in uses]
    end = len(text)
    bounds: list[Section] = []
    if not scan.markers:
        name = posixpath.basename(path)
        bounds.append(Section(fm.body_offset, end, "user", name, "dotprompt-section"))
    else:
        first = scan.markers[0][0]
        bounds.append(Section(fm.body_offset, first, "user", "user", "dotprompt-section"))
        for i, (_, marker_end, role) in enumerate(scan.markers):
            stop = scan.markers[i + 1][0] if i + 1 < len(scan.markers) else end
            bounds.append(Section(marker_end, stop, role, role, "dotprompt-section"))
    for section in bounds:
        rendered = scan.masked[section.start - fm.body_offset : section.end - fm.body_offset]
        if not rendered.strip():  # nothing but comments: no message is sent
            continue
        names = [n for at, n in scan.variables if section.start <= at < section.end]
        prompt = section_prompt(text, index, section, facts, names)
        if prompt is not None:
            result.prompts.append(prompt)
    return result
