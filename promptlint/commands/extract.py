"""``promptlint extract``: the prompt inventory."""

from __future__ import annotations

import click

from promptlint.commands.common import (
    cache_option,
    config_options,
    get_config,
    handle_errors,
    jobs_option,
    notice,
    open_cache,
)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@jobs_option
@cache_option
@config_options
@handle_errors
def extract(
    paths: tuple[str, ...],
    fmt: str,
    jobs: int | None,
    no_cache: bool,
    config_file: str | None,
    quiet: bool,
    verbose: int,
) -> None:
    """List every prompt found in PATHS (default: the current directory)."""
    from promptlint.cost import call_fields
    from promptlint.inventory import build_inventory
    from promptlint.report import extract as report
    from promptlint.tokens import TokenCounter

    config = get_config(config_file, paths)
    cache = open_cache(config, no_cache)
    inv = build_inventory(paths or (".",), config, jobs=jobs, cache=cache)
    counter = TokenCounter(config.model, store=cache)
    tiers = call_fields(inv.prompts, config, counter)
    records = [
        report.prompt_record(p, counter, config.model, config.pii, tier_info=t)
        for p, t in zip(inv.prompts, tiers, strict=True)
    ]
    if cache is not None:
        cache.flush()  # the token counts
    if fmt == "json":
        click.echo(report.to_json(records, inv.skipped))
    else:
        click.echo(report.to_text(records))
    for skip in inv.skipped:
        notice(f"{skip.path}: {skip.reason}", quiet)
    for line in inv.notices:
        notice(line, quiet)
