"""``promptlint rules`` (the catalogue) and ``promptlint explain CODE`` (one rule's page)."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import click

from promptlint.commands.common import (
    UserError,
    config_options,
    get_config,
    handle_errors,
    split_codes,
)

if TYPE_CHECKING:
    from promptlint.rulepack import Rule

_FIX_NOTES = {
    "safe": "safe: `promptlint fix` applies it; the meaning of the prompt does not change.",
    "unsafe": "unsafe: applied only with `promptlint fix --unsafe-fixes`; review the result.",
    "display-only": "display-only: the suggested change is shown, never applied.",
    "none": "none: the rule proposes no automatic change.",
}


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Only rules whose code starts with one of these (comma-separated).",
)
@config_options
@handle_errors
def rules(
    fmt: str, select: tuple[str, ...], config_file: str | None, quiet: bool, verbose: int
) -> None:
    """List every rule: code, name, default severity and whether it is fixable."""
    from promptlint.rulepack import load_rules

    config = get_config(config_file, ())
    prefixes = [c.upper() for c in split_codes(select)]
    chosen = [
        r for r in load_rules(config) if not prefixes or any(r.code.startswith(p) for p in prefixes)
    ]
    if fmt == "json":
        import json

        click.echo(
            json.dumps(
                [
                    {
                        "code": r.code,
                        "name": r.name,
                        "type": r.type,
                        "severity": str(r.severity),
                        "fix": r.doc.fix,
                        "fixable": r.fixable,
                        "pack": r.pack,
                        "summary": r.doc.summary,
                    }
                    for r in chosen
                ],
                indent=2,
            )
        )
        return
    rows = [
        (r.code, r.name, str(r.severity), r.doc.fix if r.fixable else "-", r.pack) for r in chosen
    ]
    header = ("CODE", "NAME", "SEVERITY", "FIX", "PACK")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    if not quiet:
        click.echo(
            f"\n{len(rows)} rules. `promptlint explain CODE` shows one rule's documentation."
        )


@click.command()
@click.argument("code")
@config_options
@handle_errors
def explain(code: str, config_file: str | None, quiet: bool, verbose: int) -> None:
    """Print the documentation of rule CODE (a code like EFF001 or a rule name)."""
    from promptlint.rulepack import load_rules

    ruleset = load_rules(get_config(config_file, ()))
    wanted = code.strip()
    rule = ruleset.get(wanted.upper()) or next(
        (r for r in ruleset if r.name == wanted.lower()), None
    )
    if rule is None:
        close = ruleset.closest(wanted)
        hint = f" (closest: {close})" if close else ""
        raise UserError(f"unknown rule '{code}'{hint}; `promptlint rules` lists them all")
    click.echo(render_rule_page(rule))


def _origin(source: str) -> str:
    """'built in' for the shipped packs, else the pack file as configured."""
    from pathlib import Path

    from promptlint.resources import rules_dir

    return "built in" if Path(source).parent == rules_dir() else source


def render_rule_page(rule: Rule) -> str:
    """A rule's documentation as text, in the spirit of ruff's rule pages."""
    doc = rule.doc

    def para(text: str) -> str:
        return "\n\n".join(
            textwrap.fill(
                " ".join(p.split()), width=88, initial_indent="  ", subsequent_indent="  "
            )
            for p in text.split("\n\n")
            if p.strip()
        )

    def block(text: str) -> str:
        return textwrap.indent(text.rstrip("\n"), "    ")

    return "\n".join(
        [
            f"{rule.code} {rule.name}",
            f"Pack: {rule.pack} ({_origin(rule.source)}) · type: {rule.type} · "
            f"default severity: {rule.severity}",
            "",
            "What it does",
            para(doc.what),
            "",
            "Why it matters",
            para(doc.why),
            "",
            "Example",
            block(doc.example),
            "",
            "Better",
            block(doc.better),
            "",
            "Fix",
            para(_FIX_NOTES[doc.fix]),
        ]
    )
