"""Find prompts in Python source.

Real code sends prompts mostly through in-house wrappers, so a prompt is recognised by any
of several signals (each recorded as ``Prompt.reason``):

- ``message-dict``: ``{"role": ..., "content": ...}``, ``dict(role=, content=)`` and role
  tuples ``("system", "...")`` in message lists;
- ``message-class``: ``SystemMessage(...)``, ``HumanMessage``, ``AIMessage``, ...;
- ``prompt-keyword``: ``system=``, ``system_prompt=``, ``instructions=``, ``prompt=``... in any call;
- ``sdk-call``: ``input=`` / ``contents=`` / ``message=`` on known SDK calls;
- ``prompt-template``: LangChain / LlamaIndex templates;
- ``agent-field``: ``Agent(role=, goal=, backstory=)``, ``Task(description=, expected_output=)``;
- ``prompt-name``: strings bound to names that follow prompt naming conventions;
- ``prompt-builder``: same-file functions that build and return the text;
- ``configured-call`` / ``configured-keyword`` / ``configured-name``: the config's patterns.

A name or call used where a prompt goes is resolved within the file, so the prompt is
reported where its literal text is written. Speed: a cheap text pre-filter rejects files
that cannot hold any signal, so most files are never parsed; the rest go through ``ast``.

Beside this module: ``pyfilter`` (the pre-filter), ``pyheuristics`` (prose and name tests
that keep look-alikes out), ``pyliterals`` (literals decoded with a source map) and
``pycomments`` (``# promptlint:`` directives).
"""

from __future__ import annotations

import ast
import bisect
import functools
import gc
import re
import string
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from promptlint.config import Config
from promptlint.extract.pycomments import read_comments
from promptlint.extract.pyfilter import Patterns, config_patterns, may_hold_prompts
from promptlint.extract.pyheuristics import (
    is_prompt_name,
    looks_like_prose,
    mentions_llm,
    name_says_prompt,
    opens_like_prompt,
)
from promptlint.extract.pyliterals import DecodedLiteral, LiteralError, decode
from promptlint.models import (
    Directive,
    ExtractResult,
    Prompt,
    RegistryLoad,
    Segment,
    SourceMap,
    Span,
)

# -- vocabulary ------------------------------------------------------------------------------

_MESSAGE_CLASSES = {
    "SystemMessage": "system",
    "HumanMessage": "user",
    "UserMessage": "user",
    "AIMessage": "assistant",
    "AssistantMessage": "assistant",
    "DeveloperMessage": "developer",
    "ChatMessage": None,
}
_ROLE_WORDS = {
    "system": "system",
    "developer": "developer",
    "user": "user",
    "human": "user",
    "assistant": "assistant",
    "ai": "assistant",
    "model": "assistant",
}
# keyword -> role of the text it carries, in any call
_PROMPT_KEYWORDS = {
    "system": "system",
    "system_prompt": "system",
    "system_message": "system",
    "system_instruction": "system",
    "system_instructions": "system",
    "instructions": "system",
    "prompt": None,
}
_AGENT_FIELDS = ("role", "goal", "backstory", "instructions", "system_prompt", "description")
_AGENT_MARKERS = frozenset({"goal", "backstory", "instructions"})
_TASK_FIELDS = ("description", "expected_output")
_TASK_MARKERS = frozenset({"expected_output", "agent"})
_TEMPLATE_FIELDS = ("template", "prefix", "suffix")
_TEMPLATE_ROLES = {
    "SystemMessagePromptTemplate": "system",
    "HumanMessagePromptTemplate": "user",
    "AIMessagePromptTemplate": "assistant",
}
# Calls whose message list (first positional argument) is sent to a chat model.
_MESSAGE_LIST_METHODS = frozenset({"invoke", "ainvoke", "stream", "astream", "batch", "abatch"})
# Known SDK calls: dotted suffix -> keywords that carry user text there.
# Known SDK calls whose keyword carries user text: last name -> ((dotted suffix, keywords), ...).
_INPUT = frozenset({"input"})
_CONTENTS = frozenset({"contents"})
_SDK_TEXT_KEYWORDS: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {
    "create": (("responses.create", _INPUT),),  # OpenAI Responses
    "stream": (("responses.stream", _INPUT),),
    "parse": (("responses.parse", _INPUT),),
    "generate_content": (("generate_content", _CONTENTS),),  # Google genai
    "generate_content_stream": (("generate_content_stream", _CONTENTS),),
    "generate_content_async": (("generate_content_async", _CONTENTS),),
    "chat": (("co.chat", frozenset({"message"})), ("cohere.chat", frozenset({"message"}))),
}
# Calls that receive the messages of one request (their keywords give model/max tokens).
_MESSAGE_KEYWORDS = frozenset({"messages", "input", "contents"})
_MODEL_KEYWORDS = ("model", "model_name")
_MAX_TOKEN_KEYWORDS = ("max_tokens", "max_output_tokens", "max_completion_tokens")
# Keywords of a configured call that never carry prompt text.
_META_KEYWORDS = frozenset(
    {
        "model",
        "model_name",
        "engine",
        "temperature",
        "top_p",
        "max_tokens",
        "stop",
        "user",
        "name",
        "id",
        "response_format",
        "tool_choice",
        "tools",
        "seed",
        "stream",
        "timeout",
    }
)
# Interactive input: their prompts are questions to a human, never to a model.
_INTERACTIVE_MODULES = frozenset(
    {
        "click",
        "typer",
        "prompt_toolkit",
        "getpass",
        "questionary",
        "inquirer",
        "InquirerPy",
    }
)
_INTERACTIVE_CALLS = frozenset(
    {
        "input",
        "raw_input",
        "getpass",
        "PromptSession",
        "option",
        "Option",
        "argument",
        "Argument",
        "confirm",
    }
)
_RICH_PROMPTS = frozenset({"Prompt", "Confirm", "IntPrompt", "FloatPrompt"})
_DEDENT_CALLS = frozenset({"dedent", "textwrap.dedent", "cleandoc", "inspect.cleandoc"})
_STRIP_METHODS = frozenset({"strip", "lstrip", "rstrip"})

# Reasons found where the prompt is used beat the bare naming convention.
_PRIORITY = {"prompt-name": 1, "configured-name": 1, "prompt-builder": 2}
_USAGE_PRIORITY = 3

# -- records ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Binding:
    line: int
    col: int
    op: str  # "=", "+=", "append", "extend"
    value: ast.expr


@dataclass(slots=True)
class _Scope:
    kind: str  # module | class | function
    name: str
    parent: _Scope | None
    cls: _Scope | None = None  # the class of a method
    bindings: dict[str, list[_Binding]] = field(default_factory=dict)
    attrs: dict[str, list[_Binding]] = field(default_factory=dict)  # class: self.X and X
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    params: set[str] = field(default_factory=set)

    def bind(self, name: str, binding: _Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)


@dataclass(slots=True)
class _Text:
    """Prompt text resolved from source, with where each piece of it came from."""

    text: str
    segments: list[Segment]
    literals: list[tuple[int, int, int, int]]
    variables: list[str]
    editable: bool
    style: str = ""  # format | percent | jinja | none; "" = decide from the text
    owner: str | None = None  # the name it was bound to
    builder: str | None = None  # the function that built it

    @property
    def start(self) -> tuple[int, int]:
        return self.literals[0][0], self.literals[0][1]

    @property
    def end(self) -> tuple[int, int]:
        return self.literals[-1][2], self.literals[-1][3]


@dataclass(frozen=True, slots=True)
class _CallContext:
    """The call (or request payload) a prompt is sent with."""

    call_id: str
    owner: str
    line: int
    model: str | None = None
    max_output_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class _CallSite:
    node: ast.Call
    scope: _Scope
    name: str  # dotted name of the called function
    last: str  # its last component
    pairs: dict[str, ast.expr]  # keyword arguments


@dataclass(slots=True)
class _Found:
    text: _Text
    reason: str
    role: str | None
    owner: str | None
    context: _CallContext | None
    priority: int


def dotted_name(node: ast.expr) -> str:
    """``client.chat.completions.create`` for a call's ``func``; ``f().g`` for call chains."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted_name(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{dotted_name(node.func)}()"
    return "?"


def _matches_call(name: str, pattern: str) -> bool:
    return name == pattern or name.endswith("." + pattern)


def _is_interactive(name: str) -> bool:
    parts = name.split(".")
    last = parts[-1]
    if parts[0] in _INTERACTIVE_MODULES or last in _INTERACTIVE_CALLS:
        return True
    if last == "prompt":  # prompt_toolkit: prompt(...), session.prompt(...)
        return len(parts) == 1 or "session" in parts[-2].lower()
    return last == "ask" and len(parts) > 1 and parts[-2] in _RICH_PROMPTS


def _const_str(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _role_of(node: ast.expr | None) -> str | None:
    """A role from a literal ``"system"`` or an enum member such as ``MessageRole.SYSTEM``."""
    word = _const_str(node)
    if word is None and isinstance(node, ast.Attribute):
        word = node.attr
    if word is None:
        return None
    return _ROLE_WORDS.get(word.lower(), word.lower() if word.isalpha() else None)


_FORMAT_FIELD_NAME = re.compile(r"(?:[A-Za-z_]\w*|\d+)(?:\.\w+|\[[^\]]*\])*")


def _format_fields(text: str) -> list[str] | None:
    """Replacement field names of a ``str.format`` template, or None if it is not one."""
    names: list[str] = []
    auto = 0
    try:
        for _, name, _, _ in string.Formatter().parse(text):
            if name is None:
                continue
            if name == "":
                names.append(str(auto))
                auto += 1
                continue
            if not _FORMAT_FIELD_NAME.fullmatch(name):
                return None  # e.g. a JSON example: {"name": ...}
            names.append(name)
    except ValueError:
        return None
    return names


_ONLY_FIELDS = re.compile(r"\s*(?:\{[^{}]+\}\s*)+")
_PERCENT_FIELD = re.compile(r"%(?:\((\w+)\))?[#0 +-]*(?:\*|\d+)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
_JINJA_FIELD = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)[^{}]*\}\}|\{%")


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


# -- the per-file analysis -------------------------------------------------------------------


class _FileAnalysis:
    """Everything the signals need about one parsed file."""

    def __init__(self, path: str, text: str, tree: ast.Module, patterns: Patterns) -> None:
        self.path = path
        self.text = text
        self.patterns = patterns
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
        self.module = _Scope("module", "", None)
        self.classes: dict[str, _Scope] = {}
        self.function_scopes: dict[int, _Scope] = {}
        self.methods: dict[str, list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, _Scope]]] = {}
        self.calls: list[_CallSite] = []
        self.dicts: list[tuple[ast.Dict, _Scope, dict[str, ast.expr]]] = []
        self.assignments: list[tuple[ast.expr, ast.expr, _Scope]] = []  # target, value, scope
        self.statements: list[tuple[int, int]] = []
        self.interactive_names: set[str] = set()
        self.formatted_names: set[str] = set()
        self.percent_names: set[str] = set()
        self.registry_load_names = {"registry.load"}  # + `load` imported from promptlint.registry
        self._llm: bool | None = None
        self.found: dict[tuple[int, int, int, int], _Found] = {}
        self.list_context: dict[int, _CallContext] = {}
        self._decoded: dict[int, _Text | None] = {}
        self._built: dict[int, _Text | None] = {}
        self._building: set[int] = set()
        self._index(tree)

    # positions ------------------------------------------------------------------------------

    def locate(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.line_starts, offset) - 1
        return i + 1, offset - self.line_starts[i] + 1

    def offset(self, line: int, byte_col: int) -> int:
        """Absolute character offset of an ast position (``col_offset`` counts UTF-8 bytes)."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        chunk = self.text[start:end]
        if chunk.isascii():
            return start + byte_col
        return start + len(chunk.encode("utf-8")[:byte_col].decode("utf-8", "replace"))

    def node_range(self, node: ast.expr) -> tuple[int, int]:
        assert node.end_lineno is not None and node.end_col_offset is not None
        return (
            self.offset(node.lineno, node.col_offset),
            self.offset(node.end_lineno, node.end_col_offset),
        )

    # indexing -------------------------------------------------------------------------------

    def _index(self, tree: ast.Module) -> None:
        """One pre-order pass: scopes, bindings, calls, dicts, statement ranges."""
        for stmt in tree.body:  # the walk skips imports; module-level ones name `load`
            if isinstance(stmt, ast.ImportFrom) and stmt.module == "promptlint.registry":
                self.registry_load_names.update(
                    a.asname or a.name for a in stmt.names if a.name == "load"
                )
        stack: list[tuple[ast.AST, _Scope]] = [(tree, self.module)]
        push = stack.append
        while stack:
            node, scope = stack.pop()
            cls = type(node)
            if cls is ast.Call:
                self._index_call(node, scope)  # type: ignore[arg-type]
            elif cls is ast.Dict:
                self.dicts.append((node, scope, _dict_pairs(node)))  # type: ignore[arg-type]
            elif cls is ast.FunctionDef or cls is ast.AsyncFunctionDef:
                scope = self._enter_function(node, scope)  # type: ignore[arg-type]
            elif cls is ast.ClassDef:
                inner = _Scope("class", node.name, scope)  # type: ignore[attr-defined]
                if scope.kind == "module":
                    self.classes[inner.name] = inner
                for child in reversed(node.body):  # type: ignore[attr-defined]
                    push((child, inner))
                for child in (*node.decorator_list, *node.bases, *node.keywords):  # type: ignore[attr-defined]
                    push((child, scope))
                continue
            elif cls is ast.BinOp:
                if type(node.op) is ast.Mod:  # type: ignore[attr-defined]
                    name = self._name_key(node.left)  # type: ignore[attr-defined]
                    if name:
                        self.percent_names.add(name)
            elif isinstance(node, ast.stmt):
                if cls not in _COMPOUND:
                    self.statements.append((node.lineno, node.end_lineno or node.lineno))
                self._index_statement(node, scope)
            for fname in _child_fields(cls):
                value = getattr(node, fname, None)
                if type(value) is list:
                    for item in reversed(value):
                        if type(item) not in _NOT_VISITED:
                            push((item, scope))
                elif type(value) not in _NOT_VISITED:
                    push((value, scope))
        for sc in (self.module, *self.classes.values(), *self.function_scopes.values()):
            for table in (sc.bindings, sc.attrs):
                for bindings in table.values():
                    bindings.sort(key=lambda b: (b.line, b.col))

    def _enter_function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: _Scope
    ) -> _Scope:
        inner = _Scope("function", node.name, scope, scope if scope.kind == "class" else scope.cls)
        args = node.args
        every = (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg)
        inner.params = {a.arg for a in every if a is not None}
        scope.functions[node.name] = node
        if scope.kind == "class":
            self.methods.setdefault(node.name, []).append((node, inner))
        self.function_scopes[id(node)] = inner
        return inner

    @staticmethod
    def _name_key(node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            return node.attr
        return None

    def _index_statement(self, node: ast.stmt, scope: _Scope) -> None:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is None:
                return
            for target in targets:
                self._bind(target, "=", node.value, scope, node)
                self.assignments.append((target, node.value, scope))
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
            self._bind(node.target, "+=", node.value, scope, node)
        elif (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr in ("append", "extend")
            and len(node.value.args) == 1
        ):
            self._bind(node.value.func.value, node.value.func.attr, node.value.args[0], scope, node)

    def _bind(
        self, target: ast.expr, op: str, value: ast.expr, scope: _Scope, stmt: ast.stmt
    ) -> None:
        binding = _Binding(stmt.lineno, stmt.col_offset, op, value)
        if isinstance(target, ast.Name):
            scope.bind(target.id, binding)
            if scope.kind == "class":
                scope.attrs.setdefault(target.id, []).append(binding)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            owner = target.value.id
            if owner in ("self", "cls"):
                cls = scope if scope.kind == "class" else scope.cls
            else:
                cls = self.classes.get(owner)
            if cls is not None:
                cls.attrs.setdefault(target.attr, []).append(binding)

    def _index_call(self, node: ast.Call, scope: _Scope) -> None:
        name = dotted_name(node.func)
        pairs = {kw.arg: kw.value for kw in node.keywords if kw.arg}
        self.calls.append(_CallSite(node, scope, name, name.rsplit(".", 1)[-1], pairs))
        if _is_interactive(name):
            for arg in (*node.args, *(kw.value for kw in node.keywords)):
                key = self._name_key(arg)
                if key:
                    self.interactive_names.add(key)
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "format_map"):
            key = self._name_key(node.func.value)
            if key:
                self.formatted_names.add(key)

    def registry_loads(self) -> list[RegistryLoad]:
        """``registry.load(...)`` calls (and ``load`` imported from promptlint.registry)."""
        out = []
        for call in self.calls:
            node = call.node
            if not (call.name in self.registry_load_names or call.name.endswith(".registry.load")):
                continue
            first = node.args[0] if node.args else None
            spec = first.value if isinstance(first, ast.Constant) else None
            line, col = self.locate(self.offset(node.lineno, node.col_offset))
            end_line = node.end_lineno or node.lineno
            _, end_col = self.locate(self.offset(end_line, node.end_col_offset or 0))
            span = Span(self.path, line, col, end_line, end_col)
            out.append(RegistryLoad(span, spec if isinstance(spec, str) else None))
        return sorted(out, key=lambda load: (load.span.line, load.span.col))

    # name resolution ------------------------------------------------------------------------

    def _lookup(
        self, bindings: list[_Binding], line: int, same_scope: bool
    ) -> tuple[_Binding, list[_Binding]] | None:
        """The binding in effect at ``line`` and the additions made to it since."""
        plain = [b for b in bindings if b.op == "="]
        if same_scope:
            before = [b for b in plain if b.line < line] or [b for b in plain if b.line == line]
        else:
            before = plain
        if not before:
            return None
        base = before[-1]
        until = line if same_scope else 1 << 30
        extra = [b for b in bindings if b.op != "=" and base.line < b.line < until]
        return base, extra

    def _resolve_name(self, name: str, scope: _Scope, line: int, depth: int) -> _Text | None:
        s: _Scope | None = scope
        first = True
        while s is not None:
            if s.kind == "class" and not first:
                s = s.parent
                continue
            if name in s.params:
                return None
            bindings = s.bindings.get(name)
            if bindings:
                found = self._lookup(bindings, line, first)
                if found is None:
                    return None
                return self._with_additions(found, s, name, depth)
            s = s.parent
            first = False
        return None

    def _resolve_attr(self, node: ast.Attribute, scope: _Scope, depth: int) -> _Text | None:
        if not isinstance(node.value, ast.Name):
            return None
        owner = node.value.id
        cls = self.classes.get(owner) if owner not in ("self", "cls") else scope.cls
        if cls is None and scope.kind == "class" and owner in ("self", "cls"):
            cls = scope
        if cls is None:
            return None
        bindings = cls.attrs.get(node.attr)
        if not bindings:
            return None
        found = self._lookup(bindings, 1 << 30, False)
        if found is None:
            return None
        label = f"{owner}.{node.attr}" if owner in ("self", "cls") else f"{cls.name}.{node.attr}"
        return self._with_additions(found, cls, label, depth)

    def _with_additions(
        self, found: tuple[_Binding, list[_Binding]], scope: _Scope, owner: str, depth: int
    ) -> _Text | None:
        base, extra = found
        if isinstance(base.value, (ast.List, ast.Tuple)):
            return None  # a list is not text; join() reads it through _list_items
        pieces: list[_Text | None] = [self.resolve(base.value, scope, base.line, depth + 1)]
        if pieces[0] is None:
            return None
        for b in extra:
            if b.op == "+=":
                pieces.append(
                    self.resolve(b.value, scope, b.line, depth + 1) or self._placeholder(b.value)
                )
        text = pieces[0] if len(pieces) == 1 else self._concat(pieces, dynamic=True)
        if text is not None and text.owner is None:
            text.owner = owner
        return text

    def _list_items(self, node: ast.expr, scope: _Scope, line: int) -> list[ast.expr] | None:
        """Elements of a list literal, or of a list name built by append/extend."""
        if isinstance(node, (ast.List, ast.Tuple)):
            return list(node.elts)
        if not isinstance(node, ast.Name):
            return None
        s: _Scope | None = scope
        while s is not None and node.id not in s.bindings:
            if node.id in s.params:
                return None
            s = s.parent
        if s is None:
            return None
        found = self._lookup(s.bindings[node.id], line, s is scope)
        if found is None or not isinstance(found[0].value, (ast.List, ast.Tuple)):
            return None
        items = list(found[0].value.elts)
        for b in found[1]:
            if b.op == "append":
                items.append(b.value)
            elif isinstance(b.value, (ast.List, ast.Tuple)):
                items.extend(b.value.elts)
        return items

    # text resolution ------------------------------------------------------------------------

    def literal(self, node: ast.Constant | ast.JoinedStr) -> _Text | None:
        key = id(node)
        if key not in self._decoded:
            self._decoded[key] = self._decode_literal(node)
        cached = self._decoded[key]
        if cached is None:
            return None
        return _Text(
            cached.text,
            cached.segments,
            list(cached.literals),
            list(cached.variables),
            cached.editable,
            cached.style,
        )

    def _decode_literal(self, node: ast.Constant | ast.JoinedStr) -> _Text | None:
        start, end = self.node_range(node)
        try:
            dec: DecodedLiteral | None = decode(self.text, start, end, self.locate)
        except (LiteralError, ValueError, IndexError, KeyError):
            dec = None
        if isinstance(node, ast.Constant) and (dec is None or dec.text != node.value):
            # The decoder disagrees with Python: keep Python's value, mapped coarsely.
            if not isinstance(node.value, str):
                return None
            dec = DecodedLiteral(
                node.value,
                [Segment(0, len(node.value), *self.locate(start), False, 1)],
                [(start, end)],
            )
        if dec is None:
            assert isinstance(node, ast.JoinedStr)
            value = "".join(
                v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"  # type: ignore[attr-defined]
                for v in node.values
            )
            dec = DecodedLiteral(
                value, [Segment(0, len(value), *self.locate(start), False, 1)], [(start, end)]
            )
        literals = [(*self.locate(a), *self.locate(b)) for a, b in dec.parts]
        return _Text(
            dec.text,
            dec.segments,
            literals,
            list(dec.fields),
            True,
            "format" if dec.fstring else "",
        )

    def _placeholder(self, node: ast.expr) -> _Text:
        """A value only known at run time, shown as ``{source}``."""
        start, end = self.node_range(node)
        src = " ".join(self.text[start:end].split())
        line, col = self.locate(start)
        width = end - start if "\n" not in self.text[start:end] else 1
        shown = "{" + src + "}"
        return _Text(shown, [Segment(0, len(shown), line, col, False, width)], [], [src], False)

    def _concat(
        self, pieces: list[_Text | None], dynamic: bool, sep: _Text | None = None
    ) -> _Text | None:
        real = [p for p in pieces if p is not None]
        if not any(p.literals for p in real):
            return None
        chunks: list[str] = []
        segments: list[Segment] = []
        literals: list[tuple[int, int, int, int]] = []
        variables: list[str] = []
        offset = 0
        styles = set()
        for i, piece in enumerate(real):
            parts = [piece] if sep is None or i == 0 else [sep, piece]
            for part in parts:
                for s in part.segments:
                    segments.append(
                        Segment(s.start + offset, s.length, s.line, s.col, s.linear, s.src_len)
                    )
                chunks.append(part.text)
                offset += len(part.text)
            literals.extend(piece.literals)
            variables.extend(piece.variables)
            if piece.style:
                styles.add(piece.style)
        if sep is not None:
            literals.extend(sep.literals)
        literals.sort()
        style = "format" if "format" in styles else (styles.pop() if len(styles) == 1 else "")
        return _Text("".join(chunks), segments, literals, variables, not dynamic, style)

    def resolve(self, node: ast.expr, scope: _Scope, line: int, depth: int = 0) -> _Text | None:
        """The prompt text ``node`` evaluates to, as far as this file shows it."""
        if depth > 12:
            return None
        if isinstance(node, ast.Constant):
            return self.literal(node) if isinstance(node.value, str) else None
        if isinstance(node, ast.JoinedStr):
            return self.literal(node)
        if isinstance(node, ast.Name):
            return self._resolve_name(node.id, scope, line, depth)
        if isinstance(node, ast.Attribute):
            return self._resolve_attr(node, scope, depth)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Add):
                left = self.resolve(node.left, scope, line, depth + 1) or self._placeholder(
                    node.left
                )
                right = self.resolve(node.right, scope, line, depth + 1) or self._placeholder(
                    node.right
                )
                return self._concat([left, right], dynamic=True)
            if isinstance(node.op, ast.Mod):
                return self._percent(node, scope, line, depth)
            return None
        if isinstance(node, ast.Call):
            return self._resolve_call(node, scope, line, depth)
        return None

    def _percent(self, node: ast.BinOp, scope: _Scope, line: int, depth: int) -> _Text | None:
        base = self.resolve(node.left, scope, line, depth + 1)
        if base is None:
            return None
        names = [
            m.group(1) for m in _PERCENT_FIELD.finditer(base.text) if not m.group(0).endswith("%%")
        ]
        values = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        sources = [self._source(v) for v in values]
        variables = [
            n if n else (sources[i] if i < len(sources) else str(i)) for i, n in enumerate(names)
        ]
        base.variables = variables
        base.style = "percent"
        return base

    def _source(self, node: ast.expr) -> str:
        start, end = self.node_range(node)
        return " ".join(self.text[start:end].split())

    def _resolve_call(self, node: ast.Call, scope: _Scope, line: int, depth: int) -> _Text | None:
        func = node.func
        name = dotted_name(func)
        if name in _DEDENT_CALLS and node.args:
            return self.resolve(node.args[0], scope, line, depth + 1)
        if isinstance(func, ast.Attribute):
            if func.attr in _STRIP_METHODS:
                return self.resolve(func.value, scope, line, depth + 1)
            if func.attr in ("format", "format_map"):
                base = self.resolve(func.value, scope, line, depth + 1)
                if base is not None:
                    fields = _format_fields(base.text) or []
                    args = [self._source(a) for a in node.args]
                    base.variables = [
                        args[int(f)] if f.isdigit() and int(f) < len(args) else f for f in fields
                    ]
                    base.style = "format"
                return base
            if func.attr == "join" and _const_str(func.value) is not None and node.args:
                items = self._list_items(node.args[0], scope, line)
                if items is None:
                    return None
                sep = self.literal(func.value)  # type: ignore[arg-type]
                pieces = [
                    self.resolve(i, scope, line, depth + 1) or self._placeholder(i) for i in items
                ]
                joined = self._concat(pieces, dynamic=True, sep=sep if sep and sep.text else None)
                return joined
        target = self._function_for(func, scope)
        if target is not None:
            return self._function_text(*target, depth)
        return None

    def _function_for(
        self, func: ast.expr, scope: _Scope
    ) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, _Scope, str] | None:
        """The same-file function a call runs, when it can be told."""
        if isinstance(func, ast.Name):
            s: _Scope | None = scope
            while s is not None:
                if s.kind != "class" and func.id in s.functions:
                    fn = s.functions[func.id]
                    return fn, self.function_scopes[id(fn)], func.id
                s = s.parent
            return None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            owner = func.value.id
            cls = scope.cls if owner in ("self", "cls") else self.classes.get(owner)
            if cls is not None and func.attr in cls.functions:
                fn = cls.functions[func.attr]
                return fn, self.function_scopes[id(fn)], f"{cls.name}.{func.attr}"
            candidates = self.methods.get(func.attr, [])
            if len(candidates) == 1:
                fn, fscope = candidates[0]
                assert fscope.cls is not None
                return fn, fscope, f"{fscope.cls.name}.{func.attr}"
        return None

    def _function_text(
        self, fn: ast.FunctionDef | ast.AsyncFunctionDef, fscope: _Scope, label: str, depth: int
    ) -> _Text | None:
        key = id(fn)
        if key in self._built:
            return self._copy(self._built[key])
        if key in self._building:
            return None
        self._building.add(key)
        try:
            result = None
            for ret in _returns(fn):
                assert ret.value is not None
                text = self.resolve(ret.value, fscope, ret.lineno, depth + 1)
                if text is not None:
                    result = text
                    break
            if result is not None:
                result.editable = False
                result.builder = label
                result.owner = None
            self._built[key] = result
        finally:
            self._building.discard(key)
        return self._copy(result)

    @staticmethod
    def _copy(text: _Text | None) -> _Text | None:
        if text is None:
            return None
        return _Text(
            text.text,
            text.segments,
            list(text.literals),
            list(text.variables),
            text.editable,
            text.style,
            text.owner,
            text.builder,
        )

    # signals --------------------------------------------------------------------------------

    def context(
        self, node: ast.Call | ast.Dict, owner: str, pairs: dict[str, ast.expr]
    ) -> _CallContext:
        model = None
        for key in _MODEL_KEYWORDS:
            value = pairs.get(key)
            model = _const_str(value)
            if model is None and isinstance(value, ast.Name):
                bound = self.module.bindings.get(value.id)
                model = _const_str(bound[-1].value) if bound else None
            if model:
                break
        max_tokens = None
        for key in _MAX_TOKEN_KEYWORDS:
            value = pairs.get(key)
            if isinstance(value, ast.Constant) and type(value.value) is int:
                max_tokens = value.value
                break
        line, col = self.locate(self.offset(node.lineno, node.col_offset))
        return _CallContext(f"{self.path}:{line}:{col}", owner, line, model, max_tokens)

    def add(
        self,
        text: _Text | None,
        reason: str,
        role: str | None,
        owner: str | None,
        context: _CallContext | None,
        *,
        prose: bool = False,
    ) -> None:
        if text is None or not text.literals or not text.text.strip():
            return
        if reason != "prompt-template" and _ONLY_FIELDS.fullmatch(text.text):
            return  # f"{question}" passes a value through; only a template shows its fields
        if prose and not looks_like_prose(text.text):
            return
        if text.builder and reason not in _PRIORITY:
            reason = "prompt-builder"
        priority = _PRIORITY.get(reason, _USAGE_PRIORITY)
        owner = text.builder or text.owner or owner
        key = (*text.start, *text.end)
        seen = self.found.get(key)
        if seen is None or priority > seen.priority:
            if seen is not None:
                role = role or seen.role
                context = context or seen.context
            self.found[key] = _Found(text, reason, role, owner, context, priority)
        else:
            seen.role = seen.role or role
            seen.context = seen.context or context

    def add_value(
        self,
        node: ast.expr,
        scope: _Scope,
        reason: str,
        role: str | None,
        owner: str | None,
        context: _CallContext | None,
        *,
        prose: bool,
    ) -> None:
        """Text, or a list of content blocks (``{"type": "text", "text": ...}``) and strings."""
        if not isinstance(node, (ast.List, ast.Tuple)):
            text = self.resolve(node, scope, node.lineno)
            self.add(text, reason, role, owner, context, prose=prose)
            return
        for item in node.elts:
            value: ast.expr | None = None
            if isinstance(item, ast.Dict):
                value = _dict_pairs(item).get("text")
            elif isinstance(item, (ast.Constant, ast.JoinedStr)):
                value = item
            if value is not None:
                text = self.resolve(value, scope, value.lineno)
                self.add(text, reason, role, owner, context, prose=prose)

    def run(self) -> None:
        calls = sorted(self.calls, key=lambda c: (c.node.lineno, c.node.col_offset))
        for site in calls:
            self._mark_message_lists(site)
        for node, scope, pairs in self.dicts:
            if "messages" in pairs:
                ctx = self.context(node, "messages", pairs)
                self._mark(pairs["messages"], scope, node.lineno, ctx, "message-dict")
        for target, value, scope in self.assignments:
            # A message list kept in a variable is one conversation even if no call is seen.
            if (
                isinstance(target, ast.Name)
                and isinstance(value, ast.List)
                and _has_messages(value)
            ):
                line, col = self.locate(self.offset(value.lineno, value.col_offset))
                ctx = _CallContext(f"{self.path}:{line}:{col}", target.id, line)
                self._mark(value, scope, value.lineno, ctx, "message-dict", tuples=False)
        for site in calls:
            self._call_signals(site)
        for node, scope, pairs in self.dicts:
            self._dict_signals(node, scope, pairs)
        for target, value, scope in self.assignments:
            self._name_signal(target, value, scope)
        self._builder_names()

    def _mark_message_lists(self, site: _CallSite) -> None:
        call, scope, name, last, pairs = site.node, site.scope, site.name, site.last, site.pairs
        template = last in ("from_messages", "ChatPromptTemplate")
        reason = "prompt-template" if template else "message-dict"
        targets = [(pairs[key], reason) for key in _MESSAGE_KEYWORDS if key in pairs]
        if call.args and template:
            targets.append((call.args[0], reason))
        elif call.args and last in _MESSAGE_LIST_METHODS:
            targets.append((call.args[0], "message-dict"))
        elif call.args and any(_matches_call(name, p) for p in self.patterns.calls):
            targets.extend((a, "message-dict") for a in call.args)
        if not targets:
            return
        ctx = self.context(call, name, pairs)
        for node, reason in targets:
            self._mark(node, scope, call.lineno, ctx, reason)

    def _mark(
        self,
        node: ast.expr,
        scope: _Scope,
        line: int,
        ctx: _CallContext,
        reason: str,
        *,
        tuples: bool = True,
    ) -> None:
        """Give the messages of a list their call; read role tuples in it (when ``tuples``:
        a list of pairs is only a conversation where a model call receives it)."""
        items = self._list_items(node, scope, line)
        if items is None:
            return
        for item in items:
            for sub in ast.walk(item):
                if isinstance(sub, (ast.Dict, ast.Call)):
                    self.list_context.setdefault(id(sub), ctx)
            if tuples and isinstance(item, ast.Tuple) and len(item.elts) == 2:
                role_word = _const_str(item.elts[0])
                if role_word and role_word.lower() in _ROLE_WORDS:
                    text = self.resolve(item.elts[1], scope, item.lineno)
                    if text is not None and reason == "prompt-template":
                        text.style = "format"
                    role = _ROLE_WORDS[role_word.lower()]
                    self.add(text, reason, role, ctx.owner, ctx)

    def _call_context(self, call: ast.Call, name: str, pairs: dict[str, ast.expr]) -> _CallContext:
        ctx = self.list_context.get(id(call))
        if ctx is None:
            ctx = self.context(call, name, pairs)
            self.list_context[id(call)] = ctx
        return ctx

    def _call_signals(self, site: _CallSite) -> None:
        call, scope, name, last, pairs = site.node, site.scope, site.name, site.last, site.pairs
        outer = self.list_context.get(id(call))  # the request this call's value is part of
        if last in _MESSAGE_CLASSES and (call.args or "content" in pairs):
            content = call.args[0] if call.args else pairs["content"]
            role = _MESSAGE_CLASSES[last] or _role_of(pairs.get("role"))
            owner = outer.owner if outer else last
            self.add_value(content, scope, "message-class", role, owner, outer, prose=False)
            return
        if name == "dict" and "role" in pairs and "content" in pairs:
            owner = outer.owner if outer else None
            role = _role_of(pairs["role"])
            self.add_value(pairs["content"], scope, "message-dict", role, owner, outer, prose=False)
            return
        if _is_interactive(name):
            return
        if any(_matches_call(name, p) for p in self.patterns.calls):
            ctx = self._call_context(call, name, pairs)
            for arg in call.args:
                self.add_value(arg, scope, "configured-call", None, name, ctx, prose=True)
            for key, value in pairs.items():
                if key not in _META_KEYWORDS:
                    role = _PROMPT_KEYWORDS.get(key)
                    self.add_value(value, scope, "configured-call", role, name, ctx, prose=True)
            return
        if last in _TEMPLATE_ROLES or last == "from_template" or last.endswith("PromptTemplate"):
            self._template_signals(call, name, last, pairs, scope)
            return
        if last.endswith("Agent") and _AGENT_MARKERS & pairs.keys():
            self._fields(call, name, pairs, scope, _AGENT_FIELDS, "system")
            return
        if last == "Task" and _TASK_MARKERS & pairs.keys():
            self._fields(call, name, pairs, scope, _TASK_FIELDS, "user")
            return
        for suffix, keys in _SDK_TEXT_KEYWORDS.get(last, ()):
            if _matches_call(name, suffix):
                values = [pairs[k] for k in keys & pairs.keys()]
                if "contents" in keys and call.args:
                    values.append(call.args[0])
                ctx = self._call_context(call, name, pairs)
                for value in values:
                    self.add_value(value, scope, "sdk-call", "user", name, ctx, prose=False)
        for key, value in pairs.items():
            if key in _PROMPT_KEYWORDS:
                reason, role = "prompt-keyword", _PROMPT_KEYWORDS[key]
            elif key in self.patterns.keywords:
                reason, role = "configured-keyword", None
            else:
                continue
            ctx = self._call_context(call, name, pairs)
            self.add_value(value, scope, reason, role, name, ctx, prose=True)

    def _fields(
        self,
        call: ast.Call,
        name: str,
        pairs: dict[str, ast.expr],
        scope: _Scope,
        fields: tuple[str, ...],
        role: str,
    ) -> None:
        """Declarative agent-framework fields: each one is prompt text, however short."""
        ctx = self._call_context(call, name, pairs)
        for key in fields:
            if key in pairs:
                self.add_value(
                    pairs[key], scope, "agent-field", role, f"{name}.{key}", ctx, prose=False
                )

    def _template_signals(
        self, call: ast.Call, name: str, last: str, pairs: dict[str, ast.expr], scope: _Scope
    ) -> None:
        if last == "ChatPromptTemplate":
            return  # its messages are read by _mark_message_lists
        receiver = name.rsplit(".", 2)[-2] if "." in name else ""
        role = _TEMPLATE_ROLES.get(receiver) or _TEMPLATE_ROLES.get(last)
        values = [call.args[0]] if call.args else []
        values += [pairs[k] for k in _TEMPLATE_FIELDS if k in pairs]
        style = (
            "jinja" if _const_str(pairs.get("template_format")) in ("jinja2", "jinja") else "format"
        )
        ctx = self._call_context(call, name, pairs)
        for value in values:
            text = self.resolve(value, scope, call.lineno)
            if text is not None:
                text.style = style
                fields = _format_fields(text.text) if style == "format" else None
                if fields is not None and not text.variables:
                    text.variables = fields
            self.add(text, "prompt-template", role, name, ctx)

    def _dict_signals(self, node: ast.Dict, scope: _Scope, pairs: dict[str, ast.expr]) -> None:
        if "role" in pairs and ("content" in pairs or "parts" in pairs):
            ctx = self.list_context.get(id(node))
            content = pairs.get("content") or pairs["parts"]
            role, owner = _role_of(pairs["role"]), ctx.owner if ctx else None
            self.add_value(content, scope, "message-dict", role, owner, ctx, prose=False)
            return
        ctx = self.context(node, "dict", pairs) if "model" in pairs else None
        for key, value in pairs.items():
            reason = self._name_reason(key)
            if reason and key not in self.interactive_names:
                text = self.resolve(value, scope, value.lineno)
                if self._named_text_ok(key, reason, text):
                    self.add(text, reason, _name_role(key), key, ctx, prose=True)

    def _llm_context(self) -> bool:
        """Does this file visibly work with a model?"""
        if self._llm is None:
            self._llm = (
                any(f.priority == _USAGE_PRIORITY for f in self.found.values())
                or any(w in self.path.lower() for w in ("prompt", "llm", "agent"))
                or mentions_llm(self.text)
            )
        return self._llm

    def _named_text_ok(self, name: str, reason: str, text: _Text | None) -> bool:
        """Names that only say template / system / instructions are common far from LLMs
        (error-message templates, code templates, UI help): there the text must open like a
        prompt unless the file visibly works with a model. Names saying "prompt" suffice."""
        if text is None or reason != "prompt-name":
            return text is not None
        if name_says_prompt(name):
            return True
        return self._llm_context() or opens_like_prompt(text.text)

    def _name_reason(self, name: str) -> str | None:
        if is_prompt_name(name):
            return "prompt-name"
        if any(p.search(name) for p in self.patterns.names):
            return "configured-name"
        return None

    def _name_signal(self, target: ast.expr, value: ast.expr, scope: _Scope) -> None:
        if isinstance(target, ast.Name):
            name, label = target.id, target.id
            if scope.kind == "class":
                label = f"{scope.name}.{name}"
        elif isinstance(target, ast.Attribute):
            name, label = target.attr, dotted_name(target)
        else:
            return
        reason = self._name_reason(name)
        if reason is None or name in self.interactive_names:
            return
        if isinstance(target, ast.Name) and scope.kind == "function":
            # The value as finally built: later `+=` / appends to the same name count.
            later = [
                b.line
                for b in scope.bindings.get(name, [])
                if b.op == "=" and b.line > target.lineno
            ]
            text = self._resolve_name(name, scope, later[0] if later else 1 << 30, 0)
        else:
            text = self.resolve(value, scope, target.lineno)
        if text is not None and not text.builder:
            text.owner = label
        if self._named_text_ok(name, reason, text):
            self.add(text, reason, _name_role(name), label, None, prose=True)

    def _builder_names(self) -> None:
        """Functions named like prompts (``build_prompt``, ``system_prompt``) that return text."""
        for scope in (self.module, *self.classes.values()):
            for fname, fn in scope.functions.items():
                reason = self._name_reason(fname)
                if reason is None:
                    continue
                label = fname if scope.kind == "module" else f"{scope.name}.{fname}"
                text = self._function_text(fn, self.function_scopes[id(fn)], label, 0)
                # Only the name says it is a prompt: ask for a sentence, not a fragment.
                if text is None or not looks_like_prose(text.text, min_words=3):
                    continue
                if self._named_text_ok(fname, reason, text):
                    self.add(text, "prompt-builder", _name_role(fname), label, None)

    # results --------------------------------------------------------------------------------

    def prompts(self, calls_per_day: dict[int, float]) -> list[Prompt]:
        out: list[Prompt] = []
        for key in sorted(self.found):
            f = self.found[key]
            t = f.text
            ctx = f.context
            style, variables = _style(t, f.owner, self.formatted_names, self.percent_names)
            per_day = None
            for line in (key[0], key[0] - 1, *((ctx.line, ctx.line - 1) if ctx else ())):
                if line in calls_per_day:
                    per_day = calls_per_day[line]
                    break
            out.append(
                Prompt(
                    path=self.path,
                    kind="python",
                    text=t.text,
                    start_line=key[0],
                    start_col=key[1],
                    end_line=key[2],
                    end_col=key[3],
                    reason=f.reason,
                    source_map=SourceMap(t.segments),
                    role=f.role,
                    owner=f.owner,
                    variables=variables,
                    model=ctx.model if ctx else None,
                    max_output_tokens=ctx.max_output_tokens if ctx else None,
                    call_id=ctx.call_id if ctx else None,
                    calls_per_day=per_day,
                    placeholder_style=style,
                    literals=tuple(t.literals),
                    editable=t.editable,
                )
            )
        return out


def _returns(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.Return]:
    """Return statements of ``fn`` itself (not of nested functions or classes)."""
    stack: list[ast.AST] = list(reversed(fn.body))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return) and node.value is not None:
            yield node
        elif not isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
        ):
            stack.extend(
                reversed([c for c in ast.iter_child_nodes(node) if isinstance(c, ast.stmt)])
            )


# Fields that never hold a node worth visiting, and values with nothing to visit below them.
_SKIP_FIELDS = frozenset({"ctx", "op", "ops", "kind", "type_comment", "returns"})
_NOT_VISITED = frozenset(
    {
        type(None),
        str,
        int,
        ast.Name,
        ast.Constant,
        ast.Load,
        ast.Store,
        ast.Del,
        ast.Pass,
        ast.Import,
        ast.ImportFrom,
        ast.alias,
        ast.arg,
        ast.Break,
        ast.Continue,
        ast.Global,
        ast.Nonlocal,
    }
)
_COMPOUND = frozenset(
    {
        ast.If,
        ast.For,
        ast.AsyncFor,
        ast.While,
        ast.With,
        ast.AsyncWith,
        ast.Try,
        ast.Match,
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.ClassDef,
        *([ast.TryStar] if hasattr(ast, "TryStar") else []),
    }
)


@functools.cache
def _child_fields(cls: type) -> tuple[str, ...]:
    """Fields to visit, last first (the walk pushes them on a stack)."""
    return tuple(reversed([f for f in getattr(cls, "_fields", ()) if f not in _SKIP_FIELDS]))


def _has_messages(node: ast.List) -> bool:
    for item in node.elts:
        if isinstance(item, ast.Dict) and any(_const_str(k) == "role" for k in item.keys):
            return True
        if (
            isinstance(item, ast.Call)
            and dotted_name(item.func).rsplit(".", 1)[-1] in _MESSAGE_CLASSES
        ):
            return True
    return False


def _dict_pairs(node: ast.Dict) -> dict[str, ast.expr]:
    pairs: dict[str, ast.expr] = {}
    for k, v in zip(node.keys, node.values, strict=True):
        key = _const_str(k)
        if key is not None:
            pairs[key] = v
    return pairs


def _name_role(name: str) -> str | None:
    return "system" if "system" in name.lower() else None


def _style(
    text: _Text, owner: str | None, formatted: set[str], percent: set[str]
) -> tuple[str, tuple[str, ...]]:
    """Placeholder style and variables, from how the text is used or else how it looks."""
    if text.style in ("format", "jinja") and text.variables:
        return text.style, _unique(text.variables)
    if text.style == "percent":
        return "percent", _unique(text.variables)
    name = owner.rsplit(".", 1)[-1] if owner else None
    if name and name in percent:
        fields = [
            m.group(1) or str(i)
            for i, m in enumerate(_PERCENT_FIELD.finditer(text.text))
            if not m.group(0).endswith("%%")
        ]
        return "percent", _unique([*fields, *text.variables])
    fields = _format_fields(text.text)
    if text.style == "jinja" or (not fields and _JINJA_FIELD.search(text.text)):
        names = [m.group(1) for m in _JINJA_FIELD.finditer(text.text) if m.group(1)]
        return "jinja", _unique([*names, *text.variables])
    if text.style == "format" or (name and name in formatted) or fields:
        return "format", _unique([*(fields or []), *text.variables])
    return "none", _unique(text.variables)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building and reading one syntax tree.

    A tree is millions of small objects for a big file; every collection pass walks all of
    them, which made parsing 3-4 times slower. Nothing built here forms reference cycles
    (refcounting frees it all), and the collector's previous state is restored on exit.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# -- entry point -----------------------------------------------------------------------------


def extract(path: str, text: str, config: Config, kind: str = "python") -> ExtractResult:
    """The prompts of one Python file (see the module docstring for the signals)."""
    result = ExtractResult(path)
    patterns = config_patterns(config)
    if not may_hold_prompts(text, patterns):
        return result
    with _gc_paused():
        try:
            with warnings.catch_warnings():
                # The user's invalid escapes are not promptlint's warnings to print.
                warnings.simplefilter("ignore")
                tree = ast.parse(text, filename=path)
        except SyntaxError as exc:
            msg = (exc.msg or "invalid syntax").rstrip(".")
            result.notices.append(
                f"{path}:{exc.lineno or 1}:{exc.offset or 1}: syntax error: {msg}, file skipped"
            )
            return result
        except (ValueError, MemoryError) as exc:
            result.notices.append(f"{path}:1:1: syntax error: {exc}, file skipped")
            return result
        analysis = _FileAnalysis(path, text, tree, patterns)
        analysis.run()
        del tree
    directives: list[Directive] = []
    per_day: dict[int, float] = {}
    if "promptlint:" in text:
        directives, per_day = read_comments(text, analysis.statements)
    result.prompts = analysis.prompts(per_day)
    result.directives = directives
    result.registry_loads = analysis.registry_loads()
    return result
