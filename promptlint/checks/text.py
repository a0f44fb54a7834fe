"""Prompt-text geometry shared by the checks: template syntax, sentences, words, and edits
that delete or replace prose without ever touching a placeholder.

Spans are ``(start, end)`` offsets of ``Prompt.text``, end exclusive.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence

import regex

from promptlint.models import TextEdit

Span = tuple[int, int]

# Template syntax of every placeholder style a prompt may use; prose rules never match or
# edit inside these (they are code, not words the model reads as written).
_TEMPLATE = regex.compile(
    r"""\{\{.*?\}\}                                  # Jinja / Handlebars expression
      | \{%.*?%\} | \{\#.*?\#\}                        # Jinja statement / comment
      | \{[A-Za-z_][\w.]*(?:\[[^\]{}]*\])*(?:![rsa])?(?::[^{}\n]*)?\}   # {name}, {a.b:>10}
      | \{[0-9]*\}                                     # {} / {0}
      | %\([A-Za-z_]\w*\)[-\#0 +]*[0-9]*(?:\.[0-9]+)?[diouxXeEfFgGcrsa]   # %(name)s
      | \$\{[^}\n]*\}                                  # ${name}
    """,
    regex.VERBOSE | regex.DOTALL,
)
# A sentence ends at . ! ? followed by space, or at a line break; list markers are not words.
_SENTENCE_END = regex.compile(r"(?<=[.!?])[\"')\]]*(?=\s)|\r?\n|\r")
_LIST_MARKER = regex.compile(r"\s*(?:[-*•>]|[0-9]+[.)]|#{1,6})\s+")
_WORD = regex.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_LINE_START_TAIL = regex.compile(r"(?:^|[\r\n])[ \t]*(?:[-*•]|[0-9]+[.)])?[ \t]*$")


@functools.lru_cache(maxsize=512)
def template_spans(text: str) -> tuple[Span, ...]:
    """Where placeholders and template tags sit in ``text``."""
    return tuple(m.span() for m in _TEMPLATE.finditer(text))


def overlaps(spans: Sequence[Span], start: int, end: int) -> bool:
    """Does ``[start, end)`` share a character with any of the sorted ``spans``?"""
    i = bisect.bisect_left(spans, (start, start))
    for j in (i - 1, i):
        if 0 <= j < len(spans):
            s, e = spans[j]
            if s < max(end, start + 1) and start < e:
                return True
    return False


def in_template(text: str, start: int, end: int) -> bool:
    return overlaps(template_spans(text), start, end)


@functools.lru_cache(maxsize=512)
def sentence_spans(text: str) -> tuple[Span, ...]:
    """Sentences (and list items / lines) of ``text``, trimmed of whitespace and list markers."""
    out: list[Span] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        _add_sentence(text, pos, m.start(), out)
        pos = m.end()
    _add_sentence(text, pos, len(text), out)
    return tuple(out)


def _add_sentence(text: str, start: int, end: int, out: list[Span]) -> None:
    marker = _LIST_MARKER.match(text, start, end)
    if marker:
        start = marker.end()
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end))


def words(text: str, start: int = 0, end: int | None = None) -> list[regex.Match[str]]:
    return list(_WORD.finditer(text, start, len(text) if end is None else end))


def at_sentence_start(text: str, offset: int) -> bool:
    """Is ``offset`` the first word of a sentence, line or list item?"""
    i = offset
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if i == 0 or text[i - 1] in ".!?\r\n":
        return True
    return bool(_LINE_START_TAIL.search(text, max(0, offset - 80), offset))


def match_case(replacement: str, matched: str) -> str:
    """``replacement`` in the case of ``matched`` (UPPER, Capitalised or as written)."""
    letters = [c for c in matched if c.isalpha()]
    if not replacement or not letters:
        return replacement
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    if letters[0].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


def removal_edit(text: str, start: int, end: int) -> TextEdit:
    """Delete ``text[start:end]`` and the space it leaves behind, recapitalising the next word
    when the deleted words opened a sentence ("Please summarise" -> "Summarise")."""
    s, e = start, end
    while e < len(text) and text[e] in " \t":
        e += 1
    if e == len(text) or text[e] in "\r\n" or text[e] in ".,;:!?)":
        # Nothing follows on the line (or punctuation does): take the space before instead.
        e = end
        while s > 0 and text[s - 1] in " \t":
            s -= 1
        if e < len(text) and text[e] in ",;" and (s == 0 or text[s - 1] in ".!?\r\n"):
            e += 1  # a dangling comma at the start of a sentence goes too
    matched = text[start:end]
    if (
        matched[:1].isupper()
        and e < len(text)
        and text[e].islower()
        and at_sentence_start(text, start)
    ):
        return TextEdit(s, e + 1, text[e].upper())
    return TextEdit(s, e, "")


def line_bounds(text: str, start: int, end: int) -> Span:
    """The line (or lines) holding ``text[start:end]``, without the line breaks."""
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    line_end = len(text)
    for brk in ("\n", "\r"):
        k = text.find(brk, end)
        if k >= 0:
            line_end = min(line_end, k)
    return line_start, line_end


def sentence_removal(text: str, start: int, end: int) -> TextEdit:
    """Delete the sentence ``text[start:end]`` with the spaces after it; a sentence that is
    its whole line (maybe a list item) goes with the line and its break."""
    line_start, line_end = line_bounds(text, start, end)
    prefix, suffix = text[line_start:start], text[end:line_end]
    if not suffix.strip() and prefix.strip() in ("", "-", "*", "•"):
        stop = line_end
        if text.startswith("\r\n", stop):
            stop += 2
        elif stop < len(text):
            stop += 1
        return TextEdit(line_start, stop, "")
    stop = end
    while stop < len(text) and text[stop] in " \t":
        stop += 1
    if stop == end and start > 0 and text[start - 1] == " ":
        return TextEdit(start - 1, end, "")
    return TextEdit(start, stop, "")


_EXAMPLE_TAG = regex.compile(r"<(example|shot|sample)(?:\s[^>]*)?>.*?</\1\s*>", regex.I | regex.S)
_EXAMPLE_HEADER = regex.compile(
    r"^[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?(?:example|sample|shot)[ \t]*(?:#?[0-9]+|[A-Z])?"
    r"(?:\*\*)?[ \t]*[:.)\-]?(?:\*\*)?[ \t]*(?:\r?\n|$)",
    regex.I | regex.M,
)
_PAIR = regex.compile(
    r"^[ \t]*(?:input|q|question|user|human|text|review|query|customer|message|email|sentence)"
    r"[ \t]*:.*?^[ \t]*(?:output|a|answer|assistant|ai|label|sentiment|category|response|reply|"
    r"classification|result|intent)[ \t]*:[^\r\n]*",
    regex.I | regex.M | regex.S,
)
_HEADING = regex.compile(r"^[ \t]*#{1,6}[ \t]", regex.M)


@functools.lru_cache(maxsize=512)
def example_spans(text: str) -> tuple[Span, ...]:
    """Where few-shot examples sit: <example> tags, "Example N:" sections, Input/Output pairs."""
    spans = [m.span() for m in _EXAMPLE_TAG.finditer(text)]
    headers = list(_EXAMPLE_HEADER.finditer(text))
    for k, h in enumerate(headers):
        stop = headers[k + 1].start() if k + 1 < len(headers) else len(text)
        heading = _HEADING.search(text, h.end(), stop)
        spans.append((h.start(), heading.start() if heading else stop))
    if not spans:
        spans = [m.span() for m in _PAIR.finditer(text)]
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return tuple(merged)


_FENCE = regex.compile(
    r"^[ \t]*(```|~~~).*?(?:^[ \t]*\1[^\S\r\n]*$|\Z)|`[^`\r\n]+`", regex.M | regex.S
)
_QUOTED = regex.compile(r"\"[^\"\r\n]{1,300}\"|“[^”\r\n]{1,300}”")
SKIP_KINDS = ("code", "quotes", "examples")


@functools.lru_cache(maxsize=512)
def skipped_spans(text: str, kinds: tuple[str, ...]) -> tuple[Span, ...]:
    """Regions where prose rules do not look: code (fenced blocks and `inline`), quoted text,
    few-shot examples. Sorted by start (they may nest)."""
    spans: list[Span] = []
    if "code" in kinds:
        spans.extend(m.span() for m in _FENCE.finditer(text))
    if "quotes" in kinds:
        spans.extend(m.span() for m in _QUOTED.finditer(text))
    if "examples" in kinds:
        spans.extend(example_spans(text))
    return tuple(sorted(spans))


@functools.lru_cache(maxsize=64)
def _merged_skipped_spans(text: str, kinds: tuple[str, ...]) -> tuple[Span, ...]:
    """``skipped_spans`` with nested and overlapping ones merged, so a bisection finds them."""
    merged: list[Span] = []
    for s, e in skipped_spans(text, kinds):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return tuple(merged)


def is_skipped(text: str, kinds: tuple[str, ...], start: int, end: int) -> bool:
    # Called once per word or sentence: a bisection, not a scan of every skipped region.
    return bool(kinds) and overlaps(_merged_skipped_spans(text, kinds), start, end)


_FIELD = regex.compile(r"\{(match|replacement|count|max|min|value)\}")


def shorten(value: str, width: int = 48) -> str:
    """One line of at most ``width`` characters, for messages."""
    flat = " ".join(value.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def fill(template: str, **values: object) -> str:
    """Fill the known ``{field}``s of a rule message; other braces stay as written."""

    def sub(m: regex.Match[str]) -> str:
        value = values.get(m.group(1))
        if value is None:
            return m.group(0)
        if isinstance(value, float):
            return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
        if isinstance(value, int):
            return f"{value:,}"
        return shorten(str(value))

    return _FIELD.sub(sub, template)


def evidence(value: str) -> str:
    """Normalised evidence for fingerprints: case- and whitespace-insensitive."""
    return " ".join(value.split()).lower()[:200]
