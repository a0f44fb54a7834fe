"""Rendering template bodies: jinja2's sandbox, strict undefined, declared and typed variables.

A template may only be rendered with the variables it declares, each of its declared type;
anything else is a one-line ``RenderError`` before Jinja runs. Compiled bodies are cached by
text, so rendering the same version repeatedly costs only the render itself.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from promptlint.registry.errors import RenderError, TemplateFormatError
from promptlint.registry.template import Template, Variable

if TYPE_CHECKING:
    import jinja2
    import jinja2.sandbox


# A template body comes from the repository, so it may be hostile: the sandbox stops attribute
# escapes, these bounds stop bodies that would hang or exhaust memory when rendered.
MAX_SEQUENCE_ITEMS = 1_000_000  # string/list repetition ('a' * n)
MAX_INTEGER_BITS = 100_000  # integer products and powers (about 30,000 digits)
NO_INCLUDES = "templates cannot include other files"


def _too_large(operator: str, left: Any, right: Any) -> bool:
    """Whether ``left <operator> right`` would build an unreasonably large value."""
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, (str, bytes, list, tuple)) and isinstance(times, int):
                return len(seq) * max(times, 0) > MAX_SEQUENCE_ITEMS
        if isinstance(left, int) and isinstance(right, int):
            return abs(left).bit_length() + abs(right).bit_length() > MAX_INTEGER_BITS
        return False
    # '**': only integer powers grow without bound; float powers overflow on their own.
    if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
        return abs(left).bit_length() * right > MAX_INTEGER_BITS
    return False


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.sandbox.SandboxedEnvironment:
    import jinja2
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    class BoundedEnvironment(SandboxedEnvironment):
        intercepted_binops = frozenset(["*", "**"])

        def call_binop(
            self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
        ) -> Any:
            if _too_large(operator, left, right):
                raise jinja2.exceptions.SecurityError(
                    f"the result of {operator!r} would be too large "
                    f"(limits: {MAX_SEQUENCE_ITEMS:,} items, {MAX_INTEGER_BITS:,}-bit integers)"
                )
            return super().call_binop(context, operator, left, right)

    class NoIncludes(jinja2.BaseLoader):
        # Without a loader jinja2 fails with a bare TypeError; this names the actual rule.
        def get_source(
            self, environment: jinja2.Environment, template: str
        ) -> tuple[str, str | None, None]:
            raise jinja2.TemplateNotFound(template, NO_INCLUDES)

    # Prompts are plain text, never HTML: autoescape would corrupt quotes and ampersands.
    return BoundedEnvironment(
        loader=NoIncludes(),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@functools.lru_cache(maxsize=512)
def _compile(body: str) -> jinja2.Template:
    return environment().from_string(body)


def _syntax_error(template: Template, exc: Exception) -> TemplateFormatError:
    line = getattr(exc, "lineno", None)
    where = template.path or template.ref
    if line:
        where = f"{where}:{template.body_line + line - 1}"
    message = getattr(exc, "message", None) or str(exc)
    return TemplateFormatError(f"{where}: invalid Jinja: {message}")


def compile_template(template: Template) -> jinja2.Template:
    import jinja2

    try:
        return _compile(template.body)
    except jinja2.TemplateSyntaxError as exc:
        raise _syntax_error(template, exc) from None


@functools.lru_cache(maxsize=512)
def _referenced(body: str) -> frozenset[str]:
    from jinja2 import meta

    return frozenset(meta.find_undeclared_variables(environment().parse(body)))


def referenced_variables(template: Template) -> frozenset[str]:
    """Names the body reads from its context (Jinja's own parser)."""
    import jinja2

    try:
        return _referenced(template.body)
    except jinja2.TemplateSyntaxError as exc:
        raise _syntax_error(template, exc) from None


def check_declarations(template: Template) -> None:
    """The body must compile and read only declared variables."""
    compile_template(template)
    undeclared = sorted(referenced_variables(template) - set(template.variable_names))
    if undeclared:
        where = template.path or template.ref
        raise TemplateFormatError(
            f"{where}: field 'variables': the body uses undeclared "
            f"variable{'s' if len(undeclared) > 1 else ''} {', '.join(undeclared)}"
        )


def bind(template: Template, values: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``values`` against the declarations and fill in defaults."""
    declared = {v.name: v for v in template.variables}
    extra = sorted(set(values) - set(declared))
    if extra:
        names = ", ".join(declared) or "none"
        raise RenderError(
            f"{template.ref}: undeclared variable {', '.join(repr(e) for e in extra)} "
            f"(declared: {names})"
        )
    bound: dict[str, Any] = {}
    for var in template.variables:
        if var.name in values:
            value = values[var.name]
            if not var.accepts(value):
                raise RenderError(
                    f"{template.ref}: variable '{var.name}' must be {var.type}, "
                    f"got {type(value).__name__}"
                )
            bound[var.name] = value
        elif var.required:
            raise RenderError(f"{template.ref}: missing required variable '{var.name}'")
        else:
            bound[var.name] = var.default
    return bound


def render(template: Template, values: Mapping[str, Any]) -> str:
    import jinja2

    bound = bind(template, values)
    compiled = compile_template(template)
    try:
        return compiled.render(**bound)
    except jinja2.UndefinedError as exc:
        raise RenderError(f"{template.ref}: {exc.message}") from None
    except jinja2.exceptions.SecurityError as exc:
        raise RenderError(f"{template.ref}: blocked by the sandbox: {exc}") from None
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"{template.ref}: {NO_INCLUDES} ({exc.name!r})") from None
    except jinja2.TemplateError as exc:
        raise RenderError(f"{template.ref}: {exc}") from None
    # The body's own expressions can fail like any Python code: sandbox range limits
    # (OverflowError), 1 / 0, wrong operand types, runaway recursive macros.
    except (ArithmeticError, TypeError, ValueError, MemoryError, RecursionError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else ""
        raise RenderError(
            f"{template.ref}: cannot render: {type(exc).__name__}"
            + (f": {detail}" if detail else "")
        ) from None


def coerce(var: Variable, raw: str) -> Any:
    """Turn a command-line string into the variable's declared type."""
    if var.type == "string":
        return raw
    if var.type == "boolean":
        lowered = raw.strip().lower()
        if lowered in ("true", "yes", "1", "on"):
            return True
        if lowered in ("false", "no", "0", "off"):
            return False
        raise RenderError(f"variable '{var.name}' must be boolean (true/false), got {raw!r}")
    if var.type in ("integer", "number"):
        try:
            return int(raw)
        except ValueError:
            pass
        try:
            if var.type == "number":
                return float(raw)
            raise ValueError(raw)
        except ValueError:
            raise RenderError(f"variable '{var.name}' must be {var.type}, got {raw!r}") from None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        raise RenderError(f"variable '{var.name}' must be a JSON {var.type}, got {raw!r}") from None
    if not var.accepts(value):
        raise RenderError(f"variable '{var.name}' must be a JSON {var.type}, got {raw!r}")
    return value
