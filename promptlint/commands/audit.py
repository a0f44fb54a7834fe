"""``promptlint audit``: the prompt inventory, its cost, waste, risks and ownership.

A report, not a gate: exit 0 whatever it finds; 2 on a usage or configuration error.
"""

from __future__ import annotations

import shutil
import sys
import threading
from collections.abc import Callable
from typing import Any

import click

from promptlint.commands.common import (
    EXIT_CLEAN,
    UserError,
    cache_option,
    config_options,
    get_config,
    handle_errors,
    notice,
    open_cache,
)

FORMATS = ("text", "markdown", "json", "html")
STAGE_LABELS = {"files": "Reading files", "checks": "Checking prompts", "calls": "Costing calls"}


class TerminalProgress:
    """A rich progress bar on stderr. It appears only when the run is still going after
    ``delay`` seconds (short runs print nothing) and is erased when the run ends."""

    def __init__(self, delay: float = 0.5) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._timer = threading.Timer(delay, self._progress.start)
        self._timer.daemon = True
        self._timer.start()

    def stage(self, name: str) -> Callable[[int, int], None]:
        task = self._progress.add_task(STAGE_LABELS.get(name, name), total=None)

        def update(done: int, total: int) -> None:
            self._progress.update(task, completed=done, total=max(total, 1))

        return update

    def close(self) -> None:
        self._timer.cancel()
        self._timer.join()
        self._progress.stop()


def render(doc: dict[str, Any], fmt: str, *, color: bool = False, width: int = 120) -> str:
    if fmt == "json":
        import json

        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        from promptlint.report.audit_markdown import render as markdown

        return markdown(doc)
    if fmt == "html":
        from promptlint.report.html import render as html

        return html(doc)
    from promptlint.report.audit_text import render as text

    return text(doc, color=color, width=width)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Report format (all render the same audit document).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Write the report to FILE (atomically) instead of standard output.",
)
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes.")
@cache_option
@config_options
@handle_errors
def audit(
    paths: tuple[str, ...],
    fmt: str,
    out: str | None,
    jobs: int | None,
    no_cache: bool,
    config_file: str | None,
    quiet: bool,
    verbose: int,
) -> None:
    """Audit the prompts in PATHS: inventory, cost, waste, tiers, PII, duplicates and
    registry coverage, by team and by use case."""
    from promptlint.audit import run_audit

    config = get_config(config_file, paths)
    progress = TerminalProgress() if sys.stderr.isatty() and not quiet else None
    try:
        doc = run_audit(
            paths or (".",),
            config,
            jobs=jobs,
            stages=progress.stage if progress else None,
            cache=open_cache(config, no_cache),
        )
    finally:
        if progress:
            progress.close()
    to_terminal = out is None and sys.stdout.isatty()
    # Files and pipes get a fixed width wide enough for every table's numbers.
    width = shutil.get_terminal_size().columns if to_terminal else 150
    text = render(doc, fmt, color=to_terminal, width=max(width, 80))
    if out:
        from promptlint.atomic import write_atomic

        try:
            write_atomic(out, text.encode("utf-8"))
        except OSError as exc:
            raise UserError(f"cannot write {out}: {exc.strerror or exc}") from None
        if not quiet:
            click.echo(f"Wrote the {fmt} audit of {doc['summary']['prompts']:,} prompts to {out}")
    else:
        click.echo(text, nl=False)
    notices = doc.get("notices", [])
    if verbose:
        for line in notices:
            notice(line, quiet)
    elif notices:
        word = "notice" if len(notices) == 1 else "notices"
        notice(f"{len(notices):,} {word} about skipped or unreadable input (-v lists them)", quiet)
    sys.exit(EXIT_CLEAN)
