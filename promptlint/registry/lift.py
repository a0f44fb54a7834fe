"""Lift a prompt found in code into a template draft: its placeholders become Jinja variables.

``{name}`` / ``{user.name!r:>10}`` (format strings, f-strings), ``%(name)s`` (printf) and
``{{ name }}`` (Jinja, Handlebars) all become ``{{ name }}`` declared as required strings;
expressions that are not plain names become a readable identifier (``user.name`` ->
``user_name``). Literal text that Jinja would read as syntax (``{{``, ``{%``, ``{#``) is escaped.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from promptlint.registry.template import Variable

_FORMAT_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_PERCENT_FIELD = re.compile(r"%%|%\(([A-Za-z_][A-Za-z0-9_]*)\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]")
_JINJA_VAR = re.compile(r"\{\{-?\s*([A-Za-z_][A-Za-z0-9_]*)[^{}]*?-?\}\}")
_JINJA_SYNTAX = re.compile(r"\{\{|\{%|\{#")


@dataclass(frozen=True, slots=True)
class Lifted:
    body: str
    variables: tuple[Variable, ...]


def _identifier(expression: str, position: int) -> str:
    name = re.sub(r"\W+", "_", expression.strip()).strip("_")
    if not name:
        return f"arg{position}"
    if name[0].isdigit():
        name = f"arg{name}"
    return name


def _protect(text: str) -> str:
    """Literal text Jinja would parse as syntax: emit its openers as string expressions."""
    return _JINJA_SYNTAX.sub(lambda m: "{{ '" + m.group(0) + "' }}", text)


def _lift(
    text: str, fields: re.Pattern[str], name_of: Callable[[re.Match[str]], str | None]
) -> tuple[str, list[str]]:
    """Replace each field ``fields`` matches with ``{{ name }}``; ``name_of`` gives the name,
    or None for an escape (``{{``, ``%%``) whose first character stays as literal text."""
    names: list[str] = []
    out: list[str] = []
    literal: list[str] = []
    last = 0
    for match in fields.finditer(text):
        literal.append(text[last : match.start()])
        name = name_of(match)
        if name is None:
            literal.append(match.group(0)[0])
        else:
            out.append(_protect("".join(literal)))
            literal = []
            if name not in names:
                names.append(name)
            out.append("{{ " + name + " }}")
        last = match.end()
    literal.append(text[last:])
    out.append(_protect("".join(literal)))
    return "".join(out), names


def _lift_format(text: str) -> tuple[str, list[str]]:
    positional = itertools.count()
    seen: list[str] = []

    def name_of(match: re.Match[str]) -> str | None:
        if match.group(0) in ("{{", "}}"):
            return None
        field_text = match.group(1)
        expression = re.split(r"![rsa]|:", field_text, maxsplit=1)[0] if field_text else ""
        if not expression.strip():
            expression = f"arg{next(positional)}"
        name = _identifier(expression, len(seen))
        if name not in seen:
            seen.append(name)
        return name

    return _lift(text, _FORMAT_FIELD, name_of)


def _lift_percent(text: str) -> tuple[str, list[str]]:
    return _lift(text, _PERCENT_FIELD, lambda m: None if m.group(0) == "%%" else m.group(1))


def lift(text: str, style: str, known: tuple[str, ...] = ()) -> Lifted:
    """Turn prompt ``text`` written in placeholder ``style`` into a Jinja body."""
    if style == "format":
        body, names = _lift_format(text)
    elif style == "percent":
        body, names = _lift_percent(text)
    elif style in ("jinja", "handlebars"):
        body = text
        names = list(known) or list(dict.fromkeys(_JINJA_VAR.findall(text)))
    else:
        body, names = _protect(text), []
    variables = tuple(Variable(name, "string", True) for name in names)
    return Lifted(body, variables)
