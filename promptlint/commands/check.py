"""``promptlint check``: lint the prompts in PATHS.

Exit codes: 0 clean, 1 a finding at or above ``fail-on`` (unless --exit-zero), 2 usage or
configuration error.
"""

from __future__ import annotations

import click

from promptlint.commands.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    UserError,
    cache_option,
    config_options,
    get_config,
    handle_errors,
    jobs_option,
    notice,
    open_cache,
    selection_options,
    split_codes,
    write_output,
)
from promptlint.report import FORMATS


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="text",
    show_default=True,
    help="Output format.",
)
@selection_options
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings fail the run.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the report to FILE instead of standard output.",
)
@jobs_option
@click.option(
    "--show-values",
    is_flag=True,
    help="Also print found PII/secret values in clear (interactive terminal only; "
    "refused when CI is set).",
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Report only findings not recorded in FILE (see `promptlint baseline`).",
)
@click.option(
    "--diff-base",
    metavar="REF",
    help="Report only findings of prompts new or changed since git revision REF.",
)
@click.option(
    "--statistics",
    is_flag=True,
    help="Print how many findings each rule produced (text, json or markdown).",
)
@cache_option
@config_options
@handle_errors
def check(
    paths: tuple[str, ...],
    fmt: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    exit_zero: bool,
    output: str | None,
    jobs: int | None,
    show_values: bool,
    baseline_file: str | None,
    diff_base: str | None,
    statistics: bool,
    no_cache: bool,
    config_file: str | None,
    quiet: bool,
    verbose: int,
) -> None:
    """Lint the prompts in PATHS (default: the current directory)."""
    import sys

    from promptlint.engine import run_check
    from promptlint.models import Severity
    from promptlint.report import ReportContext, renderer
    from promptlint.rulepack import load_rules

    reveal = False
    if show_values:
        from promptlint.commands.reveal import may_reveal

        reveal, why_not = may_reveal(output, fmt)
        if why_not:
            notice(why_not, quiet)
    config = get_config(config_file, paths)
    rules = load_rules(config)
    run = run_check(
        paths or (".",),
        config,
        select=split_codes(select),
        ignore=split_codes(ignore),
        jobs=jobs,
        rules=rules,
        cache=open_cache(config, no_cache),
    )
    if baseline_file:  # before --diff-base: fingerprints count all of a file's findings
        from promptlint import baseline as store

        try:
            run = store.apply(run, store.read(baseline_file), config.root)
        except store.BaselineError as exc:
            raise UserError(str(exc)) from None
    if diff_base:
        from promptlint import gitdiff, prdiff

        try:
            run, hidden = prdiff.restrict_to_changed(run, diff_base, config)
        except gitdiff.GitError as exc:
            raise UserError(str(exc)) from None
        if hidden:
            notice(f"{hidden:,} findings in prompts unchanged since {diff_base} not shown", quiet)
    if statistics:
        from promptlint.report import statistics as stats

        if fmt not in stats.STATISTICS_FORMATS:
            raise UserError("--statistics prints text, json or markdown")
        text = stats.render(run.findings, fmt)
    else:
        text = renderer(fmt)(run, ReportContext(config, rules, verbose, quiet))
    if output:
        write_output(output, text)
    elif text:
        click.echo(text, nl=False)
    if reveal:
        from promptlint.commands.reveal import revealed_values

        for line in revealed_values(run.findings):
            click.echo(line)
    for skip in run.skipped:
        notice(f"{skip.path}: {skip.reason}", quiet)
    for line in run.notices:
        notice(line, quiet)
    fail_on = Severity.parse(config.fail_on)
    failing = any(f.severity >= fail_on for f in run.findings)
    sys.exit(EXIT_FINDINGS if failing and not exit_zero else EXIT_CLEAN)
