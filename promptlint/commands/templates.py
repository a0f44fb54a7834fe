"""``promptlint templates``: manage the versioned prompt-template registry."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from promptlint.commands.common import (
    EXIT_FINDINGS,
    UserError,
    get_config,
    handle_errors,
    notice,
)

if TYPE_CHECKING:
    from promptlint.config import Config
    from promptlint.models import Finding
    from promptlint.registry import Registry, Template

_README = """\
# Prompt templates

Managed with `promptlint templates` (see `promptlint templates --help`). Each folder is a
template; `X.Y.Z.prompt` files are published versions and never change; `draft.prompt` is
the next version; `template.lock` records each version's SHA-256 and the labels.
"""
_SKELETON = """\
Describe the task in one or two sentences.

<input>
{{ input }}
</input>
"""


@dataclass(frozen=True, slots=True)
class Session:
    registry: Registry
    config: Config


def _session(ctx: click.Context) -> Session:
    return ctx.find_object(Session)  # type: ignore[return-value]


def _registry_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Registry errors are user errors: one line, exit 2 (via handle_errors)."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from promptlint.registry import RegistryError

        try:
            return func(*args, **kwargs)
        except RegistryError as exc:
            raise UserError(str(exc)) from None

    return handle_errors(wrapper)


def _split_spec(spec: str) -> tuple[str, str | None]:
    from promptlint.registry.api import TemplateSpec

    parsed = TemplateSpec.parse(spec)
    if parsed.package:
        raise UserError(f"{spec}: package templates are read-only here; use the runtime API")
    return parsed.name, parsed.version


def _get(session: Session, spec: str) -> Template:
    name, version = _split_spec(spec)
    return session.registry.get(name, version, allow_draft=True)


@click.group()
@click.option(
    "--registry",
    "registry_dir",
    type=click.Path(file_okay=False),
    help="Registry folder (default: registry.path of the configuration, 'templates/').",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="Configuration file (default: the nearest one).",
)
@click.pass_context
@handle_errors
def templates(ctx: click.Context, registry_dir: str | None, config_file: str | None) -> None:
    """Manage the versioned prompt-template registry (templates/ by default)."""
    from promptlint.discover import display_path
    from promptlint.registry import Registry

    config = get_config(config_file, ())
    path = Path(registry_dir) if registry_dir else Path(config.root) / config.registry.path
    ctx.obj = Session(Registry(Path(display_path(path))), config)


@templates.command()
@click.pass_context
@_registry_errors
def init(ctx: click.Context) -> None:
    """Create the registry folder."""
    registry = _session(ctx).registry
    from promptlint.atomic import write_atomic

    existed = registry.path.is_dir()
    registry.path.mkdir(parents=True, exist_ok=True)
    if not (registry.path / "README.md").exists():
        write_atomic(registry.path / "README.md", _README.encode("utf-8"))
    state = "already initialised" if existed else "initialised"
    click.echo(f"{state} {registry.path}")


@templates.command()
@click.argument("name")
@click.option("--description", "-d", default="", help="One-line description.")
@click.pass_context
@_registry_errors
def new(ctx: click.Context, name: str, description: str) -> None:
    """Start a draft of NAME (a copy of its latest version, or a skeleton)."""
    from promptlint.registry import Template, Variable
    from promptlint.registry.store import check_name

    registry = _session(ctx).registry
    check_name(name)
    published = registry.versions(name) if registry.has(name) else []
    if published:
        base = registry.read_version(name, str(published[-1]))
        draft = replace(base, version=None, description=description or base.description)
        origin = f"from {base.version}"
    else:
        draft = Template(
            name=name,
            body=_SKELETON,
            description=description or f"TODO: what {name} does",
            variables=(Variable("input", "string", True, None, "The text to work on."),),
        )
        origin = "from the skeleton"
    path = registry.save_draft(draft)
    click.echo(
        f"created {path} {origin}; edit it, then `promptlint templates publish {name} --minor`"
    )


def _pick_prompt(
    path: str, line: int | None, config: Config
) -> tuple[str, str, tuple[str, ...], int]:
    """(text, placeholder style, variables, start line) of the prompt to lift."""
    from promptlint.extract import extract_text
    from promptlint.filetypes import classify

    try:
        source = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not valid UTF-8") from None
    try:
        rel = Path(path).resolve().relative_to(Path(config.root).resolve()).as_posix()
    except ValueError:
        rel = Path(path).name
    kind = classify(rel, config)
    if kind is None:
        if line is not None:
            raise UserError(f"{path}: not a file promptlint reads prompts from; use --from {path}")
        style = "jinja" if "{{" in source else "format" if "{" in source else "none"
        return source, style, (), 1
    result = extract_text(path, kind, source, config)
    prompts = result.prompts
    if not prompts:
        raise UserError(
            f"{path}: no prompt found" + (f" ({result.notices[0]})" if result.notices else "")
        )
    if line is None:
        if len(prompts) > 1:
            lines = ", ".join(str(p.start_line) for p in prompts[:10])
            raise UserError(
                f"{path} holds {len(prompts)} prompts (lines {lines}); use --from {path}:LINE"
            )
        chosen = prompts[0]
    else:
        covering = [p for p in prompts if p.start_line <= line <= p.end_line]
        if not covering:
            lines = ", ".join(str(p.start_line) for p in prompts[:10])
            raise UserError(
                f"{path}:{line}: no prompt on that line (prompts start at lines {lines})"
            )
        chosen = min(covering, key=lambda p: p.end_line - p.start_line)
    return chosen.text, chosen.placeholder_style, tuple(chosen.variables), chosen.start_line


@templates.command()
@click.argument("name")
@click.option(
    "--from",
    "source",
    required=True,
    metavar="FILE[:LINE]",
    help="The file (and line) holding the prompt to lift.",
)
@click.option("--description", "-d", default="", help="One-line description.")
@click.pass_context
@_registry_errors
def add(ctx: click.Context, name: str, source: str, description: str) -> None:
    """Create a draft of NAME from a prompt found in code or a prompt file."""
    from promptlint.registry import Template
    from promptlint.registry.lift import lift
    from promptlint.registry.store import check_name

    session = _session(ctx)
    check_name(name)
    path, line = source, None
    head, sep, tail = source.rpartition(":")
    if sep and tail.isdigit() and head:
        path, line = head, int(tail)
    text, style, known, start = _pick_prompt(path, line, session.config)
    lifted = lift(text.strip("\n") + "\n", style, known)
    draft = Template(
        name=name,
        body=lifted.body,
        variables=lifted.variables,
        description=description or f"Lifted from {Path(path).as_posix()}:{start}",
    )
    target = session.registry.save_draft(draft)
    names = ", ".join(v.name for v in lifted.variables) or "none"
    click.echo(
        f"created {target} from {path}:{start} (variables: {names}); review it, then "
        f"`promptlint templates publish {name} --major`"
    )


@templates.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@_registry_errors
def list_(ctx: click.Context, as_json: bool) -> None:
    """List the templates with their latest version, labels and draft state."""
    from promptlint.registry import RegistryError

    registry = _session(ctx).registry
    rows = []
    for name in registry.names():
        lock = registry.lock(name)
        versions = [str(v) for v in lock.sorted_versions()]
        draft = (registry.path / name / "draft.prompt").is_file()
        description = ""
        if versions:
            try:
                description = registry.read_version(name, versions[-1]).description
            except RegistryError as exc:  # keep listing; `verify` explains the problem
                description = f"(broken: {exc})"
        rows.append(
            {
                "name": name,
                "latest": versions[-1] if versions else None,
                "versions": versions,
                "labels": dict(sorted(lock.labels.items())),
                "draft": draft,
                "description": description,
            }
        )
    if as_json:
        click.echo(json.dumps({"registry": str(registry.path), "templates": rows}, indent=2))
        return
    if not rows:
        click.echo(f"no templates in {registry.path}")
        return
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        labels = " ".join(f"{k}={v}" for k, v in r["labels"].items())
        latest = r["latest"] or "-"
        extra = "  [draft]" if r["draft"] else ""
        click.echo(
            f"{r['name']:<{width}}  {latest:<8}  {r['description']}{extra}"
            + (f"  ({labels})" if labels else "")
        )


@templates.command()
@click.argument("spec", metavar="NAME[@VERSION|@RANGE|@LABEL|@draft]")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@_registry_errors
def show(ctx: click.Context, spec: str, as_json: bool) -> None:
    """Show a template version: its metadata, variables and body."""
    from promptlint.registry.store import describe

    template = _get(_session(ctx), spec)
    if as_json:
        click.echo(json.dumps({**describe(template), "body": template.body}, indent=2))
        return
    click.echo(f"{template.ref}  {template.description}")
    for key in ("model", "tier", "owner", "team", "use_case"):
        value = getattr(template, key)
        if value:
            click.echo(f"  {key}: {value}")
    if template.tags:
        click.echo(f"  tags: {', '.join(template.tags)}")
    click.echo(f"  tokens: {template.tokens()}")
    for var in template.variables:
        need = "required" if var.required else f"default {var.default!r}"
        desc = f" - {var.description}" if var.description else ""
        click.echo(f"  var {var.name}: {var.type} ({need}){desc}")
    click.echo("")
    click.echo(template.body, nl=not template.body.endswith("\n"))


def _read_vars_file(path: str) -> dict[str, Any]:
    from promptlint.yamlsafe import YamlError, load_yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = load_yaml(text, "variables file") if text.strip() else {}
    except YamlError as exc:
        raise UserError(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of variable names to values")
    return {str(k): v for k, v in data.items()}


@templates.command()
@click.argument("spec", metavar="NAME@SPEC")
@click.option(
    "--var",
    "pairs",
    multiple=True,
    metavar="KEY=VALUE",
    help="A variable (converted to its declared type). Repeatable.",
)
@click.option(
    "--vars-file",
    type=click.Path(dir_okay=False),
    help="JSON or YAML mapping of variables (values keep their types).",
)
@click.pass_context
@_registry_errors
def render(ctx: click.Context, spec: str, pairs: tuple[str, ...], vars_file: str | None) -> None:
    """Render a template with variables (sandboxed Jinja, strict variables)."""
    from promptlint.registry.render import coerce

    template = _get(_session(ctx), spec)
    values: dict[str, Any] = _read_vars_file(vars_file) if vars_file else {}
    declared = {v.name: v for v in template.variables}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise UserError(f"--var {pair!r}: expected KEY=VALUE")
        if key not in declared:
            names = ", ".join(declared) or "none"
            raise UserError(f"{template.ref}: undeclared variable '{key}' (declared: {names})")
        values[key] = coerce(declared[key], raw)
    click.echo(template.render(**values), nl=False)


@templates.command()
@click.argument("old", metavar="NAME@A")
@click.argument("new", metavar="NAME@B")
@click.pass_context
@_registry_errors
def diff(ctx: click.Context, old: str, new: str) -> None:
    """Unified diff between two versions, with the token delta."""
    import difflib

    from promptlint.registry.template import serialize

    session = _session(ctx)
    a, b = _get(session, old), _get(session, new)
    lines = difflib.unified_diff(
        serialize(a).splitlines(keepends=True),
        serialize(b).splitlines(keepends=True),
        fromfile=a.ref,
        tofile=b.ref,
    )
    out = "".join(lines)
    if out:
        click.echo(out, nl=not out.endswith("\n"))
    before, after = a.tokens(), b.tokens()
    delta = after - before
    pct = f" ({delta / before:+.1%})" if before else ""
    click.echo(f"tokens: {before} -> {after} ({delta:+d}){pct}")


@templates.command()
@click.argument("name")
@click.option("--major", "part", flag_value="major", help="Incompatible change (variables).")
@click.option("--minor", "part", flag_value="minor", help="Compatible improvement.")
@click.option("--patch", "part", flag_value="patch", help="Wording fix.")
@click.pass_context
@_registry_errors
def publish(ctx: click.Context, name: str, part: str | None) -> None:
    """Publish the draft of NAME as its next immutable version."""
    if part is None:
        raise UserError("say which part to bump: --major, --minor or --patch")
    template = _session(ctx).registry.publish(name, part)
    click.echo(f"published {template.ref} ({template.sha256[:19]}...)")


@templates.command()
@click.argument("spec", metavar="NAME@VERSION")
@click.argument("label")
@click.pass_context
@_registry_errors
def label(ctx: click.Context, spec: str, label: str) -> None:
    """Point LABEL (production, staging...) at a published version."""
    name, version = _split_spec(spec)
    if version is None:
        raise UserError(f"{spec}: name the version to label, e.g. {name}@1.2.0")
    resolved = _session(ctx).registry.set_label(name, version, label)
    click.echo(f"{name}@{label} -> {resolved}")


def _lint(session: Session) -> list[Finding] | None:
    """Findings of the rules engine over the registry folder; None when this build has none."""
    import importlib.util

    if importlib.util.find_spec("promptlint.engine") is None:
        return None
    from promptlint.engine import run_check

    return list(run_check([str(session.registry.path)], session.config).findings)


def _finding_line(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}:{finding.col}: {finding.code} [{finding.severity}] {finding.message}"


def _require_registry(session: Session) -> None:
    if not session.registry.path.is_dir():
        raise UserError(
            f"{session.registry.path}: no registry here (run `promptlint templates init`)"
        )


@templates.command()
@click.pass_context
@_registry_errors
def verify(ctx: click.Context) -> None:
    """Check locks, labels and lint errors; exit 1 on any problem."""
    from promptlint.models import Severity

    session = _session(ctx)
    _require_registry(session)
    problems = session.registry.verify()
    findings = _lint(session)
    if findings is not None:
        problems.extend(_finding_line(f) for f in findings if f.severity >= Severity.ERROR)
    for line in problems:
        click.echo(line)
    count = len(session.registry.names())
    if problems:
        click.echo(f"{len(problems)} problem(s) in {count} template(s)", err=True)
        sys.exit(EXIT_FINDINGS)
    lint_note = "" if findings is not None else " (no rules engine in this build: lint skipped)"
    click.echo(f"{count} template(s) verified{lint_note}")


@templates.command()
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default="warning",
    show_default=True,
    help="Exit 1 when a finding is at least this severe.",
)
@click.pass_context
@_registry_errors
def lint(ctx: click.Context, fail_on: str) -> None:
    """Run the linter over the registry's templates."""
    from promptlint.models import Severity

    session = _session(ctx)
    _require_registry(session)
    findings = _lint(session)
    if findings is None:
        raise UserError("this build has no rules engine; `promptlint templates lint` needs it")
    for finding in findings:
        click.echo(_finding_line(finding))
    notice(f"{len(findings)} finding(s) in {session.registry.path}")
    floor = Severity.parse(fail_on)
    if any(f.severity >= floor for f in findings):
        sys.exit(EXIT_FINDINGS)
