"""``# promptlint:`` comments in Python: suppressions and ``calls-per-day`` annotations.

Comments are found with ``tokenize``, so a ``# promptlint:`` inside a string is not one. A
line suppression covers the innermost simple statement holding the comment.
"""

from __future__ import annotations

import contextlib
import io
import re
import tokenize
from collections.abc import Iterator

from promptlint.models import Directive

_DIRECTIVE = re.compile(
    r"(disable-file|disable|calls-per-day)\b(?:\s*=\s*([\w.+-]+(?:\s*,\s*[\w.+-]+)*))?"
)


def _comments(text: str) -> Iterator[tuple[int, int, str]]:
    """(line, col, text) of each ``# promptlint:`` comment, found with ``tokenize``."""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT and "promptlint:" in tok.string:
                yield tok.start[0], tok.start[1] + 1, tok.string
    except (tokenize.TokenError, SyntaxError):
        return


def read_comments(
    text: str, statements: list[tuple[int, int]]
) -> tuple[list[Directive], dict[int, float]]:
    """Suppression directives and ``calls-per-day`` annotations written in comments."""
    directives: list[Directive] = []
    per_day: dict[int, float] = {}
    for line, col, comment in _comments(text):
        body = comment.split("promptlint:", 1)[1]
        for m in _DIRECTIVE.finditer(body):
            kind, value = m.group(1), m.group(2)
            if kind == "calls-per-day":
                with contextlib.suppress(ValueError):
                    per_day[line] = float((value or "").replace("_", ""))
                continue
            codes = tuple(c.strip() for c in value.split(",")) if value else ()
            if kind == "disable-file":
                directives.append(Directive(line, col, codes, 1, 1 << 30, file_level=True))
                continue
            first, last = line, line
            spans = [s for s in statements if s[0] <= line <= s[1]]
            if spans:
                first, last = min(spans, key=lambda s: s[1] - s[0])
            directives.append(Directive(line, col, codes, first, last))
    return directives, per_day
