"""Decode Python string literals straight from the source, with a map back to it.

``ast`` gives a literal's value, but not where each character of the value came from, and
its positions inside f-strings differ between Python 3.11 and 3.12+. So a literal is
re-read here from its source text: every part of an implicit concatenation, every prefix
(r, u, f and their combinations), escapes, line continuations and f-string fields. The
result is the prompt text (f-string fields rendered as ``{<expression source>}``) and the
``Segment``s that map each run of it to a source position.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from promptlint.models import Segment

# (line, col) of an absolute character offset in the file; both 1-based.
Locate = Callable[[int], tuple[int, int]]

SIMPLE_ESCAPES = {
    "\\": "\\",
    "'": "'",
    '"': '"',
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}
_OCTAL = frozenset("01234567")
_HEX = frozenset("0123456789abcdefABCDEF")
STR_PREFIXES = frozenset({"", "r", "u", "f", "rf", "fr"})  # lower-case
_ANY_PREFIXES = frozenset({*STR_PREFIXES, "b", "br", "rb", "t", "rt", "tr"})


class LiteralError(ValueError):
    """The source range is not a str literal this decoder understands (bytes, t-strings)."""


@dataclass(slots=True)
class DecodedLiteral:
    text: str
    segments: list[Segment]
    parts: list[tuple[int, int]]  # absolute (start, end) offsets of each literal part
    fields: list[str] = field(default_factory=list)  # f-string expressions, source text
    fstring: bool = False


@functools.lru_cache(maxsize=16)
def _specials(quote: str, fstring: bool) -> re.Pattern[str]:
    """Characters that end a plain run inside a literal body."""
    chars = "\\\\\r\n" + re.escape(quote) + ("{}" if fstring else "")
    return re.compile(f"[{chars}]")


class _Builder:
    """Accumulates decoded text and its segments."""

    __slots__ = ("chunks", "length", "locate", "segments")

    def __init__(self, locate: Locate) -> None:
        self.chunks: list[str] = []
        self.segments: list[Segment] = []
        self.length = 0
        self.locate = locate

    def linear(self, text: str, at: int) -> None:
        """Source text copied as is (never spans a line break)."""
        if not text:
            return
        line, col = self.locate(at)
        self.segments.append(Segment(self.length, len(text), line, col))
        self.chunks.append(text)
        self.length += len(text)

    def mapped(self, text: str, at: int, src_len: int) -> None:
        """Text that stands for ``src_len`` source characters at ``at`` (an escape, a field)."""
        if not text:
            return
        line, col = self.locate(at)
        self.segments.append(Segment(self.length, len(text), line, col, False, src_len))
        self.chunks.append(text)
        self.length += len(text)


def skip_trivia(src: str, i: int, end: int) -> int:
    """Skip whitespace, comments and line continuations between concatenated parts."""
    while i < end:
        c = src[i]
        if c in " \t\f\r\n":
            i += 1
        elif c == "\\" and i + 1 < end and src[i + 1] in "\r\n":
            i += 2
        elif c == "#":
            while i < end and src[i] not in "\r\n":
                i += 1
        else:
            break
    return i


def read_prefix(src: str, i: int, end: int) -> tuple[str, str, int]:
    """(prefix as written, quote, offset of the body) of the string token starting at ``i``.

    Any prefix Python knows is accepted (bytes and t-strings too); LiteralError otherwise.
    """
    j = i
    while j < end and j - i < 3 and src[j].isalpha():
        j += 1
    prefix = src[i:j]
    if prefix.lower() not in _ANY_PREFIXES or j >= end or src[j] not in "'\"":
        raise LiteralError("not a string literal")
    q = src[j]
    quote = q * 3 if src.startswith(q * 3, j) else q
    return prefix, quote, j + len(quote)


def skip_string(src: str, i: int, end: int) -> int:
    """Offset just after the string literal (any prefix) that starts at ``i``."""
    prefix, quote, k = read_prefix(src, i, end)
    fstring = "f" in prefix.lower()
    while k < end:
        c = src[k]
        if c == "\\":
            k += 2
        elif src.startswith(quote, k):
            return k + len(quote)
        elif fstring and c == "{":
            if src.startswith("{{", k):
                k += 2
            else:
                k, _ = scan_field(src, k + 1, end)
        else:
            k += 1
    raise LiteralError("unterminated string")


def scan_field(src: str, i: int, end: int) -> tuple[int, str]:
    """Scan an f-string replacement field whose expression starts at ``i``.

    Returns the offset after its closing ``}`` and the expression's source text (without
    conversion, format spec or the ``=`` of a self-documenting field).
    """
    depth = 0
    k = i
    expr_end = -1
    comments: list[tuple[int, int]] = []
    while k < end:
        c = src[k]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                return k + 1, _field_expr(src, i, k if expr_end < 0 else expr_end, comments)
            depth -= 1
        elif c in "'\"":
            k = skip_string(src, k, end)
            continue
        elif c.isalpha() or c == "_":
            j = k
            while j < end and (src[j].isalnum() or src[j] == "_"):
                j += 1
            if j < end and src[j] in "'\"" and src[k:j].lower() in _ANY_PREFIXES:
                k = skip_string(src, k, end)
            else:
                k = j
            continue
        elif c == "#":  # a comment inside a multi-line field (3.12+)
            start = k
            while k < end and src[k] not in "\r\n":
                k += 1
            comments.append((start, k))
            continue
        elif depth == 0 and c == "!" and not src.startswith("!=", k):
            expr_end = k
        elif depth == 0 and c == ":":
            if expr_end < 0:
                expr_end = k
            return _scan_spec(src, k + 1, end), _field_expr(src, i, expr_end, comments)
        k += 1
    raise LiteralError("unterminated f-string field")


def _scan_spec(src: str, k: int, end: int) -> int:
    """Skip a format spec (which may hold nested fields) through the field's ``}``."""
    while k < end:
        c = src[k]
        if c == "{":
            k, _ = scan_field(src, k + 1, end)
            continue
        if c == "}":
            return k + 1
        k += 2 if c == "\\" else 1
    raise LiteralError("unterminated format spec")


def _field_expr(src: str, start: int, stop: int, comments: list[tuple[int, int]]) -> str:
    """The expression's source on one line, comments left out."""
    kept: list[str] = []
    for a, b in comments:
        kept.append(src[start:a])
        start = b
    kept.append(src[start:stop])
    expr = " ".join("".join(kept).split())
    if expr.endswith("=") and not expr.endswith(("==", "!=", "<=", ">=")):
        expr = expr[:-1].rstrip()  # f"{x=}" shows the expression; the value is still x
    return expr


def decode_escape(src: str, k: int, end: int) -> tuple[str, int]:
    """Decode the escape at ``src[k] == '\\'`` of a non-raw literal: (value, source length).

    Line continuations are the caller's. An unknown escape is the backslash alone (the next
    character is read normally: it may open an f-string field); a malformed one raises
    LiteralError.
    """
    c = src[k + 1] if k + 1 < end else ""
    if c in SIMPLE_ESCAPES:
        return SIMPLE_ESCAPES[c], 2
    if c in _OCTAL:
        j = k + 2
        while j < end and j < k + 4 and src[j] in _OCTAL:
            j += 1
        return chr(int(src[k + 1 : j], 8)), j - k
    if c in _HEX_DIGITS:
        digits = src[k + 2 : min(end, k + 2 + _HEX_DIGITS[c])]
        if len(digits) != _HEX_DIGITS[c] or not set(digits) <= _HEX:
            raise LiteralError("malformed escape sequence")
        return chr(int(digits, 16)), 2 + len(digits)
    if c == "N" and src.startswith("{", k + 2):
        close = src.find("}", k + 3, end)
        if close < 0:
            raise LiteralError("malformed \\N{...} escape")
        try:
            return unicodedata.lookup(src[k + 3 : close]), close + 1 - k
        except KeyError:
            raise LiteralError("unknown \\N{...} name") from None
    return "\\", 1


def decode(src: str, start: int, end: int, locate: Locate) -> DecodedLiteral:
    """Decode the literal (or implicit concatenation) at ``src[start:end]``."""
    out = _Builder(locate)
    parts: list[tuple[int, int]] = []
    fields: list[str] = []
    any_f = False
    i = skip_trivia(src, start, end)
    while i < end:
        part_start = i
        prefix, quote, k = read_prefix(src, i, end)
        prefix = prefix.lower()
        if prefix not in STR_PREFIXES:
            raise LiteralError("bytes or template string")
        raw, fstring = "r" in prefix, "f" in prefix
        any_f = any_f or fstring
        specials = _specials(quote[0], fstring)
        while True:
            m = specials.search(src, k, end)
            if m is None:
                raise LiteralError("unterminated string")
            j = m.start()
            out.linear(src[k:j], k)
            c = src[j]
            if c == quote[0]:
                if src.startswith(quote, j):
                    k = j + len(quote)
                    break
                out.linear(c, j)  # a lone quote inside a triple-quoted string
                k = j + 1
            elif c == "\\":
                nxt = src[j + 1] if j + 1 < end else ""
                if raw:
                    width = 2 if nxt in ("\\", quote[0]) else 1
                    out.linear(src[j : j + width], j)
                    k = j + width
                elif nxt == "\n":
                    k = j + 2  # line continuation inside the literal: no text
                elif nxt == "\r":
                    k = j + (3 if src.startswith("\r\n", j + 1) else 2)
                else:
                    value, width = decode_escape(src, j, end)
                    if width == 1:
                        out.linear(value, j)
                    else:
                        out.mapped(value, j, width)
                    k = j + width
            elif c == "\n":
                out.linear("\n", j)
                k = j + 1
            elif c == "\r":  # source line ends become "\n" in the value
                width = 2 if src.startswith("\r\n", j) else 1
                out.mapped("\n", j, width)
                k = j + width
            elif c == "{":
                if src.startswith("{{", j):
                    out.mapped("{", j, 2)
                    k = j + 2
                else:
                    k, expr = scan_field(src, j + 1, end)
                    fields.append(expr)
                    newline = src.find("\n", j, k)
                    out.mapped("{" + expr + "}", j, k - j if newline < 0 else 1)
            else:  # "}" is always doubled in a valid f-string
                out.mapped("}", j, 2)
                k = j + 2
        parts.append((part_start, k))
        i = skip_trivia(src, k, end)
    if not parts:
        raise LiteralError("no literal in range")
    return DecodedLiteral("".join(out.chunks), out.segments, parts, fields, any_f)
