"""``promptlint tokens``: count tokens of a file or stdin, offline."""

from __future__ import annotations

import click

from promptlint.commands.common import handle_errors, read_input


@click.command()
@click.argument("file", required=False, default="-")
@click.option(
    "--model", "-m", default=None, help="Model whose tokenizer to use (default o200k_base)."
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@handle_errors
def tokens(file: str, model: str | None, as_json: bool) -> None:
    """Count the tokens of FILE (or '-' for standard input)."""
    from promptlint.tokens import count_tokens

    text = read_input(file)
    count = count_tokens(text, model)
    if as_json:
        import json

        click.echo(
            json.dumps(
                {
                    "tokens": count.tokens,
                    "encoding": count.encoding,
                    "estimate": count.estimate,
                    "model": model,
                }
            )
        )
    else:
        est = " (estimate)" if count.estimate else ""
        click.echo(f"{count.tokens} tokens ({count.encoding}{est})")
