"""Edits of Python prompts, applied to the string literals they came from.

A prompt's text is the decoded value of one or more string tokens (implicit concatenation
gives several). Each token is read into its prefix, quotes and body; libcst splits an
f-string body into text parts and replacement fields. Text is split into *units*, one per
character, escape sequence, doubled brace or line break of the source, each knowing the value
it decodes to. An edit of the prompt text becomes an edit of whole units: units whose value
the edit keeps keep their bytes (escapes, quotes and fields stay as written), only the new
characters are encoded, in the token's own quoting rules, and an edit across concatenated
parts puts its new text into the first part and removes the rest from the others.

Every rewritten token is checked before it is accepted: libcst must parse it back into one
literal of the same kind with the same fields, and its value (decoded by ``ast``,
independently of the decoder here) must equal the old value with the edits applied.
"""

from __future__ import annotations

import ast
import itertools
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from promptlint.extract.pyliterals import STR_PREFIXES, LiteralError, decode_escape, read_prefix
from promptlint.extract.sections import LineIndex
from promptlint.fix.locate import (
    EditRejected,
    SourceEdit,
    SourceLocator,
    dominant_newline,
    source_offset,
)
from promptlint.models import Prompt, TextEdit

if TYPE_CHECKING:
    import libcst as cst

_FIELD_MARK = "\x00"  # stands for a replacement field when values are compared
_NEWLINES = re.compile(r"\r\n|\r")
_SPECIAL = re.compile(r"[\\\r]")
_SPECIAL_F = re.compile(r"[\\\r{}]")


class Unit(NamedTuple):
    """One source item of a literal body and the text it decodes to (a tuple: literals
    hold thousands of them)."""

    start: int  # source offset
    end: int
    value: str
    field: bool = False  # an f-string replacement field (never edited)


@dataclass(frozen=True, slots=True)
class Token:
    """One string token of the source (one part of an implicit concatenation)."""

    start: int  # source offsets of the whole token, prefix and quotes included
    end: int
    prefix: str  # as written, e.g. "rf" or "U"
    quote: str  # ' " ''' or \"\"\"
    units: tuple[Unit, ...]

    @property
    def raw(self) -> bool:
        return "r" in self.prefix.lower()

    @property
    def fstring(self) -> bool:
        return "f" in self.prefix.lower()

    @property
    def body_start(self) -> int:
        return self.start + len(self.prefix) + len(self.quote)

    @property
    def body_end(self) -> int:
        return self.end - len(self.quote)

    def rendered(self) -> str:
        """The token's value with each field shown as one marker character."""
        return "".join(_FIELD_MARK if u.field else u.value for u in self.units)


@dataclass(frozen=True, slots=True)
class PlannedEdit:
    """A source edit inside one token, and the change it makes to the token's value."""

    edit: SourceEdit
    token: Token
    value_start: int  # offsets in ``token.rendered()``
    value_end: int
    value: str


def _decode_run(body: str, base: int, raw: bool, fstring: bool) -> list[Unit]:
    """Units of a run of literal text (no fields) starting at source offset ``base``."""
    units: list[Unit] = []
    special = _SPECIAL_F if fstring else _SPECIAL
    i, n = 0, len(body)
    while i < n:
        m = special.search(body, i)
        stop = n if m is None else m.start()
        if stop > i:  # plain characters stand for themselves
            units.extend(Unit(base + k, base + k + 1, body[k]) for k in range(i, stop))
            i = stop
            continue
        c = body[i]
        j = i + 1
        value = c
        if c == "\\" and i + 1 < n:
            nxt = body[i + 1]
            if nxt in "\r\n":
                j = i + 3 if body.startswith("\r\n", i + 1) else i + 2
                value = "\\\n" if raw else ""  # a line continuation
            elif raw:
                # A raw backslash still glues the next quote or backslash to itself.
                if nxt in "\\'\"":
                    j, value = i + 2, body[i : i + 2]
                else:
                    value = "\\"
            else:
                try:
                    value, width = decode_escape(body, i, n)
                except LiteralError as exc:
                    raise EditRejected(str(exc)) from None
                j = i + width
        elif c == "\r":
            j = i + 2 if body.startswith("\r\n", i) else i + 1
            value = "\n"
        elif fstring and c in "{}" and body.startswith(c, i + 1):
            j = i + 2
        units.append(Unit(base + i, base + j, value))
        i = j
    return units


def parse_token(source: str, start: int, end: int) -> Token:
    """The string token at ``source[start:end]``; f-strings are split into parts by libcst."""
    text = source[start:end]
    try:
        prefix, quote, body_start = read_prefix(source, start, end)
    except LiteralError:
        raise EditRejected("prompt location does not hold a string literal") from None
    body_end = end - len(quote)
    if body_end < body_start or not text.endswith(quote) or prefix.lower() not in STR_PREFIXES:
        raise EditRejected("prompt location does not hold a str literal")
    raw = "r" in prefix.lower()
    if "f" not in prefix.lower():
        units = _decode_run(source[body_start:body_end], body_start, raw, fstring=False)
        return Token(start, end, prefix, quote, tuple(units))
    import libcst as cst

    node = _libcst_literal(text)
    if not isinstance(node, cst.FormattedString) or node.start != prefix + quote:
        raise EditRejected("prompt location does not hold a single f-string")
    offset = body_start
    units = []
    for part in node.parts:
        code = _code(part)
        if isinstance(part, cst.FormattedStringText):
            units.extend(_decode_run(code, offset, raw, fstring=True))
        else:
            units.append(Unit(offset, offset + len(code), code, field=True))
        offset += len(code)
    if offset != body_end:
        raise EditRejected("f-string parts do not add up")
    return Token(start, end, prefix, quote, tuple(units))


def _libcst_literal(text: str) -> cst.BaseExpression | None:
    """libcst's reading of one literal token; None when it is not one string literal."""
    import libcst as cst

    try:
        node = cst.parse_expression(text)
    except cst.ParserSyntaxError:
        return None
    if isinstance(node, (cst.SimpleString, cst.FormattedString)) and not node.lpar:
        return node
    return None


def _code(node: cst.CSTNode) -> str:
    import libcst as cst

    return cst.Module([]).code_for_node(node)


def _ast_rendered(literal: str) -> str | None:
    """The value of a literal token by Python's own parser, fields as markers."""
    try:
        tree = _parse(f"(\n{literal}\n)", "eval").body  # type: ignore[attr-defined]
    except (SyntaxError, ValueError):
        return None
    if isinstance(tree, ast.Constant) and isinstance(tree.value, str):
        return tree.value
    if isinstance(tree, ast.JoinedStr):
        out: list[str] = []
        for value in tree.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                out.append(value.value)
            else:
                out.append(_FIELD_MARK)
        return "".join(out)
    return None


def _normalize_newlines(text: str) -> str:
    return _NEWLINES.sub("\n", text)


def encode(value: str, token: Token, newline: str) -> str:
    """Source text that decodes to ``value`` inside ``token``'s quotes."""
    triple = len(token.quote) == 3
    q = token.quote[0]
    out: list[str] = []
    for ch in value:
        if token.fstring and ch in "{}":
            raise EditRejected("replacement holds a brace inside an f-string")
        if ch == "\n" and triple:
            out.append(newline)
        elif token.raw:
            if ch in ("\\", q, "\n", "\r") or (ord(ch) < 0x20 and ch != "\t"):
                raise EditRejected(f"cannot write {ch!r} in a raw string")
            out.append(ch)
        elif ch == "\\" or ch == q:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif (ord(ch) < 0x20 and ch != "\t") or ch == "\x7f":
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "".join(out)


class PythonRewriter:
    """Turns prompt-text edits into validated source edits for one Python file."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.index = LineIndex(source)
        self._tokens: dict[tuple[int, int], Token | str] = {}
        # token start -> where each of its units starts in its rendered value (and the end)
        self._value_offsets: dict[int, list[int]] = {}
        self.newline = dominant_newline(source)

    def _token_list(self, prompt: Prompt) -> list[Token]:
        tokens: list[Token] = []
        for start_line, start_col, end_line, end_col in prompt.literals:
            key = (
                source_offset(self.index, start_line, start_col),
                source_offset(self.index, end_line, end_col),
            )
            cached = self._tokens.get(key)
            if cached is None:
                try:
                    cached = parse_token(self.source, *key)
                    if _ast_rendered(self.source[key[0] : key[1]]) != cached.rendered():
                        cached = "cannot decode this literal reliably"
                except EditRejected as exc:
                    cached = str(exc)
                self._tokens[key] = cached
            if isinstance(cached, str):
                raise EditRejected(cached)
            tokens.append(cached)
        return tokens

    def plan(self, prompt: Prompt, edits: Sequence[TextEdit]) -> list[PlannedEdit]:
        """Source edits for one fix (all of its edits, or EditRejected)."""
        if not prompt.editable:
            raise EditRejected("prompt text is built at run time")
        tokens = self._token_list(prompt)
        locator = SourceLocator(prompt, self.index)
        repeated = self._repeated(prompt, tokens)
        return [
            piece
            for edit in edits
            for piece in self._plan_one(prompt, tokens, locator, edit, repeated)
        ]

    def _repeated(self, prompt: Prompt, tokens: list[Token]) -> set[int]:
        """Tokens whose text shows up more than once in the prompt (a ``str.join`` separator):
        editing one occurrence would change them all."""
        runs: dict[int, int] = {}
        previous: Token | None = None
        for seg in prompt.source_map.segments:
            if seg.length == 0:
                continue
            try:
                offset = source_offset(self.index, seg.line, seg.col)
            except EditRejected:
                offset = -1
            token = next((t for t in tokens if t.body_start <= offset <= t.body_end), None)
            if token is not None and token is not previous:
                runs[token.start] = runs.get(token.start, 0) + 1
            previous = token
        return {start for start, count in runs.items() if count > 1}

    def _plan_one(
        self,
        prompt: Prompt,
        tokens: list[Token],
        locator: SourceLocator,
        edit: TextEdit,
        repeated: set[int],
    ) -> list[PlannedEdit]:
        a, b = locator.span(edit.start, edit.end)
        ia, ib = _token_at(tokens, a), _token_at(tokens, b)
        if ia is None or ib is None or ib < ia:
            raise EditRejected("edit falls outside the prompt's literals")
        if any(t.start in repeated for t in tokens[ia : ib + 1]):
            raise EditRejected("literal is repeated in the prompt text")
        first = _unit_at(tokens[ia].units, a, snap_forward=False)
        last = _unit_at(tokens[ib].units, b, snap_forward=True)
        # (token index, unit index) of every unit the edit covers, across concatenated parts.
        covered = [
            (k, u)
            for k in range(ia, ib + 1)
            for u in range(first if k == ia else 0, last if k == ib else len(tokens[k].units))
        ]
        value = [tokens[k].units[u] for k, u in covered]
        if any(unit.field for unit in value):
            raise EditRejected("edit covers an f-string field")
        if _normalize_newlines(prompt.text[edit.start : edit.end]) != "".join(
            u.value for u in value
        ):
            raise EditRejected("prompt text does not match the literal here")
        replacement = _normalize_newlines(edit.replacement)
        insert_at = (ia, first)
        trimmed, rest = list(covered), replacement
        # Keep units whose value the edit does not change, so their spelling stays.
        while trimmed and rest.startswith(self._value(tokens, trimmed[0])):
            rest = rest[len(self._value(tokens, trimmed[0])) :]
            insert_at = (trimmed[0][0], trimmed[0][1] + 1)
            trimmed.pop(0)
        while trimmed and rest.endswith(self._value(tokens, trimmed[-1])):
            rest = rest[: len(rest) - len(self._value(tokens, trimmed[-1]))]
            trimmed.pop()
        if not trimmed and not rest:
            return []
        if not trimmed:
            return [self._piece(tokens[insert_at[0]], insert_at[1], insert_at[1], rest)]
        if trimmed[0][0] != trimmed[-1][0]:
            # Across concatenated parts, the new text goes whole into the first part and
            # the rest of the old text is removed from the others.
            trimmed, rest = covered, replacement
        pieces: list[PlannedEdit] = []
        for k in dict.fromkeys(k for k, _ in trimmed):
            indexes = [u for kk, u in trimmed if kk == k]
            new = rest if not pieces else ""
            pieces.append(self._piece(tokens[k], indexes[0], indexes[-1] + 1, new))
        return pieces

    @staticmethod
    def _value(tokens: list[Token], at: tuple[int, int]) -> str:
        return tokens[at[0]].units[at[1]].value

    def _piece(self, token: Token, lo: int, hi: int, value: str) -> PlannedEdit:
        """Replace units ``lo:hi`` of ``token`` (an insertion when equal) with ``value``."""
        units = token.units
        src_start = units[lo].start if lo < len(units) else token.body_end
        src_end = units[hi - 1].end if hi > lo else src_start
        offsets = self._value_offsets.get(token.start)
        if offsets is None:
            # Summing the units before ``lo`` on every edit is quadratic in a long literal.
            lengths = (len(_FIELD_MARK if u.field else u.value) for u in units)
            offsets = self._value_offsets[token.start] = [0, *itertools.accumulate(lengths)]
        value_start = offsets[lo]
        value_end = value_start + sum(len(u.value) for u in units[lo:hi])
        encoded = encode(value, token, self.newline)
        return PlannedEdit(
            SourceEdit(src_start, src_end, encoded), token, value_start, value_end, value
        )

    def token_is_valid(self, token: Token, planned: Sequence[PlannedEdit]) -> bool:
        """Does ``token`` with ``planned`` applied still parse to the expected value?"""
        text = self.source[token.start : token.end]
        expected = token.rendered()
        for p in sorted(planned, key=lambda p: p.edit.start, reverse=True):
            lo, hi = p.edit.start - token.start, p.edit.end - token.start
            text = text[:lo] + p.edit.replacement + text[hi:]
            expected = expected[: p.value_start] + p.value + expected[p.value_end :]
        try:
            new = parse_token(text, 0, len(text))
        except EditRejected:
            return False
        same_fields = [u.value for u in new.units if u.field] == [
            u.value for u in token.units if u.field
        ]
        # f-strings went through libcst in parse_token; plain literals are checked by it here.
        return (
            same_fields
            and (token.fstring or _libcst_literal(text) is not None)
            and new.prefix == token.prefix
            and new.quote == token.quote
            and new.rendered() == expected
            and _ast_rendered(text) == expected
        )


def _parse(source: str, mode: str = "exec") -> ast.AST:
    with warnings.catch_warnings():
        # The user's invalid escapes are not promptlint's warnings to print.
        warnings.simplefilter("ignore")
        return ast.parse(source, mode=mode)


def module_parses(source: str) -> bool:
    try:
        _parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


def _token_at(tokens: Sequence[Token], offset: int) -> int | None:
    return next((i for i, t in enumerate(tokens) if t.body_start <= offset <= t.body_end), None)


def _unit_at(units: Sequence[Unit], offset: int, *, snap_forward: bool) -> int:
    """Index of the unit starting at source ``offset`` (len(units) at the body end).

    A boundary that falls between the CR and LF of one line break snaps to a whole break;
    one inside any other unit cannot be edited.
    """
    lo, hi = 0, len(units)
    while lo < hi:
        mid = (lo + hi) // 2
        if units[mid].end <= offset:
            lo = mid + 1
        else:
            hi = mid
    if lo == len(units) or units[lo].start == offset:
        return lo
    unit = units[lo]
    if unit.value == "\n" and unit.end - unit.start == 2:
        return lo + 1 if snap_forward else lo
    raise EditRejected("edit boundary inside an escape sequence")
