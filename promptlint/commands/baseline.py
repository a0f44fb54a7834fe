"""``promptlint baseline``: accept today's findings so that CI fails only on new ones."""

from __future__ import annotations

import os

import click

from promptlint.baseline import DEFAULT_BASELINE
from promptlint.commands.common import (
    UserError,
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
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=DEFAULT_BASELINE,
    show_default=True,
    help="The baseline file to write.",
)
@jobs_option
@cache_option
@config_options
@handle_errors
def baseline(
    paths: tuple[str, ...],
    output: str,
    jobs: int | None,
    no_cache: bool,
    config_file: str | None,
    quiet: bool,
    verbose: int,
) -> None:
    """Record the findings in PATHS (default: .) as a baseline for `check --baseline FILE`.

    The file holds fingerprints only (rule, path, a hash of the evidence), never the evidence;
    it is sorted and has no timestamps, so commit it and let it merge. Run it again after
    fixing findings: fixed ones drop out.
    """
    from promptlint import baseline as store
    from promptlint.engine import run_check
    from promptlint.rulepack import load_rules

    config = get_config(config_file, paths)
    rules = load_rules(config)
    run = run_check(
        paths or (".",), config, jobs=jobs, rules=rules, cache=open_cache(config, no_cache)
    )
    entries = store.entries_for(run.findings, config.root)
    before: set[str] = set()
    if os.path.exists(output):
        try:
            before = {e.fingerprint for e in store.read(output)}
        except store.BaselineError as exc:
            notice(f"promptlint: replacing unreadable baseline ({exc})", quiet)
    try:
        store.write(output, entries)
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror}") from None
    after = {e.fingerprint for e in entries}
    for skip in run.skipped:
        notice(f"{skip.path}: {skip.reason}", quiet)
    notice(
        f"wrote {len(entries)} findings to {output} "
        f"({len(after - before)} new, {len(before - after)} no longer found)",
        quiet,
    )
