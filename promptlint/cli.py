"""The ``promptlint`` command line. Subcommands live in ``promptlint.commands`` and are
imported only when invoked, so ``promptlint --version`` stays fast."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from promptlint import __version__

# name -> ("module:attribute" of the click command, one-line help). The help is kept here so
# that `promptlint --help` lists the commands without importing any of them.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": (
        "promptlint.commands.check:check",
        "Lint prompts for waste, PII, secrets, tiers, copies.",
    ),
    "fix": ("promptlint.commands.fix:fix", "Apply fixes to prompts in place (or show a diff)."),
    "extract": ("promptlint.commands.extract:extract", "List every prompt found (the inventory)."),
    "tokens": ("promptlint.commands.tokens:tokens", "Count tokens of a file or stdin, offline."),
    "tier": ("promptlint.commands.tier:tier", "Explain the model-tier decision for a text."),
    "rules": ("promptlint.commands.rules:rules", "List every rule."),
    "explain": ("promptlint.commands.rules:explain", "Print a rule's documentation."),
    "templates": (
        "promptlint.commands.templates:templates",
        "Manage the versioned template registry.",
    ),
    "baseline": (
        "promptlint.commands.baseline:baseline",
        "Record current findings so only new ones fail.",
    ),
    "diff": (
        "promptlint.commands.diff:diff",
        "Token, cost and finding changes between git revisions.",
    ),
    "audit": (
        "promptlint.commands.audit:audit",
        "Budget and compliance report (text, Markdown, JSON, HTML).",
    ),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module, attr = entry[0].split(":")
        return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][1]) for name in self.list_commands(ctx)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="promptlint")
def cli() -> None:
    """Static analysis for LLM prompts: find, count, lint, fix, route and audit them."""


def main(argv: list[str] | None = None) -> Any:
    """Entry point: click handles usage errors (exit 2); anything else is one line, exit 2."""
    try:
        return cli.main(args=argv, prog_name="promptlint", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("promptlint: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # Output piped into `head` and closed: not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(141)
