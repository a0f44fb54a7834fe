"""Options and error handling shared by the commands."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from promptlint.config import Config, ConfigError, load_config

if TYPE_CHECKING:
    from promptlint.cache import Cache

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UserError(Exception):
    """A problem with the user's input or environment: one line on stderr, exit 2."""


def config_options(func: F) -> F:
    """--config, -q/--quiet and -v/--verbose, shared by every command that reads a tree."""
    func = click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False),
        help="Configuration file (default: the nearest .promptlint.yaml or pyproject.toml).",
    )(func)
    func = click.option("-q", "--quiet", is_flag=True, help="Print only findings / errors.")(func)
    func = click.option("-v", "--verbose", count=True, help="Print skipped files and details.")(
        func
    )
    return func


def selection_options(func: F) -> F:
    """--select and --ignore (comma-separated codes or prefixes; see ``split_codes``)."""
    func = click.option(
        "--ignore",
        multiple=True,
        metavar="CODES",
        help="Skip these codes or prefixes (comma-separated; adds to config ignore).",
    )(func)
    func = click.option(
        "--select",
        multiple=True,
        metavar="CODES",
        help="Only these codes or prefixes (comma-separated; replaces config select).",
    )(func)
    return func


jobs_option = click.option(
    "-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes."
)


cache_option = click.option(
    "--no-cache",
    is_flag=True,
    help="Neither read nor write the cache (cache-dir, default .promptlint_cache/).",
)


def open_cache(config: Config, no_cache: bool) -> Cache | None:
    """The project's cache, unless ``--no-cache`` or it cannot be used here."""
    if no_cache:
        return None
    from promptlint.cache import Cache

    return Cache.open(config)


def split_codes(values: tuple[str, ...]) -> list[str]:
    """``--select EFF,TPL --select SUP001`` -> ["EFF", "TPL", "SUP001"]."""
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


def read_input(file: str) -> str:
    """The UTF-8 text of FILE, or of standard input for '-' (refused on a terminal, where
    the command would otherwise sit waiting)."""
    if file == "-":
        if sys.stdin.isatty():
            raise UserError("give a FILE, or pipe text in and use '-'")
        data = sys.stdin.buffer.read()
    else:
        try:
            with open(file, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise UserError(f"cannot read {file}: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{file}: not valid UTF-8 (byte {exc.start})") from None


def write_output(path: str, text: str) -> None:
    """Write a report to ``path`` (``-o/--output``); a failure is a one-line error."""
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}") from None


def handle_errors(func: F) -> F:
    """Turn expected failures into one line on stderr and exit code 2; never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ConfigError, UserError) as exc:
            click.echo(f"promptlint: error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except SystemExit:
            raise
        except KeyboardInterrupt:
            raise
        except BrokenPipeError:
            raise
        except OSError as exc:
            click.echo(
                f"promptlint: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
                err=True,
            )
            sys.exit(EXIT_USAGE)
        except Exception as exc:  # a bug: still one line, with a pointer to -v for more
            click.echo(f"promptlint: internal error: {type(exc).__name__}: {exc}", err=True)
            if kwargs.get("verbose"):
                import traceback

                traceback.print_exc()
            sys.exit(EXIT_USAGE)

    return wrapper  # type: ignore[return-value]


def get_config(config_file: str | None, paths: tuple[str, ...]) -> Config:
    """The configuration for ``paths``, after checking they exist: a mistyped path must
    fail the run (exit 2) rather than pass CI silently having checked nothing."""
    for path in paths:
        if not os.path.lexists(path):
            raise UserError(f"no such file or directory: {path}")
    return load_config(config_file, paths)


def notice(message: str, quiet: bool = False) -> None:
    if not quiet:
        click.echo(message, err=True)
