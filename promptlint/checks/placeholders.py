"""Template hygiene: placeholder syntax and declared inputs (rules/template.yaml names them).

Declared inputs come from front matter: dotprompt ``input.schema``, Prompty ``inputs`` and
the registry's ``variables`` list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import regex

from promptlint.checks.base import CheckContext
from promptlint.checks.text import evidence
from promptlint.models import Hit, Prompt

MIXED_SYNTAX = "TPL001"
UNDECLARED = "TPL002"
UNUSED_INPUT = "TPL004"

_SINGLE = regex.compile(r"(?<![{$\\])\{([A-Za-z_]\w*)\}(?!\})")
_DOUBLE = regex.compile(r"\{\{-?\s*([A-Za-z_][\w.]*)\s*-?\}\}")
_NATIVE_DOUBLE = ("jinja", "handlebars")


def declared_inputs(meta: Mapping[str, Any]) -> set[str] | None:
    """Input names the front matter declares, or None when it declares none."""
    names: set[str] = set()
    found = False
    spec = meta.get("input")
    if isinstance(spec, Mapping) and isinstance(spec.get("schema"), Mapping):
        found = True
        # picoschema keys: "name", "name?", "name(string, a description)"
        names.update(regex.split(r"[?(\s]", str(k), maxsplit=1)[0] for k in spec["schema"])
    # Prompty's ``sample`` holds example values, not the full list of inputs: not a declaration.
    if isinstance(meta.get("inputs"), Mapping):
        found = True
        names.update(str(k) for k in meta["inputs"])
    variables = meta.get("variables")
    if isinstance(variables, list):
        for v in variables:
            if isinstance(v, Mapping) and isinstance(v.get("name"), str):
                found = True
                names.add(v["name"])
            elif isinstance(v, str):
                found = True
                names.add(v)
    return names if found else None


def check_prompt(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
    text = prompt.text
    if ctx.enabled(MIXED_SYNTAX):
        singles = list(_SINGLE.finditer(text))
        doubles = list(_DOUBLE.finditer(text))
        if singles and doubles:
            native_double = prompt.placeholder_style in _NATIVE_DOUBLE
            odd = singles[0] if native_double else doubles[0]
            meaning = (
                "reaches the model as literal text in a template"
                if native_double
                else "renders as literal braces in a format string"
            )
            yield Hit(
                MIXED_SYNTAX,
                odd.start(),
                odd.end(),
                f"Prompt mixes {{x}} and {{{{x}}}} placeholders: '{odd.group(0)}' {meaning}",
                evidence=evidence(odd.group(0)),
            )
    if ctx.enabled(UNDECLARED) and prompt.variables:
        declared = declared_inputs(prompt.meta)
        if declared is not None:
            for name in prompt.variables:
                root = name.split(".", 1)[0].split("[", 1)[0]
                if root in declared or root.startswith("@") or root == "this":
                    continue
                m = regex.search(r"\b" + regex.escape(root) + r"\b", text)
                start, end = m.span() if m else (0, 0)
                yield Hit(
                    UNDECLARED,
                    start,
                    end,
                    f"Placeholder '{name}' is not declared in the front matter inputs, so "
                    "nothing fills it",
                    evidence=root,
                )


def check_project(prompts: Sequence[Prompt], ctx: CheckContext) -> Iterator[tuple[int, Hit]]:
    """Declared inputs that no section of their file uses."""
    if not ctx.enabled(UNUSED_INPUT):
        return
    by_path: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(prompts):
        if p.kind != "python":
            by_path[p.path].append(i)
    for indexes in by_path.values():
        first = prompts[indexes[0]]
        declared = declared_inputs(first.meta)
        if not declared:
            continue
        used = {v.split(".", 1)[0].split("[", 1)[0] for i in indexes for v in prompts[i].variables}
        for name in sorted(declared - used):
            yield (
                indexes[0],
                Hit(
                    UNUSED_INPUT,
                    0,
                    0,
                    f"Input '{name}' is declared in the front matter but no section uses it",
                    evidence=name,
                ),
            )
