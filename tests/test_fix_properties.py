"""Property tests of ``fix`` on generated Python modules holding prompts.

Modules mix quote styles, prefixes, escapes, f-string fields, implicit concatenation,
comments and surrounding code, with LF or CRLF line breaks. Whatever edits are asked for,
the fixed module must parse, its AST must equal the original one but for string constants,
every byte outside the edited literals must stay, each edited prompt must read exactly as
its applied edits say, and a second run of the real rules must change nothing.
"""

from __future__ import annotations

import ast
import io
import os
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from promptlint.config import Config
from promptlint.extract.pyliterals import LiteralError
from promptlint.extract.sections import LineIndex
from promptlint.fix.apply import FixRequest, apply_fixes
from promptlint.fix.runner import run_fix
from promptlint.models import Prompt, TextEdit
from tests.test_fix import prompt_at

EXAMPLES = int(os.environ.get("PROMPTLINT_FIX_EXAMPLES", "60"))

WORDS = [
    "Please",
    " kindly",
    " answer",
    " in order to",
    " help",
    " é",
    " 日本語",
    " 🙂",
    "  ",
    " be brief.",
    " {name}",
    " it's",
    ' "quoted"',
    "\t",
]
ESCAPES = [r"\n", r"\t", r"\\", r"\x41", r"\u00e9", r"\N{EM DASH}", r"\101", r"\0", r"\'", r"\""]
RAW_PIECES = [r"\d", r"\w+", r"\\", r"\"", r"\'"]
FIELDS = ["{name}", "{x!r}", "{y:>10}", "{{", "}}", "{a + 1}", "{items[0]}"]
PREFIXES = ["", "", "r", "R", "u", "U", "f", "F", "rf", "fR", "Rf"]
QUOTES = ['"', "'", '"""', "'''"]
CODE = [
    "import os",
    "x = 1  # please kindly",
    "def helper(a):\n    return a * 2",
    "class Config:\n    label = 'please kindly keep me'",
    "values = {'key': \"in order to\"}",
]
FILLER_WORDS = [
    "Please",
    " kindly",
    " summarize",
    " in order to",
    " the text.",
    "  ",
    " Be brief.",
    " You are a helpful assistant.",
    " 🙂",
]


@dataclass(frozen=True)
class Generated:
    source: str
    prompts: list[tuple[int, int]]  # source range of each prompt's literal(s)


@st.composite
def literal(draw: st.DrawFn, words: list[str] = WORDS) -> str:
    prefix = draw(st.sampled_from(PREFIXES))
    quote = draw(st.sampled_from(QUOTES))
    raw, fstring = "r" in prefix.lower(), "f" in prefix.lower()
    q = quote[0]
    if raw:
        # A raw string cannot escape its own quote away: keep it out of the words.
        choices = [w.replace(q, "") for w in words] + RAW_PIECES
    else:
        choices = [w.replace(q, "\\" + q) for w in words] + ESCAPES
    if fstring:
        choices += FIELDS
    if len(quote) == 3:
        choices.append("\n")
    pieces = draw(st.lists(st.sampled_from(choices), min_size=1, max_size=8))
    body = "".join(pieces)
    if not fstring:
        body = body.replace("{{", "{").replace("}}", "}")
    if len(quote) == 3 and body.endswith(q) and not body.endswith("\\" + q):
        body += " "  # a quote right before the closing triple quote would end it early
    return f"{prefix}{quote}{body}{quote}"


@st.composite
def module(draw: st.DrawFn, words: list[str] = WORDS) -> Generated:
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    parts: list[str] = []
    prompts: list[tuple[int, int]] = []
    offset = 0
    for n in range(draw(st.integers(1, 3))):
        for snippet in draw(st.lists(st.sampled_from(CODE), max_size=2)):
            text = snippet.replace("\n", newline) + newline
            parts.append(text)
            offset += len(text)
        tokens = [
            t.replace("\n", newline) for t in draw(st.lists(literal(words), min_size=1, max_size=3))
        ]
        separators = [
            draw(st.sampled_from([" ", f"  # note{newline}    ", f"{newline}    "]))
            for _ in tokens[1:]
        ]
        expr = tokens[0] + "".join(
            sep + tok for sep, tok in zip(separators, tokens[1:], strict=True)
        )
        head = f"SYSTEM_PROMPT_{n} = ({newline}    "
        parts.append(head + expr + f"{newline}){newline}")
        prompts.append((offset + len(head), offset + len(head) + len(expr)))
        offset += len(parts[-1])
    source = "".join(parts)
    try:
        ast.parse(source)
    except SyntaxError:
        assume(False)
    return Generated(source, prompts)


def make_prompt(source: str, start: int, end: int) -> Prompt:
    try:
        return prompt_at(source, start, end)
    except LiteralError:
        assume(False)
        raise


# --- what must hold ----------------------------------------------------------------------


class _StripStrings(ast.NodeTransformer):
    """String constants become one marker; f-strings keep only their fields."""

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, str):
            return ast.Constant(value="<str>")
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        self.generic_visit(node)
        node.values = [v for v in node.values if not isinstance(v, ast.Constant)]
        return node


def shape(source: str) -> str:
    return ast.dump(_StripStrings().visit(ast.parse(source)))


def string_tokens(source: str) -> list[tuple[int, int]]:
    """Source ranges of the string tokens (f-strings as one token on every Python)."""
    index = LineIndex(source)
    spans: list[tuple[int, int]] = []
    open_fstring: int | None = None
    for tok in tokenize.generate_tokens(io.StringIO(source, newline="").readline):
        start = index.offset(tok.start[0], tok.start[1] + 1)
        end = index.offset(tok.end[0], tok.end[1] + 1)
        name = tokenize.tok_name[tok.type]
        if name == "FSTRING_START":
            open_fstring = start if open_fstring is None else open_fstring
        elif name == "FSTRING_END":
            spans.append((open_fstring, end))  # type: ignore[arg-type]
            open_fstring = None
        elif tok.type == tokenize.STRING and open_fstring is None:
            spans.append((start, end))
    return spans


def gaps(source: str, spans: list[tuple[int, int]]) -> list[str]:
    out, pos = [], 0
    for start, end in spans:
        out.append(source[pos:start])
        pos = end
    out.append(source[pos:])
    return out


def opening(token: str) -> str:
    """Prefix and opening quote of a string token."""
    i = len(token) - len(token.lstrip("rRuUfFbB"))
    quote = token[i] * 3 if token.startswith(token[i] * 3, i) else token[i]
    return token[: i + len(quote)]


def assert_only_literals_changed(
    old: str, new: str
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    compile(new, "<fixed>", "exec")
    assert shape(new) == shape(old)
    old_spans, new_spans = string_tokens(old), string_tokens(new)
    assert len(old_spans) == len(new_spans)
    assert gaps(new, new_spans) == gaps(old, old_spans)
    for (a, b), (c, d) in zip(old_spans, new_spans, strict=True):
        assert opening(new[c:d]) == opening(old[a:b])
    return old_spans, new_spans


def apply_text_edits(text: str, edits: list[TextEdit]) -> str:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text


# --- properties --------------------------------------------------------------------------


@st.composite
def edits_for(draw: st.DrawFn, text: str) -> list[TextEdit]:
    edits = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 12)))
        replacement = draw(st.text(alphabet=" abé日\n'\"\\{}\t", max_size=4))
        edits.append(TextEdit(start, end, replacement))
    return edits


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_edits_change_only_what_they_say(data: st.DataObject) -> None:
    generated = data.draw(module())
    old = generated.source
    prompts = [make_prompt(old, a, b) for a, b in generated.prompts]
    requests = [
        FixRequest(prompt, (edit,))
        for prompt in prompts
        for edit in data.draw(edits_for(prompt.text))
    ]
    outcome = apply_fixes(old, requests)
    new = outcome.source
    assert sorted([*outcome.applied, *(i for i, _ in outcome.rejected)]) == list(
        range(len(requests))
    )
    old_spans, new_spans = assert_only_literals_changed(old, new)

    # Each prompt now reads exactly as its applied edits say; other literals are untouched.
    touched: set[int] = set()
    for prompt, (start, end) in zip(prompts, generated.prompts, strict=True):
        first = next(i for i, (a, _) in enumerate(old_spans) if a == start)
        last = next(i for i, (_, b) in enumerate(old_spans) if b == end)
        touched.update(range(first, last + 1))
        applied = [requests[i].edits[0] for i in outcome.applied if requests[i].prompt is prompt]
        fixed = make_prompt(new, new_spans[first][0], new_spans[last][1])
        assert fixed.text == apply_text_edits(prompt.text, applied)
    for i, ((a, b), (c, d)) in enumerate(zip(old_spans, new_spans, strict=True)):
        if i not in touched:
            assert new[c:d] == old[a:b]
    if not requests:
        assert new == old


@settings(
    max_examples=max(10, EXAMPLES // 3), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(module(FILLER_WORDS))
def test_real_rules_fix_is_valid_and_idempotent(generated: Generated) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gen_prompts.py"
        path.write_bytes(generated.source.encode("utf-8"))
        config = Config(root=folder)
        first = run_fix([str(path)], config, select=["EFF"], write=True, jobs=1)
        fixed = path.read_bytes().decode("utf-8")
        assert_only_literals_changed(generated.source, fixed)
        if fixed != generated.source:
            assert first.files and first.fixes > 0
        second = run_fix([str(path)], config, select=["EFF"], write=True, jobs=1)
        assert second.files == []
        assert path.read_bytes().decode("utf-8") == fixed
