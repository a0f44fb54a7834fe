"""The ``promptlint`` command line. Subcommands live in ``promptlint.commands`` and are
imported only when invoked, so ``promptlint --version`` stays fast."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from promptlint import __version__

# name -> "module:attribute" of the click command
COMMANDS = {
    "check": "promptlint.commands.check:check",
    "fix": "promptlint.commands.fix:fix",
    "extract": "promptlint.commands.extract:extract",
    "tokens": "promptlint.commands.tokens:tokens",
    "tier": "promptlint.commands.tier:tier",
    "rules": "promptlint.commands.rules:rules",
    "explain": "promptlint.commands.rules:explain",
    "templates": "promptlint.commands.templates:templates",
    "baseline": "promptlint.commands.baseline:baseline",
    "diff": "promptlint.commands.diff:diff",
    "audit": "promptlint.commands.audit:audit",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, target in COMMANDS.items() if _available(target))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None or not _available(target):
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]


def _available(target: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(target.split(":")[0]) is not None


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
