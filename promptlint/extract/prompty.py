"""Prompty (``.prompty``): YAML front matter, then a Jinja body split by role lines.

A line holding only ``system:``, ``user:``, ``assistant:`` (also ``developer``, ``tool``,
``function``, an optional leading ``#`` and Prompty's ``system[key="v"]:`` attributes) opens a
message. Text before the first role line is a ``system`` message, as in Prompty's own chat
parser. The model is ``model.configuration.azure_deployment`` / ``name`` / ``model`` (or
``model.id``, or ``model:`` written as a string); the output cap is
``model.parameters.max_tokens`` (or ``max_completion_tokens``, ``model.options``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from promptlint.config import Config
from promptlint.extract.jinja import add_section_prompts
from promptlint.extract.sections import (
    FileFacts,
    LineIndex,
    Section,
    comment_directives,
    front_matter_directives,
    max_tokens_from,
    model_from,
    read_front_matter,
    role_line,
    split_sections,
)
from promptlint.models import ExtractResult


def extract(path: str, text: str, config: Config, kind: str = "prompty") -> ExtractResult:
    fm = read_front_matter(path, text)
    if isinstance(fm, ExtractResult):
        return fm
    result = ExtractResult(path)
    if not fm.body.strip():
        return result
    index = LineIndex(text)
    result.directives = comment_directives(text, index, ["jinja"])
    result.directives += front_matter_directives(fm.data, text, index)
    model = fm.data.get("model")
    settings = model if isinstance(model, Mapping) else {}
    facts = FileFacts(
        path=path,
        kind=kind,
        meta=fm.data,
        model=model_from(model),
        max_output_tokens=max_tokens_from(settings.get("parameters"), settings.get("options")),
        placeholder_style="jinja",
    )
    sections = split_sections(text, fm.body_offset, role_line, "prompty-section", "system")
    if not sections:
        name = posixpath.basename(path)
        sections = [Section(fm.body_offset, len(text), "system", name, "prompty-section")]
    add_section_prompts(result, text, fm.body_offset, index, sections, facts)
    return result
