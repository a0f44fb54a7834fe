"""``promptlint diff REF [REF2]``: what a change does to the prompts, tokens, cost and findings.

Exit codes: 0 within budget, 1 the budget gate failed (total token growth over
``max-token-growth`` percent, or an added/edited prompt over ``token-budget``), 2 usage error.
"""

from __future__ import annotations

import sys

import click

from promptlint.commands.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    UserError,
    config_options,
    get_config,
    handle_errors,
    write_output,
)

WORKING_TREE = "working tree"


@click.command()
@click.argument("base")
@click.argument("head", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@click.option(
    "--max-token-growth",
    type=click.FloatRange(min=0),
    default=None,
    metavar="PERCENT",
    help="Fail when total prompt tokens grow by more than this (overrides the config).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to FILE.")
@config_options
@handle_errors
def diff(
    base: str,
    head: str | None,
    fmt: str,
    max_token_growth: float | None,
    output: str | None,
    config_file: str | None,
    quiet: bool,
    verbose: int,
) -> None:
    """Compare the prompts at git revision BASE with HEAD (default: the working tree).

    Covers the project folder (where the configuration file is, else the current one):
    per-prompt token and cost change, prompts added and removed, findings added and fixed.
    """
    from promptlint import gitdiff, prdiff
    from promptlint.engine import run_check_on_inventory
    from promptlint.inventory import build_inventory
    from promptlint.rulepack import load_rules

    config = get_config(config_file, ())
    rules = load_rules(config)
    # The project is the configuration's folder (the current one when there is no config).
    try:
        old_inv = gitdiff.inventory_at(base, config, under=config.root)
        if head is None:
            new_inv = build_inventory((config.root,), config)
        else:
            new_inv = gitdiff.inventory_at(head, config, under=config.root)
    except gitdiff.GitError as exc:
        raise UserError(str(exc)) from None
    old_run = run_check_on_inventory(old_inv, config, rules=rules)
    new_run = run_check_on_inventory(new_inv, config, rules=rules)
    report = prdiff.compare(
        old_run,
        new_run,
        config,
        base=base,
        head=head or WORKING_TREE,
        max_growth=max_token_growth,
    )
    text = prdiff.render(report, fmt)
    if output:
        write_output(output, text if text.endswith("\n") else text + "\n")
    else:
        click.echo(text.rstrip("\n"))
    sys.exit(EXIT_FINDINGS if report.gate_failures else EXIT_CLEAN)
