"""Edits of prompts in template and prompt files (dotprompt, Prompty, Jinja, Markdown, text, YAML).

A section's text is a verbatim slice of the file, so an edit maps one to one onto the
source. It must stay inside the section body: front matter and everything between
sections is never touched. New line breaks follow the file's own line-break style.
"""

from __future__ import annotations

from collections.abc import Sequence

from promptlint.extract.sections import LineIndex
from promptlint.fix.locate import (
    LINE_BREAK,
    EditRejected,
    SourceEdit,
    SourceLocator,
    dominant_newline,
    source_offset,
)
from promptlint.models import Prompt, TextEdit


class TextRewriter:
    """Turns prompt-text edits into source edits for one template or prompt file."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.index = LineIndex(source)
        self.newline = dominant_newline(source)

    def plan(self, prompt: Prompt, edits: Sequence[TextEdit]) -> list[SourceEdit]:
        """Source edits for one fix (all of its edits, or EditRejected)."""
        if not prompt.editable:
            raise EditRejected("prompt text is not a verbatim part of the file")
        bodies = [
            (source_offset(self.index, sl, sc), source_offset(self.index, el, ec))
            for sl, sc, el, ec in prompt.literals
        ]
        locator = SourceLocator(prompt, self.index)
        planned: list[SourceEdit] = []
        for edit in edits:
            a, b = locator.span(edit.start, edit.end)
            if not any(lo <= a <= b <= hi for lo, hi in bodies):
                raise EditRejected("edit falls outside the section body")
            if self.source[a:b] != prompt.text[edit.start : edit.end]:
                raise EditRejected("prompt text does not match the file here")
            replacement = LINE_BREAK.sub(self.newline, edit.replacement)
            if self.source[a:b] != replacement:
                planned.append(SourceEdit(a, b, replacement))
        return planned
