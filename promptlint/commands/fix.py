"""``promptlint fix``: apply the fixes of the findings in PATHS, in place.

Exit codes: 0 when nothing at or above ``fail-on`` remains (with --diff: when there is
nothing to change), 1 otherwise or when a file had to be left untouched, 2 usage or
configuration error.
"""

from __future__ import annotations

import sys

import click

from promptlint.commands.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    cache_option,
    config_options,
    get_config,
    handle_errors,
    jobs_option,
    notice,
    open_cache,
    selection_options,
    split_codes,
)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Print a unified diff of the fixes instead of writing them.",
)
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes marked unsafe.")
@selection_options
@jobs_option
@cache_option
@config_options
@handle_errors
def fix(
    paths: tuple[str, ...],
    show_diff: bool,
    unsafe_fixes: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    jobs: int | None,
    no_cache: bool,
    config_file: str | None,
    quiet: bool,
    verbose: int,
) -> None:
    """Apply safe fixes to the prompts in PATHS (default: the current directory)."""
    from promptlint.fix.runner import run_fix
    from promptlint.models import FixSafety, Severity

    config = get_config(config_file, paths)
    report = run_fix(
        paths or (".",),
        config,
        select=split_codes(select),
        ignore=split_codes(ignore),
        unsafe=unsafe_fixes,
        write=not show_diff,
        jobs=jobs,
        # --diff promises to write nothing, the cache folder included.
        cache=open_cache(config, no_cache or show_diff),
    )
    final = report.final
    for skip in final.skipped:
        notice(f"{skip.path}: {skip.reason}", quiet)
    for line in final.notices:
        notice(line, quiet)
    for line in report.notices:
        click.echo(line, err=True)  # a file left untouched is never silent

    if show_diff:
        for entry in report.files:
            click.echo(entry.diff, nl=False)
    elif not quiet:
        for entry in report.files:
            click.echo(
                f"{entry.path}: fixed {_plural(entry.fixes, 'finding')}, "
                f"{_plural(entry.tokens_saved, 'token')} saved"
            )
    if verbose:
        for item in report.not_applied:
            f = item.finding
            click.echo(
                f"{f.path}:{f.line}:{f.col}: {f.code} fix not applied: {item.reason}", err=True
            )

    fail_on = Severity.parse(config.fail_on)
    remaining = [f for f in final.findings if f.severity >= fail_on]
    if not quiet:
        verb = "Would fix" if show_diff else "Fixed"
        summary = (
            f"{verb} {_plural(report.fixes, 'finding')} in "
            f"{_plural(len(report.files), 'file')}; "
            f"{_plural(report.tokens_saved, 'token')} "
            f"{'would be ' if show_diff else ''}saved."
        )
        if not show_diff:
            unsafe = sum(
                1
                for f in final.findings
                if f.fix and f.fix.edits and f.fix.safety is FixSafety.UNSAFE
            )
            left = len(final.findings)
            summary += f" {_plural(left, 'finding')} remain{'s' if left == 1 else ''}"
            summary += (
                f" ({unsafe:,} fixable with --unsafe-fixes)."
                if unsafe and not unsafe_fixes
                else "."
            )
        click.echo(summary, err=show_diff)
    # Like ruff: with --diff, "there is something to fix" fails the run.
    failed = bool(report.files) if show_diff else bool(remaining) or report.untouched > 0
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)
